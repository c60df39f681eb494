import { connect, emulationPreflight, type RunResult } from '@arm64kit/docker';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/base-command.js';
import {
  interruptSignal,
  keyValues,
  platformDescription,
  platformOf,
  UsageError,
} from '../../lib/docker-cli.js';
import { ownFlagsEnd, valueFlagsOf } from '../../lib/pass-through.js';

/** Splits raw argv into the command's own flags, the image, and the command for the container. */
export function splitDockerRunArgv(raw: readonly string[]): {
  own: string[];
  image?: string;
  command: string[];
} {
  const end = ownFlagsEnd(raw, valueFlagsOf('docker', 'run'));
  const at = raw[end] === '--' ? end + 1 : end;
  return { own: raw.slice(0, end), image: raw[at], command: raw.slice(at + 1) };
}

export default class DockerRun extends BaseCommand {
  static override strict = false;
  static override summary = 'Run a command in a new container and remove it afterwards';
  static override description =
    `Creates a container of IMAGE running COMMAND (default: the image's own), passes its stdout and stderr through as they come, and exits with the command's exit status. The container is removed in every case: when the command ends, when --timeout passes (exit 124), and on Ctrl-C or SIGTERM (exit 130).

Exit statuses follow docker run: 125 when the engine fails (for example: no such image), 126 when the command cannot be invoked, 127 when it is not found. With --json the output is collected and printed as {stdout, stderr, exitCode} at the end.

For an image of another CPU (linux/arm64 or linux/riscv64 on x86_64) the host needs a binfmt_misc handler with the F flag: see arm64kit doctor --arch ARCH and arm64kit docker emulation setup --arch ARCH.`;
  static override examples = [
    '<%= config.bin %> docker run --platform linux/arm64 example/bookworm-arm64 uname -m',
    '<%= config.bin %> docker run -e CCACHE_DIR=/tmp/cc --network none example/ccache ccache -p',
    '<%= config.bin %> docker run --timeout 30 --json example/app /usr/bin/selftest --all',
    '<%= config.bin %> docker run --platform linux/riscv64 example/base:riscv64 uname -m',
  ];
  static override args = {
    image: Args.string({ description: 'the image to run', required: true }),
    command: Args.string({
      description: 'the command and its arguments (default: the image CMD)',
      required: false,
    }),
  };
  static override flags = {
    platform: Flags.string({
      description: platformDescription('platform of the image', "the image's own"),
    }),
    env: Flags.string({
      char: 'e',
      description: 'KEY=VALUE environment variable (repeatable)',
      multiple: true,
    }),
    entrypoint: Flags.string({ description: "replace the image's entrypoint" }),
    network: Flags.string({ description: 'host, none, or a network name', default: 'none' }),
    timeout: Flags.integer({ description: 'kill and remove the container after this many seconds', min: 1 }),
    workdir: Flags.string({ char: 'w', description: 'working directory in the container' }),
    user: Flags.string({ char: 'u', description: 'user[:group] to run as' }),
  };

  async run(): Promise<RunResult> {
    const { own, image, command } = splitDockerRunArgv(this.argv);
    if (image === undefined)
      throw new UsageError('missing IMAGE: arm64kit docker run [FLAGS] IMAGE [COMMAND...]');
    const { flags } = await this.parse(DockerRun, [...own, '--', image]);
    const env = flags.env ? keyValues(flags.env, '--env') : undefined;
    const platform = flags.platform === undefined ? undefined : platformOf(flags.platform);
    const engine = await connect();
    if (platform) {
      // An engine on another machine: its kernel, read through a registration image if it has one.
      const emulation = await emulationPreflight(platform, { engine }).catch(() => undefined);
      for (const problem of emulation?.problems.filter((p) => p.fatal) ?? [])
        this.note(`warning: ${problem.message}`);
    }
    const interrupt = interruptSignal();
    const live = !this.jsonEnabled();
    try {
      const result = await engine.run(image, command, {
        ...(platform ? { platform } : {}),
        ...(env ? { env } : {}),
        ...(flags.entrypoint !== undefined
          ? { entrypoint: flags.entrypoint === '' ? [] : [flags.entrypoint] }
          : {}),
        network: flags.network,
        ...(flags.timeout ? { timeoutMs: flags.timeout * 1000 } : {}),
        ...(flags.workdir ? { workdir: flags.workdir } : {}),
        ...(flags.user ? { user: flags.user } : {}),
        signal: interrupt.signal,
        onOutput: live
          ? (stream, chunk) => (stream === 'stdout' ? process.stdout : process.stderr).write(chunk)
          : undefined,
      });
      process.exitCode = result.exitCode;
      return result;
    } finally {
      interrupt.dispose();
    }
  }
}
