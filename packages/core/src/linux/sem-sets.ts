import type { LinuxKernel } from './kernel.js';
import { hostLimits, IpcIds, type IpcPerm, nowSeconds } from './sysv-ipc.js';
import type { GuestThread } from './thread.js';

/** The largest value a semaphore holds (SEMVMX), and the bound of an undo adjustment. */
export const SEMVMX = 32767;

/** One semaphore of a set (struct sem). */
export interface Semaphore {
  value: number;
  /** Pid of the last process that changed it. */
  pid: number;
}

/** One set (struct sem_array). */
export interface SemaphoreSet {
  readonly perm: IpcPerm;
  readonly sems: Semaphore[];
  otime: bigint;
  ctime: bigint;
  /** IPC_RMID: waiters wake with EIDRM. */
  removed: boolean;
}

/** One operation of a semop call (struct sembuf). */
export interface SemOp {
  readonly num: number;
  readonly op: number;
  readonly flags: number;
}

/** A thread blocked in semop, and the operation it waits on (GETNCNT and GETZCNT count these). */
interface SemWaiter {
  readonly set: SemaphoreSet;
  readonly blocking: SemOp;
}

/** Adjustments SEM_UNDO operations leave for a process's exit: set → semaphore → adjustment. */
type UndoList = Map<SemaphoreSet, Map<number, number>>;

/** /proc/sys/kernel/sem: SEMMSL, SEMMNS, SEMOPM, SEMMNI (the kernel's defaults without one). */
function hostSemLimits(): number[] {
  const host = hostLimits('sem');
  return host?.length === 4 ? host.map(Number) : [32000, 1024000000, 500, 32000];
}

/** The run's semaphore sets, the threads waiting on them, and each process's undo adjustments. */
export class SemaphoreSets {
  readonly maxPerSet: number;
  readonly maxTotal: number;
  readonly maxOps: number;
  readonly ids: IpcIds<SemaphoreSet>;
  /** Semaphores in every set (used_sems). */
  total = 0;
  private readonly waiters = new Map<GuestThread, SemWaiter>();
  private readonly undo = new Map<LinuxKernel, UndoList>();

  constructor() {
    const [msl, mns, opm, mni] = hostSemLimits();
    this.maxPerSet = msl;
    this.maxTotal = mns;
    this.maxOps = opm;
    this.ids = new IpcIds<SemaphoreSet>(mni);
  }

  create(perm: IpcPerm, count: number): SemaphoreSet {
    this.total += count;
    const sems = Array.from({ length: count }, () => ({ value: 0, pid: 0 }));
    return { perm, sems, otime: 0n, ctime: nowSeconds(), removed: false };
  }

  remove(set: SemaphoreSet): void {
    set.removed = true;
    this.ids.remove(set);
    this.total -= set.sems.length;
    for (const list of this.undo.values()) list.delete(set);
  }

  waiting(thread: GuestThread): SemWaiter | undefined {
    return this.waiters.get(thread);
  }

  wait(thread: GuestThread, set: SemaphoreSet, blocking: SemOp): void {
    this.waiters.set(thread, { set, blocking });
  }

  stopWaiting(thread: GuestThread): void {
    this.waiters.delete(thread);
  }

  /** GETNCNT (`zero` false) and GETZCNT: live threads whose blocking operation is on `num`. */
  waitingOn(set: SemaphoreSet, num: number, zero: boolean): number {
    let count = 0;
    for (const [thread, w] of this.waiters) {
      if (thread.state === 'dead' || w.set !== set || w.blocking.num !== num) continue;
      if (zero ? w.blocking.op === 0 : w.blocking.op < 0) count++;
    }
    return count;
  }

  /** The adjustment SEM_UNDO keeps for `k` on semaphore `num` of `set` (0: none). */
  adjustment(k: LinuxKernel, set: SemaphoreSet, num: number): number {
    return this.undo.get(k)?.get(set)?.get(num) ?? 0;
  }

  setAdjustment(k: LinuxKernel, set: SemaphoreSet, num: number, value: number): void {
    let list = this.undo.get(k);
    if (!list) this.undo.set(k, (list = new Map()));
    let bySem = list.get(set);
    if (!bySem) list.set(set, (bySem = new Map()));
    if (value === 0) bySem.delete(num);
    else bySem.set(num, value);
  }

  /** SETVAL and SETALL: the semaphore's adjustments are void in every process. */
  clearAdjustments(set: SemaphoreSet, num: number | null): void {
    for (const list of this.undo.values()) {
      const bySem = list.get(set);
      if (bySem === undefined) continue;
      if (num === null) bySem.clear();
      else bySem.delete(num);
    }
  }

  /** exit_sem: a process's adjustments are applied (clamped to [0, SEMVMX]) and dropped. */
  processExited(k: LinuxKernel): void {
    for (const thread of this.waiters.keys()) if (thread.process === k) this.waiters.delete(thread);
    const list = this.undo.get(k);
    if (!list) return;
    this.undo.delete(k);
    for (const [set, bySem] of list) {
      if (set.removed) continue;
      for (const [num, adjustment] of bySem) {
        const sem = set.sems[num];
        sem.value = Math.min(SEMVMX, Math.max(0, sem.value + adjustment));
        sem.pid = k.pid;
      }
    }
  }
}
