import { BinfmtError, BinfmtHost, DEFAULT_BINFMT_DIR } from '@arm64kit/binfmt';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/base-command.js';
import type { BinfmtSwitchResult } from './enable.js';

export default class BinfmtDisable extends BaseCommand {
  static override summary = 'Disable one binfmt_misc entry, or binfmt_misc as a whole';
  static override description =
    'Disables the entry NAME (writes 0 to its file; it stays registered), or with --global the whole of binfmt_misc (writes 0 to its status file). Other entries are not touched. Needs root (except with --dry-run, which says what would change and changes nothing).';
  static override examples = [
    '<%= config.bin %> binfmt disable qemu-aarch64',
    '<%= config.bin %> binfmt disable --global',
    '<%= config.bin %> binfmt disable qemu-aarch64 --dry-run --json',
  ];
  static override args = { name: Args.string({ description: 'entry name' }) };
  static override flags = {
    global: Flags.boolean({ description: 'disable binfmt_misc as a whole' }),
    'dry-run': Flags.boolean({ description: 'say what would change, change nothing' }),
    dir: Flags.string({
      description: 'binfmt_misc directory',
      default: DEFAULT_BINFMT_DIR,
      env: 'ARM64KIT_BINFMT_DIR',
    }),
  };

  async run(): Promise<BinfmtSwitchResult> {
    const { args, flags } = await this.parse(BinfmtDisable);
    if (flags.global === (args.name !== undefined)) {
      throw new BinfmtError('EINVAL', 'give an entry NAME or --global (one of the two)', {
        field: 'name',
        rule: 'usage',
      });
    }
    const host = new BinfmtHost(flags.dir);
    if (flags['dry-run']) {
      // Reads what is there now: an entry that is not registered is refused as it would be.
      const enabled =
        args.name === undefined ? await host.isEnabled() : (await host.read(args.name)).entry.enabled;
      const target = args.name ?? 'binfmt_misc';
      if (!this.jsonEnabled())
        this.log(enabled ? `would disable ${target}` : `${target} is already disabled: nothing would change`);
      return { target: args.name ?? 'status', enabled: false, dryRun: true };
    }
    this.requireRoot('binfmt disable');
    if (args.name === undefined) await host.setEnabled(false);
    else await host.disable(args.name);
    if (!this.jsonEnabled()) this.log(`${args.name ?? 'binfmt_misc'} disabled`);
    return { target: args.name ?? 'status', enabled: false };
  }
}
