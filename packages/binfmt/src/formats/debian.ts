import { utf8 } from '../bytes.js';
import { type BinfmtEntry, makeFlags } from '../entry.js';
import { BinfmtError, type BinfmtField } from '../errors.js';
import { escapeBytes, unescapeHex } from '../escape.js';
import { formatRegistration } from '../registration.js';

/** A Debian binfmt-support format file (/usr/share/binfmts/<name>, update-binfmts(8)). */
export interface DebianBinfmt {
  entry: BinfmtEntry;
  /** The package that owns the format (`package` line). */
  package?: string;
  /** Optional program that decides whether a file really is of this format (`detector` line). */
  detector?: string;
}

const KEYS = [
  'package',
  'interpreter',
  'magic',
  'offset',
  'mask',
  'extension',
  'detector',
  'credentials',
  'preserve',
  'fix_binary',
] as const;
type Key = (typeof KEYS)[number];

/** update-binfmts writes every entry to the kernel as a ":"-delimited register string. */
const UPDATE_BINFMTS = { delimiter: ':' };

/** What update-binfmts strips from the end of a value (C's isspace, less the line break). */
const TRAILING_SPACE = /[ \t\v\f\r]+$/;

/**
 * Reads a format file: `key value` lines (package, interpreter, magic, offset, mask,
 * extension, detector, credentials, preserve, fix_binary). The file's name is the entry
 * name. Magic and mask use the kernel's `\xHH` escapes. Blank lines and `#` comments
 * are skipped; unknown or repeated keys, and anything the kernel would refuse, are errors.
 */
export function parseDebianBinfmt(text: string, name: string): DebianBinfmt {
  const values = new Map<Key, { value: string; line: number }>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    const space = line.indexOf(' ');
    const key = (space < 0 ? line : line.slice(0, space)) as Key;
    if (!KEYS.includes(key)) fail(`unknown key "${key}"`, 'unknown-key', i + 1);
    if (values.has(key)) fail(`"${key}" appears twice`, 'repeated-key', i + 1);
    // update-binfmts drops the whitespace a value ends with; so does this reader.
    const value = space < 0 ? '' : line.slice(space + 1).replace(TRAILING_SPACE, '');
    values.set(key, { value, line: i + 1 });
  }
  const get = (key: Key) => values.get(key)?.value;
  const yesNo = (key: Key): boolean => {
    const item = values.get(key);
    if (!item) return false;
    const value = item.value.trim();
    if (value === 'yes') return true;
    if (value === 'no') return false;
    return fail(`"${key}" must be yes or no, not "${value}"`, 'yes-no', item.line, 'flags');
  };
  const interpreter = get('interpreter');
  if (interpreter === undefined || interpreter === '')
    fail('no interpreter', 'missing-interpreter', undefined, 'interpreter');
  const flags = makeFlags({
    credentials: yesNo('credentials'),
    preserveArgv0: yesNo('preserve'),
    fixBinary: yesNo('fix_binary'),
  });
  const magic = get('magic');
  const extension = get('extension');
  if ((magic === undefined) === (extension === undefined)) {
    fail('exactly one of "magic" and "extension" is needed', 'magic-or-extension', undefined, 'magic');
  }
  let entry: BinfmtEntry;
  if (magic !== undefined) {
    const offsetText = (get('offset') ?? '0').trim();
    if (!/^[0-9]+$/.test(offsetText))
      fail(`offset "${offsetText}" is not a number`, 'not-decimal', values.get('offset')?.line, 'offset');
    const mask = get('mask');
    entry = {
      name,
      type: 'magic',
      offset: Number(offsetText),
      magic: unescapeHex(utf8(magic)),
      ...(mask !== undefined && mask !== '' ? { mask: unescapeHex(utf8(mask)) } : {}),
      interpreter,
      flags,
    };
  } else {
    if (values.has('offset') || values.has('mask'))
      fail('offset and mask only go with magic', 'extension-fields', undefined, 'extension');
    entry = { name, type: 'extension', extension: extension ?? '', interpreter, flags };
  }
  // Whatever the kernel would refuse, refuse here, with its field and rule; update-binfmts
  // always registers with ":" as the delimiter, so no text field may contain one.
  formatRegistration(entry, UPDATE_BINFMTS);
  const result: DebianBinfmt = { entry };
  const pkg = get('package');
  if (pkg !== undefined) result.package = pkg;
  const detector = get('detector');
  if (detector !== undefined) result.detector = detector;
  return result;
}

/**
 * Writes a format file for update-binfmts --import. The entry name becomes the file name.
 * Refuses what update-binfmts cannot register as written: a ":" in the name, interpreter or
 * extension (it registers with ":" as the delimiter), a value ending in whitespace (it drops it).
 */
export function formatDebianBinfmt(
  entry: BinfmtEntry,
  options: { package?: string; detector?: string } = {},
): string {
  formatRegistration(entry, UPDATE_BINFMTS);
  if (entry.flags.openBinary && !entry.flags.credentials) {
    throw new BinfmtError('EINVAL', 'the Debian format has no way to ask for O without C', {
      field: 'flags',
      rule: 'open-binary',
    });
  }
  const lines: string[] = [];
  const add = (key: string, value: string, field: BinfmtField) => {
    if (/[\n\r]/.test(value)) {
      throw new BinfmtError('EINVAL', `${key} contains a line break; format files are line based`, {
        field,
        rule: 'line-break',
      });
    }
    if (TRAILING_SPACE.test(value)) {
      throw new BinfmtError('EINVAL', `${key} ends with whitespace, which update-binfmts drops`, {
        field,
        rule: 'trailing-space',
      });
    }
    lines.push(`${key} ${value}`);
  };
  add('package', options.package ?? entry.name, 'name');
  add('interpreter', entry.interpreter, 'interpreter');
  if (entry.type === 'magic') {
    add('magic', escapeBytes(entry.magic, ':'), 'magic');
    add('offset', String(entry.offset), 'offset');
    if (entry.mask) add('mask', escapeBytes(entry.mask, ':'), 'mask');
  } else {
    add('extension', entry.extension, 'extension');
  }
  if (options.detector) add('detector', options.detector, 'entry');
  add('credentials', entry.flags.credentials ? 'yes' : 'no', 'flags');
  add('preserve', entry.flags.preserveArgv0 ? 'yes' : 'no', 'flags');
  add('fix_binary', entry.flags.fixBinary ? 'yes' : 'no', 'flags');
  return `${lines.join('\n')}\n`;
}

function fail(message: string, rule: string, line?: number, field: BinfmtField = 'entry'): never {
  throw new BinfmtError(
    'EBADFORMAT',
    `invalid binfmt-support format file: ${message}${line ? ` (line ${line})` : ''}`,
    {
      field,
      rule,
      line,
    },
  );
}
