import { E, fail } from './errno.js';
import type { LinuxKernel } from './kernel.js';
import { POLLIN } from './pipe.js';
import type { SpecialFile } from './special-file.js';

/** inotify(7) event bits. */
export const IN = {
  ACCESS: 0x1,
  MODIFY: 0x2,
  ATTRIB: 0x4,
  CLOSE_WRITE: 0x8,
  CLOSE_NOWRITE: 0x10,
  OPEN: 0x20,
  MOVED_FROM: 0x40,
  MOVED_TO: 0x80,
  CREATE: 0x100,
  DELETE: 0x200,
  DELETE_SELF: 0x400,
  MOVE_SELF: 0x800,
  Q_OVERFLOW: 0x4000,
  IGNORED: 0x8000,
  ONLYDIR: 0x01000000,
  DONT_FOLLOW: 0x02000000,
  EXCL_UNLINK: 0x04000000,
  MASK_CREATE: 0x10000000,
  MASK_ADD: 0x20000000,
  ISDIR: 0x40000000,
  ONESHOT: 0x80000000,
} as const;

export const IN_ALL_EVENTS = 0xfff;
/** Every bit inotify_add_watch accepts (events and flags). */
export const IN_VALID_BITS =
  IN_ALL_EVENTS | IN.ONLYDIR | IN.DONT_FOLLOW | IN.EXCL_UNLINK | IN.MASK_CREATE | IN.MASK_ADD | IN.ONESHOT;

/** fs.inotify.max_queued_events' default: past it one IN_Q_OVERFLOW stands for what was lost. */
const MAX_QUEUED_EVENTS = 16384;
/** sizeof(struct inotify_event): names are NUL-padded to a multiple of it. */
const EVENT_HEADER = 16;

/** A watch: an instance's interest in one inode (device and inode number, as `inodeKey` spells them). */
interface Watch {
  readonly instance: Inotify;
  readonly wd: number;
  readonly inode: string;
  mask: number;
}

/** The identity of an inode: "dev:ino". */
export function inodeKey(dev: bigint, ino: bigint): string {
  return `${dev}:${ino}`;
}

/**
 * The watches of every inotify instance of the run, by inode. The guest's own file operations
 * report here (see fs-events.ts): a change one guest process makes reaches the instances of all
 * of them, as the kernel's fsnotify hooks do. Changes made by host processes are not seen.
 */
export class FsWatchers {
  private readonly byInode = new Map<string, Set<Watch>>();

  /** Whether any watch exists: the file operations look up nothing while none does. */
  get active(): boolean {
    return this.byInode.size > 0;
  }

  add(watch: Watch): void {
    let set = this.byInode.get(watch.inode);
    if (set === undefined) {
      set = new Set();
      this.byInode.set(watch.inode, set);
    }
    set.add(watch);
  }

  remove(watch: Watch): void {
    const set = this.byInode.get(watch.inode);
    if (set === undefined) return;
    set.delete(watch);
    if (set.size === 0) this.byInode.delete(watch.inode);
  }

  /** Reports `mask` (an event of the inode itself, or of its child `name`) to the inode's watches. */
  notify(inode: string, mask: number, name: Uint8Array | null, cookie = 0): void {
    const set = this.byInode.get(inode);
    if (set === undefined) return;
    for (const watch of [...set]) {
      if ((watch.mask & mask & IN_ALL_EVENTS) === 0) continue;
      watch.instance.queue(watch.wd, mask, cookie, name);
      if (watch.mask & IN.ONESHOT) watch.instance.removeWatch(watch, true);
    }
  }

  /** The inode is gone (its last name removed): its watches report IN_IGNORED and end. */
  forget(inode: string): void {
    const set = this.byInode.get(inode);
    if (set === undefined) return;
    for (const watch of [...set]) watch.instance.removeWatch(watch, true);
  }
}

/** An inotify instance (inotify_init1): its watches and the queue of events read(2) returns. */
export class Inotify implements SpecialFile {
  readonly name = 'inotify';
  private readonly watches = new Map<number, Watch>();
  private readonly byInode = new Map<string, Watch>();
  private readonly events: Uint8Array[] = [];
  private queuedBytes = 0;
  private nextWd = 1;
  /** Events queued so far, so an edge-triggered epoll reports each. */
  activity = 0;

  constructor(private readonly registry: FsWatchers) {}

  /**
   * inotify_add_watch on `inode`: a new watch, or the instance's existing one for it with the mask
   * replaced (or added to, with IN_MASK_ADD; EEXIST with IN_MASK_CREATE). Returns its descriptor.
   */
  addWatch(inode: string, mask: number): number {
    const existing = this.byInode.get(inode);
    if (existing !== undefined) {
      if (mask & IN.MASK_CREATE) fail(E.EEXIST);
      existing.mask = (mask & IN.MASK_ADD ? existing.mask : 0) | (mask & ~IN.MASK_ADD);
      return existing.wd;
    }
    const watch: Watch = { instance: this, wd: this.nextWd++, inode, mask: mask & ~IN.MASK_ADD };
    this.watches.set(watch.wd, watch);
    this.byInode.set(inode, watch);
    this.registry.add(watch);
    return watch.wd;
  }

  /** inotify_rm_watch: EINVAL for a descriptor this instance does not have. */
  removeWd(wd: number): void {
    const watch = this.watches.get(wd);
    if (watch === undefined) fail(E.EINVAL);
    this.removeWatch(watch, true);
  }

  /** Ends `watch`, queueing IN_IGNORED when told (rm_watch, a one-shot that fired, an inode gone). */
  removeWatch(watch: Watch, ignored: boolean): void {
    if (this.watches.get(watch.wd) !== watch) return;
    this.watches.delete(watch.wd);
    this.byInode.delete(watch.inode);
    this.registry.remove(watch);
    if (ignored) this.queue(watch.wd, IN.IGNORED, 0, null);
  }

  /** Appends one event; an event equal to the last one queued is merged into it, as the kernel does. */
  queue(wd: number, mask: number, cookie: number, name: Uint8Array | null): void {
    if (this.events.length >= MAX_QUEUED_EVENTS) {
      const last = this.events[this.events.length - 1];
      if (maskOf(last) === IN.Q_OVERFLOW) return;
      this.push(encodeEvent(-1, IN.Q_OVERFLOW, 0, null));
      return;
    }
    const event = encodeEvent(wd, mask, cookie, name);
    const last = this.events[this.events.length - 1];
    if (last !== undefined && sameBytes(last, event)) return;
    this.push(event);
  }

  private push(event: Uint8Array): void {
    this.events.push(event);
    this.queuedBytes += event.length;
    this.activity++;
  }

  /** Whole events that fit in `want` bytes; EINVAL when even the first does not. */
  read(_k: LinuxKernel, want: number): Uint8Array | null {
    if (this.events.length === 0) return null;
    if (this.events[0].length > want) fail(E.EINVAL);
    let size = 0;
    let count = 0;
    while (count < this.events.length && size + this.events[count].length <= want)
      size += this.events[count++].length;
    const out = new Uint8Array(size);
    let at = 0;
    for (const event of this.events.splice(0, count)) {
      out.set(event, at);
      at += event.length;
    }
    this.queuedBytes -= size;
    return out;
  }

  write(): number | null {
    fail(E.EINVAL);
  }

  poll(_k: LinuxKernel, events: number): number {
    return this.events.length > 0 ? events & POLLIN : 0;
  }

  /** FIONREAD: the bytes of the queued events. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /** The last descriptor closed: every watch ends (no IN_IGNORED: nobody can read it). */
  release(): void {
    for (const watch of [...this.watches.values()]) this.removeWatch(watch, false);
  }
}

/** struct inotify_event: wd, mask, cookie, len, then the name NUL-padded to a multiple of 16. */
function encodeEvent(wd: number, mask: number, cookie: number, name: Uint8Array | null): Uint8Array {
  const len = name === null ? 0 : Math.ceil((name.length + 1) / EVENT_HEADER) * EVENT_HEADER;
  const out = new Uint8Array(EVENT_HEADER + len);
  const v = new DataView(out.buffer);
  v.setInt32(0, wd, true);
  v.setUint32(4, mask >>> 0, true);
  v.setUint32(8, cookie >>> 0, true);
  v.setUint32(12, len, true);
  if (name !== null) out.set(name, EVENT_HEADER);
  return out;
}

function maskOf(event: Uint8Array): number {
  return new DataView(event.buffer, event.byteOffset).getUint32(4, true);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
