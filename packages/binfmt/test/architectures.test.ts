import { describe, expect, it } from 'vitest';
import {
  architectureNamed,
  architectureOfElf,
  architectures,
  elfMachineName,
  normalizeArch,
  presets,
} from '../src/index.js';

/** The ELF identity a preset's magic pins: class, byte order and e_machine. */
function presetIdentity(magic: Uint8Array): { elfClass: number; endian: string; machine: number } {
  const endian = magic[5] === 1 ? 'little' : 'big';
  const machine = endian === 'little' ? magic[18] | (magic[19] << 8) : (magic[18] << 8) | magic[19];
  return { elfClass: magic[4] === 1 ? 32 : 64, endian, machine };
}

describe('the table of architecture names', () => {
  it('has one row per binfmt preset, whose ELF identity is the one its magic matches', () => {
    expect(architectures.map((a) => a.name)).toEqual(presets.map((p) => p.arch));
    for (const preset of presets) {
      const names = architectureNamed(preset.arch);
      const { elfClass, endian, machine } = presetIdentity(preset.magic);
      expect(
        { elfClass: names?.elfClass, endian: names?.endian, machine: names?.elfMachine },
        preset.arch,
      ).toEqual({
        elfClass,
        endian,
        machine,
      });
    }
  });

  it('knows every spelling of the common architectures', () => {
    const spelled = (name: string) => architectureNamed(name)?.name;
    expect(['aarch64', 'arm64', 'ARM64', 'armv8'].map(spelled)).toEqual(Array(4).fill('aarch64'));
    expect(['x86_64', 'amd64', 'x64'].map(spelled)).toEqual(Array(3).fill('x86_64'));
    expect(['riscv64', 'riscv', 'rv64'].map(spelled)).toEqual(Array(3).fill('riscv64'));
    expect(['armhf', 'armel', 'armv7l', 'armv6l'].map(spelled)).toEqual(Array(4).fill('arm'));
    expect(['i386', 'i686', '386'].map(spelled)).toEqual(Array(3).fill('i386'));
    expect(['ppc64el', 'ppc64le'].map(spelled)).toEqual(['ppc64le', 'ppc64le']);
    expect(spelled('sparc99')).toBeUndefined();
  });

  it("gives Docker's platform and Debian's architecture where they exist", () => {
    expect(architectureNamed('aarch64')).toMatchObject({ oci: { architecture: 'arm64' }, debian: 'arm64' });
    expect(architectureNamed('riscv64')).toMatchObject({
      oci: { architecture: 'riscv64' },
      debian: 'riscv64',
    });
    expect(architectureNamed('arm')).toMatchObject({
      oci: { architecture: 'arm', variant: 'v7' },
      debian: 'armhf',
    });
    expect(architectureNamed('x86_64')).toMatchObject({ oci: { architecture: 'amd64' }, debian: 'amd64' });
    expect(architectureNamed('cris')?.oci).toBeUndefined();
  });

  it('names ELF machines by class and byte order', () => {
    expect(architectureOfElf(183, 64, 'little')?.name).toBe('aarch64');
    expect(architectureOfElf(183, 64, 'big')?.name).toBe('aarch64_be');
    expect(architectureOfElf(243, 64, 'little')?.name).toBe('riscv64');
    expect(architectureOfElf(243, 32, 'little')?.name).toBe('riscv32');
    expect(elfMachineName(62)).toBe('x86_64');
    expect(elfMachineName(0x1234)).toBe('machine 4660');
  });

  it('normalizes names as qemu-binfmt-conf.sh does, through the same table', () => {
    expect(normalizeArch('i486')).toBe('i386');
    expect(normalizeArch('arm64')).toBe('aarch64');
    expect(normalizeArch('mips64le')).toBe('mips64el');
    expect(normalizeArch('powerpc')).toBe('ppc');
    expect(normalizeArch('unknown-cpu')).toBe('unknown-cpu');
  });
});
