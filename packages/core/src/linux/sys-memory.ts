import { fstatSync, readSync } from 'node:fs';
import { OutOfMemoryError } from '../memory/paged-memory.js';
import { PROT_WRITE } from '../memory/types.js';
import { E, fail } from './errno.js';
import type { OpenFile } from './fd-table.js';
import { int, type LinuxKernel, long, ptr } from './kernel.js';
import { SYS } from './numbers.js';
import { O_ACCMODE } from './open-flags.js';
import { sharedObjectFor } from './shared-objects.js';

const PAGE = 4096;
const MAP_TYPE = 0x0f;
const MAP_SHARED = 0x01;
const MAP_SHARED_VALIDATE = 0x03;
const MAP_FIXED = 0x10;
const MAP_ANONYMOUS = 0x20;
const MAP_FIXED_NOREPLACE = 0x100000;
const MREMAP_MAYMOVE = 1;
const MREMAP_FIXED = 2;
const MADV_DONTNEED = 4;
const O_WRONLY = 1;
const O_RDWR = 2;
const O_APPEND = 0o2000;

function withMemory<T>(op: () => T): T {
  try {
    return op();
  } catch (error) {
    if (error instanceof OutOfMemoryError) fail(E.ENOMEM);
    if (error instanceof RangeError) fail(E.EINVAL);
    throw error;
  }
}

/** Every mapped page counts as resident (the guest's memory never leaves the host's RAM). */
function mincore(k: LinuxKernel, addr: number, length: number, vec: number): number {
  if (addr % PAGE !== 0) fail(E.EINVAL);
  const pages = Math.ceil(length / PAGE);
  for (let i = 0; i < pages; i++) if (!k.memory.isMapped(addr + i * PAGE, 1)) fail(E.ENOMEM);
  k.memory.writeBytes(vec, new Uint8Array(pages).fill(1));
  return 0;
}

function mmap(
  k: LinuxKernel,
  addr: number,
  length: number,
  prot: number,
  flags: number,
  fd: number,
  offset: number,
): number {
  if (length <= 0 || offset % PAGE !== 0) fail(E.EINVAL);
  const size = Math.ceil(length / PAGE) * PAGE;
  const fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0;
  if (fixed && addr % PAGE !== 0) fail(E.EINVAL);
  if (flags & MAP_FIXED_NOREPLACE && !(flags & MAP_FIXED) && !k.memory.isFree(addr, size)) fail(E.EEXIST);
  const file = flags & MAP_ANONYMOUS ? null : k.fds.get(fd);
  // After the descriptor (EBADF first, as ksys_mmap_pgoff looks it up before do_mmap): the
  // mapping type must be MAP_SHARED, MAP_PRIVATE or MAP_SHARED_VALIDATE. (Linux 6.11 added
  // MAP_DROPPABLE, 0x08; qemu-aarch64 and older kernels refuse it, and so does this.)
  if ((flags & MAP_TYPE) === 0 || (flags & MAP_TYPE) > MAP_SHARED_VALIDATE) fail(E.EINVAL);
  if (file?.pipe) fail(E.ENODEV);
  const type = flags & MAP_TYPE;
  const sharing = type === MAP_SHARED || type === MAP_SHARED_VALIDATE;
  if (file && file.kind === 'file') {
    // A mapping reads the file; a shared writable one writes it, not only at its end.
    const mode = file.statusFlags & O_ACCMODE;
    if (mode === O_WRONLY) fail(E.EACCES);
    if (sharing && prot & PROT_WRITE && (mode !== O_RDWR || file.statusFlags & O_APPEND)) fail(E.EACCES);
  }
  const shared = sharing ? sharedObjectFor(k, file) : null;
  // File contents and shared objects are copied in, so those pages are mapped writable first; an
  // anonymous private mapping takes its protection at once, and a PROT_NONE one stays a bare
  // reservation without host pages (Go reserves and releases hundreds of megabytes this way).
  const fillable = file !== null || shared !== null;
  const at = withMemory(() => k.memory.map(addr, size, fillable ? prot | PROT_WRITE : prot, fixed));
  if (shared) {
    k.memory.sharedRanges.add(k.memory, at, at + size, shared, offset / PAGE);
    if (file) nameMapping(k, file, at, size, offset);
  } else if (file) {
    // A private copy of the file's bytes (MAP_PRIVATE, or a file with no pages to share).
    const buffer = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const n = readSync(file.hostFd, buffer, got, length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    k.memory.poke(at, buffer.subarray(0, got));
    nameMapping(k, file, at, size, offset);
  }
  k.memory.protect(at, size, prot);
  return at;
}

/** /proc/PID/maps names a file mapping after the file, with its device and inode. */
function nameMapping(k: LinuxKernel, file: OpenFile, start: number, size: number, offset: number): void {
  if (file.guestPath === null || file.hostFd < 0) return;
  const st = fstatSync(file.hostFd);
  const device = [(st.dev >> 8) & 0xfff, (st.dev & 0xff) | ((st.dev >> 12) & 0xfff00)] as const;
  k.memory.names.set({
    start,
    end: start + size,
    name: file.guestPath,
    offset,
    device,
    inode: BigInt(st.ino),
  });
}

function mremap(k: LinuxKernel, old: number, oldSize: number, newSize: number, flags: number): number {
  if (old % PAGE !== 0 || newSize <= 0) fail(E.EINVAL);
  if (flags & MREMAP_FIXED) fail(E.EINVAL);
  const oldLen = Math.ceil(oldSize / PAGE) * PAGE;
  const newLen = Math.ceil(newSize / PAGE) * PAGE;
  if (!k.memory.isMapped(old, oldLen)) fail(E.EFAULT);
  if (newLen <= oldLen) {
    if (newLen < oldLen) k.memory.unmap(old + newLen, oldLen - newLen);
    return old;
  }
  const prot = k.memory.protectionAt(old);
  if (k.memory.isFree(old + oldLen, newLen - oldLen)) {
    withMemory(() => k.memory.map(old + oldLen, newLen - oldLen, prot, true));
    return old;
  }
  if (!(flags & MREMAP_MAYMOVE)) fail(E.ENOMEM);
  const at = withMemory(() => k.memory.map(0, newLen, prot | PROT_WRITE, false));
  // Copy page by page so read-protected pages move too; pages never touched stay untouched.
  for (let p = 0; p < oldLen; p += PAGE) {
    if (!k.memory.isBacked(old + p)) continue;
    k.memory.protect(old + p, PAGE, prot | 1);
    k.memory.poke(at + p, k.memory.readBytes(old + p, PAGE));
  }
  k.memory.protect(at, newLen, prot);
  k.memory.unmap(old, oldLen);
  return at;
}

/** Registers brk, mmap and friends over the paged guest memory. */
export function registerMemorySyscalls(k: LinuxKernel): void {
  k.register(SYS.brk, (k, a) => k.memory.brk(ptr(a[0])));
  k.register(SYS.mmap, (k, a) => mmap(k, ptr(a[0]), ptr(a[1]), int(a[2]), int(a[3]), int(a[4]), long(a[5])));
  k.register(SYS.munmap, (k, a) => {
    if (ptr(a[0]) % PAGE !== 0 || ptr(a[1]) === 0) fail(E.EINVAL);
    k.memory.unmap(ptr(a[0]), ptr(a[1]));
    return 0;
  });
  k.register(SYS.mprotect, (k, a) => {
    if (ptr(a[0]) % PAGE !== 0) fail(E.EINVAL);
    if (!k.memory.protect(ptr(a[0]), ptr(a[1]), int(a[2]))) fail(E.ENOMEM);
    return 0;
  });
  k.register(SYS.mremap, (k, a) => mremap(k, ptr(a[0]), ptr(a[1]), ptr(a[2]), int(a[3])));
  k.register(SYS.madvise, (k, a) => {
    const [start, length] = [ptr(a[0]), ptr(a[1])];
    if (
      int(a[2]) === MADV_DONTNEED &&
      k.memory.isMapped(start, length) &&
      !k.memory.sharedRanges.overlaps(start, start + length)
    ) {
      // Private anonymous pages read back as zero after MADV_DONTNEED (shared ones as they are).
      k.memory.discard(ptr(a[0]), ptr(a[1]));
    }
    return 0;
  });
  k.register(SYS.mincore, (k, a) => mincore(k, ptr(a[0]), ptr(a[1]), ptr(a[2])));
  k.register(SYS.msync, (k) => {
    k.memory.sharedRanges.syncOut(k.memory, true); // the file has what the mappings were given
    return 0;
  });
  k.register(SYS.mlock, () => 0);
  k.register(SYS.munlock, () => 0);
}
