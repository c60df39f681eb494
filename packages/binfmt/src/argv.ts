import type { BinfmtEntry } from './entry.js';

/** AT_FLAGS bit the kernel sets in the interpreter's auxv when the entry has `P` (AT_FLAGS_PRESERVE_ARGV0). */
export const AT_FLAGS_PRESERVE_ARGV0 = 1;

export interface ExecRequest {
  /** The path passed to execve: `./prog`, the full path a shell found in PATH, `/dev/fd/3`… */
  path: string;
  /** The argv passed to execve; argv[0] may be anything (`exec -a NAME`, a login shell's `-bash`). */
  argv: readonly string[];
}

export interface InterpreterInvocation {
  /** The program the kernel runs instead: the entry's interpreter. */
  interpreter: string;
  /** The argv the interpreter receives. */
  argv: string[];
  /** The AT_FLAGS value in the interpreter's auxiliary vector. */
  atFlags: number;
}

/**
 * What a registered interpreter receives when the kernel hands it a program
 * (load_misc_binary() in fs/binfmt_misc.c). This is the only place the rule lives:
 *
 *   without P: [interpreter, path, ...argv.slice(1)] — the original argv[0] is lost
 *   with P:    [interpreter, path, argv[0], ...argv.slice(1)], and AT_FLAGS has bit 0 set
 *
 * As since Linux 5.18, an empty argv is first given one empty string as argv[0].
 */
export function interpreterArgv(
  entry: Pick<BinfmtEntry, 'interpreter' | 'flags'>,
  exec: ExecRequest,
): InterpreterInvocation {
  const argv = exec.argv.length === 0 ? [''] : [...exec.argv];
  const preserve = entry.flags.preserveArgv0;
  return {
    interpreter: entry.interpreter,
    argv: preserve
      ? [entry.interpreter, exec.path, ...argv]
      : [entry.interpreter, exec.path, ...argv.slice(1)],
    atFlags: preserve ? AT_FLAGS_PRESERVE_ARGV0 : 0,
  };
}

/**
 * The interpreter's half of the rule: the argv the program itself should see, rebuilt from
 * what the interpreter received (`received[0]` is the interpreter, `received[1]` the path to
 * run). With P (AT_FLAGS bit 0) the original argv[0] follows the path; without it, the path
 * is all that is left of argv[0]. qemu-user and `arm64kit run` both behave this way.
 */
export function programArgv(received: readonly string[], atFlags: number): string[] {
  return received.slice((atFlags & AT_FLAGS_PRESERVE_ARGV0) !== 0 ? 2 : 1);
}
