import { type ArgKind, errnoIn, hex, peekU64 } from './format.js';
import { peekBytes } from './guest-peek.js';

/** Whether an argument the call writes can be shown (it returned, and successfully). */
const written = (result: bigint | null): boolean => result !== null && errnoIn(result) === null;

/** `struct timespec` as `{tv_sec=1, tv_nsec=500}`. `exit`: one the call fills in. */
export function timespecKind(exit: boolean): ArgKind {
  return {
    exit,
    show: (v, c) => {
      if (v === 0n) return 'NULL';
      if (exit && !written(c.result)) return hex(v);
      const sec = peekU64(c.memory, v);
      const nsec = peekU64(c.memory, v + 8n);
      if (sec === null || nsec === null) return hex(v);
      return `{tv_sec=${BigInt.asIntN(64, sec)}, tv_nsec=${BigInt.asIntN(64, nsec)}}`;
    },
  };
}

const FILE_TYPES = new Map<number, string>([
  [0o140000, 'S_IFSOCK'],
  [0o120000, 'S_IFLNK'],
  [0o100000, 'S_IFREG'],
  [0o060000, 'S_IFBLK'],
  [0o040000, 'S_IFDIR'],
  [0o020000, 'S_IFCHR'],
  [0o010000, 'S_IFIFO'],
]);

/** A file mode as `S_IFREG|0644` (with S_ISUID... as octal digits, as strace shows them). */
export function fileMode(mode: number): string {
  const type = FILE_TYPES.get(mode & 0o170000);
  const perms = `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
  return type ? `${type}|${perms}` : `0${mode.toString(8)}`;
}

/** A device number as `makedev(0x1, 0x3)`. */
function makedev(dev: bigint): string {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `makedev(0x${major.toString(16)}, 0x${minor.toString(16)})`;
}

/**
 * The `struct stat` fstat and newfstatat fill in, abbreviated as strace does by default:
 * `{st_mode=S_IFREG|0644, st_size=6, ...}`, devices with their number instead of a size.
 * (The asm-generic layout: mode at 16, rdev at 32, size at 48.)
 */
export const OUT_STAT: ArgKind = {
  exit: true,
  show: (v, c) => {
    if (!written(c.result)) return v === 0n ? 'NULL' : hex(v);
    const b = peekBytes(c.memory, Number(v), 56);
    if (!b || b.length < 56) return hex(v);
    const d = new DataView(b.buffer, b.byteOffset);
    const mode = d.getUint32(16, true);
    const type = mode & 0o170000;
    const second =
      type === 0o020000 || type === 0o060000
        ? `st_rdev=${makedev(d.getBigUint64(32, true))}`
        : `st_size=${d.getBigInt64(48, true)}`;
    return `{st_mode=${fileMode(mode)}, ${second}, ...}`;
  },
};
