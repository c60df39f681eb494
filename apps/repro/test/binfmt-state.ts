import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = '/proc/sys/fs/binfmt_misc';

/**
 * Entries other arm64kit test suites register while this one runs (`arm64kit-test-<what>-<pid>`,
 * `arm64kit-fixtures-<pid>`...). They come and go on their own schedule; everything else,
 * including every entry this package creates (`arm64kit-repro-<pid>`), is compared.
 */
const FOREIGN_TEST_ENTRY = /^arm64kit-(?!repro-)/;

/**
 * The binfmt_misc directory as bytes: every file name and every readable file's contents
 * (`register` is write-only). Two equal snapshots mean nothing was left changed.
 */
export function binfmtState(dir = DIR): Record<string, string> {
  const state: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if (name === 'register' || FOREIGN_TEST_ENTRY.test(name)) continue;
    state[name] = readFileSync(join(dir, name)).toString('latin1');
  }
  return state;
}
