import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BinfmtHost, type BinfmtSnapshot, DEFAULT_BINFMT_DIR } from '@arm64kit/binfmt';
import {
  connect,
  type DockerEngine,
  DockerError,
  type EmulationSetup,
  setupEmulation,
} from '@arm64kit/docker';
import { type ReproTarget, reproTarget } from '../arch.js';
import { ReproError } from '../errors.js';
import { programPath } from '../programs.js';
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
import { DEFAULT_BASE_IMAGES, reproDockerfile } from './dockerfile.js';
import { requireProgramFor } from './elf.js';
import { hostMachine } from './host-facts.js';
import { rivalEntry, whileInCharge } from './kernel-handler.js';

export interface DockerBackendOptions {
  /**
   * The architecture of the image, the programs and the handler, any spelling the names table
   * knows (default aarch64: linux/arm64 images).
   */
  arch?: string;
  /** The Dockerfile's FROM (default the write-up's Ubuntu 20.04: arm64v8/ubuntu:20.04, riscv64/ubuntu:20.04). */
  baseImage?: string;
  /** A ccache binary of the architecture installed as /usr/local/bin/ccache instead of the package. */
  ccache?: string;
  /** The interpreter the handler names (default the architecture's qemu-user-static: /usr/bin/qemu-aarch64-static). */
  interpreter?: string;
  /** An engine to use; default the local one (or DOCKER_HOST). */
  engine?: DockerEngine;
  binfmtDir?: string;
  /** The handler's entry name (default arm64kit-repro-<pid>). */
  entryName?: string;
  /** Where to register: this host, a registration image on the engine, or auto (see setupEmulation). */
  via?: 'auto' | 'host' | 'image';
}

const IMAGE_REPOSITORY = 'arm64kit-repro';
const RUN_TIMEOUT_MS = 120_000;
/** Marks the images this backend builds with what they were built from. */
const RECIPE_LABEL = 'io.arm64kit.repro.recipe';
/** Asks the image's own shell where each name is found in PATH (as runc will find it). */
const WHICH = 'for n in "$@"; do p=$(command -v "$n") && echo "$n=$p"; done; exit 0';

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The write-up's Dockerfile, built for the architecture's platform (linux/arm64 by default) and
 * run under a handler for it on the host registered without P and then with P. The handler is our own entry (the newest
 * registration is the one the kernel uses); it is removed afterwards, also on a signal.
 * The image is kept under a fixed tag, so a second run reuses its layers.
 */
export class DockerBackend implements Backend {
  readonly name = 'docker' as const;
  private readonly baseImage: string;
  private readonly entryName: string;
  private readonly binfmtDir: string;
  private engine: DockerEngine | null;
  private tag: string | null = null;
  private paths = new Map<string, string>();
  private emulation: EmulationSetup | null = null;
  /** A setup on its way: a signal meanwhile waits for it and undoes it. */
  private settingUp: Promise<EmulationSetup | null> | null = null;
  private nameSnapshot: BinfmtSnapshot | null = null;
  private readonly runs = new Set<AbortController>();
  private disarm: (() => void) | null = null;
  private interrupted = false;
  private programHeader: Uint8Array = new Uint8Array(0);
  readonly target: ReproTarget;

  constructor(private readonly options: DockerBackendOptions = {}) {
    this.target = reproTarget(options.arch);
    this.baseImage = options.baseImage ?? DEFAULT_BASE_IMAGES[this.target.arch];
    this.engine = options.engine ?? null;
    this.entryName = options.entryName ?? `arm64kit-repro-${process.pid}`;
    this.binfmtDir = options.binfmtDir ?? DEFAULT_BINFMT_DIR;
  }

  /** The image the scenario runs in, once prepare() has built it. */
  get image(): string | null {
    return this.tag;
  }

  info(): BackendInfo {
    return {
      host: hostMachine(),
      image: this.baseImage,
      interpreter: this.options.interpreter ?? `/usr/bin/${this.target.qemu}`,
    };
  }

  async prepare(progress: Progress): Promise<CcacheSource> {
    if (this.options.ccache !== undefined) requireProgramFor(this.target, this.options.ccache, '--ccache');
    const probe = programPath('ccache-probe', this.target);
    const example = programPath('argv-example', this.target);
    // An ELF header of the architecture, to ask which binfmt_misc entry the kernel would use.
    this.programHeader = readFileSync(example).subarray(0, 256);
    try {
      this.engine ??= await connect();
    } catch (error) {
      throw new ReproError('BACKEND_UNAVAILABLE', reason(error));
    }
    // Only our own entry is ever touched: a signal puts back this snapshot (it is absent).
    // Through a registration image this host may not even have binfmt_misc mounted; the
    // image's own undo (in the asynchronous cleanup) covers that route.
    const host = new BinfmtHost(this.binfmtDir);
    if (this.options.via !== 'image' && (await host.isMounted())) {
      this.nameSnapshot = host.snapshotSync({ names: [this.entryName] });
    }
    this.disarm = restoreOnSignal(
      () => this.restoreHandlerSync(),
      async () => {
        await this.abortRuns();
        await this.restoreThroughEngine();
      },
    );
    // RUN steps execute the image's programs too, so the build needs a handler (with P: as fixed).
    await this.useHandler({ preserveArgv0: true }, progress);

    const dockerfile = reproDockerfile(this.baseImage, { ownCcache: this.options.ccache !== undefined });
    const files: Record<string, { path: string; mode: number }> = {
      'ccache-probe': { path: probe, mode: 0o755 },
      'argv-example': { path: example, mode: 0o755 },
    };
    if (this.options.ccache !== undefined) files.ccache = { path: this.options.ccache, mode: 0o755 };
    const digest = createHash('sha256').update(dockerfile);
    for (const [name, file] of Object.entries(files)) digest.update(name).update(readFileSync(file.path));
    const tag = `${IMAGE_REPOSITORY}:${digest.digest('hex').slice(0, 12)}`;
    // Builds of the same recipe (base image, platform, where ccache comes from) replace each other.
    const { platform } = this.target;
    const recipe = `${this.baseImage} ${platform} ${this.options.ccache === undefined ? 'apt-get' : 'own-ccache'}`;
    progress(`building ${tag} for ${platform} FROM ${this.baseImage}`);
    try {
      await this.engine.build(dockerfile, {
        platform,
        tag,
        files,
        network: 'host',
        labels: { [RECIPE_LABEL]: recipe },
        onProgress: (event) => {
          if (event.type === 'step')
            progress(`  step ${event.step.number}/${event.step.total}: ${event.step.instruction}`);
        },
      });
    } catch (error) {
      throw new ReproError('BACKEND_UNAVAILABLE', `building the repro image failed: ${reason(error)}`);
    }
    this.tag = tag;
    progress(`built ${tag} (kept for the next run; remove it with docker rmi ${tag})`);
    await this.removeOlderBuilds(recipe, tag, progress);

    const where = await this.engine.run(
      tag,
      ['/bin/sh', '-c', WHICH, 'sh', 'ccache', 'ccache-probe', 'argv-example'],
      {
        platform,
        network: 'none',
        timeoutMs: RUN_TIMEOUT_MS,
      },
    );
    for (const line of where.stdout.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) this.paths.set(line.slice(0, eq), line.slice(eq + 1));
    }
    if (this.options.ccache !== undefined)
      return { available: true, origin: `--ccache ${this.options.ccache}` };
    const ccache = this.paths.get('ccache');
    return ccache === undefined
      ? { available: false, origin: 'none', reason: `apt-get installed no ccache in ${this.baseImage}` }
      : {
          available: true,
          origin: `${ccache} from ${this.baseImage}'s package manager (apt-get install ccache)`,
        };
  }

  layout(c: ScenarioCase): CaseLayout {
    const execPath = c.lookup === 'relative' ? c.command[0] : this.paths.get(invokedName(c));
    if (execPath === undefined)
      throw new ReproError('BACKEND_FAILED', `${invokedName(c)} is not in the image's PATH`);
    const foundInPath = c.command.length > 1 ? (this.paths.get(c.command[1]) ?? null) : null;
    return { execPath, foundInPath };
  }

  async useHandler(handler: Handler, progress: Progress): Promise<RegistrationUsed> {
    await this.emulation?.restore();
    this.emulation = null;
    const pending = setupEmulation({
      arch: this.target.arch,
      preserveArgv0: handler.preserveArgv0,
      persistent: true,
      name: this.entryName,
      binfmtDir: this.binfmtDir,
      ...(this.options.via === undefined ? {} : { via: this.options.via }),
      ...(this.engine === null ? {} : { engine: this.engine }),
      ...(this.options.interpreter === undefined ? {} : { interpreter: this.options.interpreter }),
    });
    this.settingUp = pending.catch(() => null);
    try {
      this.emulation = await pending;
    } catch (error) {
      throw new ReproError('BACKEND_UNAVAILABLE', reason(error));
    } finally {
      this.settingUp = null;
    }
    const where = this.emulation.via === 'image' ? ` through ${this.emulation.image}` : '';
    progress(`registered ${this.emulation.registration}${where}`);
    return { line: this.emulation.registration, status: this.emulation.status, registeredInKernel: true };
  }

  async runCase(c: ScenarioCase, progress: Progress): Promise<Observed> {
    const header = this.programHeader;
    // Through an image, this host's binfmt_misc may be unmounted (or another kernel's
    // entirely): there is nothing here to check for rival entries.
    if (this.emulation?.via === 'image' && !(await new BinfmtHost(this.binfmtDir).isMounted()))
      return this.runOnce(c);
    return whileInCharge(
      this.target,
      () => rivalEntry(this.binfmtDir, this.entryName, '/usr/local/bin/argv-example', header),
      () => this.runOnce(c),
      progress,
    );
  }

  private async runOnce(c: ScenarioCase): Promise<Observed> {
    if (this.engine === null || this.tag === null)
      throw new ReproError('BACKEND_FAILED', 'the image is not built');
    const abort = new AbortController();
    this.runs.add(abort);
    try {
      // The container's Cmd is the command as typed: runc looks it up in the image's PATH.
      return await this.engine.run(this.tag, c.command, {
        platform: this.target.platform,
        network: 'none',
        timeoutMs: RUN_TIMEOUT_MS,
        signal: abort.signal,
      });
    } catch (error) {
      this.runs.delete(abort);
      // Aborted by a signal: the signal handler ends the process once the container is gone;
      // this run must not end it first with an error of its own.
      if (this.interrupted) return new Promise<Observed>(() => {});
      if (error instanceof DockerError) throw new ReproError('BACKEND_FAILED', reason(error));
      throw error;
    } finally {
      this.runs.delete(abort);
    }
  }

  /** Removes earlier builds of the same recipe (an older probe, say), so they do not pile up. */
  private async removeOlderBuilds(recipe: string, current: string, progress: Progress): Promise<void> {
    const engine = this.engine as DockerEngine;
    const images = await engine.docker.listImages({ filters: { label: [`${RECIPE_LABEL}=${recipe}`] } });
    for (const image of images) {
      if ((image.RepoTags ?? []).includes(current)) continue;
      await engine.removeImage(image.Id).then(
        () => progress(`removed an older build, ${(image.RepoTags ?? [image.Id]).join(' ')}`),
        () => undefined,
      );
    }
  }

  /** On a signal: our entry goes at once, synchronously (host route). */
  private restoreHandlerSync(): void {
    if (this.emulation?.via === 'image') return;
    if (this.nameSnapshot !== null) new BinfmtHost(this.binfmtDir).restoreSync(this.nameSnapshot);
  }

  /** On a signal, after the containers: a setup made (or being made) through an image is undone. */
  private async restoreThroughEngine(): Promise<void> {
    const setup = this.emulation ?? (await this.settingUp);
    if (setup?.via === 'image') await setup.restore();
  }

  /** On a signal: running containers are killed and removed by their runs. */
  private async abortRuns(): Promise<void> {
    this.interrupted = true;
    for (const abort of this.runs) abort.abort();
    while (this.runs.size > 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  async cleanup(progress: Progress): Promise<void> {
    try {
      if (this.emulation !== null) {
        await this.emulation.restore();
        progress(`removed ${this.entryName}; binfmt_misc is as it was`);
      }
    } finally {
      this.emulation = null;
      this.disarm?.();
      this.disarm = null;
    }
  }
}
