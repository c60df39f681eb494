import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { type BuildResult, type ContextFiles, connect, emulationPreflight } from '@arm64kit/docker';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/base-command.js';
import {
  interruptSignal,
  keyValues,
  platformDescription,
  platformOf,
  progressLine,
  UsageError,
} from '../../lib/docker-cli.js';

export default class DockerBuild extends BaseCommand {
  static override summary =
    'Build an image for a platform (linux/arm64 by default) through the Docker Engine';
  static override description =
    `Sends the Dockerfile and the regular files of CONTEXT (default: none) to the engine as an in-memory build context and builds it for --platform, streaming the steps and their output to stderr. The engine's build cache is used as usual.

Building for another CPU runs RUN steps under emulation: the host needs a binfmt_misc handler with the F flag for that CPU (arm64kit doctor --arch ARCH; arm64kit docker emulation setup --arch ARCH, or arm64kit binfmt install ARCH --persistent --preserve-argv0). A warning is printed when it is missing.

A failing step ends the command with exit 1 and that step's output; engine errors exit 125.`;
  static override examples = [
    '<%= config.bin %> docker build -f Dockerfile -t example/app:arm64 --network host .',
    '<%= config.bin %> docker build --platform linux/arm64 --build-arg VERSION=1.2 -t example/tool .',
    '<%= config.bin %> docker build -f Dockerfile -t example/app --json',
    '<%= config.bin %> docker build --platform linux/riscv64 -t example/app:riscv64 .',
  ];
  static override args = {
    context: Args.string({ description: 'directory whose files form the build context', required: false }),
  };
  static override flags = {
    file: Flags.string({
      char: 'f',
      description: 'the Dockerfile (default CONTEXT/Dockerfile, or ./Dockerfile)',
    }),
    tag: Flags.string({ char: 't', description: 'name for the image (repeatable)', multiple: true }),
    platform: Flags.string({ description: platformDescription('target platform', 'linux/arm64') }),
    'build-arg': Flags.string({ description: 'KEY=VALUE build argument (repeatable)', multiple: true }),
    network: Flags.string({ description: 'network for RUN steps: host, none, or a network name' }),
    label: Flags.string({ description: 'KEY=VALUE label for the image (repeatable)', multiple: true }),
    'no-cache': Flags.boolean({ description: 'do not use the build cache' }),
    quiet: Flags.boolean({ char: 'q', description: 'print no progress' }),
  };

  async run(): Promise<BuildResult> {
    const { args, flags } = await this.parse(DockerBuild);
    const platform = platformOf(flags.platform ?? 'linux/arm64');
    const dockerfilePath = flags.file ?? join(args.context ?? '.', 'Dockerfile');
    const dockerfile = await readFile(dockerfilePath, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read the Dockerfile ${dockerfilePath}: ${error.code ?? error.message}`);
    });
    const files = args.context ? await contextFiles(args.context) : {};
    const buildArgs = flags['build-arg'] ? keyValues(flags['build-arg'], '--build-arg') : undefined;
    const labels = flags.label ? keyValues(flags.label, '--label') : undefined;
    const engine = await connect();
    // An engine on another machine: its kernel, read through a registration image if it has one.
    const emulation = await emulationPreflight(platform, { engine }).catch(() => undefined);
    if (emulation && !emulation.ok) {
      for (const problem of emulation.problems.filter((p) => p.fatal))
        this.note(`warning: ${problem.message}`);
    }
    const interrupt = interruptSignal();
    try {
      const result = await engine.build(dockerfile, {
        platform,
        files,
        ...(flags.tag ? { tag: flags.tag } : {}),
        ...(buildArgs ? { buildArgs } : {}),
        ...(labels ? { labels } : {}),
        ...(flags.network ? { network: flags.network } : {}),
        noCache: flags['no-cache'],
        signal: interrupt.signal,
        onProgress: (event) => {
          if (flags.quiet) return;
          const line = progressLine(event);
          if (line !== undefined) this.note(line);
        },
      });
      if (!this.jsonEnabled()) this.log(result.imageId);
      return result;
    } finally {
      interrupt.dispose();
    }
  }
}

/** Every regular file under `dir` (symlinks and special files are skipped), by relative path. */
async function contextFiles(dir: string): Promise<ContextFiles> {
  const files: ContextFiles = {};
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read the build context ${dir}: ${error.code ?? error.message}`);
    },
  );
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath ?? (entry as { path?: string }).path ?? dir, entry.name);
    const name = relative(dir, path).split(sep).join('/');
    if (name === 'Dockerfile') continue;
    files[name] = { path };
  }
  return files;
}
