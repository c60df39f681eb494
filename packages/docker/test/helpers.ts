import { BinfmtHost, type BinfmtSnapshot } from '@arm64kit/binfmt';
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

/**
 * Runs `work` while the kernel's aarch64 handler is `expected` (undefined: none), and
 * again when another process changed the handlers meanwhile: on a shared development
 * machine other test runs register aarch64 handlers of their own for a moment. In CI
 * nothing else runs, and the first attempt counts. Failures are retried the same way.
 */
export async function whileHandlerIs<T>(expected: string | undefined, work: () => Promise<T>): Promise<T> {
  const host = new BinfmtHost();
  const current = async () => handlerFor(await host.list(), 'aarch64')?.name;
  let last: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    for (let i = 0; i < 150 && (await current()) !== expected; i++)
      await new Promise((r) => setTimeout(r, 200));
    const before = await current();
    last = await work().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (before === expected && (await current()) === expected) break;
  }
  if (!last) throw new Error('unreachable');
  if (!last.ok) throw last.error;
  return last.value;
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
