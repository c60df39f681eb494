import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enableCommand, installCommand, reinstallCommand, shellQuote, uninstallCommand } from './fixes.js';

describe('fix commands', () => {
  it('shellQuote gives the shell back exactly the word (sh is the oracle)', () => {
    const words = fc.sample(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }).filter((w) => !w.includes('\0')),
      {
        numRuns: 60,
        seed: 42,
      },
    );
    const script = words.map((w) => `printf '%s\\0' ${shellQuote(w)}`).join('\n');
    const out = execFileSync('sh', ['-c', script], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(words);
  });

  it('spells the arm64kit binfmt commands', () => {
    const spec = { arch: 'aarch64', name: 'qemu-aarch64', interpreter: '/usr/bin/qemu-aarch64-static' };
    expect(installCommand(spec)).toBe(
      'arm64kit binfmt install aarch64 --name qemu-aarch64 --interpreter /usr/bin/qemu-aarch64-static --preserve-argv0 --persistent --credential',
    );
    expect(reinstallCommand(spec)).toBe(`${installCommand(spec)} --replace`);
    expect(uninstallCommand("it's")).toBe(`arm64kit binfmt uninstall 'it'\\''s'`);
    expect(enableCommand('x', '/proc/sys/fs/binfmt_misc')).toBe('arm64kit binfmt enable x');
  });
});
