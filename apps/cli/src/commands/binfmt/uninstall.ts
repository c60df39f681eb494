import { BinfmtHost, DEFAULT_BINFMT_DIR } from '@arm64kit/binfmt';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/base-command.js';

export interface BinfmtUninstallResult {
  /** The entry removed (or, with --dry-run, that would be removed). */
  removed: string;
  /** Set with --dry-run: nothing was removed. */
  dryRun?: true;
}

export default class BinfmtUninstall extends BaseCommand {
  static override summary = 'Remove one binfmt_misc entry';
  static override description =
    'Removes the entry NAME (or qemu-ARCH when given an architecture that is not itself an entry name). Every other entry stays as it is. Needs root (except with --dry-run, which checks that the entry is there and changes nothing).';
  static override examples = [
    '<%= config.bin %> binfmt uninstall qemu-aarch64',
    '<%= config.bin %> binfmt uninstall aarch64 --json',
    '<%= config.bin %> binfmt uninstall qemu-aarch64 --dry-run',
  ];
  static override args = {
    name: Args.string({ description: 'entry name, or an architecture', required: true }),
  };
  static override flags = {
    'dry-run': Flags.boolean({ description: 'say what would be removed, remove nothing' }),
    dir: Flags.string({
      description: 'binfmt_misc directory',
      default: DEFAULT_BINFMT_DIR,
      env: 'ARM64KIT_BINFMT_DIR',
    }),
  };

  async run(): Promise<BinfmtUninstallResult> {
    const { args, flags } = await this.parse(BinfmtUninstall);
    if (!flags['dry-run']) this.requireRoot('binfmt uninstall');
    const host = new BinfmtHost(flags.dir);
    const name =
      (await host.has(args.name)) || args.name.startsWith('qemu-') ? args.name : `qemu-${args.name}`;
    if (flags['dry-run']) {
      // The same refusal as the real removal when the entry is not there (ENOENT).
      await host.read(name);
      if (!this.jsonEnabled()) this.log(`would remove ${name}`);
      return { removed: name, dryRun: true };
    }
    await host.remove(name);
    if (!this.jsonEnabled()) this.log(`removed ${name}`);
    return { removed: name };
  }
}
