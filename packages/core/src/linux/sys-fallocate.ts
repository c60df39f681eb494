import { fstatSync, ftruncateSync, writeSync } from 'node:fs';
import { E, fail } from './errno.js';
import type { OpenFile } from './fd-table.js';
import { int, type LinuxKernel, long } from './kernel.js';
import { checkSealedResize, checkSealedWrite } from './memfd.js';
import { SYS } from './numbers.js';
import { flushSharedMappings, refreshSharedMappings } from './shared-objects.js';

/** fallocate's modes (include/uapi/linux/falloc.h). */
const FALLOC = {
  KEEP_SIZE: 0x01,
  PUNCH_HOLE: 0x02,
  COLLAPSE_RANGE: 0x08,
  ZERO_RANGE: 0x10,
  INSERT_RANGE: 0x20,
  UNSHARE_RANGE: 0x40,
} as const;
const SUPPORTED = 0x7b;
/** The largest file a host file system holds (ext4's and tmpfs' s_maxbytes are near it). */
const MAX_FILE = 2 ** 63 - 1;
const ZEROS = new Uint8Array(1 << 20);

/** Writes zeros over [from, to) of the host file. */
function zeroRange(hostFd: number, from: number, to: number): void {
  for (let at = from; at < to; ) at += writeSync(hostFd, ZEROS, 0, Math.min(ZEROS.length, to - at), at);
}

/**
 * fallocate with the kernel's checks in its order. Mode 0 grows the file to offset + len when
 * it is shorter (KEEP_SIZE leaves the size), PUNCH_HOLE|KEEP_SIZE and ZERO_RANGE read back as
 * zeros; the blocks themselves are the host file system's business, so st_blocks may say less
 * than the kernel's would. COLLAPSE_RANGE, INSERT_RANGE and UNSHARE_RANGE are EOPNOTSUPP, as on
 * a file system without them (tmpfs).
 */
function fallocate(k: LinuxKernel, file: OpenFile, mode: number, offset: number, len: number): number {
  if (offset < 0 || len <= 0) fail(E.EINVAL);
  if (mode & ~SUPPORTED) fail(E.EOPNOTSUPP);
  const punch = (mode & FALLOC.PUNCH_HOLE) !== 0;
  const keep = (mode & FALLOC.KEEP_SIZE) !== 0;
  if ((punch && mode & FALLOC.ZERO_RANGE) || (punch && !keep)) fail(E.EOPNOTSUPP);
  if (mode & FALLOC.COLLAPSE_RANGE && mode & ~FALLOC.COLLAPSE_RANGE) fail(E.EINVAL);
  if (mode & FALLOC.INSERT_RANGE && mode & ~FALLOC.INSERT_RANGE) fail(E.EINVAL);
  if ((file.statusFlags & 3) === 0) fail(E.EBADF);
  if (file.pipe) fail(E.ESPIPE);
  if (file.kind === 'directory') fail(E.EISDIR);
  if (file.kind !== 'file' || file.hostFd < 0) fail(E.ENODEV);
  if (offset + len > MAX_FILE) fail(E.EFBIG);
  if (mode & (FALLOC.COLLAPSE_RANGE | FALLOC.INSERT_RANGE | FALLOC.UNSHARE_RANGE)) fail(E.EOPNOTSUPP);
  const end = offset + len;
  const size = Number(fstatSync(file.hostFd).size);
  if (punch || mode & FALLOC.ZERO_RANGE) {
    checkSealedWrite(file, offset, Math.min(end, size) - offset);
    flushSharedMappings(k);
    zeroRange(file.hostFd, offset, Math.min(end, size));
    refreshSharedMappings(k, file, offset, Math.max(0, Math.min(end, size) - offset));
  }
  if (!keep && end > size) {
    checkSealedResize(file, end);
    ftruncateSync(file.hostFd, end);
  }
  return 0;
}

export function registerFallocateSyscall(k: LinuxKernel): void {
  k.register(SYS.fallocate, (k, a) => fallocate(k, k.fds.get(int(a[0])), int(a[1]), long(a[2]), long(a[3])));
}
