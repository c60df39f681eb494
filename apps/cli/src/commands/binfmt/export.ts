import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BinfmtEntry,
  BinfmtError,
  BinfmtHost,
  DEFAULT_BINFMT_DIR,
  formatDebianBinfmt,
  formatSystemdBinfmt,
} from '@arm64kit/binfmt';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/base-command.js';

export interface BinfmtExportFile {
  name: string;
  /** Where it was written, with --output. */
  path?: string;
  text: string;
}

export interface BinfmtExportResult {
  format: 'systemd' | 'debian';
  files: BinfmtExportFile[];
}

export default class BinfmtExport extends BaseCommand {
  static override summary = 'Write registered entries as systemd binfmt.d or Debian binfmt-support files';
  static override description =
    `Turns the registered entries (all of them, or the NAMEs given) into configuration that registers them again at boot: --format systemd gives binfmt.d lines (for /etc/binfmt.d/NAME.conf), --format debian gives update-binfmts format files (for /usr/share/binfmts/NAME). Without --output everything goes to standard output; with --output DIR one file per entry is written there. The kernel is not changed.`;
  static override examples = [
    '<%= config.bin %> binfmt export --format systemd',
    '<%= config.bin %> binfmt export qemu-aarch64 --format debian --output /usr/share/binfmts',
  ];
  static override strict = false;
  static override args = { names: Args.string({ description: 'entry names (default: all)' }) };
  static override flags = {
    format: Flags.string({ description: 'file format', options: ['systemd', 'debian'], required: true }),
    output: Flags.string({ description: 'directory to write one file per entry into' }),
    dir: Flags.string({
      description: 'binfmt_misc directory',
      default: DEFAULT_BINFMT_DIR,
      env: 'ARM64KIT_BINFMT_DIR',
    }),
  };

  async run(): Promise<BinfmtExportResult> {
    const { argv, flags } = await this.parse(BinfmtExport);
    const format = flags.format as 'systemd' | 'debian';
    const host = new BinfmtHost(flags.dir);
    const names = argv as string[];
    let entries: BinfmtEntry[];
    if (names.length === 0) entries = await host.list();
    else entries = await Promise.all(names.map(async (name) => (await host.read(name)).entry));
    // Disabled entries are exported too; the formats have no "disabled" state.
    const files: BinfmtExportFile[] = entries.map((entry) => ({
      name: entry.name,
      text: format === 'systemd' ? formatSystemdBinfmt([entry]) : formatDebianBinfmt(entry),
    }));
    if (flags.output) {
      mkdirSync(flags.output, { recursive: true });
      for (const file of files) {
        if (file.name.startsWith('.')) {
          throw new BinfmtError('EINVAL', `will not write a hidden file for entry "${file.name}"`, {
            field: 'name',
          });
        }
        file.path = join(flags.output, format === 'systemd' ? `${file.name}.conf` : file.name);
      }
      for (const file of files) writeFileSync(file.path as string, file.text);
      if (!this.jsonEnabled()) for (const file of files) this.note(`wrote ${file.path}`);
    } else if (!this.jsonEnabled()) {
      if (files.length === 0) this.note('no entries to export');
      const separator = format === 'systemd' ? '' : '\n';
      process.stdout.write(
        files
          .map((f) => (format === 'debian' && files.length > 1 ? `# ${f.name}\n${f.text}` : f.text))
          .join(separator),
      );
    }
    return { format, files };
  }
}
