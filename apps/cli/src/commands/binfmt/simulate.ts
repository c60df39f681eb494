import { closeSync, openSync, readSync } from 'node:fs';
import {
  AT_FLAGS_PRESERVE_ARGV0,
  type BinfmtEntry,
  BinfmtError,
  BinfmtHost,
  DEFAULT_BINFMT_DIR,
  interpreterArgv,
  match,
  parseRegistration,
} from '@arm64kit/binfmt';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/base-command.js';

export interface BinfmtSimulateResult {
  entry: string;
  /** The path the program is executed by (what execve gets). */
  path: string;
  /** The argv the program is executed with. */
  argv: string[];
  interpreter: string;
  /** The argv the interpreter receives. */
  interpreterArgv: string[];
  atFlags: number;
  preserveArgv0: boolean;
  /** Whether the entry would take the file at PATH (null when the file cannot be read). */
  matches: boolean | null;
}

export default class BinfmtSimulate extends BaseCommand {
  static override summary = 'Show the argv a registered interpreter would receive';
  static override description =
    `Given an entry and a command line, prints exactly what the kernel would hand the entry's interpreter: without the P flag [interpreter, path, argv[1]…] (argv[0] is lost), with P [interpreter, path, argv[0], argv[1]…] and AT_FLAGS bit 0 set. The path is ARGV[0] unless --path is given (as with exec -a, or a shell's PATH lookup). Nothing is run. Use --line to try a register string instead of a registered entry.`;
  static override examples = [
    '<%= config.bin %> binfmt simulate qemu-aarch64 --path /usr/local/bin/ccache -- ccache ccache -p',
    '<%= config.bin %> binfmt simulate qemu-aarch64 --json -- ./hello a b',
    `<%= config.bin %> binfmt simulate --line ':t:M::\\x7fELF::/usr/bin/qemu-aarch64-static:P' -- ./hello`,
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'entry name (or use --line)' }) };
  static override flags = {
    path: Flags.string({ description: 'the path the program is executed by (default: ARGV[0])' }),
    line: Flags.string({ description: 'a register string to simulate instead of a registered entry' }),
    dir: Flags.string({
      description: 'binfmt_misc directory',
      default: DEFAULT_BINFMT_DIR,
      env: 'ARM64KIT_BINFMT_DIR',
    }),
  };

  async run(): Promise<BinfmtSimulateResult> {
    const { args, argv, flags } = await this.parse(BinfmtSimulate);
    // oclif hands the first word to NAME; with --line every word belongs to the command line.
    const words = argv as string[];
    const name = flags.line === undefined ? args.name : undefined;
    const rest = flags.line === undefined ? words.slice(1) : words;
    if (flags.line === undefined && name === undefined) {
      throw new BinfmtError('EINVAL', 'give an entry NAME or --line', { field: 'name', rule: 'usage' });
    }
    if (rest.length === 0) {
      throw new BinfmtError('EINVAL', 'give the command line after --, e.g. -- ./program arg', {
        field: 'entry',
        rule: 'usage',
      });
    }
    const entry: BinfmtEntry =
      flags.line !== undefined
        ? parseRegistration(flags.line)
        : (await new BinfmtHost(flags.dir).read(name as string)).entry;
    const path = flags.path ?? rest[0];
    const invocation = interpreterArgv(entry, { path, argv: rest });
    const header = readHeader(path);
    const matches = header ? match([{ ...entry, enabled: true }], { path, header }) !== undefined : null;
    const result: BinfmtSimulateResult = {
      entry: entry.name,
      path,
      argv: rest,
      interpreter: invocation.interpreter,
      interpreterArgv: invocation.argv,
      atFlags: invocation.atFlags,
      preserveArgv0: entry.flags.preserveArgv0,
      matches,
    };
    if (this.jsonEnabled()) return result;
    if (matches === false)
      this.note(`note: ${path} does not match ${entry.name}; the kernel would not use it for that file`);
    if (entry.enabled === false) this.note(`note: ${entry.name} is disabled`);
    this.log(
      `${entry.name} (${entry.flags.preserveArgv0 ? 'with P' : 'without P: argv[0] is replaced by the path'}) runs:`,
    );
    for (const [i, arg] of invocation.argv.entries()) this.log(`  argv[${i}] = ${JSON.stringify(arg)}`);
    this.log(
      `  AT_FLAGS = ${invocation.atFlags}${invocation.atFlags & AT_FLAGS_PRESERVE_ARGV0 ? ' (PRESERVE_ARGV0)' : ''}`,
    );
    return result;
  }
}

/** The first 256 bytes of a file, as the kernel reads them; undefined when it cannot be read. */
function readHeader(path: string): Uint8Array | undefined {
  try {
    const fd = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(256);
      const n = readSync(fd, buffer, 0, 256, 0);
      return buffer.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
