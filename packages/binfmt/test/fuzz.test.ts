import { readdirSync, writeFileSync } from 'node:fs';
import { available } from '@arm64kit/vitest-config/prerequisites';
import { privateBinfmt, privateBinfmtProblem } from '@arm64kit/vitest-config/private-binfmt';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BinfmtError,
  checkRegistration,
  parseDebianBinfmt,
  parseGlobalStatus,
  parseRegistration,
  parseStatus,
  parseSystemdBinfmt,
  presetRegistration,
} from '../src/index.js';

/**
 * Calls a parser; it may return or throw a BinfmtError, nothing else. A hang is bounded by the
 * test's timeout, not by a clock here: a loaded machine must not turn a slow run into a failure.
 */
function onlyTypedErrors(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof BinfmtError)) throw error;
    expect(typeof error.code).toBe('string');
    expect(error.message.length).toBeGreaterThan(0);
  }
}

const seedLines = [
  presetRegistration('aarch64', { preserveArgv0: true, credential: true, persistent: true }),
  ':x:E::jar::/usr/bin/jexec:',
  '|a|M|3|\\x00\\xff|\\xff\\x0f|/bin/i|P\n',
];

/** Valid lines with a few bytes changed, inserted or deleted: close to the rules' edges. */
const mutatedLine = fc
  .tuple(
    fc.constantFrom(...seedLines),
    fc.array(
      fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')),
      {
        maxLength: 6,
      },
    ),
  )
  .map(([line, edits]) => {
    const bytes = [...Buffer.from(line, 'latin1')];
    for (const [at, byte, op] of edits) {
      const i = at % (bytes.length + 1);
      if (op === 'set' && i < bytes.length) bytes[i] = byte;
      else if (op === 'insert') bytes.splice(i, 0, byte);
      else bytes.splice(i, 1);
    }
    return Uint8Array.from(bytes);
  });

const runs = { numRuns: 3000 };

/** Register strings far over the kernel's 1920 bytes, with their length in bytes. */
const HUGE: Array<[string | Uint8Array, number]> = [
  [`:${'a'.repeat(5_000_000)}`, 5_000_001],
  [new Uint8Array(5_000_000), 5_000_000],
];

describe('no input makes a parser throw anything but BinfmtError, or hang', () => {
  it('parseRegistration on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 2100 }), (s) =>
        onlyTypedErrors(() => parseRegistration(s)),
      ),
      runs,
    );
  });

  it('parseRegistration on arbitrary and mutated bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 2100 }), mutatedLine), (b) =>
        onlyTypedErrors(() => parseRegistration(b)),
      ),
      runs,
    );
  });

  it('parseRegistration refuses huge input for its length, as the kernel does (EINVAL)', () => {
    for (const [huge, bytes] of HUGE) {
      const error = checkRegistration(huge);
      expect(error).toBeInstanceOf(BinfmtError);
      expect([error?.code, error?.field, error?.rule, error?.column]).toEqual([
        'EINVAL',
        'line',
        'length',
        1,
      ]);
      expect(error?.message).toContain(`register string is ${bytes} bytes`);
    }
  });

  it('parseStatus and parseGlobalStatus', () => {
    const statusLike = fc
      .tuple(
        fc.constantFrom('enabled\n', 'disabled\n', '', 'enabled'),
        fc.constantFrom('interpreter ', ''),
        fc.string({ maxLength: 40 }),
        fc.constantFrom('\nflags: ', '\nflags: POCF', 'flags:'),
        fc.constantFrom(
          '\noffset 0\nmagic 7f45\n',
          '\nextension .x\n',
          '\nmask \n',
          '\noffset -1\nmagic 7f\nmask 7f7f\n',
          '',
        ),
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 600 }), statusLike), (text) => {
        onlyTypedErrors(() => parseStatus(text, 'x'));
        onlyTypedErrors(() => parseGlobalStatus(text));
      }),
      runs,
    );
    onlyTypedErrors(() => parseStatus(`enabled\ninterpreter ${'\nflags: '.repeat(1000)}`));
    onlyTypedErrors(() => parseStatus(new Uint8Array([0xff, 0xfe])));
  });

  it('parseSystemdBinfmt and parseDebianBinfmt', () => {
    const debianLike = fc
      .array(
        fc.tuple(
          fc.constantFrom(
            'package',
            'interpreter',
            'magic',
            'offset',
            'mask',
            'extension',
            'credentials',
            'preserve',
            'fix_binary',
            'bogus',
            '',
          ),
          fc.string({ maxLength: 30 }),
        ),
        { maxLength: 8 },
      )
      .map((lines) => lines.map(([k, v]) => `${k} ${v}`).join('\n'));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 800 }), debianLike), (text) => {
        onlyTypedErrors(() => parseSystemdBinfmt(text));
        onlyTypedErrors(() => parseDebianBinfmt(text, 'name'));
      }),
      runs,
    );
  });
});

describe.runIf(available('huge register strings against the kernel', privateBinfmtProblem()))(
  'the kernel on huge register strings',
  () => {
    it('refuses them with EINVAL, the code parseRegistration gives', async () => {
      const instance = await privateBinfmt();
      try {
        for (const [huge] of HUGE) {
          const written = (() => {
            try {
              writeFileSync(`${instance.dir}/register`, huge);
              return 'accepted';
            } catch (error) {
              return (error as NodeJS.ErrnoException).code;
            }
          })();
          expect(written).toBe(checkRegistration(huge)?.code);
        }
        expect(readdirSync(instance.dir).sort()).toEqual(['register', 'status']);
      } finally {
        instance.close();
      }
    });
  },
);
