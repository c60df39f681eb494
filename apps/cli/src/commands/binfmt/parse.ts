import { readFileSync } from 'node:fs';
import {
  type BinfmtEntryJson,
  BinfmtError,
  describeEntry,
  entryToJson,
  formatRegistration,
  parseRegistration,
} from '@arm64kit/binfmt';
import { Args } from '@oclif/core';
import { BaseCommand } from '../../lib/base-command.js';

export interface BinfmtParseResult {
  entry: BinfmtEntryJson;
  /** The same entry written back as a register string (escaped where it must be). */
  line: string;
}

/** The line to parse: the argument, or standard input for `-`. */
export function readLineArgument(line: string): string {
  return line === '-' ? readFileSync(0, 'utf8') : line;
}

/** Shows where in the line an error is, under the line, for lines short enough to show. */
export function caretLines(line: string, error: BinfmtError): string[] {
  if (error.column === undefined || line.length > 160 || /[\0-\x1f\x7f]/.test(line.replace(/\n$/, '')))
    return [];
  return [
    `  ${line.replace(/\n$/, '')}`,
    `  ${' '.repeat(Math.max(0, error.column - 1))}^ ${error.field ?? ''}`,
  ];
}

export default class BinfmtParse extends BaseCommand {
  static override summary = 'Parse a register string the way the kernel does';
  static override description =
    `Reads a binfmt_misc register string (:name:type:offset:magic:mask:interpreter:flags, any first character as delimiter) with exactly the kernel's rules and shows its fields. A string the kernel would refuse gives the field, the rule and the column, and exit code 1. Quote the string in single quotes so the shell keeps its backslashes; use - to read it from standard input. Nothing is written to the kernel.`;
  static override examples = [
    `<%= config.bin %> binfmt parse ':qemu-aarch64:M::\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/bin/qemu-aarch64-static:PF'`,
    '<%= config.bin %> binfmt parse - --json < /usr/lib/binfmt.d/qemu-aarch64.conf',
  ];
  static override args = {
    line: Args.string({ description: 'the register string, or - for standard input', required: true }),
  };

  async run(): Promise<BinfmtParseResult> {
    const { args } = await this.parse(BinfmtParse);
    const line = readLineArgument(args.line);
    let entry: ReturnType<typeof parseRegistration>;
    try {
      entry = parseRegistration(line);
    } catch (error) {
      if (error instanceof BinfmtError && !this.jsonEnabled())
        for (const l of caretLines(line, error)) this.logToStderr(l);
      throw error;
    }
    const result = { entry: entryToJson(entry), line: formatRegistration(entry) };
    if (this.jsonEnabled()) return result;
    for (const l of describeEntry(entry)) this.log(l);
    return result;
  }
}
