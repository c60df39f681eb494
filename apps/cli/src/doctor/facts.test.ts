import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { available, BINFMT_DIR, binfmtProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterEach, describe, expect, it } from 'vitest';
import { gatherBinfmt, gatherInterpreter, gatherProgram } from './facts.js';
import { statusText } from './test-fixtures.js';

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'arm64kit-doctor-facts-'));
  scratch.push(dir);
  return dir;
}

describe('gatherBinfmt on a directory root', () => {
  it('reads status, entries and their interpreters; register and status are not entries', () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'register'), '');
    writeFileSync(join(dir, 'status'), 'disabled\n');
    writeFileSync(join(dir, 'h'), statusText({ name: 'h', interpreter: '/bin/true' }));
    const facts = gatherBinfmt({ dir, mounts: '' });
    expect(facts).toMatchObject({ dir, mounted: true, status: 'disabled\n' });
    expect(facts.entries.map((e) => e.name)).toEqual(['h']);
    expect(facts.entries[0].interpreter).toMatchObject({ path: '/bin/true', exists: true, executable: true });
    expect(facts.entries[0].interpreter?.elf?.interpreter).toMatch(/ld-linux/);
  });

  it('a directory without register and no mount line is not mounted', () => {
    const facts = gatherBinfmt({ dir: scratchDir(), mounts: 'proc /proc proc rw 0 0\n' });
    expect(facts.mounted).toBe(false);
    expect(facts.entries).toEqual([]);
  });

  it('finds the mount line for the directory in the mount table', () => {
    const dir = scratchDir();
    const line = `binfmt_misc ${dir} binfmt_misc rw,relatime 0 0`;
    expect(gatherBinfmt({ dir, mounts: `proc /proc proc rw 0 0\n${line}\n` }).mountLine).toBe(line);
  });
});

describe('gatherInterpreter and gatherProgram', () => {
  it('a missing file', async () => {
    expect(gatherInterpreter('/nonexistent/qemu')).toEqual({
      path: '/nonexistent/qemu',
      exists: false,
      executable: false,
    });
    expect((await gatherProgram('/nonexistent/prog')).exists).toBe(false);
  });

  it('a non-executable, non-ELF file', async () => {
    const path = join(scratchDir(), 'script');
    writeFileSync(path, '#!/bin/sh\n', { mode: 0o644 });
    const facts = gatherInterpreter(path);
    expect(facts).toMatchObject({ exists: true, executable: false });
    expect(facts.elfError).toMatch(/not an ELF/);
    expect(facts.shebang).toBe('#!/bin/sh');
    expect((await gatherProgram(path)).header).toEqual(new TextEncoder().encode('#!/bin/sh\n'));
  });
});

describe.runIf(available('doctor facts against the kernel', binfmtProblem()))(
  'gatherBinfmt on the real binfmt_misc',
  () => {
    it('lists entries newest first, as the kernel searches them, with the text the kernel prints', () => {
      const names = ['a', 'b', 'c'].map((s) => `arm64kit-test-doctor-order-${s}-${process.pid}`);
      try {
        for (const [i, name] of names.entries()) {
          writeFileSync(join(BINFMT_DIR, 'register'), `:${name}:M::\\x7fZZDOC${i}::/bin/true:`);
        }
        const seen = gatherBinfmt().entries.filter((e) => names.includes(e.name));
        expect(seen.map((e) => e.name)).toEqual([...names].reverse());
        expect(seen[2].text).toBe(
          `enabled\ninterpreter /bin/true\nflags: \noffset 0\nmagic 7f5a5a444f4330\n`,
        );
      } finally {
        for (const name of names) {
          try {
            writeFileSync(join(BINFMT_DIR, name), '-1');
          } catch {}
        }
      }
    });
  },
);
