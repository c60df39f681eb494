import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/**
 * A temporary directory for the calling suite (call it inside `describe`): made in beforeAll and
 * removed in afterAll, so that a suite that is skipped, or whose tests a `-t` filter leaves out,
 * makes nothing (vitest runs neither hook then; a directory made while collecting would stay).
 * Returns a getter for its path, valid from the suite's first beforeAll on.
 */
export function suiteTempDir(prefix: string): () => string {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!dir) throw new Error(`the temporary directory ${prefix}* is made in beforeAll; it is not there yet`);
    return dir;
  };
}
