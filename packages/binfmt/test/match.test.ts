import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { available, findCommand } from '@arm64kit/vitest-config/prerequisites';
import { privateBinfmt, privateBinfmtProblem } from '@arm64kit/vitest-config/private-binfmt';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BinfmtEntry, BinfmtHost, makeFlags, match, presetEntry, presets } from '../src/index.js';

const flags = makeFlags();
const magicEntry = (
  name: string,
  magic: string,
  options: { offset?: number; mask?: number[]; enabled?: boolean } = {},
): BinfmtEntry => ({
  name,
  type: 'magic',
  offset: options.offset ?? 0,
  magic: Uint8Array.from(Buffer.from(magic, 'latin1')),
  ...(options.mask ? { mask: Uint8Array.from(options.mask) } : {}),
  interpreter: `/i/${name}`,
  flags,
  ...(options.enabled === undefined ? {} : { enabled: options.enabled }),
});
const header = (text: string) => Uint8Array.from(Buffer.from(text, 'latin1'));

describe('match', () => {
  it('takes the first enabled entry in the list (newest registration first)', () => {
    const entries = [magicEntry('new', 'AK'), magicEntry('old', 'AKT')];
    expect(match(entries, { path: '/x', header: header('AKTZ') })?.name).toBe('new');
    expect(
      match([{ ...entries[0], enabled: false }, entries[1]], { path: '/x', header: header('AKTZ') })?.name,
    ).toBe('old');
    expect(match(entries, { path: '/x', header: header('AKTZ'), enabled: false })).toBeUndefined();
    expect(match(entries, { path: '/x', header: header('ZZ') })).toBeUndefined();
  });

  it('compares magic under the mask at the offset, with zeros past the end of the file', () => {
    const entry = magicEntry('m', 'A\x00B', { offset: 2, mask: [0xff, 0x00, 0xdf] });
    expect(match([entry], { path: '/x', header: header('..A?b') })?.name).toBe('m');
    expect(match([entry], { path: '/x', header: header('..A?c') })).toBeUndefined();
    const zeros = magicEntry('z', '\x00\x00', { offset: 100 });
    expect(match([zeros], { path: '/x', header: header('short') })?.name).toBe('z');
  });

  it('matches extensions after the last dot of the whole path', () => {
    const jar: BinfmtEntry = { name: 'jar', type: 'extension', extension: 'jar', interpreter: '/j', flags };
    const slashy: BinfmtEntry = { ...jar, name: 'gz', extension: 'tar.gz' };
    expect(match([jar], { path: './app.jar', header: header('') })?.name).toBe('jar');
    expect(match([jar], { path: '/a.jar/app', header: header('') })).toBeUndefined();
    expect(match([slashy], { path: 'x.tar.gz', header: header('') })).toBeUndefined();
    expect(match([jar], { path: 'jar', header: header('') })).toBeUndefined();
  });

  const all = presets.map((p) => presetEntry(p));
  const takers = (path: string) =>
    all.filter((e) => match([e], { path, header: readFileSync(path) })).map((e) => e.name);

  it.runIf(
    available('x86_64 ELF sample', process.arch === 'x64' ? null : `the host is ${process.arch}, not x86_64`),
  )('sends a real x86_64 ELF to qemu-x86_64 only', () => {
    expect(readFileSync('/bin/true').readUInt16LE(18)).toBe(0x3e);
    expect(takers('/bin/true')).toEqual(['qemu-x86_64']);
  });

  const aarch64Lib = '/usr/aarch64-linux-gnu/lib/libc.so.6';
  it.runIf(
    available(
      'aarch64 ELF sample',
      existsSync(aarch64Lib) ? null : `${aarch64Lib} missing (apt-get install libc6-dev-arm64-cross)`,
    ),
  )('sends a real aarch64 ELF to qemu-aarch64 only', () => {
    expect(takers(aarch64Lib)).toEqual(['qemu-aarch64']);
  });
});

describe.runIf(
  available(
    'match against the kernel (private binfmt_misc)',
    privateBinfmtProblem() ??
      (findCommand('nsenter') ? null : 'nsenter not found (apt-get install util-linux)'),
  ),
)('match agrees with the kernel on which entry runs a file', () => {
  let scratch = '';
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'arm64kit-match-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const alphabet = ['A', 'B', '\x00', '\x01'];
  const bytesArb = (min: number, max: number) =>
    fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((a) => a.join(''));
  const entryArb = fc.oneof(
    fc.record({
      kind: fc.constant('magic' as const),
      magic: bytesArb(1, 3),
      offset: fc.nat(4),
      // Masks of 0xff and 0xfe only: the interpreter scripts ("#!/bin/sh") then never match
      // an entry themselves, which would make the kernel loop (ELOOP) after the first hop.
      mask: fc.option(fc.array(fc.constantFrom(0xff, 0xfe), { minLength: 3, maxLength: 3 }), {
        nil: undefined,
      }),
      enabled: fc.nat(4).map((n) => n !== 0),
    }),
    fc.record({
      kind: fc.constant('extension' as const),
      extension: fc.constantFrom('x', 'y', 'gz', 'tar.gz'),
      enabled: fc.nat(4).map((n) => n !== 0),
    }),
  );
  const fileArb = fc.record({
    content: bytesArb(0, 9),
    path: fc.constantFrom('f', 'f.x', 'f.y', 'f.tar.gz', 'd.x/f', 'g.gz'),
  });

  it('for random entries and files', async () => {
    const rounds = fc.sample(
      fc.record({
        entries: fc.array(entryArb, { minLength: 1, maxLength: 6 }),
        files: fc.array(fileArb, { minLength: 8, maxLength: 8 }),
      }),
      { numRuns: 12, seed: 4242 },
    );
    let matched = 0;
    let unmatched = 0;
    for (const [round, { entries, files }] of rounds.entries()) {
      const instance = await privateBinfmt();
      try {
        const host = new BinfmtHost(instance.dir);
        for (const [k, spec] of entries.entries()) {
          const interpreter = join(scratch, `interp-${round}-${k}`);
          writeFileSync(interpreter, '#!/bin/sh\nprintf "MATCHED:%s" "$0"\n');
          chmodSync(interpreter, 0o755);
          const name = `e${k}`;
          const entry: BinfmtEntry =
            spec.kind === 'magic'
              ? {
                  name,
                  type: 'magic',
                  offset: spec.offset,
                  magic: Uint8Array.from(Buffer.from(spec.magic, 'latin1')),
                  ...(spec.mask ? { mask: Uint8Array.from(spec.mask.slice(0, spec.magic.length)) } : {}),
                  interpreter,
                  flags,
                }
              : { name, type: 'extension', extension: spec.extension, interpreter, flags };
          await host.register(entry);
          if (!spec.enabled) await host.disable(name);
        }
        const listed = await host.list();
        expect(listed.map((e) => e.name)).toEqual(entries.map((_, k) => `e${k}`).reverse());
        for (const [j, file] of files.entries()) {
          const path = join(scratch, `r${round}-${j}`, file.path);
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, Buffer.from(file.content, 'latin1'));
          chmodSync(path, 0o755);
          const run = spawnSync('nsenter', ['-t', String(instance.pid), '-U', '-m', path], {
            encoding: 'utf8',
          });
          const observed = /MATCHED:(.*)$/.exec(run.stdout)?.[1];
          const predicted = match(listed, { path, header: readFileSync(path) })?.interpreter;
          expect({ path, content: file.content, observed }).toEqual({
            path,
            content: file.content,
            observed: predicted,
          });
          if (predicted) matched++;
          else unmatched++;
        }
      } finally {
        instance.close();
      }
    }
    expect(matched).toBeGreaterThan(10);
    expect(unmatched).toBeGreaterThan(10);
  });
});
