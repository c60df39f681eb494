/** How many bytes of a string or buffer strace shows by default (its -s 32). */
export const STRING_LIMIT = 32;

const NAMED: Record<number, string> = {
  34: '\\"',
  92: '\\\\',
  12: '\\f',
  10: '\\n',
  13: '\\r',
  9: '\\t',
  11: '\\v',
};

/**
 * `bytes` in double quotes as strace writes them: printable ASCII as is, the usual C escapes,
 * other bytes in octal (three digits when a digit follows, so the escape cannot run on), and
 * `...` after the quotes when `truncated`.
 */
export function quote(bytes: Uint8Array, truncated = false): string {
  let s = '"';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    const named = NAMED[c];
    if (named !== undefined) s += named;
    else if (c >= 0x20 && c <= 0x7e) s += String.fromCharCode(c);
    else {
      const next = bytes[i + 1];
      const digitFollows = next !== undefined && next >= 0x30 && next <= 0x39;
      s += `\\${digitFollows ? c.toString(8).padStart(3, '0') : c.toString(8)}`;
    }
  }
  return `${s}"${truncated ? '...' : ''}`;
}
