import { closeSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostIsTerminal } from '../src/index.js';

describe('hostIsTerminal', () => {
  it('says no for a file, a character device that is no terminal and a closed descriptor', () => {
    const path = join(tmpdir(), `arm64kit-isatty-${process.pid}`);
    const file = openSync(path, 'w');
    const devNull = openSync('/dev/null', 'r');
    try {
      expect(hostIsTerminal(file)).toBe(false);
      expect(hostIsTerminal(devNull)).toBe(false);
    } finally {
      closeSync(file);
      closeSync(devNull);
      rmSync(path);
    }
    expect(hostIsTerminal(file)).toBe(false);
    expect(hostIsTerminal(-1)).toBe(false);
  });
});
