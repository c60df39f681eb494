import { closeSync } from 'node:fs';
import { E, fail } from './errno.js';
import type { HostStreamReader } from './host-pipe-reader.js';
import type { MemfdInode } from './memfd.js';
import type { PipeEnd } from './pipe.js';
import type { SpecialFile } from './special-file.js';

/**
 * One open file description, shared by every guest fd dup'ed from it (so they share the offset).
 * Regular files opened by the guest keep their offset here and use positioned I/O; descriptors
 * inherited from the host (stdio) and pipes use the host's own offset (`position === null`).
 */
export class OpenFile {
  refs = 1;
  /** Byte offset for seekable files we opened ourselves; null when the host tracks it. */
  position: number | null;
  /** Directory listing cursor for getdents64 (index into the listing). */
  dirCursor = 0;
  dirEntries: DirEntry[] | null = null;
  /** The pipe end this description is, for in-process pipes (then `hostFd` is -1). */
  pipe: PipeEnd | null = null;
  /** The kernel object this description is (eventfd, timerfd, signalfd, epoll; `hostFd` is -1). */
  special: SpecialFile | null = null;
  /** The lock table holding this description's OFD or flock locks, once it took one. */
  lockTable: { releaseDescription(file: OpenFile): void } | null = null;
  /** The text of a synthetic file (/proc, /sys), made when it was opened (then `hostFd` is -1). */
  content: Uint8Array | null = null;
  /** The synthetic file or directory this description is, by canonical guest path. */
  synthetic: string | null = null;
  /** The memfd this description is (its name and seals; its pages are `hostFd`). */
  memfd: MemfdInode | null = null;
  /** Told when the last descriptor closes (the close events inotify reports). */
  onRelease: ((file: OpenFile) => void) | null = null;
  /** The host process's namespace it is (/proc/PID/ns/NAME opened), for the nsfs ioctls. */
  namespace: string | null = null;
  /** Its reader when it is a host pipe or socket (undefined until a read or poll looked). */
  hostPipe: HostStreamReader | null | undefined = undefined;

  constructor(
    readonly hostFd: number,
    /** Guest path it was opened by (for fchdir, openat relative to it and /proc/self/fd). */
    readonly guestPath: string | null,
    /** Host path it was opened by (null for stdio and pipes). */
    readonly hostPath: string | Buffer | null,
    /** Guest open flags (O_ACCMODE, O_APPEND, O_NONBLOCK…) as F_GETFL reports them. */
    public statusFlags: number,
    readonly kind: 'file' | 'directory' | 'stream' | 'pipe',
    /** Whether closing it closes the host fd (false for the host's stdio). */
    readonly owned: boolean,
  ) {
    this.position = kind === 'file' && owned ? 0 : null;
  }

  /** A new open file description for one end of an in-process pipe. */
  static forPipe(end: PipeEnd, statusFlags: number): OpenFile {
    const file = new OpenFile(-1, null, null, statusFlags, 'pipe', false);
    file.attachPipe(end);
    return file;
  }

  /** Makes this description `end` of a pipe (a FIFO opened read-write is both ends). */
  attachPipe(end: PipeEnd): void {
    this.pipe = end;
    if (end.end !== 'write') end.buffer.readers++;
    if (end.end !== 'read') end.buffer.writers++;
  }

  /** A new open file description for a kernel object. */
  static forSpecial(special: SpecialFile, statusFlags: number): OpenFile {
    const file = new OpenFile(-1, null, null, statusFlags, 'stream', false);
    file.special = special;
    return file;
  }

  /** Called when the last descriptor referring to this description is closed. */
  release(): void {
    this.lockTable?.releaseDescription(this);
    this.lockTable = null;
    this.hostPipe?.close();
    this.hostPipe = null;
    if (this.pipe) {
      if (this.pipe.end !== 'write') this.pipe.buffer.readers--;
      if (this.pipe.end !== 'read') this.pipe.buffer.writers--;
      this.pipe = null;
    } else if (this.special) {
      this.special.release?.();
    } else if (this.owned) {
      this.onRelease?.(this);
      try {
        closeSync(this.hostFd);
      } catch {}
    }
  }
}

export interface DirEntry {
  readonly ino: bigint;
  readonly type: number;
  /** The name's bytes (file names need not be UTF-8). */
  readonly name: Uint8Array;
}

interface Slot {
  file: OpenFile;
  cloexec: boolean;
}

/** The guest's file descriptor table. */
export class FdTable {
  private readonly slots: (Slot | undefined)[] = [];
  /** Told of every close by its process (POSIX record locks end there), before the description may go. */
  onClose: ((file: OpenFile) => void) | null = null;
  /** Descriptors are below this: RLIMIT_NOFILE's soft limit (the process keeps it current). */
  limit = 1024;

  get(fd: number): OpenFile {
    const slot = fd >= 0 ? this.slots[fd] : undefined;
    if (!slot) fail(E.EBADF);
    return slot.file;
  }

  /** The descriptors in use, in order (/proc/PID/fd). */
  list(): number[] {
    const out: number[] = [];
    this.slots.forEach((slot, fd) => {
      if (slot) out.push(fd);
    });
    return out;
  }

  has(fd: number): boolean {
    return fd >= 0 && this.slots[fd] !== undefined;
  }

  /** Installs `file` at the lowest free descriptor ≥ `min` (F_DUPFD's `min` must be below the limit). */
  install(file: OpenFile, cloexec = false, min = 0): number {
    if (min >= this.limit) fail(E.EINVAL);
    for (let fd = min; fd < this.limit; fd++) {
      if (!this.slots[fd]) {
        this.slots[fd] = { file, cloexec };
        return fd;
      }
    }
    fail(E.EMFILE);
  }

  installAt(fd: number, file: OpenFile, cloexec = false): void {
    if (fd < 0 || fd >= this.limit) fail(E.EBADF);
    if (this.slots[fd]) this.close(fd);
    this.slots[fd] = { file, cloexec };
  }

  getCloexec(fd: number): boolean {
    this.get(fd);
    return (this.slots[fd] as Slot).cloexec;
  }

  setCloexec(fd: number, value: boolean): void {
    this.get(fd);
    (this.slots[fd] as Slot).cloexec = value;
  }

  close(fd: number): void {
    const file = this.get(fd);
    this.slots[fd] = undefined;
    this.onClose?.(file);
    if (--file.refs === 0) file.release();
  }

  /** A copy for a forked child: the same open file descriptions (shared offsets), each counted once more. */
  fork(): FdTable {
    const copy = new FdTable();
    copy.limit = this.limit;
    this.slots.forEach((slot, fd) => {
      if (!slot) return;
      slot.file.refs++;
      copy.slots[fd] = { file: slot.file, cloexec: slot.cloexec };
    });
    return copy;
  }

  /**
   * close_range: closes the descriptors from `first` to `last` that are open, or with
   * `cloexecOnly` marks them close-on-exec instead.
   */
  closeRange(first: number, last: number, cloexecOnly: boolean): void {
    const end = Math.min(last, this.slots.length - 1);
    for (let fd = first; fd <= end; fd++) {
      const slot = this.slots[fd];
      if (!slot) continue;
      if (cloexecOnly) slot.cloexec = true;
      else this.close(fd);
    }
  }

  /** Closes the descriptors marked close-on-exec (execve). */
  closeOnExec(): void {
    for (let fd = 0; fd < this.slots.length; fd++) if (this.slots[fd]?.cloexec) this.close(fd);
  }

  /** Closes every descriptor (at guest exit): nothing the guest opened stays open in the host. */
  closeAll(): void {
    for (let fd = 0; fd < this.slots.length; fd++) if (this.slots[fd]) this.close(fd);
  }
}
