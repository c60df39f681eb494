import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { available } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import {
  BinfmtError,
  formatRegistration,
  normalizeArch,
  parseDebianBinfmt,
  parseSystemdBinfmt,
  presetEntry,
  presetFor,
  presetRegistration,
  presets,
  presetsForHost,
} from '../src/index.js';

const SYSTEMD_DIR = '/usr/lib/binfmt.d';
const DEBIAN_DIR = '/usr/share/binfmts';
const problem = existsSync(join(SYSTEMD_DIR, 'qemu-aarch64.conf'))
  ? null
  : `${SYSTEMD_DIR}/qemu-aarch64.conf missing (apt-get install qemu-user-static)`;

describe.runIf(available("Debian's binfmt files", problem))("the binfmt files Debian's packages ship", () => {
  const systemdFiles = readdirSync(SYSTEMD_DIR).filter((f) => f.endsWith('.conf'));

  it('every binfmt.d file parses and writes back to the same line', () => {
    expect(systemdFiles.length).toBeGreaterThan(5);
    for (const file of systemdFiles) {
      const text = readFileSync(join(SYSTEMD_DIR, file), 'utf8');
      const entries = parseSystemdBinfmt(text);
      expect(entries.length, file).toBe(1);
      const again = parseSystemdBinfmt(`${formatRegistration(entries[0])}\n`);
      expect(again).toEqual(entries);
    }
  });

  it('every binfmt-support format file parses and agrees with its binfmt.d twin', () => {
    let twins = 0;
    for (const file of readdirSync(DEBIAN_DIR)) {
      const debian = parseDebianBinfmt(readFileSync(join(DEBIAN_DIR, file), 'utf8'), file);
      expect(debian.entry.interpreter.startsWith('/')).toBe(true);
      const twin = join(SYSTEMD_DIR, `${file}.conf`);
      if (!existsSync(twin)) continue;
      const [systemd] = parseSystemdBinfmt(readFileSync(twin, 'utf8'));
      const { flags: a, ...restA } = debian.entry;
      const { flags: b, ...restB } = systemd;
      expect(restA, file).toEqual(restB);
      // Debian's format has no key for O alone; the binfmt.d file adds it (OPF).
      expect({ ...a, openBinary: false }, file).toEqual({ ...b, openBinary: false });
      twins++;
    }
    // qemu-user-static ships both forms for every architecture it registers (25 and more).
    expect(twins).toBeGreaterThanOrEqual(25);
  });

  it("presets carry QEMU's magic and mask, as Debian's qemu-user-static registers them", () => {
    let compared = 0;
    for (const preset of presets) {
      const file = join(SYSTEMD_DIR, `qemu-${preset.arch}.conf`);
      if (!existsSync(file)) continue;
      const [entry] = parseSystemdBinfmt(readFileSync(file, 'utf8'));
      if (entry.type !== 'magic') throw new Error(`${file} is not a magic entry`);
      expect(Buffer.from(preset.magic).toString('hex'), preset.arch).toBe(
        Buffer.from(entry.magic).toString('hex'),
      );
      expect(Buffer.from(preset.mask).toString('hex'), preset.arch).toBe(
        Buffer.from(entry.mask ?? []).toString('hex'),
      );
      expect(entry.offset).toBe(0);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(25);
  });
});

describe('presets', () => {
  it('cover the architectures qemu-binfmt-conf.sh registers', () => {
    for (const arch of ['aarch64', 'arm', 'riscv64', 'x86_64', 'i386', 'ppc64le', 's390x', 'mips64el']) {
      expect(presetFor(arch).arch).toBe(arch);
    }
    expect(presetFor('arm64').arch).toBe('aarch64');
    expect(presetFor('amd64').arch).toBe('x86_64');
    expect(presetFor('armhf').arch).toBe('arm');
    expect(presetFor('i686').arch).toBe('i386');
    expect(presetFor('i486').qemuTarget).toBe('i386');
    expect(() => presetFor('vax')).toThrow(BinfmtError);
    expect(normalizeArch('ppc64el')).toBe('ppc64le');
  });

  it("skip the host's own CPU family, as qemu-binfmt-conf.sh does", () => {
    const onX86 = presetsForHost('x86_64').map((p) => p.arch);
    expect(onX86).not.toContain('x86_64');
    expect(onX86).not.toContain('i386');
    expect(onX86).not.toContain('i486');
    expect(onX86).toContain('aarch64');
    const onArm = presetsForHost('aarch64').map((p) => p.arch);
    expect(onArm).not.toContain('aarch64');
    expect(onArm).not.toContain('arm');
    expect(onArm).toContain('x86_64');
    expect(onArm).toContain('aarch64_be');
    const ignoring = presetsForHost('aarch64', { ignoreFamily: true }).map((p) => p.arch);
    expect(ignoring).toContain('arm');
    expect(ignoring).not.toContain('aarch64');
    expect(presetsForHost('riscv64').map((p) => p.arch)).not.toContain('riscv32');
  });

  it('make register lines with P, O/C and F and an interpreter path', () => {
    const line = presetRegistration('aarch64', {
      interpreter: '/opt/qemu/bin/qemu-aarch64',
      preserveArgv0: true,
      credential: true,
      persistent: true,
    });
    expect(line).toMatch(
      /^:qemu-aarch64:M:0:\\x7fELF\\x02\\x01\\x01\\x00.*:\/opt\/qemu\/bin\/qemu-aarch64:POCF$/,
    );
    expect(presetEntry('riscv64').interpreter).toBe('/usr/bin/qemu-riscv64-static');
    expect(presetRegistration('riscv64', { openBinary: true })).toMatch(
      /:\/usr\/bin\/qemu-riscv64-static:O$/,
    );
    expect(presetRegistration('riscv64')).toMatch(/:\/usr\/bin\/qemu-riscv64-static:$/);
    expect(presetEntry('aarch64', { name: 'arm64kit-aarch64' }).name).toBe('arm64kit-aarch64');
  });
});
