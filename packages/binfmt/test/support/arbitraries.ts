import fc from 'fast-check';
import { type BinfmtEntry, makeFlags, RESERVED_NAMES } from '../../src/index.js';

/** Characters for text fields: delimiter candidates, escapes look-alikes, spaces, Unicode. */
const TEXT_CHARS = [...'abcXYZ019 .-_:|!,@%^~=+&*?<>"\'`{}[]()$#;\\xé✓', '\t'];

const text = (options: { minLength?: number; maxLength?: number; newline?: boolean } = {}) =>
  fc.string({
    unit: fc.constantFrom(...TEXT_CHARS, ...(options.newline ? ['\n'] : [])),
    minLength: options.minLength ?? 1,
    maxLength: options.maxLength ?? 24,
  });

export const flagsArb = fc
  .record({
    preserveArgv0: fc.boolean(),
    openBinary: fc.boolean(),
    credentials: fc.boolean(),
    fixBinary: fc.boolean(),
  })
  .map((f) => makeFlags(f));

export const nameArb = (newline = false) =>
  text({ newline }).filter((n) => !n.includes('/') && n !== '.' && n !== '..' && !RESERVED_NAMES.includes(n));

/** Any entry the kernel would accept. */
export const entryArb = (options: { newline?: boolean; enabled?: boolean } = {}): fc.Arbitrary<BinfmtEntry> =>
  fc.oneof(
    fc
      .record({
        name: nameArb(options.newline),
        magic: fc.uint8Array({ minLength: 1, maxLength: 64 }),
        maskBytes: fc.option(fc.uint8Array({ minLength: 64, maxLength: 64 }), { nil: undefined }),
        offsetSeed: fc.nat(),
        interpreter: text({ newline: options.newline }),
        flags: flagsArb,
        enabled: options.enabled ? fc.option(fc.boolean(), { nil: undefined }) : fc.constant(undefined),
      })
      .map((r): BinfmtEntry => {
        const entry: BinfmtEntry = {
          name: r.name,
          type: 'magic',
          offset: r.offsetSeed % (256 - r.magic.length + 1),
          magic: r.magic,
          interpreter: r.interpreter,
          flags: r.flags,
        };
        if (r.maskBytes) entry.mask = r.maskBytes.slice(0, r.magic.length);
        if (r.enabled !== undefined) entry.enabled = r.enabled;
        return entry;
      }),
    fc
      .record({
        name: nameArb(options.newline),
        extension: text({ newline: options.newline }).filter((e) => !e.includes('/')),
        interpreter: text({ newline: options.newline }),
        flags: flagsArb,
        enabled: options.enabled ? fc.option(fc.boolean(), { nil: undefined }) : fc.constant(undefined),
      })
      .map((r): BinfmtEntry => {
        const entry: BinfmtEntry = {
          name: r.name,
          type: 'extension',
          extension: r.extension,
          interpreter: r.interpreter,
          flags: r.flags,
        };
        if (r.enabled !== undefined) entry.enabled = r.enabled;
        return entry;
      }),
  );

export function withoutEnabled(entry: BinfmtEntry): BinfmtEntry {
  const { enabled: _enabled, ...rest } = entry;
  return rest as BinfmtEntry;
}

/**
 * Entries the Debian format can carry: no O without C (it has no key for O alone), and as
 * update-binfmts registers them: with ":" as the delimiter, values without trailing whitespace.
 */
export function debianWritable(entry: BinfmtEntry): boolean {
  const texts = [entry.name, entry.interpreter, entry.type === 'extension' ? entry.extension : ''];
  return (
    (!entry.flags.openBinary || entry.flags.credentials) &&
    texts.every((t) => !t.includes(':')) &&
    // The name is the file's name, but also the package line's value when no package is given.
    texts.every((t) => !/\s$/.test(t))
  );
}
