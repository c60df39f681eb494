import { bytesEqual, decodeText, utf8 } from './bytes.js';
import {
  BINPRM_BUF_SIZE,
  type BinfmtEntry,
  type BinfmtFlags,
  flagLetters,
  MAX_REGISTER_LENGTH,
  MIN_REGISTER_LENGTH,
  NAME_MAX,
  RESERVED_NAMES,
} from './entry.js';
import { BinfmtError, type BinfmtField } from './errors.js';
import { escapeBytes, scanEscapedField, unescapeHex } from './escape.js';

const NUL = 0;
const SLASH = 0x2f;
const DOT = 0x2e;
const NEWLINE = 0x0a;
/** The kernel pads its copy of the line with this many delimiters so scans always stop. */
const PAD = 8;
/** Flag letters; a delimiter equal to one of them can never give a valid line. */
const FLAG_LETTERS = 'POCF';

/**
 * Parses a register string exactly as the kernel's create_entry() does
 * (`:name:type:offset:magic:mask:interpreter:flags`, any first byte as delimiter).
 * Strings are written to the kernel as UTF-8, so they are measured in UTF-8 bytes.
 * Also refuses what the kernel refuses when the entry is created: names over 255 bytes
 * (ENAMETOOLONG) and the names `status` and `register` (EEXIST).
 * Throws BinfmtError naming the field, the rule and the column.
 */
export function parseRegistration(line: string | Uint8Array): BinfmtEntry {
  const input = typeof line === 'string' ? utf8(line) : line;
  return new RegistrationParser(input, typeof line === 'string' ? line : undefined).parse();
}

/** Returns null when the line is valid, or the error parseRegistration() would throw. */
export function checkRegistration(line: string | Uint8Array): BinfmtError | null {
  try {
    parseRegistration(line);
    return null;
  } catch (error) {
    if (error instanceof BinfmtError) return error;
    throw error;
  }
}

class RegistrationParser {
  private readonly buf: Uint8Array;
  private readonly count: number;
  private del = 0;

  constructor(
    private readonly input: Uint8Array,
    private readonly text: string | undefined,
  ) {
    this.count = input.length;
    // Lines the kernel refuses for their length are never copied (they may be huge).
    const size = input.length <= MAX_REGISTER_LENGTH ? input.length : 0;
    this.buf = new Uint8Array(size + PAD);
    this.buf.set(input.subarray(0, size));
  }

  parse(): BinfmtEntry {
    const { buf, count } = this;
    if (count < MIN_REGISTER_LENGTH || count > MAX_REGISTER_LENGTH) {
      this.fail('line', 'length', 0, `register string is ${count} bytes; the kernel takes 11 to 1920 bytes`);
    }
    const del = buf[0];
    this.del = del;
    if (FLAG_LETTERS.includes(String.fromCharCode(del))) {
      this.fail('delimiter', 'flag-letter', 0, `delimiter ${show(del)} is a flag letter (P, O, C or F)`);
    }
    buf.fill(del, count);

    // name
    const nameEnd = this.fieldEnd(1, 'name');
    const nameBytes = buf.subarray(1, nameEnd);
    if (nameBytes.length === 0) this.fail('name', 'empty', 1, 'name is empty');
    if (isDots(nameBytes)) this.fail('name', 'dot', 1, 'name cannot be "." or ".."');
    const slash = nameBytes.indexOf(SLASH);
    if (slash >= 0) this.fail('name', 'slash', 1 + slash, 'name cannot contain "/"');
    const name = decodeText(nameBytes, 'name', this.column(1));

    // type
    let p = nameEnd + 1;
    if (p >= count) this.fail('type', 'missing', p, 'line ends before the type field');
    const typeByte = buf[p];
    if (typeByte !== 0x4d && typeByte !== 0x45) {
      this.fail('type', 'unknown', p, `type must be M (magic) or E (extension), not ${show(typeByte)}`);
    }
    p++;
    if (p >= count || buf[p] !== del)
      this.fail('type', 'missing-delimiter', p, 'type must be one letter followed by the delimiter');
    p++;

    let entry: BinfmtEntry;
    if (typeByte === 0x4d) {
      // offset
      const offsetEnd = this.fieldEnd(p, 'offset');
      const offset = p === offsetEnd ? 0 : this.parseOffset(p, offsetEnd);
      p = offsetEnd + 1;
      // magic
      const magicStart = p;
      const magicEnd = this.escapedFieldEnd(p, 'magic');
      if (magicEnd === magicStart || buf[magicStart] === NUL)
        this.fail('magic', 'empty', magicStart, 'magic is empty');
      p = magicEnd + 1;
      // mask
      const maskStart = p;
      const maskEnd = this.escapedFieldEnd(p, 'mask');
      const hasMask = maskEnd > maskStart && buf[maskStart] !== NUL;
      p = maskEnd + 1;
      const magic = unescapeHex(buf.subarray(magicStart, magicEnd));
      const mask = hasMask ? unescapeHex(buf.subarray(maskStart, maskEnd)) : undefined;
      if (mask && mask.length !== magic.length) {
        this.fail(
          'mask',
          'length-mismatch',
          maskStart,
          `mask is ${mask.length} bytes but magic is ${magic.length}`,
        );
      }
      if (magic.length > BINPRM_BUF_SIZE) {
        this.fail(
          'magic',
          'too-long',
          magicStart,
          `magic is ${magic.length} bytes; at most ${BINPRM_BUF_SIZE}`,
        );
      }
      if (offset > BINPRM_BUF_SIZE - magic.length) {
        this.fail(
          'offset',
          'beyond-header',
          magicStart - 1,
          `offset ${offset} + magic ${magic.length} bytes passes the ${BINPRM_BUF_SIZE}-byte header the kernel reads`,
        );
      }
      entry = {
        name,
        type: 'magic',
        offset,
        magic,
        ...(mask ? { mask } : {}),
        interpreter: '',
        flags: noFlags(),
      };
    } else {
      // offset is skipped for extensions
      p = this.fieldEnd(p, 'offset') + 1;
      const extStart = p;
      const extEnd = this.fieldEnd(p, 'extension');
      const extBytes = buf.subarray(extStart, extEnd);
      if (extBytes.length === 0) this.fail('extension', 'empty', extStart, 'extension is empty');
      const extSlash = extBytes.indexOf(SLASH);
      if (extSlash >= 0) this.fail('extension', 'slash', extStart + extSlash, 'extension cannot contain "/"');
      const extension = decodeText(extBytes, 'extension', this.column(extStart));
      p = extEnd + 1;
      // mask is skipped for extensions
      p = this.fieldEnd(p, 'mask') + 1;
      entry = { name, type: 'extension', extension, interpreter: '', flags: noFlags() };
    }

    // interpreter
    const interpStart = p;
    const interpEnd = this.fieldEnd(p, 'interpreter');
    if (interpEnd === interpStart) this.fail('interpreter', 'empty', interpStart, 'interpreter is empty');
    entry.interpreter = decodeText(
      buf.subarray(interpStart, interpEnd),
      'interpreter',
      this.column(interpStart),
    );
    p = interpEnd + 1;

    // flags
    const flags = noFlags();
    for (;;) {
      const c = buf[p];
      if (c === 0x50) flags.preserveArgv0 = true;
      else if (c === 0x4f) flags.openBinary = true;
      else if (c === 0x43) {
        flags.credentials = true;
        flags.openBinary = true;
      } else if (c === 0x46) flags.fixBinary = true;
      else break;
      p++;
    }
    // As in the kernel, a newline right after the flags is skipped even when it is padding.
    if (buf[p] === NEWLINE) p++;
    if (p !== count) {
      this.fail(
        'flags',
        'unknown-flag',
        p,
        `unexpected ${show(buf[p])} in flags; flags are P, O, C and F, then at most one newline`,
      );
    }
    entry.flags = flags;
    // The kernel looks the name up only after the whole line has parsed.
    if (nameBytes.length > NAME_MAX) {
      this.fail(
        'name',
        'too-long',
        1,
        `name is ${nameBytes.length} bytes; at most ${NAME_MAX}`,
        'ENAMETOOLONG',
      );
    }
    if (RESERVED_NAMES.includes(name)) {
      this.fail(
        'name',
        'reserved',
        1,
        `name "${name}" is taken by the binfmt_misc directory itself`,
        'EEXIST',
      );
    }
    return entry;
  }

  /** strchr(p, del) as the kernel uses it: the delimiter must come before any NUL and before the end. */
  private fieldEnd(start: number, field: BinfmtField): number {
    const { buf, count, del } = this;
    for (let i = start; i < buf.length; i++) {
      if (buf[i] === del) {
        if (i >= count)
          this.fail(
            field,
            'missing-delimiter',
            count,
            `${field} is not followed by the delimiter ${show(del)}`,
          );
        return i;
      }
      if (buf[i] === NUL) this.fail(field, 'nul', i, `${field} contains a NUL byte`);
    }
    return this.fail(
      field,
      'missing-delimiter',
      count,
      `${field} is not followed by the delimiter ${show(del)}`,
    );
  }

  private escapedFieldEnd(start: number, field: 'magic' | 'mask'): number {
    const result = scanEscapedField(this.buf, start, this.del);
    if ('badEscape' in result) {
      return this.fail(
        field,
        'bad-escape',
        result.badEscape,
        `${field}: \\x must be followed by two hex digits`,
      );
    }
    if (result.end >= this.count) {
      this.fail(
        field,
        'missing-delimiter',
        this.count,
        `${field} is not followed by the delimiter ${show(this.del)}`,
      );
    }
    return result.end;
  }

  /** kstrtoint(s, 10): optional + (or - for zero), decimal digits, one optional trailing newline. */
  private parseOffset(start: number, end: number): number {
    const text = String.fromCharCode(...this.buf.subarray(start, end));
    const match = /^(?:\+?([0-9]+)|-([0-9]+))\n?$/.exec(text);
    if (!match)
      this.fail('offset', 'not-decimal', start, `offset ${JSON.stringify(text)} is not a decimal integer`);
    const digits = (match[1] ?? match[2]).replace(/^0+(?=.)/, '');
    const value = digits.length > 10 ? Number.POSITIVE_INFINITY : Number(digits);
    if (value > 0x7fffffff)
      this.fail('offset', 'out-of-range', start, `offset ${digits} does not fit an int`);
    if (match[2] !== undefined && value !== 0)
      this.fail('offset', 'negative', start, 'offset cannot be negative');
    return value;
  }

  private column(index: number): number {
    if (this.text === undefined) return index + 1;
    const prefix = new TextDecoder().decode(this.input.subarray(0, Math.min(index, this.count)));
    return prefix.length + 1;
  }

  private fail(field: BinfmtField, rule: string, index: number, message: string, code = 'EINVAL'): never {
    const column = this.column(index);
    throw new BinfmtError(code, `invalid register string: ${message} (column ${column})`, {
      field,
      rule,
      column,
    });
  }
}

function noFlags(): BinfmtFlags {
  return { preserveArgv0: false, openBinary: false, credentials: false, fixBinary: false };
}

function isDots(bytes: Uint8Array): boolean {
  return (
    (bytes.length === 1 && bytes[0] === DOT) || (bytes.length === 2 && bytes[0] === DOT && bytes[1] === DOT)
  );
}

function show(byte: number | undefined): string {
  if (byte === undefined) return 'end of line';
  if (byte >= 0x21 && byte < 0x7f) return `"${String.fromCharCode(byte)}"`;
  return `byte 0x${byte.toString(16).padStart(2, '0')}`;
}

/** Delimiters formatRegistration() tries, in order: never whitespace, comment starters, flag letters or escape characters. */
const DELIMITERS = [
  ':',
  '|',
  '!',
  ',',
  '@',
  '%',
  '^',
  '~',
  '=',
  '+',
  '&',
  '*',
  '?',
  '<',
  '>',
  '"',
  "'",
  '`',
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  '$',
  '-',
  '_',
];

export interface FormatRegistrationOptions {
  /** The delimiter to use; by default `:`, or the first character not found in the text fields. */
  delimiter?: string;
}

/**
 * Writes the register string for an entry, escaping magic and mask bytes that must be
 * escaped. Refuses, with the same errors as parseRegistration(), any entry the kernel
 * would refuse; `parseRegistration(formatRegistration(e))` gives `e` back.
 */
export function formatRegistration(entry: BinfmtEntry, options: FormatRegistrationOptions = {}): string {
  const texts = [entry.name, entry.interpreter, entry.type === 'extension' ? entry.extension : ''];
  const delimiter = options.delimiter ?? freeDelimiter(texts);
  if (delimiter === undefined) {
    throw new BinfmtError(
      'EINVAL',
      'no delimiter is free: every candidate appears in the name, interpreter or extension',
      {
        field: 'delimiter',
        rule: 'no-free-delimiter',
      },
    );
  }
  if (utf8(delimiter).length !== 1) {
    throw new BinfmtError('EINVAL', `delimiter must be a single byte, not ${JSON.stringify(delimiter)}`, {
      field: 'delimiter',
      rule: 'single-byte',
    });
  }
  const textFields: Array<[BinfmtField, string]> = [
    ['name', entry.name],
    ['interpreter', entry.interpreter],
  ];
  if (entry.type === 'extension') textFields.push(['extension', entry.extension]);
  for (const [field, text] of textFields) {
    if (text.includes(delimiter)) {
      throw new BinfmtError('EINVAL', `${field} contains the delimiter ${JSON.stringify(delimiter)}`, {
        field,
        rule: 'contains-delimiter',
      });
    }
  }
  if (entry.type === 'magic' && !(Number.isInteger(entry.offset) && entry.offset >= 0)) {
    throw new BinfmtError('EINVAL', `offset must be a non-negative integer, not ${entry.offset}`, {
      field: 'offset',
      rule: 'not-decimal',
    });
  }
  if (entry.type === 'magic' && entry.mask && entry.mask.length === 0 && entry.magic.length > 0) {
    throw new BinfmtError('EINVAL', 'mask is empty; leave it out for an exact match', {
      field: 'mask',
      rule: 'length-mismatch',
    });
  }
  const line = joinRegistration(entry, delimiter);
  // The parser holds every rule; a line it refuses is an entry the kernel would refuse.
  const back = parseRegistration(line);
  if (!sameEntry(back, entry)) {
    throw new BinfmtError(
      'EINVAL',
      `delimiter ${JSON.stringify(delimiter)} cannot carry this entry: the line reads back differently`,
      {
        field: 'delimiter',
        rule: 'ambiguous',
      },
    );
  }
  return line;
}

/** Joins an entry's fields with a delimiter, escaping magic and mask; no validation. */
export function joinRegistration(entry: BinfmtEntry, delimiter: string): string {
  const fields =
    entry.type === 'magic'
      ? [
          entry.name,
          'M',
          String(entry.offset),
          escapeBytes(entry.magic, delimiter),
          entry.mask ? escapeBytes(entry.mask, delimiter) : '',
        ]
      : [entry.name, 'E', '', entry.extension, ''];
  return `${delimiter}${[...fields, entry.interpreter, flagLetters(entry.flags)].join(delimiter)}`;
}

/** The first delimiter candidate that appears in none of the texts. */
export function freeDelimiter(texts: readonly string[]): string | undefined {
  return DELIMITERS.find((d) => texts.every((t) => !t.includes(d)));
}

function sameEntry(a: BinfmtEntry, b: BinfmtEntry): boolean {
  if (a.name !== b.name || a.interpreter !== b.interpreter || flagLetters(a.flags) !== flagLetters(b.flags))
    return false;
  if (a.type === 'extension' || b.type === 'extension') {
    return a.type === 'extension' && b.type === 'extension' && a.extension === b.extension;
  }
  return a.offset === b.offset && bytesEqual(a.magic, b.magic) && bytesEqual(a.mask, b.mask);
}
