import type { OpenFile } from './fd-table.js';
import type { LinuxKernel } from './kernel.js';
import { POLLERR, POLLHUP, POLLIN } from './pipe.js';
import type { SpecialFile } from './special-file.js';

export const EPOLLET = 1 << 31;
export const EPOLLONESHOT = 1 << 30;
/** Flags of epoll_ctl's events that are not readiness bits. */
export const EPOLL_CONTROL = EPOLLET | EPOLLONESHOT | (1 << 29) | (1 << 28); // WAKEUP, EXCLUSIVE

interface Interest {
  readonly fd: number;
  readonly file: OpenFile;
  events: number;
  data: bigint;
  /** Edge-triggered: the ready bits last reported and the file's activity count then. */
  reported: number;
  seen: number;
}

/** What one readiness check of a watched file gives: its ready bits for the events asked. */
export type Readiness = (file: OpenFile, events: number) => number;

/**
 * An epoll instance: an interest list of (fd, open file) pairs with their events and data.
 * Level-triggered by default; EPOLLET reports a ready bit once until it clears; EPOLLONESHOT
 * disarms an entry after it reported. Entries whose file was closed everywhere drop out.
 */
export class Epoll implements SpecialFile {
  readonly name = '[eventpoll]';
  private readonly interest = new Map<string, Interest>();

  constructor(private readonly readiness: Readiness) {}

  private key(fd: number, file: OpenFile): string {
    return `${fd}:${fileIds.get(file) ?? register(file)}`;
  }

  has(fd: number, file: OpenFile): boolean {
    return this.interest.has(this.key(fd, file));
  }

  add(fd: number, file: OpenFile, events: number, data: bigint): void {
    this.interest.set(this.key(fd, file), { fd, file, events, data, reported: 0, seen: -1 });
  }

  modify(fd: number, file: OpenFile, events: number, data: bigint): void {
    const entry = this.interest.get(this.key(fd, file));
    if (entry) Object.assign(entry, { events, data, reported: 0, seen: -1 });
  }

  remove(fd: number, file: OpenFile): void {
    this.interest.delete(this.key(fd, file));
  }

  /** Up to `max` ready entries as (events, data), updating edge and one-shot state. */
  collect(max: number): { events: number; data: bigint }[] {
    const out: { events: number; data: bigint }[] = [];
    for (const [key, entry] of this.interest) {
      if (entry.file.refs <= 0) {
        this.interest.delete(key);
        continue;
      }
      if (out.length >= max) break;
      const wanted = (entry.events & ~EPOLL_CONTROL) | POLLERR | POLLHUP;
      const ready = this.readiness(entry.file, wanted);
      if (ready === 0) {
        entry.reported = 0;
        continue;
      }
      if (entry.events & EPOLLET) {
        if (!this.isNewEdge(entry, ready)) continue;
        entry.reported = ready;
        entry.seen = activityOf(entry.file);
      }
      out.push({ events: ready, data: entry.data });
      if (entry.events & EPOLLONESHOT) entry.events &= EPOLL_CONTROL;
    }
    return out;
  }

  /** Whether a wait would return something now (without changing edge state). */
  anyReady(): boolean {
    for (const entry of this.interest.values()) {
      if (entry.file.refs <= 0) continue;
      const wanted = (entry.events & ~EPOLL_CONTROL) | POLLERR | POLLHUP;
      const ready = this.readiness(entry.file, wanted);
      if (ready !== 0 && (!(entry.events & EPOLLET) || this.isNewEdge(entry, ready))) return true;
    }
    return false;
  }

  /** Edge-triggered: a bit that was not ready at the last report, or new activity since. */
  private isNewEdge(entry: Interest, ready: number): boolean {
    return (ready & ~entry.reported) !== 0 || activityOf(entry.file) !== entry.seen;
  }

  /** The earliest time a watched file becomes ready by itself (a timerfd), or null. */
  wakeAt(): bigint | null {
    let at: bigint | null = null;
    for (const entry of this.interest.values()) {
      const t = entry.file.special?.wakeAt?.() ?? null;
      if (t !== null && (at === null || t < at)) at = t;
    }
    return at;
  }

  read(): Uint8Array | null {
    return new Uint8Array(0);
  }

  write(): number | null {
    return 0;
  }

  poll(_k: LinuxKernel, events: number): number {
    return this.anyReady() ? events & POLLIN : 0;
  }
}

/** How many reads and writes the file has seen (pipes and kernel objects; 0 for host files). */
function activityOf(file: OpenFile): number {
  return file.pipe?.buffer.activity ?? file.special?.activity ?? 0;
}

/** Stable ids for open file descriptions, so (fd, file) pairs can key a Map. */
const fileIds = new WeakMap<OpenFile, number>();
let nextFileId = 1;
function register(file: OpenFile): number {
  const id = nextFileId++;
  fileIds.set(file, id);
  return id;
}
