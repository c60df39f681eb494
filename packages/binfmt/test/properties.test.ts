import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanEscapedField } from '../src/escape.js';
import {
  BinfmtError,
  checkRegistration,
  escapeBytes,
  formatDebianBinfmt,
  formatRegistration,
  formatStatus,
  formatSystemdBinfmt,
  parseDebianBinfmt,
  parseRegistration,
  parseStatus,
  parseSystemdBinfmt,
  unescapeHex,
} from '../src/index.js';
import { joinRegistration } from '../src/registration.js';
import { debianWritable, entryArb, withoutEnabled } from './support/arbitraries.js';

const runs = { numRuns: 1500 };

describe('round trips', () => {
  it('register strings: parseRegistration(formatRegistration(e)) is e', () => {
    fc.assert(
      fc.property(entryArb({ newline: true }), (entry) => {
        const line = formatRegistration(entry);
        expect(parseRegistration(line)).toEqual(entry);
        // and the line itself is stable
        expect(formatRegistration(parseRegistration(line))).toBe(line);
      }),
      runs,
    );
  });

  it('register strings with any free delimiter', () => {
    let written = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        entryArb(),
        fc.constantFrom(':', '|', '\x01', '\n', ' ', 'M', 'E', '0', 'x', '\\'),
        (entry, delimiter) => {
          const texts = [entry.name, entry.interpreter, entry.type === 'extension' ? entry.extension : ''];
          fc.pre(texts.every((t) => !t.includes(delimiter)));
          const error = (() => {
            try {
              expect(parseRegistration(formatRegistration(entry, { delimiter }))).toEqual(entry);
              written++;
              return undefined;
            } catch (e) {
              return e;
            }
          })();
          if (error === undefined) return;
          // Some delimiters cannot carry some entries (a name "M" with delimiter M…): then the
          // refusal is the typed one, and the line joined with that delimiter indeed does not
          // read back as the entry.
          expect(error).toBeInstanceOf(BinfmtError);
          expect((error as BinfmtError).code).toBe('EINVAL');
          const joined = joinRegistration(entry, delimiter);
          const back = checkRegistration(joined) === null ? parseRegistration(joined) : undefined;
          expect(back).not.toEqual(entry);
          refused++;
        },
      ),
      runs,
    );
    // Most entries fit every delimiter; both outcomes must have been seen.
    expect(written).toBeGreaterThan(runs.numRuns / 2);
    expect(refused).toBeGreaterThan(0);
  });

  it('status files: parseStatus(formatStatus(e)) is e', () => {
    fc.assert(
      fc.property(entryArb({ enabled: true }), (entry) => {
        const text = formatStatus(entry);
        expect(parseStatus(text, entry.name)).toEqual({ ...entry, enabled: entry.enabled ?? true });
        expect(formatStatus(parseStatus(text, entry.name))).toBe(text);
      }),
      runs,
    );
  });

  it('systemd binfmt.d files', () => {
    fc.assert(
      fc.property(
        fc.array(entryArb(), { maxLength: 6 }),
        fc.option(fc.string(), { nil: undefined }),
        (entries, comment) => {
          const text = formatSystemdBinfmt(entries, { comment });
          expect(parseSystemdBinfmt(text)).toEqual(entries);
        },
      ),
      runs,
    );
  });

  it('Debian binfmt-support format files', () => {
    fc.assert(
      fc.property(
        entryArb(),
        fc.option(fc.stringMatching(/^[a-z0-9.+-]{1,20}$/), { nil: undefined }),
        (entry, pkg) => {
          // update-binfmts registers with ":" as the delimiter and drops trailing whitespace.
          fc.pre(debianWritable(entry));
          const text = formatDebianBinfmt(entry, { package: pkg });
          const back = parseDebianBinfmt(text, entry.name);
          expect(back.entry).toEqual(withoutEnabled(entry));
          expect(back.package).toBe(pkg ?? entry.name);
        },
      ),
      runs,
    );
  });

  it('escapes: unescapeHex(escapeBytes(b)) is b, and the kernel scan stops only at the delimiter', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom(':', '|', 'x', 'a', '0'),
        (bytes, delimiter) => {
          const escaped = Buffer.from(escapeBytes(bytes, delimiter), 'latin1');
          expect(unescapeHex(escaped)).toEqual(bytes);
          const field = Buffer.concat([escaped, Buffer.from(delimiter, 'latin1')]);
          expect(scanEscapedField(field, 0, delimiter.charCodeAt(0))).toEqual({ end: escaped.length });
        },
      ),
      runs,
    );
  });
});
