import type { ReproTarget } from '../arch.js';
import type { Handler, ScenarioCase } from '../scenario.js';

export type BackendName = 'embedded' | 'host' | 'docker';
export const BACKEND_NAMES: readonly BackendName[] = ['embedded', 'host', 'docker'];

/** Where a case's program is, as the kernel will be asked to execute it. */
export interface CaseLayout {
  /** The filename execve receives: `./a.out` as typed, or the PATH match (`/usr/bin/ccache`). */
  execPath: string;
  /** The file the program's own PATH lookup of command[1] finds (the probe and ccache do one). */
  foundInPath: string | null;
}

/** What a program did. */
export interface Observed {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The handler a phase ran under: the line written to `register`, and the kernel's view of it. */
export interface RegistrationUsed {
  /** The registration line (`:name:M::magic:mask:interpreter:flags`). */
  line: string;
  /** The entry's status file as the kernel shows it; for the embedded backend, as it would. */
  status: string;
  /** False when no kernel was involved (embedded): the status is what the kernel would show. */
  registeredInKernel: boolean;
}

/** Where ccache comes from on a backend, and whether there is one at all. */
export interface CcacheSource {
  available: boolean;
  /** "the image's package manager (apt-get install ccache)", "--ccache /path", "rootfs /srv/x"... */
  origin: string;
  /** Why there is none, when there is none. */
  reason?: string;
}

export interface BackendInfo {
  /** The machine the backend runs on, as `uname -m` says (x86_64). */
  host: string;
  /** The userland the programs run in: an image tag, a rootfs, or the emulator. */
  image: string;
  /** What executes the guest programs. */
  interpreter: string;
}

export type Progress = (message: string) => void;

/**
 * A place where the scenario can run. The orchestrator calls prepare once, then for each
 * handler useHandler followed by runCase for every case, and cleanup always (also when
 * anything before it threw). Backends that change the host restore it in cleanup and on
 * SIGINT/SIGTERM/SIGHUP.
 */
export interface Backend {
  readonly name: BackendName;
  /** The architecture of the programs it runs, and the handler it registers for them. */
  readonly target: ReproTarget;
  info(): BackendInfo;
  /** Stages programs, builds images, checks prerequisites (throws ReproError, exit 125). */
  prepare(progress: Progress): Promise<CcacheSource>;
  layout(c: ScenarioCase): CaseLayout;
  useHandler(handler: Handler, progress: Progress): Promise<RegistrationUsed>;
  runCase(c: ScenarioCase, progress: Progress): Promise<Observed>;
  cleanup(progress: Progress): Promise<void>;
}
