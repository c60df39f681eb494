import { BinfmtError, BinfmtHost, DEFAULT_BINFMT_DIR, parseRegistration } from '@arm64kit/binfmt';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/base-command.js';
import { caretLines, readLineArgument } from './parse.js';

export interface BinfmtCheckResult {
  valid: boolean;
  name?: string;
  error?: { code: string; message: string; field?: string; rule?: string; column?: number };
}

export default class BinfmtCheck extends BaseCommand {
  static override summary = 'Check a register string: would the kernel accept it?';
  static override description =
    `Answers exactly what writing the string to /proc/sys/fs/binfmt_misc/register would answer, without writing it: every rule of the kernel's parser, the 255-byte name limit, the reserved names, and (unless --offline) whether an entry of that name is already registered. Exit code 0 when valid, 1 when not. Use - to read the string from standard input.`;
  static override examples = [
    `<%= config.bin %> binfmt check ':test:M::\\x7fELF::/usr/bin/true:P'`,
    `<%= config.bin %> binfmt check ':test:M:300:ABC::/usr/bin/true:' --json`,
  ];
  static override args = {
    line: Args.string({ description: 'the register string, or - for standard input', required: true }),
  };
  static override flags = {
    dir: Flags.string({
      description: 'binfmt_misc directory',
      default: DEFAULT_BINFMT_DIR,
      env: 'ARM64KIT_BINFMT_DIR',
    }),
    offline: Flags.boolean({ description: 'do not look at the registered entries' }),
  };

  async run(): Promise<BinfmtCheckResult> {
    const { args, flags } = await this.parse(BinfmtCheck);
    const line = readLineArgument(args.line);
    let result: BinfmtCheckResult;
    try {
      const entry = parseRegistration(line);
      const host = new BinfmtHost(flags.dir);
      if (!flags.offline && (await host.isMounted()) && (await host.has(entry.name))) {
        throw new BinfmtError('EEXIST', `an entry named "${entry.name}" is already registered`, {
          field: 'name',
          rule: 'exists',
        });
      }
      result = { valid: true, name: entry.name };
    } catch (error) {
      if (!(error instanceof BinfmtError)) throw error;
      result = {
        valid: false,
        error: {
          code: error.code,
          message: error.message,
          field: error.field,
          rule: error.rule,
          column: error.column,
        },
      };
      if (this.jsonEnabled()) {
        this.logJson(result);
        this.exit(1);
      }
      for (const l of caretLines(line, error)) this.logToStderr(l);
      this.logToStderr(`arm64kit: ${error.message}`);
      this.exit(1);
    }
    if (!this.jsonEnabled()) this.log(`valid: the kernel would register "${result.name}"`);
    return result;
  }
}
