import { aarch64ForCpu, DEFAULT_CPU } from '@arm64kit/arm64';
import { architectureOfElf, type ElfFacts, elfMachineName, readElfHeader } from '@arm64kit/binfmt';
import type { Architecture } from '@arm64kit/core';

/** The architectures `arm64kit run` can run, by `uname -m` name (the values of --arch). */
export const GUEST_ARCHES = ['aarch64', 'riscv64'] as const;
export type GuestArch = (typeof GUEST_ARCHES)[number];

/** A program for a machine arm64kit has no frontend for. */
export class UnsupportedMachineError extends Error {
  readonly code = 'UNSUPPORTED_MACHINE';
  /** The program cannot be invoked, as `docker run` says it. */
  readonly exitCode = 126;
}

async function architecture(arch: GuestArch, cpu: string | undefined): Promise<Architecture> {
  if (arch === 'aarch64') return aarch64ForCpu(cpu ?? (process.env.ARM64KIT_CPU || DEFAULT_CPU));
  // Loaded only for a riscv64 program, so aarch64 runs do not pay for its tables at start-up.
  return (await import('@arm64kit/riscv64')).riscv64;
}

/**
 * The architecture a CPU worker is asked for: `name` as `Architecture.name` gives it, `variant`
 * the aarch64 CPU profile (see serveCpuWorker).
 */
export async function architectureNamed(name: string, variant: string | undefined): Promise<Architecture> {
  const known = GUEST_ARCHES.find((guest) => guest === name);
  if (known === undefined) throw new Error(`no guest architecture named ${name}`);
  return architecture(known, variant);
}

/** The header of `path`, or null when it cannot be read as an ELF file (the loader then says why). */
function headerOf(path: string): ElfFacts | null {
  try {
    return readElfHeader(path);
  } catch {
    return null;
  }
}

/**
 * The architecture that runs `program`: `arch` when given (the loader then insists the program is
 * for it), else the one its ELF header names. A file that is not an ELF program goes to aarch64,
 * whose loader explains what is wrong with it.
 */
export async function guestArchitecture(
  program: string,
  arch: GuestArch | undefined,
  cpu: string | undefined,
): Promise<Architecture> {
  if (arch !== undefined) return architecture(arch, cpu);
  const elf = headerOf(program);
  if (elf === null) return architecture('aarch64', cpu);
  const name = architectureOfElf(elf.machine, elf.elfClass, elf.endian)?.name;
  const known = GUEST_ARCHES.find((guest) => guest === name);
  if (known === undefined) {
    throw new UnsupportedMachineError(
      `${program} is for ${elfMachineName(elf.machine, elf.elfClass, elf.endian)} (ELF machine ${elf.machine}); arm64kit runs ${GUEST_ARCHES.join(' and ')} programs`,
    );
  }
  return architecture(known, cpu);
}
