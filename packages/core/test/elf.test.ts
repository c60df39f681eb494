import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ElfError, loadImage, OutOfMemoryError, PagedMemory, parseElf } from '../src/index.js';

const EM_AARCH64 = 183;

/** A minimal static ELF64 executable: header, one PT_LOAD with 16 bytes of code, optional PT_INTERP. */
function makeElf(options: { interp?: string } = {}): Uint8Array {
  const phnum = options.interp ? 2 : 1;
  const codeAt = 64 + 56 * phnum;
  const interp = options.interp ? Buffer.from(`${options.interp}\0`) : Buffer.alloc(0);
  const bytes = new Uint8Array(codeAt + 16 + interp.length);
  const v = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, EM_AARCH64, true);
  v.setUint32(20, 1, true);
  v.setBigUint64(24, BigInt(0x400000 + codeAt), true);
  v.setBigUint64(32, 64n, true);
  v.setUint16(52, 64, true);
  v.setUint16(54, 56, true);
  v.setUint16(56, phnum, true);
  // PT_LOAD covering the whole file, r-x
  v.setUint32(64, 1, true);
  v.setUint32(68, 5, true);
  v.setBigUint64(72, 0n, true);
  v.setBigUint64(80, 0x400000n, true);
  v.setBigUint64(96, BigInt(bytes.length), true);
  v.setBigUint64(104, BigInt(bytes.length), true);
  v.setBigUint64(112, 0x1000n, true);
  if (options.interp) {
    const at = 64 + 56;
    v.setUint32(at, 3, true);
    v.setBigUint64(at + 8, BigInt(codeAt + 16), true);
    v.setBigUint64(at + 32, BigInt(interp.length), true);
    v.setBigUint64(at + 40, BigInt(interp.length), true);
    bytes.set(interp, codeAt + 16);
  }
  return bytes;
}

function errorCode(f: () => unknown): string | null {
  try {
    f();
    return null;
  } catch (error) {
    if (error instanceof ElfError) return error.code;
    throw error;
  }
}

function patch(bytes: Uint8Array, edit: (v: DataView, b: Uint8Array) => void): Uint8Array {
  const copy = bytes.slice();
  edit(new DataView(copy.buffer), copy);
  return copy;
}

describe('parseElf', () => {
  it('accepts a minimal static executable and finds PT_INTERP', () => {
    const image = parseElf(makeElf(), EM_AARCH64);
    expect(image.entry).toBe(0x400000 + 120);
    expect(image.interpreter).toBeNull();
    expect(parseElf(makeElf({ interp: '/lib/ld-linux-aarch64.so.1' }), EM_AARCH64).interpreter).toBe(
      '/lib/ld-linux-aarch64.so.1',
    );
  });

  it('names the problem of each malformed file', () => {
    const good = makeElf();
    const cases: [string, Uint8Array, string, RegExp][] = [
      ['empty', new Uint8Array(0), 'ELF_BAD_MAGIC', /not an ELF file/],
      ['a script', Buffer.from('#!/bin/sh\necho hi\n'), 'ELF_BAD_MAGIC', /not an ELF file/],
      ['truncated header', good.subarray(0, 40), 'ELF_TRUNCATED', /truncated: 40 bytes/],
      ['truncated program headers', good.subarray(0, 100), 'ELF_TRUNCATED', /program headers end at 120/],
      ['32-bit', patch(good, (_v, b) => void (b[4] = 1)), 'ELF_WRONG_CLASS', /32-bit/],
      ['big-endian', patch(good, (_v, b) => void (b[5] = 2)), 'ELF_WRONG_ENDIAN', /little-endian/],
      [
        'x86-64',
        patch(good, (v) => v.setUint16(18, 62, true)),
        'ELF_WRONG_MACHINE',
        /for x86-64, not AArch64/,
      ],
      [
        'a relocatable object',
        patch(good, (v) => v.setUint16(16, 1, true)),
        'ELF_WRONG_TYPE',
        /not an executable/,
      ],
      ['odd phentsize', patch(good, (v) => v.setUint16(54, 32, true)), 'ELF_BAD_PHDR', /32 bytes/],
      [
        'no program headers',
        patch(good, (v) => v.setUint16(56, 0, true)),
        'ELF_NO_SEGMENTS',
        /no program headers/,
      ],
      [
        'filesz > memsz',
        patch(good, (v) => v.setBigUint64(104, 1n, true)),
        'ELF_BAD_SEGMENT',
        /p_filesz > p_memsz/,
      ],
      [
        'segment beyond the file',
        patch(good, (v) => {
          v.setBigUint64(96, 1n << 20n, true);
          v.setBigUint64(104, 1n << 20n, true);
        }),
        'ELF_TRUNCATED',
        /segment 0 needs bytes/,
      ],
      [
        'segment beyond the 48-bit user space',
        patch(good, (v) => v.setBigUint64(80, 1n << 48n, true)),
        'ELF_BAD_SEGMENT',
        /48-bit user address space/,
      ],
      [
        'unterminated PT_INTERP',
        patch(makeElf({ interp: '/lib/ld.so' }), (_v, b) => void (b[b.length - 1] = 0x41)),
        'ELF_BAD_INTERP',
        /NUL-terminated/,
      ],
    ];
    for (const [what, bytes, code, message] of cases) {
      let error: unknown;
      try {
        parseElf(bytes, EM_AARCH64, 'prog');
      } catch (e) {
        error = e;
      }
      expect(error, what).toBeInstanceOf(ElfError);
      expect((error as ElfError).code, what).toBe(code);
      expect((error as ElfError).message, what).toMatch(message);
    }
  });

  it('fuzzed headers give a typed error or a loadable image, never a crash or a hang', () => {
    const good = makeElf({ interp: '/lib/ld.so' });
    const memory = new PagedMemory({ initialBytes: 1 << 20, maximumBytes: 64 << 20 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(good.length + 8), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.option(fc.nat(good.length), { nil: undefined }),
        (edits, cut) => {
          const bytes = good.slice(0, cut ?? good.length);
          for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
          try {
            const image = parseElf(bytes, EM_AARCH64);
            const loaded = loadImage(memory, image, 0x40000000, 'fuzz');
            memory.unmap(0, 2 ** 48);
            expect(loaded.entry).toBeTypeOf('number');
          } catch (error) {
            memory.unmap(0, 2 ** 48);
            if (!(error instanceof ElfError) && !(error instanceof OutOfMemoryError)) throw error;
            expect((error as Error).message.length).toBeGreaterThan(10);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('random bytes after a valid ELF magic are rejected with a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 400 }), (tail) => {
        const bytes = new Uint8Array(4 + tail.length);
        bytes.set([0x7f, 0x45, 0x4c, 0x46]);
        bytes.set(tail, 4);
        const code = errorCode(() => parseElf(bytes, EM_AARCH64));
        expect(code === null || typeof code === 'string').toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("gives a page two segments share the later segment's protection, as successive mmaps do", () => {
    // Two PT_LOADs over the same page: the first rwx, the second read-only.
    const one = makeElf();
    const bytes = new Uint8Array(one.length + 56);
    bytes.set(one.subarray(0, 120));
    bytes.set(one.subarray(64, 120), 120); // a copy of the PT_LOAD
    bytes.set(one.subarray(120), 176);
    const v = new DataView(bytes.buffer);
    v.setUint16(56, 2, true);
    v.setUint32(68, 7, true); // first: r, w, x
    v.setUint32(124, 4, true); // second: r only
    for (const at of [64, 120]) {
      v.setBigUint64(at + 32, BigInt(bytes.length), true);
      v.setBigUint64(at + 40, BigInt(bytes.length), true);
    }
    const memory = new PagedMemory({ initialBytes: 1 << 20 });
    loadImage(memory, parseElf(bytes, EM_AARCH64), null, 'overlap');
    expect(memory.protectionAt(0x400000)).toBe(1); // PROT_READ, not the union
  });

  it('reads a real x86-64 executable as the wrong machine', () => {
    const host = readFileSync('/bin/true');
    expect(errorCode(() => parseElf(host, EM_AARCH64, 'true'))).toBe('ELF_WRONG_MACHINE');
  });
});
