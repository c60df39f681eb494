import { utf8 } from './bytes.js';
import { BINPRM_BUF_SIZE, type BinfmtEntry } from './entry.js';

export interface MatchQuery {
  /** The path the program is executed by (what was passed to execve), e.g. `./a.out`. */
  path: string;
  /** The first bytes of the file; the kernel reads 256 and sees zeros past the end of a shorter file. */
  header: Uint8Array;
  /** The global /proc/sys/fs/binfmt_misc/status; when false nothing matches. Default true. */
  enabled?: boolean;
}

/**
 * The entry the kernel would hand the file to (check_file() in fs/binfmt_misc.c), or
 * undefined when none would (the exec then falls through to other formats, or ENOEXEC).
 * `entries` must be in the kernel's order, newest registration first — the order
 * BinfmtHost.list() returns. Disabled entries are skipped. A magic entry matches when
 * (header[offset + i] XOR magic[i]) AND mask[i] is 0 for every i; an extension entry
 * matches the text after the last dot of the whole path.
 */
export function match<E extends BinfmtEntry>(entries: readonly E[], query: MatchQuery): E | undefined {
  if (query.enabled === false) return undefined;
  const header = new Uint8Array(BINPRM_BUF_SIZE);
  header.set(query.header.subarray(0, BINPRM_BUF_SIZE));
  const pathBytes = utf8(query.path);
  const dot = pathBytes.lastIndexOf(0x2e);
  const afterDot = dot >= 0 ? pathBytes.subarray(dot + 1) : undefined;
  for (const entry of entries) {
    if (entry.enabled === false) continue;
    if (entry.type === 'extension') {
      if (afterDot && bytesEqualString(afterDot, entry.extension)) return entry;
      continue;
    }
    if (magicMatches(entry.magic, entry.mask, header, entry.offset)) return entry;
  }
  return undefined;
}

function magicMatches(
  magic: Uint8Array,
  mask: Uint8Array | undefined,
  header: Uint8Array,
  offset: number,
): boolean {
  for (let i = 0; i < magic.length; i++) {
    const differs = (header[offset + i] ?? 0) ^ magic[i];
    if ((mask ? differs & mask[i] : differs) !== 0) return false;
  }
  return true;
}

function bytesEqualString(bytes: Uint8Array, text: string): boolean {
  const other = utf8(text);
  if (other.length !== bytes.length) return false;
  for (let i = 0; i < other.length; i++) if (other[i] !== bytes[i]) return false;
  return true;
}
