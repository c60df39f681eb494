import type { PagedMemory } from '../memory/paged-memory.js';
import type { SharedObject } from '../memory/shared-mappings.js';
import type { GuestThread } from './thread.js';

/** A thread waiting on a futex word: woken by FUTEX_WAKE when its bitset matches. */
export interface FutexWaiter {
  readonly thread: GuestThread;
  readonly bitset: number;
  woken: boolean;
}

const FUTEX_WAITERS = 0x80000000;
const FUTEX_OWNER_DIED = 0x40000000;
const FUTEX_TID_MASK = 0x3fffffff;
/** The kernel walks at most this many robust-list entries (ROBUST_LIST_LIMIT). */
const ROBUST_LIST_LIMIT = 2048;

/** Where a futex word is, as the kernel keys it: in a process's memory, or in a shared object. */
interface FutexKey {
  readonly space: PagedMemory | SharedObject;
  readonly offset: number;
}

/** The word at `address` of `memory`: a word in a MAP_SHARED range is the shared object's. */
function keyOf(memory: PagedMemory, address: number): FutexKey {
  const shared = memory.sharedRanges.locate(address);
  return shared ? { space: shared.object, offset: shared.offset } : { space: memory, offset: address };
}

/**
 * Futex wait queues, keyed by where the word is: the memory and address of the word (every
 * process of a run has memory of its own, so private futexes need no more), or the shared
 * object and offset for a word that processes share through MAP_SHARED. Queues are FIFO.
 */
export class FutexTable {
  private readonly queues = new Map<PagedMemory | SharedObject, Map<number, FutexWaiter[]>>();
  private readonly byThread = new Map<GuestThread, { key: FutexKey; waiter: FutexWaiter }>();

  /** The waits on words of `from` now wait on the same words of `to` (a process's memory was replaced by a copy). */
  moveMemory(from: PagedMemory, to: PagedMemory): void {
    const words = this.queues.get(from);
    if (words === undefined) return;
    this.queues.delete(from);
    this.queues.set(to, words);
    for (const entry of this.byThread.values())
      if (entry.key.space === from) entry.key = { space: to, offset: entry.key.offset };
  }

  private queue(key: FutexKey, create: boolean): FutexWaiter[] | undefined {
    let words = this.queues.get(key.space);
    if (!words) {
      if (!create) return undefined;
      words = new Map();
      this.queues.set(key.space, words);
    }
    let list = words.get(key.offset);
    if (!list && create) {
      list = [];
      words.set(key.offset, list);
    }
    return list;
  }

  private dropIfEmpty(key: FutexKey, list: FutexWaiter[]): void {
    if (list.length === 0) this.queues.get(key.space)?.delete(key.offset);
  }

  /** The waiter `thread` left at a futex, if it is queued there. */
  waiting(thread: GuestThread): FutexWaiter | undefined {
    return this.byThread.get(thread)?.waiter;
  }

  /** Queues `thread` on the word at `address`. */
  enqueue(thread: GuestThread, memory: PagedMemory, address: number, bitset: number): FutexWaiter {
    this.forget(thread);
    const waiter: FutexWaiter = { thread, bitset, woken: false };
    const key = keyOf(memory, address);
    this.queue(key, true)?.push(waiter);
    this.byThread.set(thread, { key, waiter });
    return waiter;
  }

  /** Takes `thread` off any queue (its wait ended, or it died). */
  forget(thread: GuestThread): void {
    const entry = this.byThread.get(thread);
    if (!entry) return;
    this.byThread.delete(thread);
    const list = this.queue(entry.key, false);
    if (!list) return;
    const i = list.indexOf(entry.waiter);
    if (i >= 0) list.splice(i, 1);
    this.dropIfEmpty(entry.key, list);
  }

  /** Wakes up to `count` waiters at `address` whose bitset meets `bitset`; returns how many. */
  wake(memory: PagedMemory, address: number, count: number, bitset: number): number {
    const key = keyOf(memory, address);
    const list = this.queue(key, false);
    if (!list) return 0;
    let woken = 0;
    for (let i = 0; i < list.length && woken < count; ) {
      const waiter = list[i];
      if ((waiter.bitset & bitset) === 0) {
        i++;
        continue;
      }
      list.splice(i, 1);
      waiter.woken = true;
      woken++;
    }
    this.dropIfEmpty(key, list);
    return woken;
  }

  /** Moves up to `count` waiters from `from` to `to` (FUTEX_REQUEUE); returns how many. */
  requeue(memory: PagedMemory, from: number, to: number, count: number): number {
    const fromKey = keyOf(memory, from);
    const list = this.queue(fromKey, false);
    if (!list || count <= 0) return 0;
    const moved = list.splice(0, count);
    this.dropIfEmpty(fromKey, list);
    const toKey = keyOf(memory, to);
    const target = this.queue(toKey, true) as FutexWaiter[];
    for (const waiter of moved) {
      target.push(waiter);
      const entry = this.byThread.get(waiter.thread);
      if (entry) entry.key = toKey;
    }
    return moved.length;
  }

  /**
   * What the kernel does with a dying thread's robust list (set_robust_list): every lock word
   * still owned by its tid gets FUTEX_OWNER_DIED, and one waiter is woken where there are some.
   */
  releaseRobustList(t: GuestThread): void {
    const head = t.robustList;
    if (head === 0) return;
    const memory = t.process.memory;
    try {
      const offset = Number(BigInt.asIntN(64, memory.read64(head + 8)));
      const pending = Number(memory.read64(head + 16));
      const release = (entry: number): void => {
        const word = entry + offset;
        const value = memory.read32(word);
        if ((value & FUTEX_TID_MASK) !== t.tid) return;
        memory.write32(word, ((value & FUTEX_WAITERS) | FUTEX_OWNER_DIED) >>> 0);
        if (value & FUTEX_WAITERS) this.wake(memory, word, 1, 0xffffffff);
      };
      let entry = Number(memory.read64(head));
      for (let n = 0; entry !== head && entry !== 0 && n < ROBUST_LIST_LIMIT; n++) {
        const next = Number(memory.read64(entry));
        if (entry !== pending) release(entry);
        entry = next;
      }
      if (pending !== 0) release(pending);
    } catch {} // a list the thread broke is left alone, as the kernel does
  }
}
