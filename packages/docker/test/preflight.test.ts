import { BinfmtHost, presetEntry } from '@arm64kit/binfmt';
import {
  available,
  binfmtProblem,
  commandProblem,
  dockerProblem,
} from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DockerEngine, emulationPreflight, setupEmulation } from '../src/index.js';
import { ensureArm64BaseImage } from './base.js';
import { connect, whileHandlerIs, withoutForeignAarch64 } from './helpers.js';

const ready =
  available('emulation preflight against the kernel', binfmtProblem()) &&
  available('emulation preflight (qemu)', commandProblem('qemu-aarch64-static', 'qemu-user-static')) &&
  available('emulation preflight (a Docker engine)', dockerProblem());

const host = new BinfmtHost();
const name = (what: string) => `arm64kit-test-docker-${what}-${process.pid}`;
const arm64 = { platform: 'linux/arm64', network: 'none' } as const;
/** Prints its argv NUL-separated; QEMU answers /proc/self/cmdline with the guest's argv. */
const showArgv = ['bash', '-c', 'exec -a renamed cat /proc/self/cmdline'];

describe.runIf(ready)('emulation preflight and setup against the kernel', () => {
  let engine: DockerEngine;
  let image: string;
  let before: string[];

  beforeAll(async () => {
    engine = await connect();
    // The base image needs a handler only to be built, which the fixture does on its own.
    image = (await ensureArm64BaseImage({ engine })).tag;
    before = (await host.names()).filter((n) => n.startsWith('arm64kit-test-docker-'));
  });

  afterAll(async () => {
    const after = (await host.names()).filter((n) => n.startsWith('arm64kit-test-docker-'));
    expect(after).toEqual(before);
  });

  it('reports a missing handler, and the engine indeed cannot run arm64 programs', async () => {
    await withoutForeignAarch64(async () => {
      const report = await emulationPreflight('linux/arm64');
      expect(report.native).toBe(false);
      expect(report.machine).toBe('aarch64');
      expect(report.handler).toBeUndefined();
      expect(report.ok).toBe(false);
      expect(report.problems.map((p) => [p.code, p.fatal])).toEqual([['NO_HANDLER', true]]);
      const result = await whileHandlerIs(undefined, () => engine.run(image, ['uname', '-m'], arm64));
      // The engine's runtime (runc) reports the kernel's ENOEXEC for the program it execs.
      expect(result).toEqual({ stdout: '', stderr: 'exec /usr/bin/uname: exec format error\n', exitCode: 1 });
    });
  });

  it('reports a handler without F as unusable in containers, and it is', async () => {
    await withoutForeignAarch64(async () => {
      const setup = await setupEmulation({
        arch: 'arm64',
        persistent: false,
        preserveArgv0: true,
        name: name('nof'),
      });
      try {
        expect(setup.changes).toEqual([
          { kind: 'registered', name: name('nof'), registration: setup.registration },
        ]);
        const report = await emulationPreflight('linux/arm64');
        expect(report.handler?.name).toBe(name('nof'));
        expect(report.persistent).toBe(false);
        expect(report.preservesArgv0).toBe(true);
        expect(report.interpreterExists).toBe(true);
        expect(report.ok).toBe(false);
        expect(report.problems.map((p) => [p.code, p.fatal])).toEqual([['NOT_PERSISTENT', true]]);
        // The kernel looks for /usr/bin/qemu-aarch64-static inside the container.
        const result = await whileHandlerIs(name('nof'), () => engine.run(image, ['uname', '-m'], arm64));
        expect(result).toEqual({
          stdout: '',
          stderr: 'exec /usr/bin/uname: no such file or directory\n',
          exitCode: 1,
        });
      } finally {
        await setup.restore();
      }
      expect(await host.has(name('nof'))).toBe(false);
    });
  });

  it('reports a handler without P as working but changing argv[0], and it does', async () => {
    await withoutForeignAarch64(async () => {
      const setup = await setupEmulation({
        arch: 'arm64',
        persistent: true,
        preserveArgv0: false,
        name: name('nop'),
      });
      try {
        const report = await emulationPreflight('linux/arm64');
        expect(report.handler?.name).toBe(name('nop'));
        expect([report.persistent, report.preservesArgv0, report.ok]).toEqual([true, false, true]);
        expect(report.problems.map((p) => [p.code, p.fatal])).toEqual([['ARGV0_NOT_PRESERVED', false]]);
        const result = await whileHandlerIs(name('nop'), () => engine.run(image, showArgv, arm64));
        expect(result).toEqual({ stdout: '/usr/bin/cat\0/proc/self/cmdline\0', stderr: '', exitCode: 0 });
      } finally {
        await setup.restore();
      }
      expect(await host.has(name('nop'))).toBe(false);
    });
  });

  it('reports a handler with F and P as fine, and argv[0] survives', async () => {
    await withoutForeignAarch64(async () => {
      const setup = await setupEmulation({ arch: 'arm64', name: name('fp') });
      try {
        const report = await emulationPreflight('linux/arm64');
        expect(report.handler).toEqual({
          name: name('fp'),
          interpreter: '/usr/bin/qemu-aarch64-static',
          flags: { preserveArgv0: true, openBinary: false, credentials: false, fixBinary: true },
        });
        expect([report.ok, report.problems]).toEqual([true, []]);
        const result = await whileHandlerIs(name('fp'), () => engine.run(image, showArgv, arm64));
        expect(result).toEqual({ stdout: 'renamed\0/proc/self/cmdline\0', stderr: '', exitCode: 0 });
      } finally {
        await setup.restore();
      }
    });
  });

  it('reports an interpreter that does not exist', async () => {
    await withoutForeignAarch64(async () => {
      const entry = presetEntry('aarch64', { name: name('gone'), interpreter: '/nonexistent/qemu-aarch64' });
      await host.register(entry);
      try {
        const report = await emulationPreflight('linux/arm64');
        expect(report.handler?.name).toBe(name('gone'));
        expect(report.interpreterExists).toBe(false);
        expect(report.problems.map((p) => p.code)).toEqual([
          'INTERPRETER_MISSING',
          'NOT_PERSISTENT',
          'ARGV0_NOT_PRESERVED',
        ]);
      } finally {
        await host.remove(name('gone'));
      }
    });
  });

  it('replaces a differing entry of the same name and restores it byte for byte', async () => {
    const entryName = name('replace');
    await host.register(presetEntry('aarch64', { name: entryName, persistent: true }));
    try {
      const original = (await host.read(entryName)).raw;
      const setup = await setupEmulation({ arch: 'aarch64', name: entryName, preserveArgv0: true });
      expect(setup.changes).toEqual([
        { kind: 'replaced', name: entryName, previousStatus: original, registration: setup.registration },
      ]);
      expect((await host.read(entryName)).entry.flags.preserveArgv0).toBe(true);
      await setup.restore();
      expect((await host.read(entryName)).raw).toBe(original);
      // Setting up what is already there changes nothing.
      const same = await setupEmulation({
        arch: 'arm64',
        name: entryName,
        preserveArgv0: false,
        persistent: true,
      });
      expect(same.changes).toEqual([]);
      await same.restore();
      expect((await host.read(entryName)).raw).toBe(original);
    } finally {
      await host.remove(entryName);
    }
  });

  it('needs no handler for the host platform', async () => {
    const report = await emulationPreflight('linux/amd64');
    expect([report.native, report.ok, report.problems]).toEqual([true, true, []]);
  });
});
