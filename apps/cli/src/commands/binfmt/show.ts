import {
  type BinfmtEntryJson,
  BinfmtHost,
  DEFAULT_BINFMT_DIR,
  describeEntry,
  entryToJson,
} from '@arm64kit/binfmt';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/base-command.js';

export interface BinfmtShowResult {
  entry: BinfmtEntryJson;
  /** The status file's text, exactly as the kernel wrote it. */
  status: string;
}

export default class BinfmtShow extends BaseCommand {
  static override summary = 'Show one binfmt_misc entry';
  static override description =
    'Reads /proc/sys/fs/binfmt_misc/NAME and explains it: state, interpreter, flags, offset, magic and mask (or extension). Reading needs no root.';
  static override examples = [
    '<%= config.bin %> binfmt show qemu-aarch64',
    '<%= config.bin %> binfmt show qemu-aarch64 --json',
  ];
  static override args = {
    name: Args.string({ description: 'entry name, e.g. qemu-aarch64', required: true }),
  };
  static override flags = {
    dir: Flags.string({
      description: 'binfmt_misc directory',
      default: DEFAULT_BINFMT_DIR,
      env: 'ARM64KIT_BINFMT_DIR',
    }),
    raw: Flags.boolean({ description: 'print the status file as the kernel wrote it' }),
  };

  async run(): Promise<BinfmtShowResult> {
    const { args, flags } = await this.parse(BinfmtShow);
    const { entry, raw } = await new BinfmtHost(flags.dir).read(args.name);
    const result = { entry: entryToJson(entry), status: raw };
    if (this.jsonEnabled()) return result;
    if (flags.raw) process.stdout.write(raw);
    else for (const line of describeEntry(entry)) this.log(line);
    return result;
  }
}
