import { BinfmtError, BinfmtHost, DEFAULT_BINFMT_DIR } from '@arm64kit/binfmt';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/base-command.js';

export interface BinfmtSwitchResult {
  /** The entry, or `status` for binfmt_misc as a whole. */
  target: string;
  enabled: boolean;
  /** Set with --dry-run (disable): the state that would be set, nothing was written. */
  dryRun?: true;
}

export default class BinfmtEnable extends BaseCommand {
  static override summary = 'Enable one binfmt_misc entry, or binfmt_misc as a whole';
  static override description =
    'Enables the entry NAME (writes 1 to its file), or with --global the whole of binfmt_misc (writes 1 to its status file). Other entries are not touched. Needs root.';
  static override examples = [
    '<%= config.bin %> binfmt enable qemu-aarch64',
    '<%= config.bin %> binfmt enable --global',
  ];
  static override args = { name: Args.string({ description: 'entry name' }) };
  static override flags = {
    global: Flags.boolean({ description: 'enable binfmt_misc as a whole' }),
    dir: Flags.string({
      description: 'binfmt_misc directory',
      default: DEFAULT_BINFMT_DIR,
      env: 'ARM64KIT_BINFMT_DIR',
    }),
  };

  async run(): Promise<BinfmtSwitchResult> {
    const { args, flags } = await this.parse(BinfmtEnable);
    if (flags.global === (args.name !== undefined)) {
      throw new BinfmtError('EINVAL', 'give an entry NAME or --global (one of the two)', {
        field: 'name',
        rule: 'usage',
      });
    }
    this.requireRoot('binfmt enable');
    const host = new BinfmtHost(flags.dir);
    if (args.name === undefined) await host.setEnabled(true);
    else await host.enable(args.name);
    if (!this.jsonEnabled()) this.log(`${args.name ?? 'binfmt_misc'} enabled`);
    return { target: args.name ?? 'status', enabled: true };
  }
}
