import { E, fail } from './errno.js';
import { int, type LinuxKernel, ptr } from './kernel.js';
import { SYS } from './numbers.js';
import { SEMVMX, type SemaphoreSet, type SemaphoreSets, type SemOp } from './sem-sets.js';
import {
  accessible,
  commonCtl,
  ctlCommand,
  IPC_NOWAIT,
  IPC64_PERM_BYTES,
  type IpcKind,
  nowSeconds,
  permitted,
  writePerm,
} from './sysv-ipc.js';
import { readTimespec } from './timespec.js';

/**
 * System V semaphores (ipc/sem.c): semget, semop, semtimedop, semctl. A semop applies all its
 * operations at once or none; one that cannot proceed blocks only its thread (restarted when
 * the set changes), fails with EAGAIN under IPC_NOWAIT or at its timeout, with EINTR at a
 * signal and EIDRM when the set is removed. SEM_UNDO adjustments are applied at the process's exit.
 */

const SEM_UNDO = 0x1000;
const GETPID = 11;
const GETVAL = 12;
const GETALL = 13;
const GETNCNT = 14;
const GETZCNT = 15;
const SETVAL = 16;
const SETALL = 17;
const SEM_STAT = 18;
const SEM_INFO = 19;
const SEM_STAT_ANY = 20;
const SEMBUF_BYTES = 6;
/** include/uapi/linux/sem.h's compile-time SEMMNS and SEMOPM, which seminfo reports as they are. */
const SEMMNS = 1024000000;
const SEMOPM = 500;
const READ = 0o444;
const ALTER = 0o222;

function sets(k: LinuxKernel): SemaphoreSets {
  return k.ipc.sem;
}

function semget(k: LinuxKernel, key: number, count: number, flags: number): number {
  const sem = sets(k);
  if (count < 0 || count > sem.maxPerSet) fail(E.EINVAL);
  return sem.ids.get(
    k.credentials,
    key,
    flags,
    (perm) => {
      if (count === 0) fail(E.EINVAL);
      if (sem.total + count > sem.maxTotal) fail(E.ENOSPC);
      return sem.ids.add((index, seq) => sem.create(perm(index, seq), count));
    },
    (set) => {
      if (count > set.sems.length) fail(E.EINVAL);
    },
  );
}

function readOps(k: LinuxKernel, addr: number, count: number): SemOp[] {
  const ops: SemOp[] = [];
  for (let i = 0; i < count; i++) {
    const at = addr + i * SEMBUF_BYTES;
    const op = (k.memory.read16(at + 2) << 16) >> 16;
    ops.push({ num: k.memory.read16(at), op, flags: (k.memory.read16(at + 4) << 16) >> 16 });
  }
  return ops;
}

/**
 * The values and adjustments after `ops`, or the operation that has to wait (perform_atomic_semop):
 * ERANGE when a value or an adjustment would leave its bounds.
 */
function tryOps(
  k: LinuxKernel,
  set: SemaphoreSet,
  ops: readonly SemOp[],
): { values: Map<number, number>; adjustments: Map<number, number> } | SemOp {
  const sem = sets(k);
  const values = new Map<number, number>();
  const adjustments = new Map<number, number>();
  for (const o of ops) {
    const value = values.get(o.num) ?? set.sems[o.num].value;
    const result = value + o.op;
    if (o.op === 0 ? value !== 0 : result < 0) return o;
    if (result > SEMVMX) fail(E.ERANGE);
    if (o.flags & SEM_UNDO) {
      const adjustment = (adjustments.get(o.num) ?? sem.adjustment(k, set, o.num)) - o.op;
      if (adjustment < -SEMVMX - 1 || adjustment > SEMVMX) fail(E.ERANGE);
      adjustments.set(o.num, adjustment);
    }
    values.set(o.num, result);
  }
  return { values, adjustments };
}

function semtimedop(k: LinuxKernel, id: number, opsAddr: number, count: number, timeoutAddr: number): number {
  const sem = sets(k);
  // A call run again after its wait: it counts as waiting again only if it blocks again.
  const waited = sem.waiting(k.thread);
  sem.stopWaiting(k.thread);
  if (waited?.set.removed) fail(E.EIDRM);
  if (count < 1 || id < 0) fail(E.EINVAL);
  if (count > sem.maxOps) fail(E.E2BIG);
  const timeout = timeoutAddr === 0 ? null : readTimespec(k, timeoutAddr);
  const ops = readOps(k, opsAddr, count);
  const set = sem.ids.byId(id);
  if (ops.some((o) => o.num >= set.sems.length)) fail(E.EFBIG);
  const alters = ops.some((o) => o.op !== 0);
  if (!permitted(k.credentials, set.perm, alters ? ALTER : READ)) fail(E.EACCES);
  const outcome = tryOps(k, set, ops);
  if (!('op' in outcome)) {
    for (const [num, value] of outcome.values) {
      set.sems[num].value = value;
      set.sems[num].pid = k.pid;
    }
    for (const [num, adjustment] of outcome.adjustments) sem.setAdjustment(k, set, num, adjustment);
    set.otime = nowSeconds();
    return 0;
  }
  if (outcome.flags & IPC_NOWAIT) fail(E.EAGAIN);
  sem.wait(k.thread, set, outcome);
  const ended = k.block(k.deadline(timeout), 'semop that no process can satisfy', k.signals.mask, () => {
    if (set.removed) return true;
    try {
      return !('op' in tryOps(k, set, ops));
    } catch {
      return true; // ERANGE now: the call runs again to report it
    }
  });
  sem.stopWaiting(k.thread);
  fail(ended === 'timeout' ? E.EAGAIN : E.EINTR);
}

/** struct semid64_ds (asm-generic/sembuf.h, 64-bit). */
function writeSet(k: LinuxKernel, addr: number, set: SemaphoreSet): void {
  writePerm(k, addr, set.perm);
  const at = addr + IPC64_PERM_BYTES;
  k.memory.write64(at, set.otime);
  k.memory.write64(at + 8, set.ctime);
  k.memory.write64(at + 16, BigInt(set.sems.length));
  k.memory.write64(at + 24, 0n);
  k.memory.write64(at + 32, 0n);
}

/** struct seminfo: ten ints (IPC_INFO the limits; SEM_INFO also the sets and semaphores in use). */
function writeInfo(k: LinuxKernel, addr: number, sem: SemaphoreSets, usage: boolean): void {
  const values = [
    SEMMNS, // semmap (SEMMAP: the compile-time SEMMNS)
    sem.ids.limit, // semmni
    sem.maxTotal, // semmns
    SEMMNS, // semmnu (SEMMNU)
    sem.maxPerSet, // semmsl
    sem.maxOps, // semopm
    SEMOPM, // semume (SEMUME)
    usage ? sem.ids.count : 20, // semusz: sets in use, or SEMUSZ
    SEMVMX, // semvmx
    usage ? sem.total : SEMVMX, // semaem: semaphores in use, or SEMAEM
  ];
  values.forEach((v, i) => {
    k.memory.write32(addr + i * 4, v);
  });
}

/** semctl's view of the sets for the commands every kind shares. */
function semKind(k: LinuxKernel, sem: SemaphoreSets): IpcKind<SemaphoreSet> {
  return {
    ids: sem.ids,
    commands: { info: SEM_INFO, stat: SEM_STAT, statAny: SEM_STAT_ANY },
    writeInfo: (addr, usage) => writeInfo(k, addr, sem, usage),
    writeObject: (addr, set) => writeSet(k, addr, set),
    remove: (set) => sem.remove(set),
  };
}

function semctl(k: LinuxKernel, id: number, num: number, command: number, arg: bigint): number {
  const sem = sets(k);
  const cmd = ctlCommand(command);
  const buf = ptr(arg);
  if (id < 0) fail(E.EINVAL);
  const common = commonCtl(k, semKind(k, sem), id, cmd, buf);
  if (common !== null) return common;
  switch (cmd) {
    case GETALL: {
      const set = accessible(k, sem.ids, id, READ);
      set.sems.forEach((s, i) => {
        k.memory.write16(buf + i * 2, s.value);
      });
      return 0;
    }
    case SETALL: {
      const set = accessible(k, sem.ids, id, ALTER);
      const values = set.sems.map((_, i) => k.memory.read16(buf + i * 2));
      if (values.some((v) => v > SEMVMX)) fail(E.ERANGE);
      values.forEach((v, i) => {
        set.sems[i].value = v;
        set.sems[i].pid = k.pid;
      });
      sem.clearAdjustments(set, null);
      set.ctime = nowSeconds();
      return 0;
    }
    case GETVAL:
    case GETPID:
    case GETNCNT:
    case GETZCNT: {
      const set = accessible(k, sem.ids, id, READ);
      if (num < 0 || num >= set.sems.length) fail(E.EINVAL);
      if (cmd === GETVAL) return set.sems[num].value;
      if (cmd === GETPID) return set.sems[num].pid;
      return sem.waitingOn(set, num, cmd === GETZCNT);
    }
    case SETVAL: {
      const set = accessible(k, sem.ids, id, ALTER);
      if (num < 0 || num >= set.sems.length) fail(E.EINVAL);
      const value = int(arg);
      if (value < 0 || value > SEMVMX) fail(E.ERANGE);
      set.sems[num].value = value;
      set.sems[num].pid = k.pid;
      sem.clearAdjustments(set, num);
      set.ctime = nowSeconds();
      return 0;
    }
    default:
      fail(E.EINVAL);
  }
}

export function registerSemSyscalls(k: LinuxKernel): void {
  k.register(SYS.semget, (k, a) => semget(k, int(a[0]), int(a[1]), int(a[2])));
  k.register(SYS.semop, (k, a) => semtimedop(k, int(a[0]), ptr(a[1]), ptr(a[2]), 0));
  k.register(SYS.semtimedop, (k, a) => semtimedop(k, int(a[0]), ptr(a[1]), ptr(a[2]), ptr(a[3])));
  k.register(SYS.semctl, (k, a) => semctl(k, int(a[0]), int(a[1]), int(a[2]), a[3]));
}
