import { describe, expect, it } from 'vitest';
import {
  BinfmtError,
  formatRegistration,
  formatStatus,
  parseRegistration,
  parseStatus,
} from '../src/index.js';

// Each case was checked against the running kernel's /proc/sys/fs/binfmt_misc/register;
// the differential test (kernel.test.ts) checks thousands more.
function rejects(line: string) {
  try {
    parseRegistration(line);
  } catch (error) {
    expect(error).toBeInstanceOf(BinfmtError);
    return error as BinfmtError;
  }
  throw new Error(`accepted: ${JSON.stringify(line)}`);
}

describe('parseRegistration', () => {
  it('reads the qemu aarch64 line', () => {
    const entry = parseRegistration(
      ':qemu-aarch64:M::\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/bin/qemu-aarch64-static:OCFP',
    );
    expect(entry.type).toBe('magic');
    if (entry.type !== 'magic') return;
    expect(entry.name).toBe('qemu-aarch64');
    expect(entry.magic.length).toBe(20);
    expect(entry.magic[18]).toBe(0xb7);
    expect(entry.mask?.[7]).toBe(0);
    expect(entry.flags).toEqual({
      preserveArgv0: true,
      openBinary: true,
      credentials: true,
      fixBinary: true,
    });
  });

  it('follows kstrtoint for the offset', () => {
    expect((parseRegistration(':a:M:+5:AKTS::/bin/true:') as { offset: number }).offset).toBe(5);
    expect((parseRegistration(':a:M:010:AKTS::/bin/true:') as { offset: number }).offset).toBe(10);
    expect((parseRegistration(':a:M:5\n:AKTS::/bin/true:') as { offset: number }).offset).toBe(5);
    expect((parseRegistration(':a:M:-0:A::/bin/true:') as { offset: number }).offset).toBe(0);
    expect(rejects(':a:M:-5:AKTS::/bin/true:').rule).toBe('negative');
    expect(rejects(':a:M:  5:AKTS::/bin/true:').rule).toBe('not-decimal');
    expect(rejects(':a:M:0x1:A::/bin/true:').rule).toBe('not-decimal');
    expect(rejects(':a:M:+:A::/bin/true:').rule).toBe('not-decimal');
    expect(rejects(':a:M:4294967296:A::/bin/true:').field).toBe('offset');
    expect((parseRegistration(':a:M:252:AKTS::/bin/true:') as { offset: number }).offset).toBe(252);
    expect(rejects(':a:M:253:AKTS::/bin/true:').rule).toBe('beyond-header');
  });

  it('decodes magic like string_unescape with UNESCAPE_HEX', () => {
    const a = parseRegistration(':a:M::AB\\\\x41:\\xff\\xff\\xff\\xff\\xff\\xff\\xff:/bin/true:');
    expect(a.type === 'magic' && Buffer.from(a.magic).toString('latin1')).toBe('AB\\\\x41');
    expect(rejects(':a:M::AB\\\\x41:\\xff\\xff\\xff\\xff\\xff:/bin/true:').rule).toBe('length-mismatch');
    const y = parseRegistration(':a:M::A\\y:\\xff\\xff\\xff:/bin/true:');
    expect(y.type === 'magic' && Buffer.from(y.magic).toString('latin1')).toBe('A\\y');
    expect(rejects(':a:M::\\x4:\\xff:/bin/true:').rule).toBe('bad-escape');
    const nul = parseRegistration(':a:M::AK\u0000TS::/bin/true:');
    expect(nul.type === 'magic' && Array.from(nul.magic)).toEqual([0x41, 0x4b]);
  });

  it('handles delimiters, extensions and flags as the kernel does', () => {
    expect(parseRegistration('Makt-c-18MEMMxMMiM')).toMatchObject({
      name: 'akt-c-18',
      extension: 'x',
      interpreter: 'i',
    });
    expect(parseRegistration('\u0000a\u0000M\u0000\u0000AKTS\u0000\u0000/bin/true\u0000').name).toBe('a');
    expect(rejects('PaPEPPxPPiP').field).toBe('delimiter');
    expect(parseRegistration(':a:E::.a:\\xZZ:/bin/true:')).toMatchObject({ extension: '.a' });
    expect(rejects(':a:E:zz:a/b::/bin/true:').rule).toBe('slash');
    expect(rejects(':a:M::A::/bin/true:X').field).toBe('flags');
    expect(rejects(':a:M::AKTS::/bin/true:\n\n').field).toBe('flags');
    expect(parseRegistration(':a:M::AKTS::/bin/true:PPOCF\n').flags.fixBinary).toBe(true);
    expect(rejects(':a:M::AKTS::/bin/true').rule).toBe('missing-delimiter');
    expect(rejects(':status:M::AKTS::/bin/true:').code).toBe('EEXIST');
    expect(rejects(`:${'n'.repeat(256)}:M::AKTS::/bin/true:`).code).toBe('ENAMETOOLONG');
  });

  it('names field, rule and column', () => {
    const error = rejects(':abc:X::A::/bin/true:');
    expect(error).toMatchObject({ code: 'EINVAL', field: 'type', rule: 'unknown', column: 6 });
  });
});

describe('formatRegistration', () => {
  it('round-trips and escapes the delimiter and backslashes', () => {
    const entry = parseRegistration('|a:b|M|3|:\\x5cx41\\x00||/usr/bin/x:y|C');
    const line = formatRegistration(entry);
    expect(parseRegistration(line)).toEqual(entry);
  });
});

describe('status', () => {
  it('matches what the kernel printed', () => {
    const entry = parseRegistration(':akt-c-1:M::AB\\\\x41:\\xff\\xff\\xff\\xff\\xff\\xff\\xff:/bin/true:');
    expect(formatStatus(entry)).toBe(
      'enabled\ninterpreter /bin/true\nflags: \noffset 0\nmagic 41425c5c783431\nmask ffffffffffffff\n',
    );
    expect(parseStatus(formatStatus(entry), 'akt-c-1')).toEqual({ ...entry, enabled: true });
    const ext = parseRegistration(':x:E::.a:\\xZZ:/bin/true:');
    expect(formatStatus(ext)).toBe('enabled\ninterpreter /bin/true\nflags: \nextension ..a\n');
  });
});
