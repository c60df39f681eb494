import { type ListedLock, OFFSET_MAX } from '../file-locks.js';

/** MAJOR and MINOR of a stat device number (glibc's gnu_dev_major and gnu_dev_minor). */
function majorMinor(dev: bigint): [bigint, bigint] {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return [major, minor];
}

const hex2 = (n: bigint) => n.toString(16).padStart(2, '0');

/** The file column: "MAJOR:MINOR:INODE" for a file, as the kernel prints it. */
function fileOf(key: unknown): string {
  const match = typeof key === 'string' ? /^(\d+):(\d+)$/.exec(key) : null;
  if (match === null) return '00:00:0'; // a pipe or another kernel object of the run
  const [major, minor] = majorMinor(BigInt(match[1]));
  return `${hex2(major)}:${hex2(minor)}:${match[2]}`;
}

/**
 * /proc/locks as the kernel's lock_get_status prints it: one line per lock the guest processes of
 * this run hold (record locks by process or by open file description, and flock locks), with
 * the holder's pid (-1 for an open file description's), the file and the byte range.
 */
export function procLocksText(locks: readonly ListedLock[]): string {
  return locks
    .map((lock, i) => {
      const kind =
        lock.kind === 'POSIX'
          ? 'POSIX  ADVISORY '
          : lock.kind === 'OFDLCK'
            ? 'OFDLCK ADVISORY '
            : 'FLOCK  ADVISORY ';
      const range =
        lock.kind === 'FLOCK' ? '0 EOF' : `${lock.start} ${lock.end === OFFSET_MAX ? 'EOF' : lock.end}`;
      return `${i + 1}: ${kind} ${lock.type === 'write' ? 'WRITE' : 'READ'} ${lock.pid} ${fileOf(lock.key)} ${range}\n`;
    })
    .join('');
}
