import { connect, type ImportRootfsResult } from '@arm64kit/docker';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/base-command.js';
import {
  interruptSignal,
  keyValues,
  platformDescription,
  platformOf,
  progressLine,
} from '../../lib/docker-cli.js';

export default class DockerImport extends BaseCommand {
  static override summary = 'Make an image of a root filesystem, recorded as the right platform';
  static override description =
    `Turns ROOTFS — a directory, or a tar archive (plain, gzip, bzip2 or xz) — into an image whose config says --platform (linux/arm64 by default). Owners, modes and links are kept.

Unlike \`docker import --platform\`, which some engines (20.10) record as their own architecture, this builds FROM scratch with the root filesystem added, for the platform, and checks what the engine recorded. No emulation is needed.`;
  static override examples = [
    'debootstrap --arch=arm64 --variant=minbase bookworm ./rootfs && <%= config.bin %> docker import ./rootfs -t example/bookworm-arm64',
    '<%= config.bin %> docker import rootfs.tar.xz -t example/base:arm64 --json',
    '<%= config.bin %> docker import ./riscv-root --platform linux/riscv64 -t example/base:riscv64',
  ];
  static override args = {
    rootfs: Args.string({ description: 'directory or tar archive of the root filesystem', required: true }),
  };
  static override flags = {
    tag: Flags.string({ char: 't', description: 'name for the image', required: true }),
    platform: Flags.string({ description: platformDescription('platform the image records', 'linux/arm64') }),
    label: Flags.string({ description: 'KEY=VALUE label for the image (repeatable)', multiple: true }),
  };

  async run(): Promise<ImportRootfsResult> {
    const { args, flags } = await this.parse(DockerImport);
    const platform = platformOf(flags.platform ?? 'linux/arm64');
    const labels = flags.label ? keyValues(flags.label, '--label') : undefined;
    const engine = await connect();
    const interrupt = interruptSignal();
    try {
      this.note(`importing ${args.rootfs} as ${flags.tag} (${platform})`);
      const result = await engine.importRootfs(args.rootfs, {
        tag: flags.tag,
        platform,
        ...(labels ? { labels } : {}),
        signal: interrupt.signal,
        // Archiving and uploading a root filesystem takes a while: say what is happening, as build does.
        onProgress: (event) => {
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
