import { describe, expect, it } from 'vitest';
import { machineName, normalizeArchitecture, parsePlatform } from '../src/index.js';

describe('platforms', () => {
  it('parses OS/ARCH[/VARIANT] and names the architecture as Docker does', () => {
    expect(parsePlatform('linux/aarch64')).toEqual({ os: 'linux', architecture: 'arm64' });
    expect(parsePlatform('linux/arm/v7')).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(parsePlatform(' linux/riscv64 ')).toEqual({ os: 'linux', architecture: 'riscv64' });
    expect(normalizeArchitecture('x86_64')).toBe('amd64');
    expect(normalizeArchitecture('ppc64el')).toBe('ppc64le');
  });

  it("gives the kernel's and QEMU's name of a Docker architecture", () => {
    expect(machineName('arm64')).toBe('aarch64');
    expect(machineName('amd64')).toBe('x86_64');
    expect(machineName('riscv64')).toBe('riscv64');
    expect(machineName('386')).toBe('i386');
  });

  it('refuses what it cannot name, saying what it knows', () => {
    expect(() => parsePlatform('linux')).toThrow(
      'platform "linux" is not OS/ARCH[/VARIANT], e.g. linux/arm64',
    );
    expect(() => parsePlatform('windows/amd64')).toThrow('only linux platforms are supported');
    expect(() => normalizeArchitecture('sparc99')).toThrow(
      'unknown architecture "sparc99" (known: 386, amd64, arm, ppc64le, mips64le, s390x, arm64, riscv64, loong64)',
    );
    // An architecture QEMU knows and Docker has no platform for: said as such.
    expect(() => normalizeArchitecture('cris')).toThrow(
      'Docker has no platform for cris (it has: 386, amd64, arm, ppc64le, mips64le, s390x, arm64, riscv64, loong64)',
    );
    expect(() => parsePlatform('linux/sparc64')).toThrow('Docker has no platform for sparc64');
  });
});
