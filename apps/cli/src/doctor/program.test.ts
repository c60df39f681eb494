import { describe, expect, it } from 'vitest';
import type { ProgramFacts } from './facts-types.js';
import { diagnose } from './index.js';
import { emulatorVerdict } from './program.js';
import { AARCH64_MAGIC, entry, hostFacts } from './test-fixtures.js';

const header = Uint8Array.from(AARCH64_MAGIC.match(/../g)!, (b) => Number.parseInt(b, 16));
const aarch64Dynamic: ProgramFacts = {
  path: '/usr/bin/ccache',
  argv: ['ccache', '-p'],
  exists: true,
  header,
  elf: { elfClass: 64, endian: 'little', type: 3, machine: 183, interpreter: '/lib/ld-linux-aarch64.so.1' },
  loaderExists: false,
  emulatorLoad: { ok: true },
};

const find = (program: ProgramFacts, flags: string, id: string) =>
  diagnose(hostFacts([entry({ name: 'h', flags })], { program })).find((f) => f.id === id);

describe('program checks', () => {
  it('describes the ELF file', () => {
    expect(find(aarch64Dynamic, 'POCF', 'program.elf')?.title).toBe(
      '/usr/bin/ccache: ELF64 little-endian aarch64 shared object / PIE (ET_DYN), dynamically linked (loader /lib/ld-linux-aarch64.so.1)',
    );
  });

  it('shows the argv the interpreter receives, with and without P', () => {
    expect(find(aarch64Dynamic, 'POCF', 'program.handler')?.title).toContain(
      '["/usr/bin/qemu-aarch64-static","/usr/bin/ccache","ccache","-p"]',
    );
    const withoutP = find(aarch64Dynamic, 'OCF', 'program.handler');
    expect(withoutP?.severity).toBe('warning');
    expect(withoutP?.title).toContain('lacks P: the program sees argv[0] "/usr/bin/ccache", not "ccache"');
    expect(withoutP?.evidence).toContain('["/usr/bin/qemu-aarch64-static","/usr/bin/ccache","-p"]');
    expect(withoutP?.explanation).toContain('sees "/usr/bin/ccache" as argv[0] instead of "ccache"');
    // Run by its full path, argv[0] is the path anyway: nothing is lost.
    const byPath = { ...aarch64Dynamic, argv: ['/usr/bin/ccache', '-p'] };
    expect(find(byPath, 'OCF', 'program.handler')?.severity).toBe('info');
  });

  it('no handler matching the program is an error', () => {
    const facts = hostFacts([], { program: aarch64Dynamic });
    expect(diagnose(facts).find((f) => f.id === 'program.no-handler')?.severity).toBe('error');
  });

  it('a globally disabled binfmt_misc runs nothing', () => {
    const facts = hostFacts([entry({ name: 'h' })], { program: aarch64Dynamic });
    facts.binfmt.status = 'disabled\n';
    expect(diagnose(facts).find((f) => f.id === 'program.no-handler')?.title).toContain('globally disabled');
  });

  it('a missing loader explains "No such file or directory"', () => {
    expect(find(aarch64Dynamic, 'POCF', 'program.loader-missing')?.explanation).toContain(
      'No such file or directory',
    );
  });

  it('a program of the host architecture runs natively', () => {
    const native = { ...aarch64Dynamic, elf: { ...aarch64Dynamic.elf!, machine: 62 } };
    expect(find(native, 'POCF', 'program.native')).toBeDefined();
    expect(find(native, 'POCF', 'program.handler')).toBeUndefined();
  });

  it("reports the emulator loader's verdict, and that a dynamic program needs a sysroot", () => {
    expect(emulatorVerdict(aarch64Dynamic)?.reason).toContain('--sysroot DIR');
    expect(find(aarch64Dynamic, 'POCF', 'program.emulator-ok')?.title).toBe(
      "arm64kit's own emulator can run it without any handler: arm64kit run --sysroot DIR /usr/bin/ccache",
    );
    const refused = {
      ...aarch64Dynamic,
      emulatorLoad: { ok: false as const, reason: 'x is a 32-bit ELF file' },
    };
    expect(emulatorVerdict(refused)).toEqual({ ok: false, reason: 'x is a 32-bit ELF file' });
    expect(emulatorVerdict({ path: 'x', argv: ['x'], exists: true, elfError: 'not an ELF file' })?.ok).toBe(
      false,
    );
  });

  it("names the program's own architecture in the emulator's verdict (riscv64 too)", () => {
    const riscv64Static: ProgramFacts = {
      ...aarch64Dynamic,
      path: './hello',
      elf: { elfClass: 64, endian: 'little', type: 2, machine: 243, interpreter: null },
    };
    expect(emulatorVerdict(riscv64Static)).toEqual({ ok: true, reason: 'ELF64 riscv64 static executable' });
  });

  it('a missing program is an error', () => {
    const facts = hostFacts([], { program: { path: '/nope', argv: ['/nope'], exists: false } });
    expect(diagnose(facts).find((f) => f.id === 'program.missing')?.severity).toBe('error');
  });
});
