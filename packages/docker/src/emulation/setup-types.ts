import type { BinfmtPreset, BinfmtSnapshot, MagicEntry } from '@arm64kit/binfmt';
import type { DockerEngine } from '../engine.js';

export interface SetupEmulationOptions {
  /** The CPU to emulate, in Docker's or the kernel's naming: arm64, aarch64, riscv64... */
  arch: string;
  /** P: programs keep the argv[0] they were started with. Default true. */
  preserveArgv0?: boolean;
  /** F: the kernel opens the interpreter now, so containers need no copy of it. Default true. */
  persistent?: boolean;
  /** The interpreter to register. Default: Debian's qemu-user-static, /usr/bin/qemu-<arch>-static. */
  interpreter?: string;
  /** Entry name. Default qemu-<arch>, the name qemu-binfmt-conf.sh uses. */
  name?: string;
  /**
   * How to register: `host` writes this host's binfmt_misc (root, interpreter installed);
   * `image` runs a registration image on the engine (see buildRegistrarImage) and changes
   * the engine's kernel; `auto` (default) takes the host when it can and the engine is
   * local, else a registration image the engine has.
   */
  via?: 'auto' | 'host' | 'image';
  /** The registration image to use (implies via: 'image'). Default: the newest one found. */
  image?: string;
  /** The engine for the image route. Default: connect() (DOCKER_HOST or the local socket). */
  engine?: DockerEngine;
  /** binfmt_misc's directory for the host route. */
  binfmtDir?: string;
}

/** One change setupEmulation() made, in the order it made them. */
export type EmulationChange =
  | { kind: 'mounted'; dir: string }
  | { kind: 'enabled'; dir: string }
  | { kind: 'registered'; name: string; registration: string }
  | { kind: 'replaced'; name: string; previousStatus: string; registration: string }
  | { kind: 're-enabled'; name: string };

export interface EmulationSetup {
  /** Where the handler was registered: on this host, or through a registration image. */
  via: 'host' | 'image';
  /** The registration image, for via 'image'. */
  image?: string;
  /** The entry that now handles the architecture's programs. */
  name: string;
  registration: string;
  /** The entry's status file as the kernel shows it now. */
  status: string;
  /** Empty when the kernel already had exactly this registration. */
  changes: EmulationChange[];
  /** Undoes every change, newest first; safe to call more than once. */
  restore(): Promise<void>;
  /**
   * restore() for signal and exit handlers, which cannot wait: the host route writes
   * binfmt_misc synchronously; the image route runs the undo planned right after setup
   * through the `docker` CLI (best effort: it needs the CLI on PATH).
   */
  restoreSync(): void;
  /**
   * Leaves the handler in place when this process ends (otherwise an exit hook undoes it)
   * and returns what restoreEmulation() needs to undo it later, from any process.
   */
  keep(): EmulationRecord;
}

/** What a setup changed and how to undo it, as plain data (JSON). */
export interface EmulationRecord {
  via: 'host' | 'image';
  name: string;
  /** binfmt_misc's directory, for the host route. */
  binfmtDir?: string;
  /** The registration image and the engine it ran on, for the image route. */
  image?: string;
  engineHost?: string;
  /** The entry of that name before the setup; absent when the setup ended before reading it. */
  snapshot?: BinfmtSnapshot;
  changes: EmulationChange[];
}

/** What setupEmulation would do, worked out without doing it (planEmulation). */
export interface EmulationPlan {
  /** The kernel's and QEMU's name of the CPU: aarch64, riscv64. */
  machine: string;
  /** Docker's platform of its images: linux/arm64, linux/riscv64. */
  platform: string;
  /** The binfmt_misc entry's name. */
  name: string;
  interpreter: string;
  /** The line written to binfmt_misc's register file. */
  registration: string;
  /** The route setupEmulation would take. */
  via: 'host' | 'image';
  /** The registration image given (the image route otherwise takes the newest the engine has). */
  image?: string;
  /** Why this host cannot register: `auto` then takes the image route, `host` would fail. */
  hostProblem?: string;
}

/** setupEmulation's options resolved: what is to be registered. */
export interface EmulationRequest {
  machine: string;
  preset: BinfmtPreset;
  interpreter: string;
  name: string;
  preserveArgv0: boolean;
  persistent: boolean;
  entry: MagicEntry;
  registration: string;
}
