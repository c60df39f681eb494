import fc from 'fast-check';
import { unescapeHex } from '../../src/escape.js';

/**
 * Register strings for the kernel differential: valid ones in many shapes, and ones
 * broken in exactly one way for every rule of create_entry(). Every magic field starts
 * with a raw, unescaped tag unique to the run, and every mask starts with 0xff over it,
 * so whatever the kernel accepts can only ever match files carrying that tag.
 */

export interface Parts {
  del: string;
  name: string;
  type: string;
  offset: string;
  magic: string;
  mask: string;
  interpreter: string;
  flags: string;
  tail: string;
}

export interface Case {
  line: string;
  /** Which rule the case aims at ('valid' for well-formed shapes). */
  aim: string;
}

export interface Context {
  /** Entry name prefix (arm64kit-test-…-pid); every case's name starts with it. */
  prefix: string;
  /** 8 characters from TAG_ALPHABET, unique to the run. */
  tag: string;
  /** Existing executable files (for F, which opens the interpreter at registration). */
  executables: string[];
}

/** Characters tags are made of; no delimiter below uses them. */
export const TAG_ALPHABET = 'GHJKLNQRSUVWYZ';

/** Delimiters: none of them occurs in the name prefix or the tag. */
const DELIMITERS = [
  ':',
  ':',
  ':',
  '|',
  '#',
  ',',
  '!',
  '~',
  '=',
  '\x01',
  '\x7f',
  '\n',
  '\0',
  ' ',
  '\t',
  'M',
  'E',
  'x',
  '\\',
  'A',
  'B',
  '.',
  '/',
  '+',
  '_',
  '"',
  '%',
];
const NAME_SUFFIXES = ['', '', '', ' x', 'é', '\t', '\n', ':', '|', 'M', 'ü✓', '.so', '\\x41'];

export function joinParts(p: Parts): string {
  return `${p.del}${[p.name, p.type, p.offset, p.magic, p.mask, p.interpreter].join(p.del)}${p.del}${p.flags}${p.tail}`;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function decodedLength(field: string): number {
  return unescapeHex(Buffer.from(field, 'utf8')).length;
}

const hexDigit = fc.constantFrom(...'0123456789abcdefABCDEF');
const escapedByte = fc.tuple(hexDigit, hexDigit).map(([a, b]) => `\\x${a}${b}`);
const printable = fc
  .integer({ min: 0x21, max: 0x7e })
  .map((c) => String.fromCharCode(c))
  .filter((c) => c !== '\\');
const magicToken = fc.oneof(
  { weight: 6, arbitrary: printable },
  { weight: 6, arbitrary: escapedByte },
  { weight: 1, arbitrary: fc.constantFrom('\\\\', '\\X41', '\\y', 'é', '\\\\x41', '\\') },
);

/** A well-formed line, as a set of parts (the name is filled in by the caller). */
function validParts(ctx: Context) {
  return fc
    .record({
      del: fc.constantFrom(...DELIMITERS.filter((d) => !'POCF'.includes(d))),
      suffix: fc.constantFrom(...NAME_SUFFIXES),
      extension: fc.nat(9).map((n) => n < 3),
      magicTokens: fc.array(magicToken, { maxLength: 12 }),
      withMask: fc.boolean(),
      maskTokens: fc.array(fc.oneof(escapedByte, printable), { minLength: 40, maxLength: 40 }),
      offsetStyle: fc.constantFrom('', 'n', 'n', '+n', '0n', '-0', 'n\n'),
      offsetSeed: fc.nat(),
      interpreter: fc.constantFrom(
        ...ctx.executables,
        '/nonexistent/arm64kit interp',
        '/usr/bin/qemu-aarch64-static',
        'relative/interp',
        'i',
      ),
      flags: fc.array(fc.constantFrom('P', 'O', 'C', 'F'), { maxLength: 5 }).map((f) => f.join('')),
      tail: fc.constantFrom('', '', '\n'),
    })
    .map((r) => {
      const del = r.del;
      const safe = (token: string) => !token.includes(del) && !(del === '\\' && token.includes('x'));
      const magicSuffix = r.magicTokens.filter(safe).join('');
      const magic = `${ctx.tag}${magicSuffix}`;
      const size = decodedLength(magic);
      let mask = '';
      if (r.withMask) {
        const tokens = r.maskTokens.filter(safe);
        mask = '\\xff'.repeat(8) + tokens.slice(0, Math.max(0, size - 8)).join('');
        while (decodedLength(mask) < size) mask += '\\x0f';
      }
      const room = Math.max(0, 256 - size);
      const n = r.offsetSeed % (room + 1);
      const offset =
        { '': '', n: String(n), '+n': `+${n}`, '0n': `0${n}`, '-0': '-0', 'n\n': `${n}\n` }[r.offsetStyle] ??
        '';
      // F opens the interpreter when registering, so it must exist.
      const interpreter = r.flags.includes('F')
        ? ctx.executables[r.offsetSeed % ctx.executables.length]
        : r.interpreter;
      const parts: Parts = {
        del,
        name: '',
        type: r.extension ? 'E' : 'M',
        offset: r.extension ? '' : offset,
        magic: r.extension ? `akt${ctx.tag.toLowerCase()}${r.offsetSeed % 7 === 0 ? '.x' : ''}` : magic,
        mask: r.extension ? '' : mask,
        interpreter,
        flags: r.flags,
        tail: r.tail,
      };
      return { parts, suffix: r.suffix, seed: r.offsetSeed };
    });
}

type Mutation = (p: Parts, ctx: Context, seed: number) => Parts | string;

const pick = <T>(items: readonly T[], seed: number): T => items[seed % items.length];

/** One way to break (or stress) a line per rule of create_entry(). */
export const MUTATIONS: Record<string, Mutation> = {
  'line-short': (p, _ctx, seed) => joinParts(p).slice(0, 1 + (seed % 10)),
  'line-long': (p, _ctx, seed) => {
    const base = byteLength(joinParts({ ...p, interpreter: '', flags: p.flags.replace(/F/g, '') }));
    const target = seed % 2 === 0 ? 1920 : 1921;
    return {
      ...p,
      flags: p.flags.replace(/F/g, ''),
      interpreter: `/${'i'.repeat(Math.max(1, target - base - 1))}`,
    };
  },
  'delimiter-flag': (p, _ctx, seed) => {
    const del = pick(['P', 'O', 'C', 'F'], seed);
    return joinParts({ ...p, del }).replaceAll(p.del, del);
  },
  'name-empty': (p) => ({ ...p, name: '' }),
  'name-dot': (p, _ctx, seed) => ({ ...p, name: pick(['.', '..', '...', '.a'], seed) }),
  'name-slash': (p, _ctx, seed) => ({ ...p, name: pick([`${p.name}/x`, `/${p.name}`, `${p.name}/`], seed) }),
  'name-length': (p, _ctx, seed) => ({ ...p, name: p.name.padEnd(pick([255, 256, 300], seed), 'n') }),
  'name-reserved': (p, _ctx, seed) => ({ ...p, name: pick(['status', 'register', `${p.name}status`], seed) }),
  'name-nul': (p) => ({ ...p, name: `${p.name}\0x` }),
  'name-unterminated': (p) => `${p.del}${p.name}${p.type}${p.offset}${p.magic}`,
  type: (p, _ctx, seed) => ({ ...p, type: pick(['m', 'e', 'X', '', 'MM', 'ME', ' M', 'M '], seed) }),
  offset: (p, _ctx, seed) => ({
    ...p,
    type: 'M',
    offset: pick(
      [
        ' 1',
        '1 ',
        '-1',
        '0x10',
        '\n',
        '1\n\n',
        '+-1',
        '-+1',
        '１',
        '1e2',
        '99999999999',
        '2147483648',
        '-2147483648',
        '+',
        '-',
        '--0',
        '+0',
        '-00',
        '0\n',
        '1\t',
      ],
      seed,
    ),
  }),
  'offset-beyond': (p, ctx, seed) => {
    const magic = p.type === 'M' ? p.magic : ctx.tag;
    const size = decodedLength(magic);
    return { ...p, type: 'M', magic, mask: '', offset: String(256 - size + (seed % 2)) };
  },
  'magic-empty': (p, ctx, seed) => ({ ...p, type: 'M', magic: pick(['', `\0${ctx.tag}`], seed), mask: '' }),
  'magic-escape': (p, ctx, seed) => ({
    ...p,
    type: 'M',
    mask: '',
    magic: `${ctx.tag}${pick(['\\x', '\\x4', '\\xg0', '\\x4g', `\\x${p.del}`, '\\xé', '\\x\\x41', '\\\\x4', '\\\\\\x4'], seed)}`,
  }),
  'magic-nul': (p, ctx, seed) => ({
    ...p,
    type: 'M',
    magic: `${ctx.tag}${pick(['\0', '\0\\xzz', 'ab\0\0'], seed)}`,
    mask: seed % 2 ? '' : '\\xff'.repeat(8),
  }),
  'magic-size': (p, ctx, seed) => {
    const bytes = pick([248, 249, 300], seed);
    return {
      ...p,
      type: 'M',
      offset: '',
      magic: `${ctx.tag}${'\\xab'.repeat(bytes)}`,
      mask: seed % 3 === 0 ? '\\xff'.repeat(8 + bytes) : '',
    };
  },
  'mask-length': (p, ctx, seed) => {
    const size = decodedLength(p.type === 'M' ? p.magic : ctx.tag);
    const n = Math.max(1, size + pick([-1, 1, -2], seed));
    return { ...p, type: 'M', magic: p.type === 'M' ? p.magic : ctx.tag, mask: '\\xff'.repeat(n) };
  },
  'mask-escape': (p, ctx, seed) => ({
    ...p,
    type: 'M',
    magic: ctx.tag,
    mask: `${'\\xff'.repeat(7)}${pick(['\\xz1', '\\x1', '\\x'], seed)}`,
  }),
  'mask-nul': (p, ctx) => ({ ...p, type: 'M', magic: ctx.tag, mask: '\0\\xzz' }),
  extension: (p, ctx, seed) => ({
    ...p,
    type: 'E',
    offset: pick(['', 'zz', '\\x41', '-1'], seed),
    magic: pick(
      [
        `akt${ctx.tag.toLowerCase()}`,
        '',
        `a/${ctx.tag}`,
        `akt${ctx.tag}\0x`,
        `.akt${ctx.tag}`,
        `akt${ctx.tag}\\x41`,
      ],
      seed >> 2,
    ),
    mask: pick(['', '\\xZZ', 'anything'], seed >> 4),
  }),
  'interpreter-empty': (p) => ({ ...p, interpreter: '' }),
  'interpreter-nul': (p) => ({ ...p, flags: p.flags.replace(/F/g, ''), interpreter: `${p.interpreter}\0x` }),
  'interpreter-no-delimiter': (p, _ctx, seed) => {
    const line = joinParts({ ...p, flags: '', tail: '' });
    return seed % 2 ? line.slice(0, -1) : `${line.slice(0, -1)}\n`;
  },
  flags: (p, _ctx, seed) => ({
    ...p,
    flags: `${p.flags}${pick(['X', 'p', ' ', 'P P', '\r', 'E', 'M', '\nP', ':'], seed)}`,
  }),
  'tail-newlines': (p, _ctx, seed) => ({ ...p, tail: pick(['\n\n', '\r\n', ' \n', '\n '], seed) }),
  'field-extra': (p) => `${joinParts(p)}${p.del}x`,
  'field-missing': (p) =>
    `${p.del}${[p.name, p.type, p.offset, p.magic, p.interpreter].join(p.del)}${p.del}${p.flags}`,
};

/** Deterministic cases for one seed: about `count` lines, half valid, half broken. */
export function generateCases(ctx: Context, count: number, seed: number): Case[] {
  const mutationNames = Object.keys(MUTATIONS);
  const samples = fc.sample(
    fc.record({
      base: validParts(ctx),
      mutate: fc.boolean(),
      which: fc.nat(mutationNames.length - 1),
      seed: fc.nat(),
    }),
    { seed, numRuns: count },
  );
  return samples.map((sample, index) => {
    const parts = { ...sample.base.parts, name: `${ctx.prefix}-${index}${sample.base.suffix}` };
    if (!sample.mutate) return { line: joinParts(parts), aim: 'valid' };
    const aim = mutationNames[sample.which];
    const result = MUTATIONS[aim](parts, ctx, sample.seed);
    return { line: typeof result === 'string' ? result : joinParts(result), aim };
  });
}

/** Marks where a raw byte goes; replaced after UTF-8 encoding (text fields never get one). */
const RAW = '\uE000';
const RAW_UTF8 = Buffer.from(RAW, 'utf8');

export interface ByteCase {
  bytes: Uint8Array;
  aim: string;
}

/**
 * Lines as bytes, with raw bytes a string cannot carry as single bytes (0x80–0xff, control
 * characters) in the magic and mask of M lines, and in the ignored offset and mask of E lines.
 */
export function generateByteCases(ctx: Context, count: number, seed: number): ByteCase[] {
  const samples = fc.sample(
    fc.record({
      base: validParts(ctx),
      raws: fc.array(fc.oneof(fc.integer({ min: 0x80, max: 0xff }), fc.integer({ min: 1, max: 0x1f })), {
        minLength: 1,
        maxLength: 4,
      }),
      where: fc.constantFrom('magic', 'mask', 'ignored'),
    }),
    { seed, numRuns: count },
  );
  return samples.map((sample, index) => {
    const parts = { ...sample.base.parts, name: `${ctx.prefix}-b${index}` };
    const markers = RAW.repeat(sample.raws.length);
    if (parts.type === 'E' || sample.where === 'ignored') {
      parts.type = 'E';
      parts.offset = `${markers}`;
      parts.magic = `akt${ctx.tag.toLowerCase()}`;
      parts.mask = markers;
    } else if (sample.where === 'magic') {
      parts.magic += markers;
      if (parts.mask) parts.mask += '\\xff'.repeat(sample.raws.length);
    } else {
      parts.magic += 'G'.repeat(sample.raws.length);
      parts.mask = parts.mask
        ? parts.mask + markers
        : `${'\\xff'.repeat(8 + decodedLength(parts.magic) - 8 - sample.raws.length)}${markers}`;
    }
    const encoded = Buffer.from(joinParts(parts), 'utf8');
    const out: number[] = [];
    let next = 0;
    for (let i = 0; i < encoded.length; i++) {
      if (encoded.subarray(i, i + 3).equals(RAW_UTF8)) {
        // A raw byte equal to the delimiter would split the field; the parser must agree then too.
        out.push(sample.raws[next++ % sample.raws.length]);
        i += 2;
      } else out.push(encoded[i]);
    }
    return { bytes: Uint8Array.from(out), aim: `bytes-${sample.where}` };
  });
}

/**
 * Every mutation with every one of its variants (seeds 0..31) on one plain valid line, so
 * each rule is hit whatever the random seed.
 */
export function edgeCases(ctx: Context): Case[] {
  const cases: Case[] = [];
  let index = 0;
  for (const [aim, mutate] of Object.entries(MUTATIONS)) {
    for (let seed = 0; seed < 32; seed++) {
      const parts: Parts = {
        del: ':',
        name: `${ctx.prefix}-e${index++}`,
        type: 'M',
        offset: '',
        magic: `${ctx.tag}\\x00\\xff`,
        mask: `${'\\xff'.repeat(8)}\\x0f\\xf0`,
        interpreter: '/bin/true',
        flags: 'P',
        tail: '',
      };
      const result = mutate(parts, ctx, seed);
      cases.push({ line: typeof result === 'string' ? result : joinParts(result), aim });
    }
  }
  return cases;
}
