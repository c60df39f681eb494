import type { ElfFacts } from '@arm64kit/binfmt';

/** What doctor learned about an interpreter file (the path in a handler's `interpreter` line). */
export interface InterpreterFacts {
  path: string;
  exists: boolean;
  /** Executable by someone (any x bit) and a regular file. */
  executable: boolean;
  elf?: ElfFacts;
  /** Why the ELF header could not be read (not ELF, truncated, unreadable). */
  elfError?: string;
  /** For a script: its `#!` line. */
  shebang?: string;
}

/** One binfmt_misc entry as the kernel shows it in `<dir>/<name>`. */
export interface EntryFacts {
  name: string;
  /** The status file, verbatim: the evidence doctor quotes. */
  text: string;
  interpreter?: InterpreterFacts;
}

export interface BinfmtFacts {
  /** Where binfmt_misc is (normally /proc/sys/fs/binfmt_misc). */
  dir: string;
  mounted: boolean;
  /** The /proc/mounts line for it, when there is one. */
  mountLine?: string;
  /** Contents of `<dir>/status` ("enabled" / "disabled"), undefined when unreadable. */
  status?: string;
  /** Every entry, newest registration first: the order in which the kernel tries them. */
  entries: EntryFacts[];
}

export interface KernelFacts {
  /** `uname -r` */
  release: string;
}

export interface ProgramFacts {
  path: string;
  /** The argv doctor assumes for it (default: [path]). */
  argv: string[];
  exists: boolean;
  /** The first bytes of the file (binfmt_misc matches magic against the first 256). */
  header?: Uint8Array;
  elf?: ElfFacts;
  elfError?: string;
  /** For a dynamic program: whether its loader (PT_INTERP) exists on this host. */
  loaderExists?: boolean;
  /** What arm64kit's emulator loader (@arm64kit/core) says of the file: accepted, or why not. */
  emulatorLoad?: { ok: true } | { ok: false; reason: string };
}

export interface DockerFacts {
  reachable: boolean;
  /** Engine version, or why it did not answer. */
  detail: string;
  /** The image doctor tried (from --image, or a local image of the platform). */
  image?: string;
  /** Set when no image of the platform was found locally and none was given. */
  noImage?: boolean;
  run?: { ok: boolean; output: string };
}

export interface DoctorFacts {
  /** The architecture checked, e.g. aarch64. */
  arch: string;
  /** Only entries whose name starts with this are looked at (scoping on a shared host). */
  namePrefix?: string;
  binfmt: BinfmtFacts;
  /** Interpreters on this host that fixes may point at (e.g. /usr/bin/qemu-aarch64-static). */
  candidates?: InterpreterFacts[];
  kernel: KernelFacts;
  program?: ProgramFacts;
  docker?: DockerFacts;
}
