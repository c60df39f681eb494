import { closeSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withGuestUmask } from '../src/linux/guest-umask.js';

describe('creating under the guest umask alone', () => {
  let dir: string;
  let saved: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'arm64kit-umask-'));
    saved = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(saved);
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the mode asked for, where the host umask would take bits away', () => {
    const path = join(dir, 'file');
    closeSync(withGuestUmask(() => openSync(path, 'wx', 0o666)));
    expect(statSync(path).mode & 0o777).toBe(0o666);
    closeSync(openSync(join(dir, 'other'), 'wx', 0o666));
    expect(statSync(join(dir, 'other')).mode & 0o777).toBe(0o644);
  });

  it('puts the host umask back, also when the call fails', () => {
    expect(() => withGuestUmask(() => openSync(join(dir, 'missing', 'file'), 'wx', 0o666))).toThrow(/ENOENT/);
    expect(process.umask(0o022)).toBe(0o022);
  });
});
