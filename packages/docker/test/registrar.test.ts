import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BinfmtHost, formatStatus, presetEntry } from '@arm64kit/binfmt';
import { binfmtState } from '@arm64kit/vitest-config/binfmt-state';
import {
  available,
  binfmtProblem,
  commandProblem,
  dockerProblem,
  rootProblem,
} from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildRegistrarImage,
  type DockerEngine,
  DockerError,
  emulationPreflight,
  findRegistrarImage,
  REGISTRAR_INTERPRETERS_LABEL,
  REGISTRAR_LABEL,
  type RegistrarImage,
  restoreEmulation,
  setupEmulation,
} from '../src/index.js';
import { ensureArm64BaseImage } from './base.js';
import { connect, leftoverWatch, testTag, whileHandlerIs, withoutForeignAarch64 } from './helpers.js';

const ready =
  available('registration image on a real Docker engine', dockerProblem()) &&
  available('registration image (binfmt_misc, to compare the host)', binfmtProblem()) &&
  available('registration image (qemu)', commandProblem('qemu-aarch64-static', 'qemu-user-static')) &&
  available('registration image (static busybox)', commandProblem('busybox', 'busybox-static'));

const host = new BinfmtHost();
const name = (what: string) => `arm64kit-test-docker-image-${what}-${process.pid}`;
const QEMU = '/usr/bin/qemu-aarch64-static';
const arm64 = { platform: 'linux/arm64', network: 'none' } as const;
/** Prints its argv NUL-separated; QEMU answers /proc/self/cmdline with the guest's argv. */
const showArgv = ['bash', '-c', 'exec -a renamed cat /proc/self/cmdline'];
const built = new URL('../dist/index.js', import.meta.url).href;

/** Runs `body` in another Node process with setupEmulation and the options in scope. */
function inChild(
  body: string,
  options: object,
  spawnOptions: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv } = {},
) {
  const script = `const { setupEmulation } = await import(${JSON.stringify(built)});
const options = ${JSON.stringify(options)};
${body}`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    ...spawnOptions,
  });
}

describe.runIf(available('setupEmulation as another user', rootProblem()))(
  'setupEmulation without root',
  () => {
    it('takes the image route by itself, and says why neither route works when there is no engine', () => {
      const child = inChild(
        'try { await setupEmulation(options); } catch (e) { console.log(JSON.stringify([e.code, e.message])); }',
        { arch: 'arm64' },
        { uid: 65534, gid: 65534, env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' } },
      );
      expect(child.stderr).toBe('');
      const [code, message] = JSON.parse(child.stdout);
      expect(code).toBe('EMULATION_UNAVAILABLE');
      expect(message).toContain('on this host needs root');
      expect(message).toContain('no Docker engine answers at unix:///nonexistent/docker.sock');
    });
  },
);

/**
 * The host's binfmt_misc, byte for byte, in directory order: in CI (nothing else runs) the
 * whole directory; on a shared development machine only the global status and this file's
 * entries, since other runs register entries of their own meanwhile.
 */
function binfmtBytes(): string {
  const whole = process.env.ARM64KIT_REQUIRE_ALL === '1';
  const ours = (name: string) => name === 'status' || name.startsWith('arm64kit-test-docker-image-');
  return JSON.stringify(binfmtState(whole ? undefined : ours));
}

async function rejection(promise: Promise<unknown>): Promise<DockerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DockerError);
  return error as DockerError;
}

describe.runIf(ready)('setupEmulation through a registration image', () => {
  let engine: DockerEngine;
  let registrar: RegistrarImage;
  let base: string;
  let watch: Awaited<ReturnType<typeof leftoverWatch>>;
  let before: string;

  beforeAll(async () => {
    engine = await connect();
    watch = await leftoverWatch(engine);
    before = binfmtBytes();
    registrar = await buildRegistrarImage(engine, { tag: testTag('registrar') });
    base = (await ensureArm64BaseImage({ engine })).tag;
  });

  afterAll(async () => {
    if (engine) await engine.removeImage(testTag('registrar'), { force: true });
    if (watch) {
      expect(await watch.newContainers()).toEqual([]);
      expect(await watch.newDangling()).toEqual([]);
    }
    expect(binfmtBytes()).toBe(before);
  });

  it('builds the image FROM scratch from this machine’s busybox and qemu, and finds it by label', async () => {
    expect(registrar.interpreters).toEqual([QEMU]);
    const image = await engine.image(registrar.reference);
    expect(image?.labels[REGISTRAR_LABEL]).toBe('1');
    expect(image?.labels[REGISTRAR_INTERPRETERS_LABEL]).toBe(QEMU);
    expect((await findRegistrarImage(engine, QEMU))?.id).toBe(registrar.id);
    expect(await findRegistrarImage(engine, '/usr/bin/qemu-no-such-arch-static')).toBeUndefined();
  });

  it('registers F and P on the kernel: containers run arm64 with argv[0] kept, and restore leaves binfmt_misc byte-identical', async () => {
    await withoutForeignAarch64(async () => {
      const snapshot = binfmtBytes();
      const setup = await setupEmulation({ arch: 'arm64', image: registrar.reference, name: name('fp') });
      try {
        expect([setup.via, setup.image]).toEqual(['image', registrar.reference]);
        expect(setup.changes).toEqual([
          { kind: 'registered', name: name('fp'), registration: setup.registration },
        ]);
        const entry = presetEntry('aarch64', { name: name('fp'), preserveArgv0: true, persistent: true });
        // The host sees the registration the container made: same kernel.
        expect((await host.read(name('fp'))).raw).toBe(formatStatus({ ...entry, enabled: true }));
        expect(setup.status).toBe(formatStatus({ ...entry, enabled: true }));
        const report = await emulationPreflight('linux/arm64');
        expect([report.handler?.name, report.ok, report.problems]).toEqual([name('fp'), true, []]);
        const result = await whileHandlerIs(name('fp'), () => engine.run(base, showArgv, arm64));
        expect(result).toEqual({ stdout: 'renamed\0/proc/self/cmdline\0', stderr: '', exitCode: 0 });
      } finally {
        await setup.restore();
      }
      expect(binfmtBytes()).toBe(snapshot);
      await setup.restore(); // a second call changes nothing
      expect(binfmtBytes()).toBe(snapshot);
    });
  });

  it('replaces a disabled F entry of the same name and puts it back byte for byte', async () => {
    const entryName = name('replace');
    await host.register({ ...presetEntry('aarch64', { name: entryName, persistent: true }), enabled: false });
    try {
      const original = (await host.read(entryName)).raw;
      const snapshot = binfmtBytes();
      const setup = await setupEmulation({ arch: 'aarch64', via: 'image', name: entryName, engine });
      expect(setup.changes).toEqual([
        { kind: 'replaced', name: entryName, previousStatus: original, registration: setup.registration },
      ]);
      const now = await host.read(entryName);
      expect([now.entry.enabled, now.entry.flags.preserveArgv0]).toEqual([true, true]);
      await setup.restore();
      expect((await host.read(entryName)).raw).toBe(original);
      expect(binfmtBytes()).toBe(snapshot);
    } finally {
      await host.remove(entryName);
    }
  });

  it('turns on a globally disabled binfmt_misc and turns it off again', async () => {
    const snapshot = binfmtBytes();
    await host.setEnabled(false);
    try {
      const setup = await setupEmulation({ arch: 'arm64', image: registrar.reference, name: name('global') });
      expect(setup.changes.map((c) => c.kind)).toEqual(['enabled', 'registered']);
      expect(await host.isEnabled()).toBe(true);
      await setup.restore();
      expect(await host.isEnabled()).toBe(false);
      expect(await host.has(name('global'))).toBe(false);
    } finally {
      await host.setEnabled(true);
    }
    expect(binfmtBytes()).toBe(snapshot);
  });

  it('changes nothing and says why when a replaced F entry could not be put back', async () => {
    // An F entry whose interpreter has since been deleted: the kernel keeps it open, but
    // it could never be registered again.
    const dir = mkdtempSync(join(tmpdir(), 'arm64kit-registrar-'));
    const gone = join(dir, 'qemu-aarch64-static');
    copyFileSync(QEMU, gone);
    const entryName = name('gone');
    await host.register(presetEntry('aarch64', { name: entryName, interpreter: gone, persistent: true }));
    rmSync(dir, { recursive: true });
    try {
      const snapshot = binfmtBytes();
      const error = await rejection(
        setupEmulation({ arch: 'arm64', image: registrar.reference, name: entryName }),
      );
      expect(error.code).toBe('EMULATION_UNAVAILABLE');
      expect(error.message).toContain(gone);
      expect(binfmtBytes()).toBe(snapshot);
    } finally {
      await host.remove(entryName);
    }
  });

  it('refuses what is not a registration image, or an image it lacks, with a clear error', async () => {
    const snapshot = binfmtBytes();
    const missing = await rejection(
      setupEmulation({ arch: 'arm64', image: 'arm64kit-test/no-such-registrar:1', name: name('x') }),
    );
    expect([missing.code, missing.message]).toEqual([
      'IMAGE_NOT_FOUND',
      expect.stringContaining('arm64kit docker registrar'),
    ]);
    const notOne = await rejection(setupEmulation({ arch: 'arm64', image: base, name: name('x') }));
    expect([notOne.code, notOne.message]).toEqual([
      'BAD_INPUT',
      expect.stringContaining('not a registration image'),
    ]);
    const noRiscv = await rejection(
      setupEmulation({ arch: 'riscv64', image: registrar.reference, name: name('x') }),
    );
    expect(noRiscv.message).toContain('does not carry /usr/bin/qemu-riscv64-static');
    const dynamic = await rejection(
      buildRegistrarImage(engine, { busybox: '/bin/ls', tag: testTag('nope') }),
    );
    expect([dynamic.code, dynamic.message]).toEqual([
      'BAD_INPUT',
      expect.stringContaining('linked dynamically'),
    ]);
    expect(binfmtBytes()).toBe(snapshot);
  });

  it('keep() leaves the handler past its process; restoreEmulation() undoes it from the JSON record', async () => {
    const snapshot = binfmtBytes();
    const options = { arch: 'arm64', image: registrar.reference, name: name('kept') };
    const child = inChild(
      'const setup = await setupEmulation(options); console.log(JSON.stringify(setup.keep()));',
      options,
    );
    expect(child.status, child.stderr).toBe(0);
    try {
      expect(await host.has(name('kept'))).toBe(true);
      await restoreEmulation(JSON.parse(child.stdout));
    } finally {
      if (await host.has(name('kept'))) await host.remove(name('kept'));
    }
    expect(binfmtBytes()).toBe(snapshot);
  });

  it('restoreSync() undoes it without waiting, through the docker CLI', async () => {
    const snapshot = binfmtBytes();
    const setup = await setupEmulation({ arch: 'arm64', image: registrar.reference, name: name('sync') });
    expect(await host.has(name('sync'))).toBe(true);
    setup.restoreSync();
    expect(binfmtBytes()).toBe(snapshot);
    await setup.restore(); // already undone: nothing to do
    expect(binfmtBytes()).toBe(snapshot);
  });

  it('undoes the setup when its process exits without restore()', async () => {
    const snapshot = binfmtBytes();
    const options = { arch: 'arm64', image: registrar.reference, name: name('exit') };
    const child = inChild(
      `await setupEmulation(options);
const fs = await import('node:fs');
fs.writeSync(1, String(fs.existsSync('/proc/sys/fs/binfmt_misc/' + options.name)));
process.exit(3);`,
      options,
    );
    expect([child.status, child.stdout, child.stderr]).toEqual([3, 'true', '']);
    expect(binfmtBytes()).toBe(snapshot);
  });

  it('preflight through the image reads the engine kernel’s handlers as the host sees them', async () => {
    const both = async () => {
      const [local, engineSide] = await Promise.all([
        emulationPreflight('linux/arm64'),
        emulationPreflight('linux/arm64', { via: 'image', engine, image: registrar.reference }),
      ]);
      const shape = (r: typeof local) => ({
        handler: r.handler,
        problems: r.problems.map((p) => [p.code, p.fatal]),
        ok: r.ok,
      });
      expect(engineSide.interpreterExists).toBeUndefined();
      expect(shape(engineSide)).toEqual(shape(local));
      return shape(engineSide);
    };
    await withoutForeignAarch64(async () => {
      expect((await both()).problems).toEqual([['NO_HANDLER', true]]);
      const setup = await setupEmulation({
        arch: 'arm64',
        via: 'host',
        preserveArgv0: false,
        name: name('pre'),
      });
      try {
        expect((await both()).problems).toEqual([['ARGV0_NOT_PRESERVED', false]]);
      } finally {
        await setup.restore();
      }
    });
    const native = await emulationPreflight('linux/amd64', {
      via: 'image',
      engine,
      image: registrar.reference,
    });
    expect([native.native, native.ok]).toEqual([true, true]);
  });

  it('takes the host route by itself as root with a local engine', async () => {
    const setup = await setupEmulation({ arch: 'arm64', name: name('auto') });
    try {
      expect(setup.via).toBe('host');
    } finally {
      await setup.restore();
    }
  });
});
