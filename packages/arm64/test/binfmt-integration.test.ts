import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { interpreterArgv, makeFlags } from '@arm64kit/binfmt';
import { buildProgram, CROSS_CC } from '@arm64kit/test-programs';
import { available, BINFMT_DIR, binfmtProblem, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * arm64kit as the kernel's binfmt_misc interpreter for aarch64 ELF. The kernel runs a `#!`
 * wrapper, which cannot see AT_FLAGS, so there is one wrapper per registration: the P one runs
 * `arm64kit run --binfmt-preserve-argv0 "$@"`, the other plain `arm64kit run "$@"`.
 *
 * So that concurrent tests of other packages that execute aarch64 programs are not routed
 * here, the test binary carries a private marker in the ELF identification padding
 * (e_ident[9..15], ignored by every loader) and the entry's magic includes it. Apart from those
 * seven bytes the magic and mask are qemu's aarch64 ones.
 */

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../../apps/cli/bin/run.js');
const CLI_DIST = resolve(dirname(CLI), '../dist/commands/run.js');
const MARKER = Buffer.from('A64KITT', 'latin1');

const AARCH64_MAGIC = Buffer.from([
  0x7f,
  0x45,
  0x4c,
  0x46,
  0x02,
  0x01,
  0x01,
  0x00,
  0x00,
  ...MARKER,
  0x02,
  0x00,
  0xb7,
  0x00,
]);
const AARCH64_MASK = Buffer.from([
  0xff,
  0xff,
  0xff,
  0xff,
  0xff,
  0xff,
  0xff,
  0x00,
  0xff,
  ...Array(7).fill(0xff),
  0xfe,
  0xff,
  0xff,
  0xff,
]);
const hex = (b: Buffer) => [...b].map((x) => `\\x${x.toString(16).padStart(2, '0')}`).join('');

function cliProblem(): string | null {
  return existsSync(CLI_DIST) ? null : 'the CLI is not built (pnpm turbo run build --filter arm64kit...)';
}

const problem = binfmtProblem() ?? commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu') ?? cliProblem();

/** Parses argv.c's output back into the argv the guest saw. */
function guestArgv(stdout: string): string[] {
  const lines = stdout.trimEnd().split('\n');
  const count = Number(/^Total Number of args: (\d+)$/.exec(lines[0] ?? '')?.[1]);
  return lines.slice(1, 1 + count).map((line, i) => line.slice(`${i}th argv: `.length));
}

describe.runIf(available('binfmt_misc integration (root, aarch64 cross compiler, built CLI)', problem))(
  'arm64kit registered in the real binfmt_misc',
  () => {
    // Made in beforeAll, not while the suite is collected: a skipped suite collects too, but
    // runs no afterAll to remove it.
    let work = '';
    const registered: string[] = [];
    const unregister = () => {
      for (const name of registered.splice(0)) {
        const entry = join(BINFMT_DIR, name);
        if (existsSync(entry)) writeFileSync(entry, '-1');
      }
    };
    afterAll(() => {
      unregister();
      rmSync(work, { recursive: true, force: true });
    });

    // The argv program, marked, as ./a.out and as a command found through PATH.
    const command = `arm64kit-argv-${process.pid}`;
    const bin = () => join(work, 'bin');
    beforeAll(() => {
      work = mkdtempSync(join(tmpdir(), 'arm64kit-binfmt-'));
      const binary = readFileSync(buildProgram('argv'));
      MARKER.copy(binary, 9);
      const program = join(work, 'a.out');
      mkdirSync(bin());
      writeFileSync(program, binary);
      chmodSync(program, 0o755);
      copyFileSync(program, join(bin(), command));
      chmodSync(join(bin(), command), 0o755);
    });

    for (const preserve of [false, true]) {
      const flags = makeFlags({ preserveArgv0: preserve });
      const name = `arm64kit-test-argv${preserve ? 'P' : ''}-${process.pid}`;

      it(`${preserve ? 'with' : 'without'} P: ./a.out and a PATH lookup get the argv interpreterArgv predicts`, () => {
        const wrapper = join(work, `interpreter${preserve ? '-P' : ''}`);
        writeFileSync(
          wrapper,
          `#!/bin/sh\nexec '${process.execPath}' '${CLI}' run${preserve ? ' --binfmt-preserve-argv0' : ''} "$@"\n`,
        );
        chmodSync(wrapper, 0o755);
        const entry = { interpreter: wrapper, flags };
        try {
          registered.push(name);
          writeFileSync(
            join(BINFMT_DIR, 'register'),
            `:${name}:M::${hex(AARCH64_MAGIC)}:${hex(AARCH64_MASK)}:${wrapper}:${preserve ? 'P' : ''}`,
          );
          expect(readFileSync(join(BINFMT_DIR, name), 'utf8')).toContain(`interpreter ${wrapper}`);

          const runs = [
            { shell: './a.out 1 2 3', exec: { path: './a.out', argv: ['./a.out', '1', '2', '3'] } },
            {
              shell: `${command} 1 2 3`,
              exec: { path: join(bin(), command), argv: [command, '1', '2', '3'] },
            },
            {
              shell: `exec -a custom-name ${command} x`,
              exec: { path: join(bin(), command), argv: ['custom-name', 'x'] },
            },
          ];
          for (const run of runs) {
            const result = spawnSync('/bin/bash', ['--norc', '--noprofile', '-c', run.shell], {
              cwd: work,
              env: { PATH: `${bin()}:/usr/bin:/bin` },
              encoding: 'utf8',
              timeout: 120_000,
            });
            expect(result.stderr).toBe('');
            expect(result.status).toBe(0);
            // The interpreter gets interpreterArgv(...).argv; the guest sees what follows the
            // program path (P) or the program path and what follows it (no P).
            const predicted = interpreterArgv(entry, run.exec).argv;
            expect(guestArgv(result.stdout)).toEqual(predicted.slice(preserve ? 2 : 1));
          }
        } finally {
          unregister();
        }
        expect(existsSync(join(BINFMT_DIR, name))).toBe(false);
      });
    }
  },
);
