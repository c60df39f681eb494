import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { available, BINFMT_DIR, binfmtProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `binfmt uninstall --dry-run` and `binfmt disable --dry-run` against the running kernel: a
 * test entry with a magic of its own (never an ELF magic) is registered, the dry runs say what
 * they would do, and the entry's status file is the same afterwards.
 */

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'run.js');
const NAME = `arm64kit-test-dry-run-${process.pid}`;
const ENTRY = join(BINFMT_DIR, NAME);

function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
}

describe.runIf(available('binfmt_misc (dry runs against the kernel)', binfmtProblem()))(
  'binfmt --dry-run',
  () => {
    beforeAll(() => {
      writeFileSync(join(BINFMT_DIR, 'register'), `:${NAME}:M::ARM64KITDRY::/bin/true:`);
    });
    afterAll(() => {
      if (existsSync(ENTRY)) writeFileSync(ENTRY, '-1');
    });

    it('uninstall --dry-run names the entry and leaves it registered', () => {
      const before = readFileSync(ENTRY, 'utf8');
      const result = cli(['binfmt', 'uninstall', NAME, '--dry-run', '--json']);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ removed: NAME, dryRun: true });
      expect(readFileSync(ENTRY, 'utf8')).toBe(before);
    });

    it('uninstall --dry-run refuses an entry that is not there, as the removal would', () => {
      const result = cli(['binfmt', 'uninstall', `${NAME}-absent`, '--dry-run']);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(`${NAME}-absent`);
    });

    it('disable --dry-run says what would change and leaves the entry enabled', () => {
      const before = readFileSync(ENTRY, 'utf8');
      expect(before.split('\n')[0]).toBe('enabled');
      const result = cli(['binfmt', 'disable', NAME, '--dry-run']);
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(`would disable ${NAME}\n`);
      expect(readFileSync(ENTRY, 'utf8')).toBe(before);
      const global = cli(['binfmt', 'disable', '--global', '--dry-run', '--json']);
      expect(global.status).toBe(0);
      expect(JSON.parse(global.stdout)).toEqual({ target: 'status', enabled: false, dryRun: true });
      expect(readFileSync(join(BINFMT_DIR, 'status'), 'utf8').trim()).toBe('enabled');
    });
  },
);

describe('binfmt parse --json', () => {
  it('gives the field, the rule and the column of an error, as check --json does', () => {
    const line = ':test:M:300:ABC::/usr/bin/true:';
    const parse = cli(['binfmt', 'parse', line, '--json']);
    const check = cli(['binfmt', 'check', line, '--json', '--offline']);
    expect(parse.status).toBe(1);
    const error = JSON.parse(parse.stdout).error;
    expect(error).toEqual(JSON.parse(check.stdout).error);
    expect(error.field).toEqual(expect.any(String));
    expect(error.rule).toEqual(expect.any(String));
    expect(error.column).toEqual(expect.any(Number));
  });
});
