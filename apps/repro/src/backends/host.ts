import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ReproTarget, reproTarget } from '../arch.js';
import { ReproError } from '../errors.js';
import { type Handler, invokedName, type ScenarioCase } from '../scenario.js';
import { restoreOnSignal } from '../signal-guard.js';
import { writeArm64kitInterpreters } from './arm64kit-interpreter.js';
import type {
  Backend,
  BackendInfo,
  CaseLayout,
  CcacheSource,
  Observed,
  Progress,
  RegistrationUsed,
} from './backend.js';
import { requireProgramFor } from './elf.js';
import { findExecutable, hostMachine } from './host-facts.js';
import { KernelHandler, rivalEntry, whileInCharge } from './kernel-handler.js';
import { DEFAULT_PATH, lookupInPath } from './path-lookup.js';
import { runCommand } from './run-command.js';
import { Stage } from './stage.js';

export interface HostBackendOptions {
  /** The architecture of the programs and the handler, any spelling the names table knows (default aarch64). */
  arch?: string;
  /** The interpreter the handler names; default the architecture's qemu-user-static from PATH (qemu-aarch64-static). */
  interpreter?: string;
  /**
   * Use arm64kit's own emulator as the interpreter: the command that runs the arm64kit CLI
   * (e.g. [process.execPath, '/path/to/arm64kit/bin/run.js']). Its `run` command is started
   * through a small interpreter script per handler. Not with `rootfs` (the script's /bin/sh
   * would be looked up inside the chroot).
   */
  arm64kitCommand?: string[];
  /** A ccache binary of the architecture to run as `ccache`. */
  ccache?: string;
  /** A root filesystem of the architecture to chroot into (its ccache is used when --ccache is not given). */
  rootfs?: string;
  /** The binfmt_misc directory (default /proc/sys/fs/binfmt_misc). */
  binfmtDir?: string;
  /** The handler's entry name (default arm64kit-repro-<pid>): never an existing entry. */
  entryName?: string;
}

/**
 * Real binfmt_misc: registers its own handler for the architecture (the newest registration wins, so it
 * is the one the kernel uses), runs the programs through /bin/sh as a user would, and removes
 * the handler afterwards. Entries it did not create are never touched.
 */
export class HostBackend implements Backend {
  readonly name = 'host' as const;
  private readonly interpreter: string | null;
  private wrappers: { withoutP: string; withP: string } | null = null;
  private readonly root: string;
  private stage: Stage | null = null;
  private disarm: (() => void) | null = null;
  private handler: KernelHandler;
  readonly target: ReproTarget;

  constructor(private readonly options: HostBackendOptions = {}) {
    this.target = reproTarget(options.arch);
    this.interpreter = options.interpreter ?? findExecutable(this.target.qemu);
    this.root = options.rootfs ?? '/';
    this.handler = new KernelHandler(
      this.target,
      options.binfmtDir ?? '/proc/sys/fs/binfmt_misc',
      options.entryName ?? `arm64kit-repro-${process.pid}`,
    );
  }

  info(): BackendInfo {
    return {
      host: hostMachine(),
      image:
        this.options.rootfs === undefined ? 'host userland (binfmt_misc)' : `chroot ${this.options.rootfs}`,
      interpreter:
        this.options.arm64kitCommand !== undefined
          ? `arm64kit emulator (${this.options.arm64kitCommand.join(' ')} run), through an interpreter script`
          : (this.interpreter ?? `${this.target.qemu} (not found)`),
    };
  }

  private get staged(): Stage {
    if (this.stage === null) throw new ReproError('BACKEND_FAILED', 'the host backend was not prepared');
    return this.stage;
  }

  async prepare(progress: Progress): Promise<CcacheSource> {
    if (process.getuid?.() !== 0) {
      throw new ReproError(
        'BACKEND_UNAVAILABLE',
        'the host backend registers binfmt_misc handlers and needs root',
      );
    }
    if (this.options.arm64kitCommand !== undefined && this.options.rootfs !== undefined) {
      throw new ReproError(
        'BAD_INPUT',
        'arm64kit as the interpreter does not work with --rootfs (its script would run inside the chroot)',
      );
    }
    if (this.options.arm64kitCommand !== undefined && this.options.interpreter !== undefined) {
      throw new ReproError(
        'BAD_INPUT',
        'give either an interpreter path or arm64kit as the interpreter, not both',
      );
    }
    if (this.options.arm64kitCommand === undefined && this.interpreter === null) {
      throw new ReproError(
        'BACKEND_UNAVAILABLE',
        `${this.target.qemu} not found (apt-get install qemu-user-static)`,
      );
    }
    if (
      this.interpreter !== null &&
      this.options.arm64kitCommand === undefined &&
      !existsSync(this.interpreter)
    ) {
      throw new ReproError('BAD_INPUT', `interpreter ${this.interpreter} does not exist`);
    }
    await this.handler.checkUsable();
    if (this.options.rootfs !== undefined) {
      if (!existsSync(join(this.options.rootfs, 'bin', 'sh'))) {
        throw new ReproError(
          'BAD_INPUT',
          `--rootfs ${this.options.rootfs} has no /bin/sh: not a root filesystem`,
        );
      }
      if (!findExecutable('chroot'))
        throw new ReproError('BACKEND_UNAVAILABLE', 'chroot not found (coreutils)');
    }
    if (this.options.ccache !== undefined) requireProgramFor(this.target, this.options.ccache, '--ccache');
    // Programs are staged where the guest can see them: in a temp dir, or inside the rootfs.
    this.stage = new Stage(this.target, this.options.rootfs, this.options.ccache);
    // From here on the host is changed; a signal undoes everything before the process ends.
    this.disarm = restoreOnSignal(() => {
      this.handler.restoreSync();
      this.removeStage();
    });
    progress(`staged the programs in ${this.stage.dir}`);
    if (this.options.arm64kitCommand !== undefined) {
      this.wrappers = writeArm64kitInterpreters(this.stage.dir, this.options.arm64kitCommand);
    }
    if (this.options.ccache !== undefined) {
      return { available: true, origin: `--ccache ${this.options.ccache}` };
    }
    if (this.options.rootfs !== undefined) {
      const found = lookupInPath(this.root, DEFAULT_PATH, 'ccache');
      if (found !== null)
        return { available: true, origin: `${found} in the root filesystem ${this.options.rootfs}` };
      return {
        available: false,
        origin: 'none',
        reason: `no ccache in ${this.options.rootfs} (install it there, or pass --ccache PATH)`,
      };
    }
    return {
      available: false,
      origin: 'none',
      reason: `pass --ccache PATH (a ${this.target.arch} ccache) or --rootfs DIR`,
    };
  }

  layout(c: ScenarioCase): CaseLayout {
    const execPath =
      c.lookup === 'relative' ? c.command[0] : lookupInPath(this.root, this.staged.pathEnv, invokedName(c));
    if (execPath === null)
      throw new ReproError('BACKEND_FAILED', `${invokedName(c)} is not in PATH (${this.staged.pathEnv})`);
    const foundInPath =
      c.command.length > 1 ? lookupInPath(this.root, this.staged.pathEnv, c.command[1]) : null;
    return { execPath, foundInPath };
  }

  async useHandler(handler: Handler, progress: Progress): Promise<RegistrationUsed> {
    const interpreter =
      this.wrappers === null
        ? (this.interpreter as string)
        : handler.preserveArgv0
          ? this.wrappers.withP
          : this.wrappers.withoutP;
    const used = await this.handler.register({ interpreter, preserveArgv0: handler.preserveArgv0 });
    progress(`registered ${used.line}`);
    return used;
  }

  async runCase(c: ScenarioCase, progress: Progress): Promise<Observed> {
    const program = join(this.staged.dir, 'bin', 'argv-example');
    return whileInCharge(
      this.target,
      () => rivalEntry(this.handler.dir, this.handler.name, program),
      () => this.runOnce(c),
      progress,
    );
  }

  private runOnce(c: ScenarioCase): Promise<Observed> {
    // The shell does what a user's shell does: cd, then exec with its own PATH lookup.
    const script = 'cd "$1" || exit 125; shift; exec "$@"';
    const env = this.staged.env();
    const cross = `/usr/${this.target.arch}-linux-gnu`;
    if (this.options.rootfs === undefined && c.subject === 'ccache' && existsSync(join(cross, 'lib'))) {
      // A dynamically linked ccache outside any rootfs finds the cross libc here (qemu -L).
      env.QEMU_LD_PREFIX = cross;
    }
    const argv = ['-c', script, 'sh', this.staged.workDir, ...c.command];
    if (this.options.rootfs === undefined) return runCommand('/bin/sh', argv, { env });
    return runCommand('chroot', [this.options.rootfs, '/bin/sh', ...argv], { env });
  }

  private removeStage(): void {
    this.stage?.remove();
    this.stage = null;
  }

  async cleanup(progress: Progress): Promise<void> {
    try {
      if (this.handler.restoreSync()) progress(`removed ${this.handler.name}; binfmt_misc is as it was`);
    } finally {
      this.removeStage();
      this.disarm?.();
      this.disarm = null;
    }
  }
}
