import { accessSync, constants, lstatSync } from 'node:fs';
import type { Cpu } from '../cpu/cpu.js';
import { ElfError } from '../loader/elf.js';
import { ElfFile, NotRegularFileError } from '../loader/elf-file.js';
import { GuestSignal, SIGNALS } from '../signals.js';
import { E, fail } from './errno.js';
import { readPathArgument } from './guest-paths.js';
import { AT_FDCWD, int, type LinuxKernel, ptr } from './kernel.js';
import { SYS } from './numbers.js';
import { guestJoin } from './paths.js';
import { type OpenedProgram, openProgram, startProcessImage } from './process-image.js';
import { Reschedule } from './scheduling.js';
import { afterCredentialChange, dumpableAtExec, setIdsOf } from './set-id.js';
import { executable } from './synthetic/files.js';

const AT_EMPTY_PATH = 0x1000;
const AT_SYMLINK_NOFOLLOW = 0x100;
/** The kernel reads this much of a file to recognise its format (BINPRM_BUF_SIZE). */
const BINPRM_BUF_SIZE = 256;
/** Format rewrites (`#!` lines) exec follows before ELOOP, as fs/exec.c's exec_binprm. */
const MAX_REWRITES = 6;
/** Total size of argv and envp strings the kernel accepts (a quarter of the 8 MiB stack). */
const ARG_MAX = 2 * 1024 * 1024;

/** A NULL-terminated array of string pointers (argv, envp); NULL itself is an empty array. */
function readStrings(k: LinuxKernel, addr: number, budget: { left: number }): string[] {
  const out: string[] = [];
  if (addr === 0) return out;
  for (let i = 0; ; i++) {
    const p = Number(k.memory.read64(addr + 8 * i));
    if (p === 0) return out;
    const length = k.memory.strlen(p, ARG_MAX + 1);
    budget.left -= length + 1;
    if (budget.left < 0) fail(E.E2BIG);
    out.push(Buffer.from(k.memory.readBytes(p, length)).toString('utf8'));
  }
}

/**
 * Opens a file exec runs (program or interpreter) if the caller may execute it: ENOENT, or
 * EACCES for missing execute permission and for anything but a regular file (/dev/zero too).
 */
function openExecutable(host: string | Buffer, name: string): ElfFile {
  accessSync(host, constants.X_OK);
  try {
    return ElfFile.open(host, name);
  } catch (error) {
    if (error instanceof NotRegularFileError) fail(E.EACCES);
    throw error;
  }
}

/** The first BINPRM_BUF_SIZE bytes of the file at guest path `guest`, to tell scripts from programs. */
function head(k: LinuxKernel, guest: string): Uint8Array {
  const file = openExecutable(executable(k, guest).host, guest);
  try {
    return file.read(0, BINPRM_BUF_SIZE + 1);
  } finally {
    file.close();
  }
}

/** `#!interpreter [one argument]` from the first line of a script, or null when not a script. */
function shebang(bytes: Uint8Array): { interpreter: string; arg: string | null } | null {
  if (bytes[0] !== 0x23 || bytes[1] !== 0x21) return null;
  const head = Buffer.from(bytes.subarray(2, BINPRM_BUF_SIZE)).toString('latin1');
  const newline = head.indexOf('\n');
  if (newline < 0 && bytes.length > BINPRM_BUF_SIZE) fail(E.ENOEXEC); // the line does not fit
  const line = (newline < 0 ? head : head.slice(0, newline)).replace(/^[ \t]+|[ \t]+$/g, '');
  const match = /^(\S+)(?:[ \t]+(.*))?$/.exec(line);
  if (!match) fail(E.ENOEXEC);
  return { interpreter: match[1], arg: match[2] ?? null };
}

/**
 * execve in the same machine, as the kernel's exec: finds the program (following `#!` lines),
 * checks everything that can fail, then — past the point of no return — closes close-on-exec
 * descriptors, drops the old memory and signal handlers, and starts the new image with the
 * same initial stack rules as the first program.
 */
function execve(
  k: LinuxKernel,
  cpu: Cpu,
  dirfd: number,
  pathAddr: number,
  argvAddr: number,
  envpAddr: number,
  flags: number,
): number {
  if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) fail(E.EINVAL);
  const raw = readPathArgument(k.memory, pathAddr);
  let guest: string;
  if (raw === '') {
    if (!(flags & AT_EMPTY_PATH) || dirfd === AT_FDCWD) fail(E.ENOENT);
    const file = k.fds.get(dirfd);
    if (file.guestPath === null) fail(E.EACCES);
    guest = file.guestPath;
  } else {
    guest = k.guestPath(dirfd, raw);
    // execveat's AT_SYMLINK_NOFOLLOW: a symbolic link as the last component is refused.
    if (flags & AT_SYMLINK_NOFOLLOW && lstatSync(k.paths.toHost(guest, false)).isSymbolicLink())
      fail(E.ELOOP);
  }
  const budget = { left: ARG_MAX };
  let argv = readStrings(k, argvAddr, budget);
  const env = readStrings(k, envpAddr, budget);
  // Since Linux 5.18 an empty argv becomes { "" }, so argv[0] always exists.
  if (argv.length === 0) argv = [''];
  const execfn = raw === '' ? guest : raw;

  let bytes = head(k, guest);
  for (let depth = 0; ; depth++) {
    if (depth >= MAX_REWRITES) fail(E.ELOOP);
    const script = shebang(bytes);
    if (!script) break;
    // The kernel's binfmt_script: interpreter, its optional argument, the script's path, then
    // the original arguments after argv[0].
    argv = [script.interpreter, ...(script.arg === null ? [] : [script.arg]), execfn, ...argv.slice(1)];
    guest = guestJoin(k.cwd, script.interpreter);
    bytes = head(k, guest);
  }
  let program: OpenedProgram;
  try {
    program = openProgram(executable(k, guest).host, guest, k.arch.elfMachine, openExecutable, (interp) =>
      k.paths.toHost(interp),
    );
  } catch (error) {
    if (error instanceof ElfError) fail(E.ENOEXEC); // another architecture, or not a program at all
    throw error;
  }
  const { image, interpreter } = program;
  // The set-id bits of the file that runs (a script's interpreter, not the script).
  const setIds = setIdsOf(executable(k, guest).host, k.noNewPrivs);

  // The point of no return: from here a failure can only kill the process.
  k.traceLine(`--- execve ${guest} [${argv.map((a) => JSON.stringify(a)).join(', ')}] ---`);
  k.fds.closeOnExec();
  k.signals.resetForExec();
  k.posixTimers.clear(); // POSIX timers end with the image; setitimer's live on
  // Run through /proc/PID/exe, the program keeps its own name there.
  const running = executable(k, guest);
  k.programPath = running.guest;
  k.programHostPath = running.host;
  k.thread.name = null; // the new program's name, as the kernel sets comm at execve
  const dumpable = dumpableAtExec(k);
  const before = k.credentials.identity;
  const secure = k.credentials.exec(setIds, k.noNewPrivs);
  k.dumpable = dumpable;
  if (secure) k.deathSignal = 0; // the parent cannot signal a process that gained privilege
  afterCredentialChange(k, before);
  // The other threads end (de_thread); a vfork parent sharing this memory gets it back and runs
  // on, so the new image goes into memory of its own.
  const system = k.system;
  for (const t of [...k.threads]) if (t !== k.thread) system?.retire(t, false);
  let target = cpu;
  let newImage = false;
  if (system && k.vforkParent !== null) {
    const machine = system.newMachine();
    system.setMachine(k, machine);
    k.vforkParent = null;
    target = machine.cpu;
    newImage = true;
  } else {
    k.memory.unmap(0, 2 ** 48);
  }
  try {
    k.layout = startProcessImage(k.memory, target, k.arch, {
      guestPath: k.programPath,
      image,
      name: guest,
      interpreter,
      argv,
      env,
      execfn,
      atFlags: 0,
      ids: { ...k.credentials.auxv, secure },
    });
  } catch (error) {
    throw GuestSignal.fatal(
      SIGNALS.SIGSEGV,
      `execve of ${guest} failed after the point of no return: ${(error as Error).message}`,
    );
  } finally {
    program.close();
  }
  // The registers are the new image's, in another CPU: nothing of this call is written back.
  if (newImage) throw new Reschedule();
  return 0;
}

/** Registers execve and execveat (programs of this machine's architecture, run in place). */
export function registerExecSyscalls(k: LinuxKernel): void {
  k.register(SYS.execve, (k, a, cpu) => execve(k, cpu, AT_FDCWD, ptr(a[0]), ptr(a[1]), ptr(a[2]), 0));
  k.register(SYS.execveat, (k, a, cpu) =>
    execve(k, cpu, int(a[0]), ptr(a[1]), ptr(a[2]), ptr(a[3]), int(a[4])),
  );
}
