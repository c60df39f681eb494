import {
  type BinfmtEntryJson,
  BinfmtHost,
  DEFAULT_BINFMT_DIR,
  entryToJson,
  flagLetters,
} from '@arm64kit/binfmt';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/base-command.js';

export interface BinfmtListResult {
  dir: string;
  /** The global switch (/proc/sys/fs/binfmt_misc/status). */
  enabled: boolean;
  /** In directory order: newest registration first, the order the kernel tries them. */
  entries: BinfmtEntryJson[];
}

export default class BinfmtList extends BaseCommand {
  static override summary = 'List the registered binfmt_misc entries';
  static override description =
    `Shows every entry in the binfmt_misc directory with its state, flags (P preserve-argv0, O open-binary, C credentials, F fix-binary), what it matches and its interpreter. Entries are listed newest first, the order in which the kernel tries them. Reading needs no root.`;
  static override examples = ['<%= config.bin %> binfmt list', '<%= config.bin %> binfmt list --json'];
  static override flags = {
    dir: Flags.string({
      description: 'binfmt_misc directory',
      default: DEFAULT_BINFMT_DIR,
      env: 'ARM64KIT_BINFMT_DIR',
    }),
  };

  async run(): Promise<BinfmtListResult> {
    const { flags } = await this.parse(BinfmtList);
    const host = new BinfmtHost(flags.dir);
    const entries = await host.list();
    const result: BinfmtListResult = {
      dir: flags.dir,
      enabled: await host.isEnabled(),
      entries: entries.map(entryToJson),
    };
    if (this.jsonEnabled()) return result;
    this.log(`binfmt_misc at ${flags.dir} is ${result.enabled ? 'enabled' : 'DISABLED (no entry is used)'}`);
    if (entries.length === 0) {
      this.log('no entries registered');
      return result;
    }
    const rows = entries.map((e) => [
      e.name,
      e.enabled === false ? 'disabled' : 'enabled',
      flagLetters(e.flags) || '-',
      e.type === 'magic'
        ? `magic@${e.offset} ${e.magic.length}B${e.mask ? '+mask' : ''}`
        : `ext .${e.extension}`,
      e.interpreter,
    ]);
    const header = ['NAME', 'STATE', 'FLAGS', 'MATCHES', 'INTERPRETER'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd();
    this.log(line(header));
    for (const row of rows) this.log(line(row));
    return result;
  }
}
