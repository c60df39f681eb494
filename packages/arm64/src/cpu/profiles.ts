import { HWCAP } from './hwcap.js';

/** ID registers Linux emulates for EL0 (op0 3, op1 0, CRn 0), keyed by CRm:op2. */
export const ID_REGISTER = {
  ID_AA64PFR0_EL1: (4 << 3) | 0,
  ID_AA64PFR1_EL1: (4 << 3) | 1,
  ID_AA64ISAR0_EL1: (6 << 3) | 0,
  ID_AA64ISAR1_EL1: (6 << 3) | 1,
  ID_AA64MMFR2_EL1: (7 << 3) | 2,
} as const;

/**
 * The CPU a guest sees: what AT_HWCAP/AT_HWCAP2 advertise and what MRS of MIDR_EL1 and of the
 * ID registers returns (the sanitised values the kernel emulates for EL0). Every instruction this
 * package implements executes whatever the profile; the profile decides what programs are told,
 * and so which code paths glibc, OpenSSL or zlib choose.
 */
export interface CpuProfile {
  readonly name: string;
  readonly description: string;
  readonly hwcap: bigint;
  readonly hwcap2: bigint;
  readonly midr: bigint;
  /** ID register values by CRm:op2; the ones missing read as zero, as reserved ones do on Linux. */
  readonly idRegisters: ReadonlyMap<number, bigint>;
}

/** EL0 and EL1 are AArch64-only (the EL0/EL1 fields of ID_AA64PFR0_EL1 as Linux shows them). */
const PFR0_BASE = 0x11n;

const field = (value: number, shift: number) => BigInt(value) << BigInt(shift);

/** Armv8.0 with FP and AdvSIMD only: glibc stays on its generic code paths (the default). */
const V8_0: CpuProfile = {
  name: 'v8.0',
  description: 'Armv8.0-A (Cortex-A53 MIDR), the generic code paths; no FP16 arithmetic, no LSE2',
  hwcap: HWCAP.FP | HWCAP.ASIMD,
  hwcap2: 0n,
  midr: 0x410fd034n,
  idRegisters: new Map([[ID_REGISTER.ID_AA64PFR0_EL1, PFR0_BASE]]),
};

/**
 * A Neoverse N1 class server core (Armv8.2-A) with the extensions this package implements: the N1
 * set (half-precision arithmetic FPHP/ASIMDHP included) plus SHA3 and SHA512. LSE2 (USCAT) is an
 * Armv8.4 feature the N1 does not have.
 */
const NEOVERSE_N1: CpuProfile = {
  name: 'neoverse-n1',
  description: 'Neoverse N1 class, Armv8.2-A (N1 r4p1 MIDR), with FP16 arithmetic, SHA3 and SHA512; no LSE2',
  hwcap:
    HWCAP.FP |
    HWCAP.ASIMD |
    HWCAP.AES |
    HWCAP.PMULL |
    HWCAP.SHA1 |
    HWCAP.SHA2 |
    HWCAP.CRC32 |
    HWCAP.ATOMICS |
    HWCAP.FPHP |
    HWCAP.ASIMDHP |
    HWCAP.CPUID |
    HWCAP.ASIMDRDM |
    HWCAP.JSCVT |
    HWCAP.FCMA |
    HWCAP.LRCPC |
    HWCAP.DCPOP |
    HWCAP.SHA3 |
    HWCAP.ASIMDDP |
    HWCAP.SHA512 |
    HWCAP.DIT |
    HWCAP.ILRCPC |
    HWCAP.FLAGM |
    HWCAP.SSBS |
    HWCAP.SB,
  hwcap2: 0n,
  // Neoverse N1 r4p1
  midr: 0x414fd0c1n,
  idRegisters: new Map([
    // FP (19:16) = 1 and AdvSIMD (23:20) = 1: with half-precision arithmetic; DIT (51:48) = 1
    [ID_REGISTER.ID_AA64PFR0_EL1, PFR0_BASE | field(1, 16) | field(1, 20) | field(1, 48)],
    // SSBS (7:4) = 2: PSTATE.SSBS with MSR/MRS
    [ID_REGISTER.ID_AA64PFR1_EL1, field(2, 4)],
    // AES 2 (with PMULL), SHA1 1, SHA2 2 (with SHA512), CRC32 1, ATOMIC 2, RDM 1, SHA3 1, DP 1, TS 1 (FlagM)
    [
      ID_REGISTER.ID_AA64ISAR0_EL1,
      field(2, 4) |
        field(1, 8) |
        field(2, 12) |
        field(1, 16) |
        field(2, 20) |
        field(1, 28) |
        field(1, 32) |
        field(1, 44) |
        field(1, 52),
    ],
    // DPB 1 (DC CVAP), JSCVT 1, FCMA 1, LRCPC 2 (LDAPUR/STLUR), SB 1
    [ID_REGISTER.ID_AA64ISAR1_EL1, field(1, 0) | field(1, 12) | field(1, 16) | field(2, 20) | field(1, 36)],
  ]),
};

/**
 * Everything this package implements: the neoverse-n1 set plus FEAT_LSE2 (Armv8.4), advertised
 * as USCAT (ID_AA64MMFR2_EL1.AT = 1): misaligned ordered, exclusive and atomic accesses within an
 * aligned 16-byte block do not fault. (qemu-aarch64-static 7.2's `-cpu max` has no LSE2.)
 */
const MAX: CpuProfile = {
  ...NEOVERSE_N1,
  name: 'max',
  description:
    'everything this package implements: neoverse-n1 plus LSE2 (misaligned atomics within 16 bytes do not fault)',
  hwcap: NEOVERSE_N1.hwcap | HWCAP.USCAT,
  idRegisters: new Map([...NEOVERSE_N1.idRegisters, [ID_REGISTER.ID_AA64MMFR2_EL1, field(1, 32)]]),
};

/** The named CPU profiles, for `--cpu` and `aarch64ForCpu`. */
export const CPU_PROFILES: ReadonlyMap<string, CpuProfile> = new Map([
  [V8_0.name, V8_0],
  [NEOVERSE_N1.name, NEOVERSE_N1],
  [MAX.name, MAX],
]);

export const DEFAULT_CPU = V8_0.name;

/** A CPU profile name this package does not know. */
export class UnknownCpuError extends Error {
  readonly code = 'ARM64_UNKNOWN_CPU';
  constructor(readonly cpu: string) {
    super(`unknown CPU profile "${cpu}" (known: ${[...CPU_PROFILES.keys()].join(', ')})`);
    this.name = 'UnknownCpuError';
  }
}

export function cpuProfile(name: string): CpuProfile {
  const profile = CPU_PROFILES.get(name);
  if (!profile) throw new UnknownCpuError(name);
  return profile;
}
