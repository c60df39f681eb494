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

  it('tells a terminal from the memory devices (/dev/null, /dev/zero) that share its file type', () => {
    // The master side of a new pseudo-terminal is a terminal, as isatty(3) says of it.
    const terminal = openSync('/dev/ptmx', 'r+');
    const zero = openSync('/dev/zero', 'r');
    try {
      expect(hostIsTerminal(terminal)).toBe(true);
      expect(hostIsTerminal(zero)).toBe(false);
    } finally {
      closeSync(terminal);
      closeSync(zero);
    }
  });
});
