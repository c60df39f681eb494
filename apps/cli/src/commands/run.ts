import { CPU_PROFILES, DEFAULT_CPU, hwcapNames } from '@arm64kit/arm64';
import { EXECUTORS } from '@arm64kit/core';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../lib/base-command.js';
import { GUEST_ARCHES } from '../lib/guest-arch.js';
import { runGuest, runUsageProblem, splitRunArgv } from '../lib/run-guest.js';

export default class Run extends BaseCommand {
  static override enableJsonFlag = false;
  static override strict = false;

  static override summary = 'Run an aarch64 or riscv64 Linux program with the built-in emulator';

  static override description =
    `Runs PROGRAM with ARGS like qemu-aarch64-static: stdin, stdout and stderr are the program's own, and arm64kit exits with the program's exit status. A program that crashes (SIGSEGV, SIGBUS, SIGILL, SIGABRT…) makes it exit 128 + N with one line on stderr saying why; one ended by SIGPIPE, SIGTERM, SIGINT, SIGHUP or SIGKILL ends arm64kit by that signal, quietly, as qemu does. Everything after PROGRAM is passed to it untouched.

As a binfmt_misc interpreter, use a wrapper that runs \`arm64kit run --binfmt-preserve-argv0 "$@"\` for a handler registered with the P flag (the kernel then passes the full path and the original argv[0]) and plain \`arm64kit run "$@"\` for one without.

A multi-threaded program's threads run on several host cores: on up to ARM64KIT_CPU_WORKERS worker threads beside arm64kit's own (0 to 3; default one fewer than the host's processors, so 0 turns it off). --stats says how much ran there.`;

  static override examples = [
    '<%= config.bin %> run ./hello-aarch64 1 2 3',
    '<%= config.bin %> run --argv0 ccache ./ccache-aarch64 -p',
    '<%= config.bin %> run --sysroot /srv/arm64-rootfs /srv/arm64-rootfs/bin/ls -l /',
    '<%= config.bin %> run --strace ./hello-aarch64',
    '<%= config.bin %> run --sysroot /srv/arm64-rootfs --cwd /tmp --clear-env --env PATH=/usr/bin:/bin /srv/arm64-rootfs/bin/pwd',
  ];

  static override args = {
    program: Args.string({ description: 'the aarch64 or riscv64 ELF program to run', required: true }),
  };

  static override flags = {
    strace: Flags.boolean({
      description:
        'print every system call to stderr as strace -f does (decoded arguments, errno names, [pid N] while several guest threads or processes run; unknown calls once)',
    }),
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
      description:
        'print to stderr at exit the number of guest instructions executed, the rate, how many translated blocks were lifted and how many reused across processes, and what CPU workers ran',
    }),
    executor: Flags.string({
      description:
        'IR backend: tiered (default: interpret, thread, then compile hot blocks to WebAssembly), wasm (every block), threaded, compiled (to JS), or reference (the plain interpreter)',
      options: [...EXECUTORS],
    }),
    cpu: Flags.string({
      description: `CPU the program is told it runs on (AT_HWCAP, MIDR_EL1, ID registers), like qemu's -cpu: ${[
        ...CPU_PROFILES.values(),
      ]
        .map((p) => `${p.name} (${p.description}; AT_HWCAP ${hwcapNames(p.hwcap).join(' ')})`)
        .join('; ')}. Default: ARM64KIT_CPU if set, else ${DEFAULT_CPU}`,
      // No oclif default or env here: the lean start-up path parses the same flags, and both
      // fall back to ARM64KIT_CPU, then the default, in run-guest.ts.
      options: [...CPU_PROFILES.keys()],
    }),
    cwd: Flags.string({
      description:
        'working directory the program starts in (with --sysroot, a directory inside it). Default: the current directory',
    }),
    env: Flags.string({
      description: 'set NAME=VALUE in the environment the program gets (repeatable; like qemu -E)',
      multiple: true,
      multipleNonGreedy: true,
    }),
    'unset-env': Flags.string({
      description: 'remove NAME from the environment the program gets (repeatable; like qemu -U)',
      multiple: true,
      multipleNonGreedy: true,
    }),
    'clear-env': Flags.boolean({
      description:
        "start the program's environment empty rather than from arm64kit's own (then --env adds to it)",
    }),
    arch: Flags.string({
      description:
        'architecture to run PROGRAM as; default: the one its ELF header names (aarch64, riscv64), a program for another one is an error',
      options: [...GUEST_ARCHES],
    }),
  };

  async run(): Promise<void> {
    const { own, guest } = splitRunArgv(this.argv);
    const { flags } = await this.parse(Run, [...own, ...guest.slice(0, 1)]);
    const problem = runUsageProblem(flags, guest);
    if (problem !== undefined) this.error(problem, { exit: 2 });
    const exitCode = await runGuest(flags, guest);
    if (exitCode !== 0) this.exit(exitCode);
  }
}
