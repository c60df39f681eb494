import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePattern, extractField, insertField } from './pattern.js';
import { DecodeTable, DecodeTableError } from './table.js';

describe('compilePattern', () => {
  it('separates fixed bits from fields and ignored bits', () => {
    const p = compilePattern('f001_0001_0h ii_iiii_iiii_ii nnnnn ddddd');
    expect(p.mask >>> 0).toBe(0x7f800000);
    expect(p.value >>> 0).toBe(0x11000000);
    expect(p.fields.map((f) => [f.name, f.width])).toEqual([
      ['f', 1],
      ['h', 1],
      ['i', 12],
      ['n', 5],
      ['d', 5],
    ]);
    // add x3, x4, #0x123, lsl #12
    const insn = 0x91448c83;
    const values = Object.fromEntries(p.fields.map((f) => [f.name, extractField(insn, f)]));
    expect(values).toEqual({ f: 1, h: 1, i: 0x123, n: 4, d: 3 });
  });

  it('joins bits of one letter that are not adjacent, left to right', () => {
    const p = compilePattern('aa0000000000000000000000000000ab');
    const a = p.fields.find((f) => f.name === 'a')!;
    expect(a.width).toBe(3);
    expect(extractField(0x80000002, a)).toBe(0b101);
    expect(insertField(0, a, 0b011) >>> 0).toBe(0x40000002);
  });

  it('rejects patterns of the wrong length or with stray characters', () => {
    expect(() => compilePattern('0101')).toThrow(/4 bits, expected 32/);
    expect(() => compilePattern('0000000000000000000000000000000?')).toThrow(/invalid character/);
  });

  it('insertField and extractField are inverse for every field', () => {
    const p = compilePattern('1a0bbbb-cc1d0eeeeeee0ffff1ggghhx');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.nat(), (word, v) => {
        for (const f of p.fields) {
          const value = v % 2 ** f.width;
          expect(extractField(insertField(word, f, value), f)).toBe(value);
        }
      }),
    );
  });
});

describe('DecodeTable', () => {
  const h = null;
  it('finds the form whose fixed bits match and returns its fields', () => {
    const t = new DecodeTable([
      { name: 'A', pattern: '0000 0000 0000 0000 iiii iiii iiii iiii', handler: 'a' },
      { name: 'B', pattern: '1--- ---- ---- ---- ---- ---- nnnn nddd', handler: 'b' },
    ]);
    expect(t.decode(0x1234)).toEqual({ form: t.get('A')!.form, fields: { i: 0x1234 } });
    expect(t.decode(0xffffffff)?.form.handler).toBe('b');
    expect(t.decode(0xffffffff)?.fields).toEqual({ n: 31, d: 7 });
    expect(t.decode(0x00010000)).toBeUndefined();
  });

  it('refuses two forms claiming one encoding without a preference', () => {
    expect(
      () =>
        new DecodeTable([
          { name: 'wide', pattern: '1111 ---- ---- ---- ---- ---- ---- ----', handler: h },
          { name: 'narrow', pattern: '---- 0000 ---- ---- ---- ---- ---- ----', handler: h },
        ]),
    ).toThrow(DecodeTableError);
  });

  it('leaves the overlap check to overlapProblems() when asked, and names the pair there', () => {
    const t = new DecodeTable(
      [
        { name: 'wide', pattern: '1111 ---- ---- ---- ---- ---- ---- ----', handler: h },
        { name: 'narrow', pattern: '---- 0000 ---- ---- ---- ---- ---- ----', handler: h },
      ],
      { verifyOverlaps: false },
    );
    expect(t.overlapProblems()).toEqual(['"wide" and "narrow" both claim 0xf0000000']);
  });

  it('lets a form declared more specific win over the general one', () => {
    const t = new DecodeTable([
      { name: 'ORR', pattern: '1010 1010 000m mmmm 0000 00nn nnnd dddd', handler: 'orr' },
      {
        name: 'MOV',
        pattern: '1010 1010 000m mmmm 0000 0011 111d dddd',
        handler: 'mov',
        preferredOver: ['ORR'],
      },
    ]);
    expect(t.decode(0xaa0103e0)?.form.name).toBe('MOV');
    expect(t.decode(0xaa0103e0)?.fields).toEqual({ m: 1, d: 0 });
    expect(t.decode(0xaa010040)?.form.name).toBe('ORR');
    expect(t.isPreferredOver('MOV', 'ORR')).toBe(true);
    expect(t.isPreferredOver('ORR', 'MOV')).toBe(false);
  });

  it('rejects duplicate names, unknown preferences and preference cycles', () => {
    const p = '0000 0000 0000 0000 0000 0000 0000 000-';
    expect(
      () =>
        new DecodeTable([
          { name: 'X', pattern: p, handler: h },
          { name: 'X', pattern: p, handler: h },
        ]),
    ).toThrow(/defined twice/);
    expect(() => new DecodeTable([{ name: 'X', pattern: p, handler: h, preferredOver: ['Y'] }])).toThrow(
      /unknown form "Y"/,
    );
    expect(
      () =>
        new DecodeTable([
          { name: 'X', pattern: p, handler: h, preferredOver: ['Y'] },
          { name: 'Y', pattern: p, handler: h, preferredOver: ['X'] },
        ]),
    ).toThrow(/cycle/);
  });
});

describe('DecodeTable lookup', () => {
  /** A 32-character pattern from a word of fixed bits and a word saying which bits are fixed. */
  const pattern = (mask: number, value: number): string =>
    Array.from({ length: 32 }, (_, i) => {
      const bit = 31 - i;
      return (mask >>> bit) & 1 ? String((value >>> bit) & 1) : '-';
    }).join('');

  it('finds the first form in preference order that matches, whatever the bucket bits', () => {
    // The oracle is a scan of every form; the buckets (and the groups of the top byte that fill
    // them) must only ever be a faster way to the same answer, for words with the top bit set too.
    const masks = [0xfe00707f, 0xffe0fc00, 0x0000ffff, 0xff000000, 0];
    const forms = fc.array(fc.tuple(fc.integer(), fc.integer()), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(
        forms,
        fc.array(fc.integer(), { maxLength: 200 }),
        fc.constantFrom(...masks),
        (raw, words, bucketMask) => {
          const table = new DecodeTable(
            raw.map(([mask, value], i) => ({ name: `f${i}`, pattern: pattern(mask, value), handler: i })),
            { verifyOverlaps: false, bucketMask },
          );
          // Words that some form claims, as well as arbitrary ones.
          const claimed = raw.map(([mask, value], i) => ((words[i] ?? 0) & ~mask) | (value & mask));
          for (const word of [...words, ...claimed]) {
            const expected = table.forms.find((c) => (word & c.mask) >>> 0 === c.value);
            expect(table.lookup(word)).toBe(expected);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('DecodeTable of 16-bit forms', () => {
  const h = () => 0;
  it('decodes 16-bit parcels and reads their fields', () => {
    const t = new DecodeTable(
      [
        { name: 'C_ADDI', pattern: '000i ddddd iiiii 01', handler: h },
        { name: 'C_LI', pattern: '010i ddddd iiiii 01', handler: h },
      ],
      { width: 16 },
    );
    // c.li a0, 5 = 0x4515
    expect(t.decode(0x4515)).toMatchObject({ form: { name: 'C_LI' }, fields: { d: 10, i: 5 } });
    expect(t.decode(0x8515)).toBeUndefined();
    expect(t.largestBucket()).toBe(1);
  });

  it('rejects a form whose width is not the table width', () => {
    expect(
      () => new DecodeTable([{ name: 'W', pattern: '0'.repeat(32), handler: h }], { width: 16 }),
    ).toThrow(/has 32 bits in a table of 16-bit forms/);
  });
});
