import { fstatSync } from 'node:fs';
import type { OpenFile } from './fd-table.js';
import type { GuestThread } from './thread.js';

/** The largest file offset (the kernel's OFFSET_MAX): a lock "to end of file" ends here. */
export const OFFSET_MAX = (1n << 63n) - 1n;

export type LockType = 'read' | 'write';

/**
 * Who holds a record lock: for a POSIX lock (F_SETLK) the process, for an open file description
 * lock (F_OFD_SETLK) the open file description. Any object identifies an owner.
 */
export type LockOwner = object;

/** One byte-range lock: [start, end], both inclusive, as the kernel keeps `struct file_lock`. */
export interface RangeLock {
  readonly owner: LockOwner;
  /** The holder's pid for F_GETLK (-1 for an OFD lock, as the kernel reports it). */
  readonly pid: number;
  readonly type: LockType;
  readonly start: bigint;
  readonly end: bigint;
}

/** A lock request: the same, before it is granted. */
export type LockRequest = RangeLock;

interface WholeFileLock {
  readonly owner: OpenFile;
  readonly type: LockType;
  /** The process that took it (/proc/locks shows it). */
  readonly pid: number;
}

/** A lock as /proc/locks lists it. */
export interface ListedLock {
  readonly kind: 'POSIX' | 'OFDLCK' | 'FLOCK';
  readonly type: LockType;
  readonly pid: number;
  /** The file's host device and inode ("dev:ino"), or the kernel object it is. */
  readonly key: unknown;
  readonly start: bigint;
  readonly end: bigint;
}

interface Waiter {
  readonly owner: LockOwner;
  readonly key: unknown;
  readonly request: LockRequest;
}

/** How far posix_locks_deadlock follows a chain of waiting owners (the kernel's MAX_DEADLK_ITERATIONS). */
const MAX_DEADLOCK_STEPS = 10;

function overlaps(a: { start: bigint; end: bigint }, b: { start: bigint; end: bigint }): boolean {
  return a.start <= b.end && b.start <= a.end;
}

function conflicts(held: RangeLock, wanted: LockRequest): boolean {
  return (
    held.owner !== wanted.owner &&
    (held.type === 'write' || wanted.type === 'write') &&
    overlaps(held, wanted)
  );
}

/**
 * The record locks (fcntl) and whole-file locks (flock) between the guest processes of one run,
 * by file: the two kinds never conflict with each other, as on Linux. Files are identified by
 * their host device and inode, so two descriptions of one file see each other's locks. Only the
 * guests of this run are excluded: Node offers no non-blocking way to take the host's own fcntl
 * or flock locks, so another program on the host does not see these.
 */
export class FileLocks {
  private readonly ranges = new Map<unknown, RangeLock[]>();
  private readonly wholeFile = new Map<unknown, WholeFileLock[]>();
  private readonly waiters = new Map<GuestThread, Waiter>();

  /** The identity of the file behind `file`: device and inode, or the kernel object itself. */
  keyOf(file: OpenFile): unknown {
    if (file.pipe) return file.pipe.buffer;
    if (file.special) return file.special;
    const st = fstatSync(file.hostFd, { bigint: true });
    return `${st.dev}:${st.ino}`;
  }

  /** The first lock of another owner that stands in the way of `request`. */
  conflict(key: unknown, request: LockRequest): RangeLock | undefined {
    return this.ranges.get(key)?.find((held) => conflicts(held, request));
  }

  /**
   * Grants `request` (the caller checked that nothing conflicts), or with `type` null removes
   * the owner's locks in the range: the owner's locks of the same type that overlap or touch it
   * merge with it, those of the other type keep only what lies outside it.
   */
  set(key: unknown, request: Omit<RangeLock, 'type'> & { type: LockType | null }): void {
    const all = this.ranges.get(key) ?? [];
    const kept: RangeLock[] = [];
    let { start, end } = request;
    for (const held of all) {
      if (held.owner !== request.owner) {
        kept.push(held);
        continue;
      }
      const touches = held.start <= request.end + 1n && request.start <= held.end + 1n;
      if (held.type === request.type && touches) {
        if (held.start < start) start = held.start;
        if (held.end > end) end = held.end;
      } else if (overlaps(held, request)) {
        if (held.start < request.start) kept.push({ ...held, end: request.start - 1n });
        if (held.end > request.end) kept.push({ ...held, start: request.end + 1n });
      } else {
        kept.push(held);
      }
    }
    if (request.type !== null)
      kept.push({ owner: request.owner, pid: request.pid, type: request.type, start, end });
    kept.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    if (kept.length === 0) this.ranges.delete(key);
    else this.ranges.set(key, kept);
  }

  /** Whether `owner` holds any record lock (on any file). */
  holdsAny(owner: LockOwner): boolean {
    for (const locks of this.ranges.values()) if (locks.some((l) => l.owner === owner)) return true;
    return false;
  }

  /** Drops every record lock of `owner` (on the file `key`, or on every file). */
  releaseOwner(owner: LockOwner, key?: unknown): void {
    for (const [k, locks] of this.ranges) {
      if (key !== undefined && k !== key) continue;
      const kept = locks.filter((l) => l.owner !== owner);
      if (kept.length === 0) this.ranges.delete(k);
      else if (kept.length !== locks.length) this.ranges.set(k, kept);
    }
    for (const [thread, waiter] of this.waiters) if (waiter.owner === owner) this.waiters.delete(thread);
  }

  /** An open file description is gone: its OFD and flock locks go with it. */
  releaseDescription(file: OpenFile): void {
    this.releaseOwner(file);
    for (const [k, locks] of this.wholeFile) {
      const kept = locks.filter((l) => l.owner !== file);
      if (kept.length === 0) this.wholeFile.delete(k);
      else if (kept.length !== locks.length) this.wholeFile.set(k, kept);
    }
  }

  /** Notes that `thread` waits (F_SETLKW) for `request`, for deadlock detection; null: it no longer does. */
  setWaiting(thread: GuestThread, waiter: Waiter | null): void {
    if (waiter === null) this.waiters.delete(thread);
    else this.waiters.set(thread, waiter);
  }

  /**
   * Whether `owner` waiting for `blocker` would close a cycle: the holder of `blocker` itself
   * waits for a lock that `owner` holds, directly or through a chain of waiting processes.
   */
  wouldDeadlock(owner: LockOwner, blocker: RangeLock): boolean {
    let holder = blocker.owner;
    for (let step = 0; step < MAX_DEADLOCK_STEPS; step++) {
      const waiting = this.waiterOf(holder);
      if (!waiting) return false;
      const next = this.conflict(waiting.key, waiting.request);
      if (!next) return false;
      if (next.owner === owner) return true;
      holder = next.owner;
    }
    return false;
  }

  private waiterOf(owner: LockOwner): Waiter | undefined {
    for (const [thread, waiter] of this.waiters)
      if (waiter.owner === owner && thread.state !== 'dead') return waiter;
    return undefined;
  }

  /**
   * flock(2) by `file` on the file `key`: a lock it already holds is first dropped (so a
   * conversion is not atomic, as on Linux). Returns false when another description's lock is
   * in the way (the caller blocks or fails with EWOULDBLOCK).
   */
  flock(key: unknown, file: OpenFile, type: LockType | null, pid: number): boolean {
    const locks = this.wholeFile.get(key) ?? [];
    const own = locks.find((l) => l.owner === file);
    if (own && own.type === type) return true;
    const others = locks.filter((l) => l.owner !== file);
    if (type !== null && others.some((l) => l.type === 'write' || type === 'write')) {
      this.storeWholeFile(key, others);
      return false;
    }
    this.storeWholeFile(key, type === null ? others : [...others, { owner: file, type, pid }]);
    return true;
  }

  /** Every lock held now: record locks by file, then flock locks (the kernel lists newest first). */
  list(): ListedLock[] {
    const listed: ListedLock[] = [];
    for (const [key, locks] of this.ranges) {
      for (const { pid, type, start, end } of locks) {
        listed.push({ kind: pid === -1 ? 'OFDLCK' : 'POSIX', type, pid, key, start, end });
      }
    }
    for (const [key, locks] of this.wholeFile) {
      for (const { pid, type } of locks)
        listed.push({ kind: 'FLOCK', type, pid, key, start: 0n, end: OFFSET_MAX });
    }
    return listed;
  }

  /** Whether flock(`type`) by `file` would have to wait. */
  flockBlocked(key: unknown, file: OpenFile, type: LockType): boolean {
    const locks = this.wholeFile.get(key) ?? [];
    return locks.some((l) => l.owner !== file && (l.type === 'write' || type === 'write'));
  }

  private storeWholeFile(key: unknown, locks: WholeFileLock[]): void {
    if (locks.length === 0) this.wholeFile.delete(key);
    else this.wholeFile.set(key, locks);
  }
}
