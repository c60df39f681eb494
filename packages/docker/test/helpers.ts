import { BinfmtHost, type BinfmtSnapshot, formatStatus } from '@arm64kit/binfmt';
import { requireAll } from '@arm64kit/vitest-config/prerequisites';
import { handlerFor } from '../src/emulation/probe.js';
import { connect, type DockerEngine, RUN_LABEL, setupEmulation } from '../src/index.js';

/** The prefix of every image the tests tag, so cleanup finds exactly theirs. */
export const TEST_REPO = 'arm64kit-test/docker';

export function testTag(what: string): string {
  return `${TEST_REPO}-${what}:${process.pid}`;
}

/** Registers an aarch64 handler (F, P) for a test file under a name of its own. */
export function aarch64Handler(label: string) {
  return setupEmulation({
    arch: 'arm64',
    persistent: true,
    preserveArgv0: true,
    name: `arm64kit-test-docker-${label}-${process.pid}`,
  });
}

export async function runContainers(engine: DockerEngine): Promise<string[]> {
  const list = await engine.docker.listContainers({ all: true, filters: { label: [RUN_LABEL] } });
  return list.map((container) => container.Id);
}

export async function danglingImages(engine: DockerEngine): Promise<string[]> {
  const list = await engine.docker.listImages({ filters: { dangling: ['true'] } });
  return list.map((image) => image.Id).sort();
}

/** Records what the engine had before a test file, to prove the file left nothing behind. */
export async function leftoverWatch(engine: DockerEngine) {
  const dangling = new Set(await danglingImages(engine));
  const containers = new Set(await runContainers(engine));
  return {
    async newDangling(): Promise<string[]> {
      return (await danglingImages(engine)).filter((id) => !dangling.has(id));
    },
    async newContainers(): Promise<string[]> {
      return (await runContainers(engine)).filter((id) => !containers.has(id));
    },
  };
}

export { connect };

/** How many times a development run tries work whose aarch64 handler another process changed meanwhile. */
const ATTEMPTS = 5;

/**
 * The entries that could take an aarch64 program, newest first, each as its name and status
 * text, and the global switch: what decides which handler the kernel hands a container to.
 */
async function aarch64Handlers(host: BinfmtHost): Promise<string[]> {
  const entries = (await host.list()).filter((e) => e.enabled !== false && handlerFor([e], 'aarch64'));
  return [`status ${await host.isEnabled()}`, ...entries.map((e) => `${e.name}\n${formatStatus(e)}`)];
}

/**
 * Runs `work` while the kernel's aarch64 handler is `expected` (undefined: none), and checks
 * that every entry that could take aarch64 programs stayed as it was for the whole of it.
 *
 * A change to an entry of this process (its name ends in `-<pid>`) is the code under test's
 * doing: that fails at once. A change to another process's entries is another test run on a
 * shared development machine: the attempt is logged on stderr and retried, up to 5 times,
 * and it fails when the handler never held. With ARM64KIT_REQUIRE_ALL (CI, where the suites
 * run one at a time) nothing else may touch binfmt_misc, so any retry is a failure.
 */
export async function whileHandlerIs<T>(expected: string | undefined, work: () => Promise<T>): Promise<T> {
  const host = new BinfmtHost();
  const current = async () => handlerFor(await host.list(), 'aarch64')?.name;
  const ours = (line: string) => line.split('\n')[0].endsWith(`-${process.pid}`);
  const attempts = requireAll ? 1 : ATTEMPTS;
  const seen: string[] = [];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    // 10 s a try, so that five tries end before the test's own timeout (60 s).
    for (let i = 0; i < 50 && (await current()) !== expected; i++)
      await new Promise((r) => setTimeout(r, 200));
    const handler = await current();
    if (handler !== expected) {
      seen.push(`attempt ${attempt}: the aarch64 handler is ${handler ?? 'none'} after 10 s of waiting`);
    } else {
      const before = await aarch64Handlers(host);
      const outcome = await work().then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      const after = await aarch64Handlers(host);
      const changed = [
        ...before.filter((l) => !after.includes(l)),
        ...after.filter((l) => !before.includes(l)),
      ];
      if (changed.length === 0) {
        if (!outcome.ok) throw outcome.error;
        return outcome.value;
      }
      const names = [...new Set(changed.map((l) => l.split('\n')[0]))].join(', ');
      if (changed.some(ours)) {
        throw new Error(`the work itself changed this process's aarch64 handlers (${names})`);
      }
      seen.push(`attempt ${attempt}: another process changed aarch64 handlers meanwhile (${names})`);
    }
    if (requireAll) {
      throw new Error(
        `aarch64 handler not held with ARM64KIT_REQUIRE_ALL=1, where a retry is a failure: ${seen.at(-1)}`,
      );
    }
    process.stderr.write(`whileHandlerIs(${expected ?? 'none'}): retrying, ${seen.at(-1)}\n`);
  }
  throw new Error(
    `the aarch64 handler never held as ${expected ?? 'none'} for a whole attempt:\n${seen.join('\n')}`,
  );
}

/**
 * Other handlers for aarch64 on this kernel (another test run, a user's qemu-aarch64)
 * would answer instead of the one a test sets up: wait for them to go, and if they stay,
 * disable them for the test and put them back exactly afterwards.
 */
export async function withoutForeignAarch64<T>(work: () => Promise<T>): Promise<T> {
  const foreign = async () =>
    (await new BinfmtHost().list())
      .filter((e) => e.enabled !== false && handlerFor([e], 'aarch64'))
      .map((e) => e.name);
  for (let i = 0; i < 30 && (await foreign()).length > 0; i++) await new Promise((r) => setTimeout(r, 1000));
  const names = await foreign();
  if (names.length === 0) return work();
  const host = new BinfmtHost();
  const snapshot: BinfmtSnapshot = await host.snapshot({ names });
  try {
    for (const entry of names) await host.disable(entry);
    return await work();
  } finally {
    await host.restore(snapshot);
  }
}
