import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { available, binfmtProblem } from '@arm64kit/vitest-config/prerequisites';
import {
  type PrivateBinfmt,
  privateBinfmt,
  privateBinfmtProblem,
  type StubInterpreter,
  stubInterpreter,
} from '@arm64kit/vitest-config/private-binfmt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BinfmtError,
  BinfmtHost,
  formatStatus,
  type MagicEntry,
  makeFlags,
  parseRegistration,
  presetEntry,
} from '../src/index.js';
import { removeByPrefix, testPrefix } from './support/kernel.js';

async function rejection(promise: Promise<unknown>): Promise<BinfmtError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(BinfmtError);
    return error as BinfmtError;
  }
  throw new Error('expected a BinfmtError');
}

function testEntry(name: string, marker: string, flags = makeFlags()): MagicEntry {
  return {
    name,
    type: 'magic',
    offset: 0,
    magic: Uint8Array.from(Buffer.from(`AKT-HOST-${marker}-${process.pid}`)),
    interpreter: '/bin/true',
    flags,
  };
}

describe.runIf(available('BinfmtHost on the host binfmt_misc', binfmtProblem()))(
  'BinfmtHost on the host (test entries only)',
  () => {
    const prefix = testPrefix('host');
    const host = new BinfmtHost();
    afterAll(() => {
      expect(removeByPrefix(prefix)).toBe(0);
    });

    it('registers, reads, lists newest first, disables, enables and removes one entry', async () => {
      const a = testEntry(`${prefix}-a`, 'a');
      const b = testEntry(`${prefix}-b`, 'b', makeFlags({ preserveArgv0: true }));
      try {
        expect(await host.isMounted()).toBe(true);
        expect(await host.isEnabled()).toBe(
          readFileSync('/proc/sys/fs/binfmt_misc/status', 'utf8') === 'enabled\n',
        );
        await host.register(a);
        await host.register(formatRegistrationLine(b));
        const read = await host.read(a.name);
        expect(read.entry).toEqual({ ...a, enabled: true });
        expect(read.raw).toBe(formatStatus(a));
        const names = await host.names();
        expect(names.indexOf(b.name)).toBeLessThan(names.indexOf(a.name));
        const mine = (list: string[]) => list.filter((n) => n.startsWith(prefix)).sort();
        expect(mine(names)).toEqual(mine(readdirSync('/proc/sys/fs/binfmt_misc')));
        const listed = (await host.list()).filter((e) => e.name.startsWith(prefix));
        expect(listed.map((e) => e.name)).toEqual([b.name, a.name]);

        await host.disable(a.name);
        expect((await host.read(a.name)).entry.enabled).toBe(false);
        expect((await host.read(b.name)).entry.enabled).toBe(true);
        await host.enable(a.name);
        expect((await host.read(a.name)).raw).toBe(formatStatus(a));

        await host.remove(a.name);
        expect(await host.has(a.name)).toBe(false);
        expect((await host.read(b.name)).entry).toEqual({ ...b, enabled: true });
        expect((await rejection(host.remove(a.name))).code).toBe('ENOENT');
      } finally {
        removeByPrefix(prefix);
      }
    });

    it('refuses bad lines, duplicates and foreign names before writing anything', async () => {
      const a = testEntry(`${prefix}-dup`, 'dup');
      try {
        await host.register(a);
        const before = await host.names();
        expect((await rejection(host.register(a))).code).toBe('EEXIST');
        const bad = await rejection(host.register(`:${prefix}-bad:M::\\x4::/bin/true:`));
        expect(bad).toMatchObject({ code: 'EINVAL', field: 'magic', rule: 'bad-escape' });
        for (const name of ['status', 'register', '../x', '', '.']) {
          expect((await rejection(host.remove(name))).code).toBe('EINVAL');
        }
        const after = await host.names();
        expect(after.filter((n) => !before.includes(n)).filter((n) => n.startsWith(prefix))).toEqual([]);
      } finally {
        removeByPrefix(prefix);
      }
    });

    it('restores a scoped snapshot byte for byte and leaves other entries alone', async () => {
      const a = testEntry(`${prefix}-sa`, 'sa', makeFlags({ credentials: true }));
      const b = testEntry(`${prefix}-sb`, 'sb');
      const c = testEntry(`${prefix}-sc`, 'sc');
      const d = testEntry(`${prefix}-sd`, 'sd');
      try {
        await host.register(a);
        await host.register({ ...b, enabled: false });
        const snapshot = await host.snapshot({ names: [a.name, b.name, c.name] });
        const byName = (entries: { name: string; status: string }[]) =>
          Object.fromEntries(entries.map((e) => [e.name, e.status]));
        const rawBefore = byName(snapshot.entries);
        await host.remove(a.name);
        await host.enable(b.name);
        await host.register(c);
        await host.register(d);
        await host.restore(snapshot);
        expect((await host.read(a.name)).raw).toBe(formatStatus(a));
        expect((await host.read(b.name)).raw).toBe(formatStatus({ ...b, enabled: false }));
        expect(await host.has(c.name)).toBe(false);
        expect((await host.read(d.name)).raw).toBe(formatStatus(d));
        expect(byName((await host.snapshot({ names: [a.name, b.name, c.name] })).entries)).toEqual(rawBefore);
      } finally {
        removeByPrefix(prefix);
      }
    });
  },
);

describe.runIf(available('BinfmtHost.mount (mounts binfmt_misc a second time)', binfmtProblem()))(
  'BinfmtHost.mount',
  () => {
    it('mounts binfmt_misc on a directory: the same instance as /proc/sys/fs/binfmt_misc', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'arm64kit-mount-'));
      const host = new BinfmtHost(dir);
      try {
        expect(await host.isMounted()).toBe(false);
        await host.mount();
        expect(await host.isMounted()).toBe(true);
        await host.mount(); // already mounted: nothing to do
        expect(await host.isEnabled()).toBe(await new BinfmtHost().isEnabled());
      } finally {
        spawnSync('umount', [dir]);
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('says why when it cannot mount', async () => {
      const error = await rejection(new BinfmtHost('/nonexistent/arm64kit-dir').mount());
      expect(error.code).toBe('EMOUNT');
      expect(error.message).toContain('cannot mount binfmt_misc on /nonexistent/arm64kit-dir');
    });
  },
);

function formatRegistrationLine(entry: MagicEntry): string {
  return `:${entry.name}:M::${[...entry.magic].map((x) => `\\x${x.toString(16).padStart(2, '0')}`).join('')}::${entry.interpreter}:${entry.flags.preserveArgv0 ? 'P' : ''}`;
}

describe.runIf(available('BinfmtHost on a private binfmt_misc instance', privateBinfmtProblem()))(
  'BinfmtHost on a private binfmt_misc instance',
  () => {
    let instance: PrivateBinfmt;
    let host: BinfmtHost;
    let stub: StubInterpreter;
    let interpreter = '';

    beforeAll(() => {
      stub = stubInterpreter('arm64kit-host-');
      interpreter = stub.path;
    });
    afterAll(() => stub.remove());
    beforeEach(async () => {
      instance = await privateBinfmt();
      host = new BinfmtHost(instance.dir);
    });
    afterEach(() => instance.close());

    it('switches the global status', async () => {
      expect(await host.isEnabled()).toBe(true);
      await host.setEnabled(false);
      expect(await host.isEnabled()).toBe(false);
      await host.setEnabled(true);
      expect(await host.isEnabled()).toBe(true);
    });

    it('installs and uninstalls a preset, touching nothing else', async () => {
      const other = parseRegistration(':qemu-arm:M::\\x7fELFx::/bin/true:');
      await host.register(other);
      const result = await host.install('arm64', { interpreter, preserveArgv0: true, persistent: true });
      expect(result.changed).toBe(true);
      expect(result.entry).toEqual({
        ...presetEntry('aarch64', { interpreter, preserveArgv0: true, persistent: true }),
        enabled: true,
      });
      expect((await host.read('qemu-aarch64')).raw).toBe(formatStatus(result.entry));
      expect(
        (await host.install('aarch64', { interpreter, preserveArgv0: true, persistent: true })).changed,
      ).toBe(false);
      const conflict = await rejection(host.install('aarch64', { interpreter }));
      expect(conflict.code).toBe('EEXIST');
      expect((await host.read('qemu-aarch64')).entry.flags.preserveArgv0).toBe(true);
      const replaced = await host.install('aarch64', { interpreter, replace: true });
      expect(replaced.entry.flags.preserveArgv0).toBe(false);
      expect((await host.read('qemu-aarch64')).entry.flags.preserveArgv0).toBe(false);
      const otherBefore = (await host.read('qemu-arm')).raw;
      await host.uninstall('aarch64');
      expect(await host.has('qemu-aarch64')).toBe(false);
      expect((await host.read('qemu-arm')).raw).toBe(otherBefore);
      expect((await rejection(host.uninstall('aarch64'))).code).toBe('ENOENT');
      expect((await rejection(host.install('nonsense-arch', { interpreter }))).code).toBe('ENOPRESET');
      // F opens the interpreter now: a missing one is refused by the kernel.
      const missing = await rejection(
        host.install('riscv64', { interpreter: join(stub.dir, 'missing'), persistent: true }),
      );
      expect(missing.code).toBe('ENOENT');
      expect(await host.has('qemu-riscv64')).toBe(false);
    });

    it('restores a full snapshot: entries, their order, enabled states and the global status', async () => {
      await host.install('aarch64', { interpreter, preserveArgv0: true });
      await host.install('riscv64', { interpreter });
      await host.register(':ext:E::akt::/bin/true:');
      await host.disable('qemu-riscv64');
      const snapshot = await host.snapshot();
      expect(snapshot.scope).toBe('all');
      expect(snapshot.entries.map((e) => e.name)).toEqual(['ext', 'qemu-riscv64', 'qemu-aarch64']);
      const statusBefore = Object.fromEntries(snapshot.entries.map((e) => [e.name, e.status]));

      await host.remove('qemu-aarch64');
      await host.enable('qemu-riscv64');
      await host.remove('ext');
      await host.register(':ext:E::other::/bin/true:PF');
      await host.install('s390x', { interpreter });
      await host.setEnabled(false);

      // survives a trip through JSON, as a snapshot saved to a file would
      await host.restore(JSON.parse(JSON.stringify(snapshot)));
      const after = await host.snapshot();
      expect(after.enabled).toBe(true);
      expect(Object.fromEntries(after.entries.map((e) => [e.name, e.status]))).toEqual(statusBefore);
      expect(after.entries.map((e) => e.name).sort()).toEqual(['ext', 'qemu-aarch64', 'qemu-riscv64']);
    });

    it('says clearly when binfmt_misc is not mounted', async () => {
      const empty = new BinfmtHost(stub.dir);
      expect(await empty.isMounted()).toBe(false);
      expect((await rejection(empty.list())).code).toBe('ENOTMOUNTED');
      expect((await rejection(empty.register(':a:M::AKTX::/bin/true:'))).code).toBe('ENOTMOUNTED');
    });
  },
);
