import { aarch64 } from '@arm64kit/arm64';
import { AT_FLAGS_PRESERVE_ARGV0, programArgv } from '@arm64kit/binfmt';
import { EXECUTORS, type Executor, envToStrings, prepareProgram } from '@arm64kit/core';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../lib/base-command.js';
import { closedAtStart, forwardSignals } from '../lib/host-process.js';
import { ownFlagsEnd, valueFlagsOf } from '../lib/pass-through.js';

/** Splits raw argv into run's own flags and [PROGRAM, ...ARGS], stopping at the program (or `--`). */
export function splitRunArgv(raw: readonly string[]): { own: string[]; guest: string[] } {
  const end = ownFlagsEnd(raw, valueFlagsOf('run'));
  return { own: raw.slice(0, end), guest: raw.slice(raw[end] === '--' ? end + 1 : end) };
}

export default class Run extends BaseCommand {
  static override enableJsonFlag = false;
  static override strict = false;

  static override summary = 'Run an aarch64 Linux program with the built-in emulator';

  static override description =
    `Runs PROGRAM with ARGS like qemu-aarch64-static: stdin, stdout and stderr are the program's own, and arm64kit exits with the program's exit status (128 + N when signal N ends it, with one line on stderr saying why). Everything after PROGRAM is passed to it untouched.

As a binfmt_misc interpreter, use a wrapper that runs \`arm64kit run --binfmt-preserve-argv0 "$@"\` for a handler registered with the P flag (the kernel then passes the full path and the original argv[0]) and plain \`arm64kit run "$@"\` for one without.`;

  static override examples = [
    '<%= config.bin %> run ./hello-aarch64 1 2 3',
    '<%= config.bin %> run --argv0 ccache ./ccache-aarch64 -p',
    '<%= config.bin %> run --sysroot /srv/arm64-rootfs /srv/arm64-rootfs/bin/ls -l /',
    '<%= config.bin %> run --strace ./hello-aarch64',
  ];

  static override args = {
    program: Args.string({ description: 'the aarch64 ELF program to run', required: true }),
  };

  static override flags = {
    strace: Flags.boolean({ description: 'print every system call (and unknown ones once) to stderr' }),
    argv0: Flags.string({ description: 'argv[0] the program sees (default: PROGRAM as given)' }),
    sysroot: Flags.string({
      description:
        'directory the program sees as "/" for every path it opens, symlinks included (like qemu -L)',
    }),
    'binfmt-preserve-argv0': Flags.boolean({
      description:
        'binfmt_misc P-flag convention: PROGRAM is followed by the original argv[0], then the arguments',
    }),
    stats: Flags.boolean({
      description: 'print the number of guest instructions executed and the rate to stderr at exit',
    }),
    executor: Flags.string({
      description:
        'IR backend: tiered (default: interpret, thread, then compile hot blocks to WebAssembly), wasm (every block), threaded, compiled (to JS), or reference (the plain interpreter)',
      options: [...EXECUTORS],
    }),
  };

  async run(): Promise<void> {
    const { own, guest } = splitRunArgv(this.argv);
    const { flags } = await this.parse(Run, [...own, ...guest.slice(0, 1)]);
    const [program, ...rest] = guest;
    if (program === undefined) this.error('missing PROGRAM', { exit: 2 });
    const preserve = flags['binfmt-preserve-argv0'];
    if (preserve && rest.length === 0)
      this.error('--binfmt-preserve-argv0 needs the original argv[0] after PROGRAM', { exit: 2 });
    // As a binfmt_misc interpreter we received [us, PROGRAM, ...]; @arm64kit/binfmt says which
    // argv the program itself gets from that, with and without P.
    const seen = programArgv([this.config.bin, program, ...rest], preserve ? AT_FLAGS_PRESERVE_ARGV0 : 0);
    const argv = flags.argv0 === undefined ? seen : [flags.argv0, ...seen.slice(1)];

    const started = process.hrtime.bigint();
    const { machine, kernel } = prepareProgram({
      arch: aarch64,
      path: program,
      argv,
      env: envToStrings(process.env),
      sysroot: flags.sysroot,
      executor: flags.executor as Executor | undefined,
      strace: flags.strace ? (line) => process.stderr.write(`arm64kit strace: ${line}\n`) : undefined,
      // A descriptor the host closed stays closed for the guest (-1 is never open).
      stdin: closedAtStart(0) ? -1 : 0,
      stdout: closedAtStart(1) ? -1 : 1,
      stderr: closedAtStart(2) ? -1 : 2,
    });
    // The event loop runs between slices of the guest, so host signals reach it there.
    const stopForwarding = forwardSignals((signo) => kernel.sendSignal(signo));
    let result: Awaited<ReturnType<typeof machine.runAsync>> & { instructions: number };
    try {
      result = { ...(await machine.runAsync(kernel)), instructions: machine.instructions };
    } finally {
      stopForwarding();
      kernel.fds.closeAll();
    }
    if (result.report) process.stderr.write(`arm64kit: ${result.report}\n`);
    if (flags.stats) {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const rate = result.instructions / seconds / 1e6;
      process.stderr.write(
        `arm64kit: ${result.instructions} instructions in ${seconds.toFixed(3)} s (${rate.toFixed(2)} M/s)\n`,
      );
    }
    if (result.exitCode !== 0) this.exit(result.exitCode);
  }
}
