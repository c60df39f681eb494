import { architectureNamed } from '@arm64kit/binfmt';
import { Flags } from '@oclif/core';

/**
 * `--arch` across the commands: one architecture by the kernel's name (`uname -m`: aarch64,
 * riscv64…), written in any spelling the names table of @arm64kit/binfmt knows (arm64, riscv,
 * amd64…). Each command says which architectures it supports; a value outside them is a usage
 * error of its own (exit 125, as every arm64kit usage error), before anything is changed.
 * (`arm64kit run` lists its two choices as oclif options, so its lean start-up path can check
 * them without loading the table.)
 */

/** An --arch value that names no architecture, or one the command cannot work with. */
export class ArchitectureFlagError extends Error {
  readonly code = 'UNSUPPORTED_ARCH';
  readonly exitCode = 125;
}

export interface ArchSupport {
  /** The kernel names the command supports; undefined: every architecture of the names table. */
  readonly supported?: readonly string[];
  /** Who supports them, for the error: "arm64kit repro", "the Docker platforms". */
  readonly who: string;
  /** Why the others are not supported, for the error ("arm64kit's emulator has no … frontend"). */
  readonly why?: (name: string) => string;
}

/** The kernel's name of the architecture `value` spells, checked against what `support` allows. */
export function resolveArch(value: string, support: ArchSupport): string {
  const names = architectureNamed(value);
  if (names === undefined) {
    const known = support.supported
      ? `${support.who} supports ${support.supported.join(' and ')}`
      : 'for example aarch64, riscv64, arm, x86_64, or an alias such as arm64';
    throw new ArchitectureFlagError(`--arch ${value}: not the name of an architecture (${known})`);
  }
  if (support.supported !== undefined && !support.supported.includes(names.name)) {
    const why = support.why ? `: ${support.why(names.name)}` : '';
    throw new ArchitectureFlagError(
      `--arch ${value}: ${support.who} supports ${support.supported.join(' and ')}, not ${names.name}${why}`,
    );
  }
  return names.name;
}

/**
 * The help text of an --arch flag: what it picks, which values (`values` when the command's own
 * checks narrow the table further, as Docker's platforms do), the default.
 */
export function archDescription(
  what: string,
  supported: readonly string[] | undefined,
  byDefault: string,
  values = supported
    ? supported.join(' or ')
    : 'any architecture qemu-user-static knows (aarch64, riscv64, arm, x86_64…)',
): string {
  return `${what}: ${values}, by the kernel's name or an alias (arm64, riscv…). Default: ${byDefault}`;
}

/** An --arch flag with that help text; the value is resolved with resolveArch in run(). */
export function archFlag(options: {
  what: string;
  supported?: readonly string[];
  values?: string;
  byDefault: string;
}) {
  return Flags.string({
    description: archDescription(options.what, options.supported, options.byDefault, options.values),
    helpValue: options.supported ? options.supported.join('|') : 'ARCH',
  });
}
