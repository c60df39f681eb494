import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProgram } from '@arm64kit/core';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aarch64, aarch64ForCpu } from '../arch.js';
import { HWCAP, hwcapNames } from './hwcap.js';
import { CPU_PROFILES, cpuProfile, ID_REGISTER, UnknownCpuError } from './profiles.js';

/** ID_AA64ISAR0/ISAR1/PFR0/PFR1/MMFR2 fields and the HWCAP bit Linux derives from each (cpufeature.c). */
const DERIVED: [keyof typeof ID_REGISTER, number, number, bigint][] = [
  ['ID_AA64ISAR0_EL1', 4, 1, HWCAP.AES],
  ['ID_AA64ISAR0_EL1', 4, 2, HWCAP.PMULL],
  ['ID_AA64ISAR0_EL1', 8, 1, HWCAP.SHA1],
  ['ID_AA64ISAR0_EL1', 12, 1, HWCAP.SHA2],
  ['ID_AA64ISAR0_EL1', 12, 2, HWCAP.SHA512],
  ['ID_AA64ISAR0_EL1', 16, 1, HWCAP.CRC32],
  ['ID_AA64ISAR0_EL1', 20, 2, HWCAP.ATOMICS],
  ['ID_AA64ISAR0_EL1', 28, 1, HWCAP.ASIMDRDM],
  ['ID_AA64ISAR0_EL1', 32, 1, HWCAP.SHA3],
  ['ID_AA64ISAR0_EL1', 44, 1, HWCAP.ASIMDDP],
  ['ID_AA64ISAR0_EL1', 52, 1, HWCAP.FLAGM],
  ['ID_AA64ISAR1_EL1', 0, 1, HWCAP.DCPOP],
  ['ID_AA64ISAR1_EL1', 12, 1, HWCAP.JSCVT],
  ['ID_AA64ISAR1_EL1', 16, 1, HWCAP.FCMA],
  ['ID_AA64ISAR1_EL1', 20, 1, HWCAP.LRCPC],
  ['ID_AA64ISAR1_EL1', 20, 2, HWCAP.ILRCPC],
  ['ID_AA64ISAR1_EL1', 36, 1, HWCAP.SB],
  ['ID_AA64PFR0_EL1', 16, 1, HWCAP.FPHP],
  ['ID_AA64PFR0_EL1', 20, 1, HWCAP.ASIMDHP],
  ['ID_AA64PFR0_EL1', 48, 1, HWCAP.DIT],
  ['ID_AA64PFR1_EL1', 4, 2, HWCAP.SSBS],
  ['ID_AA64MMFR2_EL1', 32, 1, HWCAP.USCAT],
];

describe('CPU profiles', () => {
  it('advertise exactly the HWCAPs their ID registers imply, as Linux derives them', () => {
    for (const profile of CPU_PROFILES.values()) {
      for (const [reg, shift, min, bit] of DERIVED) {
        const value = ((profile.idRegisters.get(ID_REGISTER[reg]) ?? 0n) >> BigInt(shift)) & 0xfn;
        expect({ profile: profile.name, bit, set: (profile.hwcap & bit) !== 0n }).toEqual({
          profile: profile.name,
          bit,
          set: value >= BigInt(min),
        });
      }
    }
  });

  it('name their HWCAP bits as the kernel headers do, FP16 and LSE2 where they belong', () => {
    expect(hwcapNames(HWCAP.USCAT | HWCAP.FP | HWCAP.FPHP)).toEqual(['FP', 'FPHP', 'USCAT']);
    expect(hwcapNames(cpuProfile('v8.0').hwcap)).toEqual(['FP', 'ASIMD']);
    expect(hwcapNames(cpuProfile('neoverse-n1').hwcap)).toEqual(expect.arrayContaining(['FPHP', 'ASIMDHP']));
    expect(hwcapNames(cpuProfile('neoverse-n1').hwcap)).not.toContain('USCAT');
    expect(hwcapNames(cpuProfile('max').hwcap)).toEqual(expect.arrayContaining(['FPHP', 'ASIMDHP', 'USCAT']));
  });

  it('default to the minimal Armv8.0 one, and refuse unknown names', () => {
    expect(aarch64.hwcap).toBe(HWCAP.FP | HWCAP.ASIMD);
    expect(aarch64ForCpu('v8.0')).toBe(aarch64);
    expect(() => aarch64ForCpu('cortex-x9')).toThrow(UnknownCpuError);
  });
});

const prerequisite = commandProblem('aarch64-linux-gnu-gcc', 'gcc-aarch64-linux-gnu');

describe.runIf(available('CPU identity seen by a guest program', prerequisite))('what a guest reads', () => {
  let dir: string;
  let binary: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'arm64kit-cpuid-'));
    binary = join(dir, 'cpuid');
    const source = join(dirname(fileURLToPath(import.meta.url)), 'cpuid.c');
    execFileSync('aarch64-linux-gnu-gcc', ['-static', '-O1', '-o', binary, source], { stdio: 'pipe' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([...CPU_PROFILES.keys()])('%s: getauxval and MRS give the profile', (name) => {
    const profile = cpuProfile(name);
    const out = join(dir, `${name}.txt`);
    const fd = openSync(out, 'w');
    try {
      const result = runProgram({ arch: aarch64ForCpu(name), path: binary, argv: [binary], stdout: fd });
      expect(result.exitCode).toBe(0);
    } finally {
      closeSync(fd);
    }
    const seen = Object.fromEntries(
      readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split(' ')),
    );
    const id = (reg: keyof typeof ID_REGISTER) =>
      (profile.idRegisters.get(ID_REGISTER[reg]) ?? 0n).toString(16);
    expect(seen).toEqual({
      hwcap: profile.hwcap.toString(16),
      hwcap2: profile.hwcap2.toString(16),
      midr_el1: profile.midr.toString(16),
      id_aa64pfr0_el1: id('ID_AA64PFR0_EL1'),
      id_aa64pfr1_el1: id('ID_AA64PFR1_EL1'),
      id_aa64isar0_el1: id('ID_AA64ISAR0_EL1'),
      id_aa64isar1_el1: id('ID_AA64ISAR1_EL1'),
      id_aa64mmfr2_el1: id('ID_AA64MMFR2_EL1'),
    });
  });
});
