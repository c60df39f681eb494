import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { available, binfmtProblem, findCommand } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AT_FLAGS_PRESERVE_ARGV0,
  BinfmtHost,
  interpreterArgv,
  type MagicEntry,
  makeFlags,
  programArgv,
} from '../src/index.js';
import { removeByPrefix, testPrefix } from './support/kernel.js';

const AT_FLAGS = 8n;

/** Splits what the interpreter script printed: NUL-terminated argv, then its auxv in hex. */
function parseOutput(stdout: Buffer): { argv: string[]; atFlags: number } {
  const text = stdout.toString('utf8');
  const at = text.lastIndexOf('AUXV:');
  const argv = text.slice(0, at).split('\0').slice(0, -1);
  const auxv = Buffer.from(text.slice(at + 5).trim(), 'hex');
  let atFlags = -1;
  for (let i = 0; i + 16 <= auxv.length; i += 16) {
    if (auxv.readBigUInt64LE(i) === AT_FLAGS) atFlags = Number(auxv.readBigUInt64LE(i + 8));
  }
  return { argv, atFlags };
}

describe.runIf(
  available(
    'argv through a registered interpreter',
    binfmtProblem() ?? (findCommand('bash') ? null : 'bash not found'),
  ),
)('interpreterArgv predicts what a registered interpreter receives', () => {
  const prefix = testPrefix('argv');
  const host = new BinfmtHost();
  let dir = '';
  const entries: Record<'plain' | 'preserve', MagicEntry> = {} as never;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'arm64kit-argv-'));
    const interpreter = join(dir, 'show argv');
    writeFileSync(
      interpreter,
      '#!/bin/sh\nfor a in "$0" "$@"; do printf \'%s\\0\' "$a"; done\nprintf AUXV:\nod -An -v -tx1 /proc/$$/auxv | tr -d \' \\n\'\n',
    );
    chmodSync(interpreter, 0o755);
    for (const kind of ['plain', 'preserve'] as const) {
      // A magic no real file has: the kind, the pid and a fixed marker.
      const magic = Buffer.from(`AKT-ARGV-${kind}-${process.pid}\n`);
      const entry: MagicEntry = {
        name: `${prefix}-${kind}`,
        type: 'magic',
        offset: 0,
        magic,
        interpreter,
        flags: makeFlags({ preserveArgv0: kind === 'preserve' }),
      };
      entries[kind] = entry;
      await host.register(entry);
      const program = join(dir, kind === 'plain' ? 'prog' : 'prog-p');
      writeFileSync(program, Buffer.concat([magic, Buffer.from('not a real program\n')]));
      chmodSync(program, 0o755);
    }
  });

  afterAll(() => {
    removeByPrefix(prefix);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ways = [
    {
      what: './file',
      run: (file: string) => spawnSync(`./${file}`, ['a', 'b c'], { cwd: dir }),
      exec: (file: string) => ({ path: `./${file}`, argv: [`./${file}`, 'a', 'b c'] }),
    },
    {
      what: 'a PATH lookup',
      run: (file: string) =>
        spawnSync('sh', ['-c', `${file} x 'y z'`], { env: { PATH: `${dir}:/usr/bin:/bin` } }),
      exec: (file: string) => ({ path: join(dir, file), argv: [file, 'x', 'y z'] }),
    },
    {
      what: 'exec -a NAME',
      // bash's exec passes a relative path on as an absolute one; give it one to begin with.
      run: (file: string) => spawnSync('bash', ['-c', `exec -a ccache '${join(dir, file)}' ccache -p`]),
      exec: (file: string) => ({ path: join(dir, file), argv: ['ccache', 'ccache', '-p'] }),
    },
    {
      what: 'a login-style argv[0]',
      run: (file: string) => spawnSync(join(dir, file), [], { argv0: '-bash' }),
      exec: (file: string) => ({ path: join(dir, file), argv: ['-bash'] }),
    },
  ];

  for (const kind of ['plain', 'preserve'] as const) {
    for (const way of ways) {
      it(`${kind === 'preserve' ? 'with' : 'without'} P, for ${way.what}`, () => {
        const file = kind === 'plain' ? 'prog' : 'prog-p';
        const result = way.run(file);
        expect(result.error).toBeUndefined();
        expect(result.status, result.stderr?.toString()).toBe(0);
        const seen = parseOutput(result.stdout);
        const predicted = interpreterArgv(entries[kind], way.exec(file));
        expect(seen.argv).toEqual(predicted.argv);
        expect(seen.atFlags).toBe(predicted.atFlags);
        expect(predicted.atFlags).toBe(kind === 'preserve' ? AT_FLAGS_PRESERVE_ARGV0 : 0);
        // What the interpreter hands on to the program: the original argv with P, the path
        // in place of argv[0] without it.
        const exec = way.exec(file);
        expect(programArgv(seen.argv, seen.atFlags)).toEqual(
          kind === 'preserve' ? exec.argv : [exec.path, ...exec.argv.slice(1)],
        );
      });
    }
  }
});
