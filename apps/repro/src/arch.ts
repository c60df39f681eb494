import { type ArchitectureNames, architectureNamed } from '@arm64kit/binfmt';
import { ReproError } from './errors.js';

/**
 * The architectures the scenarios can run: those arm64kit's emulator has a frontend for, so that
 * every backend (the embedded one included) can run them. By their `uname -m` name.
 */
export const REPRO_ARCHES = ['aarch64', 'riscv64'] as const;
export type ReproArch = (typeof REPRO_ARCHES)[number];

/** What the scenarios need to know of the architecture they run: all of it from the names table. */
export interface ReproTarget {
  /** The kernel's and QEMU's name: aarch64, riscv64. */
  readonly arch: ReproArch;
  /** e_machine of its programs (what the ELF header check and the binfmt magic test). */
  readonly elfMachine: number;
  /** Docker's platform for its images: linux/arm64, linux/riscv64. */
  readonly platform: string;
  /** Debian's name for it (arm64, riscv64): its cross libc package is libc6-dev-<debian>-cross. */
  readonly debian: string;
  /** The QEMU user-mode interpreter Debian's qemu-user-static installs: qemu-aarch64-static. */
  readonly qemu: string;
}

function targetOf(arch: ReproArch, names: ArchitectureNames): ReproTarget {
  // Both rows of the table have a Docker platform and a Debian port.
  const oci = names.oci as NonNullable<ArchitectureNames['oci']>;
  return {
    arch,
    elfMachine: names.elfMachine,
    platform: `linux/${oci.architecture}`,
    debian: names.debian as string,
    qemu: `qemu-${arch}-static`,
  };
}

/**
 * The target an architecture name means, in any spelling the names table knows (aarch64, arm64,
 * riscv64, riscv…); default aarch64, the write-up's. Throws BAD_INPUT for a name that is not an
 * architecture or one the scenarios cannot run, before anything is changed.
 */
export function reproTarget(name: string = 'aarch64'): ReproTarget {
  const names = architectureNamed(name);
  if (names === undefined) {
    throw new ReproError(
      'BAD_INPUT',
      `unknown architecture "${name}" (the repro runs ${REPRO_ARCHES.join(' and ')} programs)`,
    );
  }
  const arch = REPRO_ARCHES.find((a) => a === names.name);
  if (arch === undefined) {
    throw new ReproError(
      'BAD_INPUT',
      `the repro runs ${REPRO_ARCHES.join(' and ')} programs, not ${names.name}: arm64kit's emulator has no ${names.name} frontend`,
    );
  }
  return targetOf(arch, names);
}
