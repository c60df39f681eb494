import type { Architecture, CodeReader, Cpu, IrBlock } from '@arm64kit/core';
import { cpuInfoText } from './cpu/cpuinfo.js';
import { type CpuProfile, cpuProfile, DEFAULT_CPU } from './cpu/profiles.js';
import { liftBlock } from './lift/block.js';
import { aarch64SignalFrames } from './signal-frame.js';
import { EXCL_ADDR, FLAG_Z, NO_EXCLUSIVE, registerLayout } from './state.js';
import { a64Table } from './table.js';

/** ELF e_machine of AArch64. */
export const EM_AARCH64 = 183;
/** AT_HWCAP bits (arch/arm64/include/uapi/asm/hwcap.h). */
export const HWCAP_FP = 1n << 0n;
export const HWCAP_ASIMD = 1n << 1n;

const byProfile = new Map<string, Architecture>();

/**
 * AArch64 for @arm64kit/core as the CPU profile `name` presents it (see CPU_PROFILES): its
 * AT_HWCAP/AT_HWCAP2 and the MIDR_EL1 and ID register values MRS returns. Throws
 * UnknownCpuError for a name it does not know.
 */
export function aarch64ForCpu(name: string): Architecture {
  const profile = cpuProfile(name);
  let arch = byProfile.get(profile.name);
  if (!arch) {
    arch = architecture(profile);
    byProfile.set(profile.name, arch);
  }
  return arch;
}

function architecture(profile: CpuProfile): Architecture {
  return {
    ...base,
    variant: profile.name,
    hwcap: profile.hwcap,
    hwcap2: profile.hwcap2,
    cpuInfo: (processors) => cpuInfoText(profile, processors),
    lift(code: CodeReader, pc: bigint): IrBlock {
      return liftBlock(a64Table(), code, pc, profile);
    },
  };
}

const base: Architecture = {
  name: 'aarch64',
  elfMachine: EM_AARCH64,
  elfClass: 64,
  pageSize: 4096,
  platform: 'aarch64',
  hwcap: HWCAP_FP | HWCAP_ASIMD,
  hwcap2: 0n,
  stackAlignment: 16,
  registers: registerLayout,
  // Linux arm64: number in X8, arguments in X0–X5, result in X0.
  syscalls: {
    table: 'asm-generic',
    number: 8,
    args: [0, 1, 2, 3, 4, 5],
    result: 0,
    // arch/arm64/include/uapi/asm/fcntl.h numbers these four differently from asm-generic.
    openFlags: { directory: 0o40000, nofollow: 0o100000, direct: 0o200000, largefile: 0o400000 },
    // struct sigaction has sa_restorer on arm64.
    sigactionSize: 32,
    taggedAddressAbi: true,
  },
  lift(code: CodeReader, pc: bigint): IrBlock {
    return liftBlock(a64Table(), code, pc);
  },
  // Linux starts a process with every register zero, NZCV included (core has set PC and SP).
  // In the split flag form Z is clear when FLAG_Z is non-zero; the exclusive monitor starts open.
  startProcess(cpu: Cpu): void {
    cpu.set(FLAG_Z, 1n);
    cpu.set(EXCL_ADDR, NO_EXCLUSIVE);
  },
  signals: aarch64SignalFrames,
};

/**
 * AArch64 (little-endian, Linux user mode) as the default profile presents it: a minimal Armv8.0
 * CPU — FP and AdvSIMD only, no atomics, no CPUID, no SVE — so that glibc stays on its generic
 * code paths. `aarch64ForCpu('neoverse-n1')` advertises the extensions.
 */
export const aarch64: Architecture = aarch64ForCpu(DEFAULT_CPU);
