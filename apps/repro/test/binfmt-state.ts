import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = '/proc/sys/fs/binfmt_misc';

/**
 * The whole binfmt_misc directory as bytes: every file name and every readable file's
 * contents (`register` is write-only). Two equal snapshots mean nothing was left changed.
 */
export function binfmtState(dir = DIR): Record<string, string> {
  const state: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if (name === 'register') continue;
    state[name] = readFileSync(join(dir, name)).toString('latin1');
  }
  return state;
}
