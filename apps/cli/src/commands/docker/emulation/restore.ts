import { restoreEmulation } from '@arm64kit/docker';
import { Args } from '@oclif/core';
import { BaseCommand } from '../../../lib/base-command.js';
import { forgetRecord, readRecord, recordedNames, recordsDir } from '../../../lib/emulation-records.js';

export default class EmulationRestore extends BaseCommand {
  static override summary = 'Undo what `docker emulation setup` changed';
  static override description =
    `Puts binfmt_misc back exactly as it was before \`arm64kit docker emulation setup\` registered NAME: the entry removed, or the one it replaced registered again with its flags and enabled state; the global switch and the mount too, if setup changed them. Without NAME, every recorded setup is undone. Setups made through a registration image are undone through it.

Records are kept in $ARM64KIT_STATE_DIR, else $XDG_STATE_HOME/arm64kit/emulation (~/.local/state/arm64kit/emulation).`;
  static override examples = [
    '<%= config.bin %> docker emulation restore',
    '<%= config.bin %> docker emulation restore qemu-aarch64 --json',
  ];
  static override args = {
    name: Args.string({ description: 'the entry setup registered (default: every recorded one)' }),
  };

  async run(): Promise<{ restored: string[] }> {
    const { args } = await this.parse(EmulationRestore);
    const names = args.name ? [args.name] : recordedNames();
    if (args.name && !readRecord(args.name)) {
      throw Object.assign(
        new Error(
          `no setup of ${args.name} is recorded in ${recordsDir()} (arm64kit binfmt uninstall ${args.name} removes an entry)`,
        ),
        { code: 'NO_RECORD', exitCode: 1 },
      );
    }
    if (names.length === 0) this.note(`nothing to restore: no setup is recorded in ${recordsDir()}`);
    const restored: string[] = [];
    for (const name of names) {
      const record = readRecord(name);
      if (!record) continue;
      await restoreEmulation(record);
      forgetRecord(name);
      restored.push(name);
      this.note(`restored ${name}${record.via === 'image' ? ` through ${record.image}` : ''}`);
    }
    return { restored };
  }
}
