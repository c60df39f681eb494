import { type BinfmtFlags, DEFAULT_BINFMT_DIR } from '@arm64kit/binfmt';
import { connect, type DockerEngine } from '../engine.js';
import { formatPlatform, machineName, parsePlatform } from '../platform.js';
import { engineView, hostView, type KernelView } from './kernel-view.js';
import { handlerFor } from './probe.js';

export type EmulationProblemCode =
  | 'BINFMT_NOT_MOUNTED'
  | 'BINFMT_DISABLED'
  | 'NO_HANDLER'
  | 'INTERPRETER_MISSING'
  | 'NOT_PERSISTENT'
  | 'ARGV0_NOT_PRESERVED';

export interface EmulationProblem {
  code: EmulationProblemCode;
  /** True when containers of the platform cannot run at all because of it. */
  fatal: boolean;
  message: string;
  /** What to do about it. */
  fix: string;
}

export interface EmulationHandler {
  name: string;
  interpreter: string;
  flags: BinfmtFlags;
}

export interface EmulationReport {
  platform: string;
  /** The kernel's name for the platform's CPU, e.g. aarch64. */
  machine: string;
  /** The host runs this platform's programs itself; no handler is needed. */
  native: boolean;
  /** The binfmt_misc entry the kernel hands the platform's programs to, if any. */
  handler: EmulationHandler | undefined;
  /** Whether the handler's interpreter exists (undefined without a handler, or when read through an image). */
  interpreterExists: boolean | undefined;
  /** F: the kernel opened the interpreter at registration, so containers need no copy of it. */
  persistent: boolean | undefined;
  /** P: programs see the argv[0] they were started with. */
  preservesArgv0: boolean | undefined;
  problems: EmulationProblem[];
  /** No fatal problem: containers of the platform can start. */
  ok: boolean;
}

export interface PreflightOptions {
  /** Where binfmt_misc is mounted (host route). Default /proc/sys/fs/binfmt_misc. */
  binfmtDir?: string;
  /**
   * Whose kernel to check: `host` reads this host's binfmt_misc; `image` reads the engine's
   * kernel through a registration image (see buildRegistrarImage), right for an engine on
   * another machine; `auto` takes the host for a local engine and the image otherwise.
   * Default: `host`, or `auto` when `engine` is given.
   */
  via?: 'auto' | 'host' | 'image';
  /** The engine for the image route (default connect()). */
  engine?: DockerEngine;
  /** The registration image to read through (default: the newest the engine has). */
  image?: string;
}

/**
 * Checks whether containers of `platform` can run on this host through binfmt_misc, the
 * way the kernel will decide it: the newest enabled entry whose magic matches the
 * platform's ELF header gets the program.
 */
export async function emulationPreflight(
  platform: string,
  options: PreflightOptions = {},
): Promise<EmulationReport> {
  const parsed = parsePlatform(platform);
  const machine = machineName(parsed.architecture);
  const base = { platform: formatPlatform(parsed), machine };
  const view = await kernelView(options);
  if (parsed.architecture === view.architecture) {
    return {
      ...base,
      native: true,
      handler: undefined,
      interpreterExists: undefined,
      persistent: undefined,
      preservesArgv0: undefined,
      problems: [],
      ok: true,
    };
  }
  const problems: EmulationProblem[] = [];
  const report = (handler?: EmulationHandler): EmulationReport => {
    const interpreterExists = handler ? view.interpreterExists(handler.interpreter) : undefined;
    return {
      ...base,
      native: false,
      handler,
      interpreterExists,
      persistent: handler?.flags.fixBinary,
      preservesArgv0: handler?.flags.preserveArgv0,
      problems,
      ok: !problems.some((problem) => problem.fatal),
    };
  };
  const setup = `arm64kit can register one (setupEmulation({ arch: '${parsed.architecture}' })), or as root: apt-get install qemu-user-static`;

  const { mountedAt } = view;
  if (mountedAt && !mountedAt.mounted) {
    problems.push({
      code: 'BINFMT_NOT_MOUNTED',
      fatal: true,
      message: `binfmt_misc is not mounted at ${mountedAt.dir}, so the kernel cannot run ${machine} programs`,
      fix: `mount -t binfmt_misc binfmt_misc ${mountedAt.dir}`,
    });
    return report();
  }
  if (!view.enabled) {
    problems.push({
      code: 'BINFMT_DISABLED',
      fatal: true,
      message: `binfmt_misc is disabled on ${view.where}`,
      fix: mountedAt ? `echo 1 > ${mountedAt.dir}/status` : setup,
    });
  }
  const entry = handlerFor(view.entries, machine);
  if (!entry) {
    problems.push({
      code: 'NO_HANDLER',
      fatal: true,
      message: `no enabled binfmt_misc entry handles ${machine} programs; containers of ${base.platform} fail with "exec format error"`,
      fix: setup,
    });
    return report();
  }
  const handler = { name: entry.name, interpreter: entry.interpreter, flags: entry.flags };
  const result = report(handler);
  if (result.interpreterExists === false) {
    problems.push({
      code: 'INTERPRETER_MISSING',
      // With F the kernel already holds the interpreter open; the path no longer matters.
      fatal: !entry.flags.fixBinary,
      message: `the interpreter of "${entry.name}", ${entry.interpreter}, does not exist on ${view.where}`,
      fix: setup,
    });
  }
  if (!entry.flags.fixBinary) {
    problems.push({
      code: 'NOT_PERSISTENT',
      fatal: true,
      message: `"${entry.name}" has no F flag: the kernel looks for ${entry.interpreter} inside each container, where it is not`,
      fix: `register it again with F (persistent), e.g. setupEmulation({ arch: '${parsed.architecture}', persistent: true })`,
    });
  }
  if (!entry.flags.preserveArgv0) {
    problems.push({
      code: 'ARGV0_NOT_PRESERVED',
      fatal: false,
      message: `"${entry.name}" has no P flag: programs see their full path as argv[0], which breaks programs that check their own name (ccache 3.x, busybox, login shells)`,
      fix: `register it again with P, e.g. setupEmulation({ arch: '${parsed.architecture}', preserveArgv0: true })`,
    });
  }
  return { ...result, problems, ok: !problems.some((problem) => problem.fatal) };
}

async function kernelView(options: PreflightOptions): Promise<KernelView> {
  const dir = options.binfmtDir ?? DEFAULT_BINFMT_DIR;
  const via = options.via ?? (options.engine ? 'auto' : 'host');
  if (via === 'host') return hostView(dir);
  const engine = options.engine ?? (await connect());
  const remote = !engine.host.startsWith('unix://');
  if (via === 'auto' && !remote && !options.image) return hostView(dir);
  return engineView(engine, options.image);
}
