import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import {
  type BinfmtEntry,
  formatRegistration,
  formatStatus,
  interpreterArgv,
  presetEntry,
  programArgv,
} from '@arm64kit/binfmt';
import { type ReproTarget, reproTarget } from '../arch.js';
import { ReproError } from '../errors.js';
import { type Handler, invokedName, type ScenarioCase } from '../scenario.js';
import { restoreOnSignal } from '../signal-guard.js';
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
import { emulatorRunner, type GuestRunner } from './guest-runner.js';
import { hostMachine } from './host-facts.js';
import { DEFAULT_PATH, lookupInPath } from './path-lookup.js';
import { Stage } from './stage.js';

export interface EmbeddedBackendOptions {
  /** The architecture of the programs, any spelling the names table knows (default aarch64). */
  arch?: string;
  /** A ccache binary of that architecture to run as `ccache`. */
  ccache?: string;
  /** A root filesystem of that architecture used as the guest's sysroot. */
  rootfs?: string;
  /** What runs the guest code; default the arm64kit emulator. */
  runner?: GuestRunner;
}

/**
 * No kernel, no root, no Docker: the backend plays the kernel's part with @arm64kit/binfmt
 * (the argv a handler's interpreter receives, and AT_FLAGS) and the interpreter's part with
 * the arm64kit emulator, which runs the program with the argv the interpreter would give it.
 */
export class EmbeddedBackend implements Backend {
  readonly name = 'embedded' as const;
  private stage: Stage | null = null;
  private entry: BinfmtEntry | null = null;
  private runner: GuestRunner | null;
  private disarm: (() => void) | null = null;
  readonly target: ReproTarget;

  constructor(private readonly options: EmbeddedBackendOptions = {}) {
    this.target = reproTarget(options.arch);
    this.runner = options.runner ?? null;
  }

  info(): BackendInfo {
    return {
      host: hostMachine(),
      image:
        this.options.rootfs === undefined
          ? 'host files, arm64kit emulator'
          : `sysroot ${this.options.rootfs}`,
      interpreter: this.runner?.description ?? 'arm64kit emulator (in process)',
    };
  }

  private get staged(): Stage {
    if (this.stage === null) throw new ReproError('BACKEND_FAILED', 'the embedded backend was not prepared');
    return this.stage;
  }

  async prepare(progress: Progress): Promise<CcacheSource> {
    if (this.options.rootfs !== undefined && !existsSync(join(this.options.rootfs, 'usr'))) {
      throw new ReproError('BAD_INPUT', `--rootfs ${this.options.rootfs} has no /usr: not a root filesystem`);
    }
    if (this.options.ccache !== undefined) requireProgramFor(this.target, this.options.ccache, '--ccache');
    this.runner ??= await emulatorRunner(this.target);
    this.stage = new Stage(this.target, this.options.rootfs, this.options.ccache);
    this.disarm = restoreOnSignal(() => this.removeStage());
    progress(`staged the programs in ${this.stage.dir}`);
    if (this.options.ccache !== undefined)
      return { available: true, origin: `--ccache ${this.options.ccache}` };
    if (this.options.rootfs !== undefined) {
      const found = lookupInPath(this.options.rootfs, DEFAULT_PATH, 'ccache');
      if (found !== null)
        return { available: true, origin: `${found} in the root filesystem ${this.options.rootfs}` };
      return {
        available: false,
        origin: 'none',
        reason: `no ccache in ${this.options.rootfs} (pass --ccache PATH)`,
      };
    }
    return {
      available: false,
      origin: 'none',
      reason: `pass --ccache PATH (a ${this.target.arch} ccache) or --rootfs DIR`,
    };
  }

  layout(c: ScenarioCase): CaseLayout {
    const root = this.options.rootfs ?? '/';
    const execPath =
      c.lookup === 'relative' ? c.command[0] : lookupInPath(root, this.staged.pathEnv, invokedName(c));
    if (execPath === null)
      throw new ReproError('BACKEND_FAILED', `${invokedName(c)} is not in PATH (${this.staged.pathEnv})`);
    const foundInPath = c.command.length > 1 ? lookupInPath(root, this.staged.pathEnv, c.command[1]) : null;
    return { execPath, foundInPath };
  }

  async useHandler(handler: Handler): Promise<RegistrationUsed> {
    // The registration qemu-binfmt-conf.sh makes; nothing is written to any kernel.
    this.entry = presetEntry(this.target.arch, { preserveArgv0: handler.preserveArgv0, persistent: true });
    return {
      line: formatRegistration(this.entry),
      status: formatStatus(this.entry),
      registeredInKernel: false,
    };
  }

  async runCase(c: ScenarioCase): Promise<Observed> {
    if (this.entry === null || this.runner === null)
      throw new ReproError('BACKEND_FAILED', 'no handler in use');
    const { execPath } = this.layout(c);
    // The kernel's part: what the handler's interpreter receives, and AT_FLAGS.
    const invocation = interpreterArgv(this.entry, { path: execPath, argv: c.command });
    // The interpreter's part: run received[1] with the argv it implies.
    const program = invocation.argv[1];
    const guestPath = isAbsolute(program) ? program : `${this.staged.workDir}/${program}`;
    return this.runner.run({
      path: guestPath,
      argv: programArgv(invocation.argv, invocation.atFlags),
      env: this.staged.env(),
      cwd: this.staged.workDir,
      sysroot: this.options.rootfs,
      atFlags: invocation.atFlags,
    });
  }

  private removeStage(): void {
    this.stage?.remove();
    this.stage = null;
  }

  async cleanup(): Promise<void> {
    this.removeStage();
    this.disarm?.();
    this.disarm = null;
  }
}
