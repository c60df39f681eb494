import { hexValue } from './bytes.js';

const BACKSLASH = 0x5c;
const LOWER_X = 0x78;

/**
 * Walks a magic or mask field the way the kernel's scanarg() does: up to the delimiter,
 * stepping over each `\x` and the two characters after it, which must both be hex digits.
 * Raw NUL bytes do not stop the walk. Returns the index of the closing delimiter, or
 * `{ badEscape }` with the index of the backslash whose `\x` is not followed by two hex digits.
 */
export function scanEscapedField(
  buf: Uint8Array,
  start: number,
  delimiter: number,
): { end: number } | { badEscape: number } {
  let i = start;
  for (;;) {
    if (i >= buf.length) return { end: buf.length };
    const c = buf[i++];
    if (c === delimiter) return { end: i - 1 };
    if (c === BACKSLASH && buf[i] === LOWER_X) {
      const at = i - 1;
      i++;
      if (hexValue(buf[i++]) < 0) return { badEscape: at };
      if (hexValue(buf[i++]) < 0) return { badEscape: at };
    }
  }
}

/**
 * Decodes a field as the kernel's string_unescape_inplace(…, UNESCAPE_HEX) does: only
 * `\x` with one or two hex digits becomes a byte; any other backslash stays literal
 * together with the character after it; the first raw NUL ends the field.
 */
export function unescapeHex(raw: Uint8Array): Uint8Array {
  const out: number[] = [];
  const n = raw.length;
  let i = 0;
  while (i < n && raw[i] !== 0) {
    if (raw[i] === BACKSLASH && i + 1 < n && raw[i + 1] !== 0) {
      i++;
      if (raw[i] === LOWER_X) {
        const high = hexValue(raw[i + 1]);
        if (high >= 0) {
          let value = high;
          let next = i + 2;
          const low = next < n ? hexValue(raw[next]) : -1;
          if (low >= 0) {
            value = (value << 4) | low;
            next++;
          }
          out.push(value);
          i = next;
          continue;
        }
      }
      out.push(BACKSLASH);
    }
    out.push(raw[i]);
    i++;
  }
  return Uint8Array.from(out);
}

/**
 * Writes bytes so that unescapeHex() gives them back and the field cannot end early:
 * printable ASCII stays readable; the delimiter, the backslash, anything non-printable
 * and non-ASCII become `\xHH`. Escaping every backslash also removes `\x` look-alikes.
 */
export function escapeBytes(bytes: Uint8Array, delimiter: string, options: { all?: boolean } = {}): string {
  const delimiterCode = delimiter.charCodeAt(0);
  let out = '';
  for (const byte of bytes) {
    const printable = byte > 0x20 && byte < 0x7f && byte !== BACKSLASH && byte !== delimiterCode;
    out += printable && !options.all ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}
