import {
  accessSync,
  closeSync,
  constants,
  type Dir,
  opendirSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
} from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { readElfHeader } from '@arm64kit/binfmt';
import type {
  BinfmtFacts,
  DockerFacts,
  DoctorFacts,
  EntryFacts,
  InterpreterFacts,
  KernelFacts,
  ProgramFacts,
} from './facts-types.js';
import { interpreterPathOf, presetView } from './handler-view.js';

export const DEFAULT_BINFMT_DIR = '/proc/sys/fs/binfmt_misc';

/** binfmt_misc shows these two control files beside the entries. */
const CONTROL_FILES = new Set(['register', 'status']);
/** binfmt_misc matches magic within the first BINPRM_BUF_SIZE bytes of a file. */
const HEADER_BYTES = 256;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export interface BinfmtSource {
  /** The binfmt_misc directory (a scratch directory in unit tests). */
  dir?: string;
  /** The mount table text (default: /proc/mounts). */
  mounts?: string;
}

/**
 * Reads binfmt_misc as the kernel shows it. The directory lists entries newest first (the kernel
 * adds each registration at the head of its list and searches from the head), and that order is
 * kept: it is the order in which the kernel tries handlers.
 */
export function gatherBinfmt(source: BinfmtSource = {}): BinfmtFacts {
  const dir = source.dir ?? DEFAULT_BINFMT_DIR;
  const mounts = source.mounts ?? readText('/proc/mounts') ?? '';
  const mountLine = mounts.split('\n').find((l) => {
    const [, mountPoint, fsType] = l.split(' ');
    return fsType === 'binfmt_misc' && mountPoint === dir;
  });
  const names = listUnsorted(dir).filter((n) => !CONTROL_FILES.has(n));
  const hasRegister = (() => {
    try {
      return statSync(join(dir, 'register')).isFile();
    } catch {
      return false;
    }
  })();
  const entries: EntryFacts[] = [];
  for (const name of names) {
    const text = readText(join(dir, name));
    // An entry removed between readdir and read is simply gone.
    if (text === undefined) continue;
    const interpreterPath = interpreterPathOf(text);
    entries.push({
      name,
      text,
      interpreter: interpreterPath === undefined ? undefined : gatherInterpreter(interpreterPath),
    });
  }
  return {
    dir,
    mounted: mountLine !== undefined || hasRegister,
    mountLine,
    status: readText(join(dir, 'status')),
    entries,
  };
}

/**
 * Directory names in the order the file system returns them. readdirSync sorts (libuv uses
 * scandir with alphasort), which would lose the kernel's newest-first order; opendir does not.
 */
function listUnsorted(dir: string): string[] {
  const names: string[] = [];
  let handle: Dir;
  try {
    handle = opendirSync(dir);
  } catch {
    return names;
  }
  try {
    for (let d = handle.readSync(); d !== null; d = handle.readSync()) names.push(d.name);
  } finally {
    handle.closeSync();
  }
  return names;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function gatherInterpreter(path: string): InterpreterFacts {
  let exists = false;
  try {
    statSync(path);
    exists = true;
  } catch {}
  const facts: InterpreterFacts = { path, exists, executable: exists && isExecutableFile(path) };
  if (exists) {
    try {
      facts.elf = readElfHeader(path);
    } catch (error) {
      facts.elfError = (error as Error).message;
      facts.shebang = shebangOf(path);
    }
  }
  return facts;
}

/** The `#!` line of a script, or undefined. */
function shebangOf(path: string): string | undefined {
  try {
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(256);
      const text = head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString('utf8');
      return text.startsWith('#!') ? text.split('\n')[0] : undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

export function gatherKernel(): KernelFacts {
  return { release: release() };
}

export async function gatherProgram(path: string, argv: string[] = [path]): Promise<ProgramFacts> {
  const facts: ProgramFacts = { path, argv, exists: false };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return facts;
  }
  facts.exists = true;
  try {
    const header = new Uint8Array(HEADER_BYTES);
    facts.header = header.subarray(0, readSync(fd, header, 0, HEADER_BYTES, 0));
  } finally {
    closeSync(fd);
  }
  try {
    facts.elf = readElfHeader(path);
    if (facts.elf.interpreter) facts.loaderExists = isExecutableFile(facts.elf.interpreter);
  } catch (error) {
    facts.elfError = (error as Error).message;
  }
  if (facts.elf) facts.emulatorLoad = await emulatorLoad(path);
  return facts;
}

/**
 * Asks the emulator's own ELF loader whether it accepts the file, with the frontend `arm64kit run`
 * would pick for it from its ELF header (the rules `arm64kit run` applies).
 */
async function emulatorLoad(path: string): Promise<ProgramFacts['emulatorLoad']> {
  // The emulator is loaded only when a program is checked.
  const [{ ElfError, parseElf: parseGuestElf }, { guestArchitecture, UnsupportedMachineError }] =
    await Promise.all([import('@arm64kit/core'), import('../lib/guest-arch.js')]);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  try {
    const arch = await guestArchitecture(path, undefined, undefined);
    parseGuestElf(bytes, arch.elfMachine, path);
    return { ok: true };
  } catch (error) {
    if (error instanceof ElfError || error instanceof UnsupportedMachineError)
      return { ok: false, reason: error.message };
    throw error;
  }
}

export interface GatherOptions extends BinfmtSource {
  arch: string;
  namePrefix?: string;
  program?: { path: string; argv?: string[] };
  docker?: DockerFacts;
}

/** Static interpreters fixes may point at: the preset's, then Debian's usual paths. */
export function gatherCandidates(arch: string): InterpreterFacts[] {
  const paths = [
    presetView(arch).interpreter,
    `/usr/bin/qemu-${arch}-static`,
    `/usr/libexec/qemu-binfmt/${arch}-binfmt-P`,
  ];
  return [...new Set(paths)].map(gatherInterpreter);
}

export async function gatherFacts(options: GatherOptions): Promise<DoctorFacts> {
  return {
    arch: options.arch,
    namePrefix: options.namePrefix,
    binfmt: gatherBinfmt(options),
    candidates: gatherCandidates(options.arch),
    kernel: gatherKernel(),
    program: options.program ? await gatherProgram(options.program.path, options.program.argv) : undefined,
    docker: options.docker,
  };
}
