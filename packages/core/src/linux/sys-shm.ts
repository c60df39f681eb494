import { OutOfMemoryError } from '../memory/paged-memory.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../memory/types.js';
import { E, fail } from './errno.js';
import { int, type LinuxKernel, long, ptr } from './kernel.js';
import { SYS } from './numbers.js';
import { SHM_PAGE as PAGE, SHM_DEST, type SharedMemorySegments, type ShmSegment } from './shm-segments.js';
import {
  accessible,
  checkOwner,
  commonCtl,
  ctlCommand,
  IPC64_PERM_BYTES,
  type IpcKind,
  nowSeconds,
  writeLongs,
  writePerm,
} from './sysv-ipc.js';

/**
 * System V shared memory (ipc/shm.c): shmget, shmat, shmdt, shmctl. A segment's pages are a
 * shared object, attached as MAP_SHARED mappings are, so forked children share attachments and
 * the processes of the run see each other's writes; it lives until IPC_RMID and its last detach.
 */

const SHM_LOCKED = 0o2000;
const SHM_RDONLY = 0o10000;
const SHM_RND = 0o20000;
const SHM_REMAP = 0o40000;
const SHM_EXEC = 0o100000;
const SHM_LOCK = 11;
const SHM_UNLOCK = 12;
const SHM_STAT = 13;
const SHM_INFO = 14;
const SHM_STAT_ANY = 15;
/** Attach addresses align to SHMLBA, a page on arm64 and riscv64 (asm-generic). */
const SHMLBA = PAGE;
const MAX_ADDRESS = 2 ** 48;

function segments(k: LinuxKernel): SharedMemorySegments {
  return k.ipc.shm;
}

function shmget(k: LinuxKernel, key: number, size: number, flags: number): number {
  const shm = segments(k);
  return shm.ids.get(
    k.credentials,
    key,
    flags,
    (perm) => {
      if (size < 1 || BigInt(size) > shm.maxSize) fail(E.EINVAL);
      const pages = Math.ceil(size / PAGE);
      if (BigInt(shm.pages + pages) > shm.maxPages) fail(E.ENOSPC);
      return shm.ids.add((index, seq) => shm.create(k, perm(index, seq), size));
    },
    (segment) => {
      if (segment.size < size) fail(E.EINVAL);
    },
  );
}

function shmat(k: LinuxKernel, id: number, addr: number, flags: number): number {
  const shm = segments(k);
  if (id < 0) fail(E.EINVAL);
  let at = addr;
  if (at !== 0) {
    if (at % SHMLBA !== 0) {
      if (!(flags & SHM_RND)) fail(E.EINVAL);
      at -= at % SHMLBA;
      if (at === 0) fail(E.EINVAL);
    }
  } else if (flags & SHM_REMAP) {
    fail(E.EINVAL);
  }
  let prot = PROT_READ;
  let access = 0o444;
  if (!(flags & SHM_RDONLY)) {
    prot |= PROT_WRITE;
    access |= 0o222;
  }
  if (flags & SHM_EXEC) {
    prot |= PROT_EXEC;
    access |= 0o111;
  }
  const segment = accessible(k, shm.ids, id, access);
  const size = Math.ceil(segment.size / PAGE) * PAGE;
  if (at !== 0) {
    if (at + size > MAX_ADDRESS) fail(E.EINVAL);
    // Without SHM_REMAP, attaching over a mapping fails; with it, the mapping is replaced.
    if (!(flags & SHM_REMAP) && !k.memory.isFree(at, size)) fail(E.EINVAL);
  }
  let start: number;
  try {
    start = k.memory.map(at, size, prot | PROT_WRITE, at !== 0);
  } catch (error) {
    if (error instanceof OutOfMemoryError) fail(E.ENOMEM);
    throw error;
  }
  k.memory.sharedRanges.add(k.memory, start, start + size, segment.object, 0);
  k.memory.protect(start, size, prot);
  k.memory.names.set({
    start,
    end: start + size,
    name: `/SYSV${hex8(segment.perm.key)} (deleted)`,
    offset: 0,
    device: [0, 1],
    inode: BigInt(segment.perm.id),
  });
  segment.atime = nowSeconds();
  segment.lpid = k.pid;
  return start;
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** shmdt: detaches the segment attached at exactly `addr` (EINVAL when none starts there). */
function shmdt(k: LinuxKernel, addr: number): number {
  if (addr % PAGE !== 0) fail(E.EINVAL);
  const found = k.memory.sharedRanges.locate(addr);
  const segment = found && found.offset === 0 ? segments(k).segmentOf(found.object) : undefined;
  if (segment === undefined) fail(E.EINVAL);
  segment.lpid = k.pid;
  const size = Math.ceil(segment.size / PAGE) * PAGE;
  // Only the pages that still map this segment go (a part mapped over since stays), each run of
  // them in one unmap: page by page, a large segment would take quadratic time.
  const stillAttached = (page: number) => {
    const here = k.memory.sharedRanges.locate(page);
    return here?.object === segment.object && here.offset === page - addr;
  };
  for (let page = addr; page < addr + size; ) {
    if (!stillAttached(page)) {
      page += PAGE;
      continue;
    }
    let end = page + PAGE;
    while (end < addr + size && stillAttached(end)) end += PAGE;
    k.memory.unmap(page, end - page);
    page = end;
  }
  return 0;
}

/** struct shmid64_ds (asm-generic/shmbuf.h, 64-bit). */
function writeSegment(k: LinuxKernel, addr: number, segment: ShmSegment): void {
  const m = k.memory;
  writePerm(k, addr, segment.perm);
  const at = addr + IPC64_PERM_BYTES;
  m.write64(at, BigInt(segment.size));
  m.write64(at + 8, segment.atime);
  m.write64(at + 16, segment.dtime);
  m.write64(at + 24, segment.ctime);
  m.write32(at + 32, segment.cpid);
  m.write32(at + 36, segment.lpid);
  m.write64(at + 40, BigInt(segment.object.users));
  m.write64(at + 48, 0n);
  m.write64(at + 56, 0n);
}

/** shmctl's view of the segments for the commands every kind shares. */
function shmKind(k: LinuxKernel, shm: SharedMemorySegments): IpcKind<ShmSegment> {
  return {
    ids: shm.ids,
    commands: { info: SHM_INFO, stat: SHM_STAT, statAny: SHM_STAT_ANY },
    writeInfo(addr, usage) {
      if (usage) {
        // struct shm_info: used_ids, then shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes.
        k.memory.write32(addr, shm.ids.count);
        k.memory.write32(addr + 4, 0);
        writeLongs(k, addr + 8, [BigInt(shm.pages), BigInt(shm.pages), 0n, 0n, 0n]);
      } else {
        // struct shminfo64: shmmax, shmmin, shmmni, shmseg, shmall, four unused words.
        const limit = BigInt(shm.ids.limit);
        writeLongs(k, addr, [shm.maxSize, 1n, limit, limit, shm.maxPages, 0n, 0n, 0n, 0n]);
      }
    },
    writeObject: (addr, segment) => writeSegment(k, addr, segment),
    remove(segment) {
      // Gone at once when nothing has it attached; else its key is freed and it goes at the last detach.
      if (segment.object.users === 0) shm.destroy(segment);
      else {
        segment.perm.mode |= SHM_DEST;
        segment.perm.key = 0;
      }
    },
  };
}

function shmctl(k: LinuxKernel, id: number, command: number, buf: number): number {
  const shm = segments(k);
  const cmd = ctlCommand(command);
  if (id < 0) fail(E.EINVAL);
  const common = commonCtl(k, shmKind(k, shm), id, cmd, buf);
  if (common !== null) return common;
  if (cmd !== SHM_LOCK && cmd !== SHM_UNLOCK) fail(E.EINVAL);
  const segment = shm.ids.byId(id);
  checkOwner(k.credentials, segment.perm);
  if (cmd === SHM_LOCK) segment.perm.mode |= SHM_LOCKED;
  else segment.perm.mode &= ~SHM_LOCKED;
  return 0;
}

export function registerShmSyscalls(k: LinuxKernel): void {
  k.register(SYS.shmget, (k, a) => shmget(k, int(a[0]), long(a[1]), int(a[2])));
  k.register(SYS.shmat, (k, a) => shmat(k, int(a[0]), ptr(a[1]), int(a[2])));
  k.register(SYS.shmdt, (k, a) => shmdt(k, ptr(a[0])));
  k.register(SYS.shmctl, (k, a) => shmctl(k, int(a[0]), int(a[1]), ptr(a[2])));
}
