import type { Architecture } from '../arch.js';
import { TranslationCache, type TranslationCacheStats } from '../exec/translation-cache.js';
import { type Executor, GuestTimeoutError, Machine, type MachineExit } from '../machine.js';
import type { PagedMemory } from '../memory/paged-memory.js';
import type { SharedObject } from '../memory/shared-mappings.js';
import { SIGNALS, signalName } from '../signals.js';
import { hostMaxRssKb, SliceCharger } from './cpu-usage.js';
import { type CpuWorkerEntry, type CpuWorkerStats, CpuWorkers } from './cpu-workers.js';
import { FileLocks } from './file-locks.js';
import { FutexTable } from './futex.js';
import { HostIo } from './host-io.js';
import { FsWatchers } from './inotify.js';
import { IpcNamespace } from './ipc-namespace.js';
import { hangUpOrphanedGroups } from './job-control.js';
import type { LinuxKernel } from './kernel.js';
import { GuestDeadlockError } from './pipe.js';
import { childInfo, SI, senderInfo } from './siginfo.js';
import { leftToMain, stopWhileBlocked } from './signal-routing.js';
import { SIG_IGN } from './signal-state.js';
import { sessionLeaderExited } from './terminal/session-exit.js';
import type { GuestThread } from './thread.js';
import { now, sleepUntil } from './timers.js';

/** How long one thread runs while others are runnable, before the next one gets its turn. */
const QUANTUM_MS = 10;
/** sa_flags' SA_NOCLDWAIT: children of this process are reaped as soon as they end. */
const SA_NOCLDWAIT = 2;

/**
 * wait(2)'s status word for an exit: the status in bits 8–15, or the signal. No core file is
 * ever written, so the core-dumped bit stays clear (as on a host with `ulimit -c 0`).
 */
function waitStatusOf(exit: MachineExit): number {
  if (exit.signal === undefined) return (exit.exitCode & 0xff) << 8;
  return SIGNALS[exit.signal as keyof typeof SIGNALS] ?? exit.exitCode - 128;
}

/**
 * The guest's side of one host process: every guest process and thread of a run, scheduled by
 * this one JavaScript thread (which hands threads of multi-threaded processes to CPU workers when
 * it has more ready than it can run: see cpu-workers.ts). A thread runs until it blocks in a system call, exits, yields, or
 * has used its quantum while others wait; blocked threads are woken when what they wait for
 * may have happened (their `ready` check), when their deadline passes, or by a signal. Processes
 * have their own machine (memory and translated code); threads of a process share it, and their
 * registers are swapped in and out of its CPU.
 *
 * The run ends when the first process ends, as a container ends with its first process: what is
 * still running then is killed.
 */
export class GuestSystem {
  readonly processes = new Map<number, LinuxKernel>();
  readonly futexes = new FutexTable();
  /** fcntl record locks and flock locks between the guest processes. */
  readonly locks = new FileLocks();
  /** inotify watches, which every guest process's file operations report to. */
  readonly watchers = new FsWatchers();
  /** System V shared memory and semaphores, which every guest process of the run shares. */
  readonly ipc = new IpcNamespace();
  /** The files guest processes map with MAP_SHARED, by device and inode: one object each. */
  readonly sharedFiles = new Map<string, SharedObject>();
  /** Host sockets: their events wake threads from Node's event loop (see `runAsync`). */
  readonly host = new HostIo();
  /**
   * When a thread waiting for a host pipe to become readable (poll, select, epoll) should be
   * looked at again: no host event says when a pipe gets bytes, so an idle run wakes to look.
   */
  hostPipeLookAt: bigint | null = null;
  /** Set by `idle` when every thread waits and host I/O may end a wait: ms to give the event loop. */
  private hostWait: number | null = null;
  /** What each slice on this thread costs the thread that ran it. */
  private readonly charger = new SliceCharger();
  /** Every live thread, in the order they were created (the round-robin order). */
  private readonly threads: GuestThread[] = [];
  private readonly tids = new Map<number, GuestThread>();
  private cursor = 0;
  private nextPid: number;
  /** Which thread's registers each machine's CPU holds. */
  private readonly loaded = new WeakMap<Machine, GuestThread>();
  private first: LinuxKernel | null = null;
  private firstExit: MachineExit | null = null;
  /** Instructions of machines no process runs any more. */
  private retired = 0;
  private readonly machines = new Set<Machine>();
  /**
   * Translations every machine of the run shares: a forked or exec'd process reuses those of the
   * code it has in common with the processes before it (null when ARM64KIT_TRANSLATION_CACHE_MB=0).
   */
  readonly translations: TranslationCache | null = TranslationCache.fromEnvironment();
  /** Workers that run guest threads beside this thread (see cpu-workers.ts), or null. */
  private readonly cpus: CpuWorkers | null;

  constructor(
    readonly arch: Architecture,
    readonly executor?: Executor,
    /** Shared memory and CPU workers (see RunProgramOptions.sharedMemory and .cpuWorkers). */
    private readonly options: {
      readonly sharedMemory?: boolean;
      readonly cpuWorkers?: { readonly count: number; readonly entry: CpuWorkerEntry };
    } = {},
  ) {
    this.nextPid = process.pid + 1;
    const workers = options.cpuWorkers;
    this.cpus = workers && workers.count > 0 ? new CpuWorkers(workers.count, workers.entry) : null;
  }

  /** A machine for a new process image, with `memory` (a fork's copy) or new memory. */
  newMachine(memory?: PagedMemory): Machine {
    return new Machine(this.arch, {
      executor: this.executor,
      memory,
      shared: this.options.sharedMemory,
      translations: this.translations,
    });
  }

  /**
   * Whether `id` is a live process's group or session id: as in the kernel, it is not given to a
   * new process (the first process's may be the host's, whose leader the run does not hold).
   */
  private namesGroup(id: number): boolean {
    for (const p of this.processes.values())
      if (p.state !== 'reaped' && (p.pgid === id || p.sid === id)) return true;
    return false;
  }

  /** A pid (or tid) no live process or thread has, nor any group or session. */
  allocatePid(): number {
    while (this.processes.has(this.nextPid) || this.tids.has(this.nextPid) || this.namesGroup(this.nextPid))
      this.nextPid++;
    return this.nextPid++;
  }

  /** Guest threads alive, of every process of the run. */
  get taskCount(): number {
    return this.threads.length;
  }

  /** Adds a process, running on `machine`, with its threads (the first process added is the run's). */
  addProcess(k: LinuxKernel, machine: Machine): void {
    k.system = this;
    k.machine = machine;
    k.memory = machine.memory;
    if (!this.machines.has(machine)) {
      // A machine of its own: its CPU holds this process's registers.
      this.machines.add(machine);
      this.loaded.set(machine, k.thread);
    }
    this.processes.set(k.pid, k);
    this.first ??= k;
    for (const t of k.threads) this.enlist(t);
  }

  /** Adds a thread to its process. */
  addThread(t: GuestThread): void {
    t.process.threads.push(t);
    this.enlist(t);
  }

  private enlist(t: GuestThread): void {
    this.threads.push(t);
    this.tids.set(t.tid, t);
  }

  /** Whether `k` is the process the run started with. */
  isFirst(k: LinuxKernel): boolean {
    return k === this.first;
  }

  thread(tid: number): GuestThread | undefined {
    return this.tids.get(tid);
  }

  /** Gives `k` a machine (at start, or a new one at execve); its current thread's registers are in it. */
  setMachine(k: LinuxKernel, machine: Machine): void {
    const old = k.machine;
    k.machine = machine;
    k.memory = machine.memory;
    this.machines.add(machine);
    this.loaded.set(machine, k.thread);
    if (old && old !== machine) this.dropIfUnused(old);
  }

  private dropIfUnused(machine: Machine): void {
    for (const p of this.processes.values()) if (p.state === 'alive' && p.machine === machine) return;
    if (!this.machines.delete(machine)) return;
    this.cpus?.forget(machine.memory);
    this.retired += machine.instructions;
    machine.retire();
    machine.memory.sharedRanges.forget(machine.memory, 0, 2 ** 48); // the shared objects lose a user
  }

  /** What the translation cache did so far (a copy), or undefined with the cache off. */
  get translationStats(): TranslationCacheStats | undefined {
    return this.translations ? { ...this.translations.stats } : undefined;
  }

  /** Guest instructions executed by every machine of the run. */
  get instructions(): number {
    let n = this.retired;
    for (const m of this.machines) n += m.instructions;
    return n;
  }

  /** What the CPU workers did so far (a copy), or undefined without them. */
  get cpuWorkerStats(): CpuWorkerStats | undefined {
    return this.cpus ? { ...this.cpus.stats } : undefined;
  }

  /** Whether a CPU worker sent a thread back that this thread has yet to take (then the running thread yields). */
  get cpuWorkerReplied(): boolean {
    return this.cpus?.replied ?? false;
  }

  /** Runs until the first process ends; returns how it ended. */
  run(options: { timeoutMs?: number } = {}): MachineExit {
    const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : Number.POSITIVE_INFINITY;
    for (;;) {
      const exit = this.slice(Number.POSITIVE_INFINITY, deadline, options.timeoutMs ?? 0);
      if (exit) return exit;
      if (this.hostWait !== null)
        throw new GuestDeadlockError('host socket I/O, which only the asynchronous run (runAsync) serves');
    }
  }

  /** `run`, giving the event loop a turn every `sliceMs` (host signals, a server's requests). */
  async runAsync(options: { timeoutMs?: number; sliceMs?: number } = {}): Promise<MachineExit> {
    const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : Number.POSITIVE_INFINITY;
    const slice = options.sliceMs ?? 50;
    for (;;) {
      const exit = this.slice(Date.now() + slice, deadline, options.timeoutMs ?? 0);
      if (exit) return exit;
      const hostWait = this.hostWait;
      this.hostWait = null;
      if (hostWait !== null) await this.host.wait(Math.min(hostWait, deadline - Date.now()));
      else await new Promise((resolve) => setImmediate(resolve));
      if (Date.now() > deadline) throw new GuestTimeoutError(options.timeoutMs ?? 0);
    }
  }

  /** Runs threads until the first process ends (returns its exit) or `sliceEnd` passes (null). */
  private slice(sliceEnd: number, deadline: number, timeoutMs: number): MachineExit | null {
    for (;;) {
      if (this.firstExit) return this.finish();
      if (this.cpus) this.tendCpus(this.cpus);
      const t = this.next();
      if (t === null) {
        this.idle(sliceEnd, deadline, timeoutMs);
        if (this.hostWait !== null) return null;
      } else {
        const k = t.process;
        this.load(t);
        const machine = k.machine as Machine;
        // Shared pages: what other processes wrote comes in, and this one's writes go out after.
        k.memory.sharedRanges.syncIn(k.memory);
        const end = this.threads.length > 1 ? Math.min(sliceEnd, Date.now() + QUANTUM_MS) : sliceEnd;
        const startedAt = performance.now();
        const exit = machine.runSlice(k, end, deadline, timeoutMs);
        k.memory.sharedRanges.syncOut(k.memory);
        const spent = this.charger.spent(performance.now() - startedAt);
        t.usage.charge(spent);
        k.usage.charge(spent);
        t.backFromCpu = false;
        if (exit) this.exitProcess(k, exit);
        else if (t.wait !== null && t.state === 'runnable') t.state = 'blocked';
      }
      if (Date.now() >= sliceEnd && !this.firstExit) return null;
    }
  }

  /** The next thread that can run, round robin; blocked threads whose wait is over wake up. */
  private next(): GuestThread | null {
    const n = this.threads.length;
    for (let i = 0; i < n; i++) {
      const index = (this.cursor + i) % n;
      const t = this.threads[index];
      if (t.onCpu) continue;
      stopWhileBlocked(t);
      if (t.process.stopped) continue; // its blocked threads stay blocked until it is continued
      if (t.state === 'blocked' && this.waitIsOver(t)) {
        const wait = t.wait;
        t.state = 'runnable';
        t.wait = null;
        if (wait?.restarts) t.resumeDeadline = wait.deadline;
      }
      if (t.state === 'runnable') {
        this.cursor = (index + 1) % n;
        return t;
      }
    }
    return null;
  }

  private waitIsOver(t: GuestThread): boolean {
    const wait = t.wait;
    if (wait === null) return true;
    const k = t.process;
    k.expireTimers();
    // Its own signals, and the process's that it is the thread to take.
    const pending = t.pending.bits | (k.signals.shared.bits & ~leftToMain(t));
    if ((pending & ~wait.mask) !== 0n) return true;
    if (wait.deadline !== null && now() >= wait.deadline) return true;
    return wait.ready?.() ?? false;
  }

  /**
   * Takes back the threads CPU workers are done with, asks those to stop whose thread must come
   * back (a signal it may take, its process stopped or ended), and gives idle workers threads
   * when more are ready to run than this thread can run.
   */
  private tendCpus(cpus: CpuWorkers): void {
    if (cpus.replied) {
      for (const back of cpus.collect()) {
        const t = back.thread;
        t.onCpu = false;
        if (t.state === 'dead') continue;
        t.regs = back.registers;
        t.backFromCpu = back.reason === 'kernel';
        const spent = { user: back.micros, system: 0 };
        t.usage.charge(spent);
        t.process.usage.charge(spent);
        (t.process.machine as Machine).instructions += back.instructions;
      }
    }
    let ready = 0;
    let candidate: GuestThread | null = null;
    for (const t of this.threads) {
      if (t.onCpu) {
        if (this.mustLeaveCpu(t)) cpus.stop(t);
        continue;
      }
      if (t.state !== 'runnable' || t.process.stopped) continue;
      ready++;
      // Prefer one whose registers are not in its machine's CPU: nothing to save then.
      if (this.mayLeave(t) && (candidate === null || this.loaded.get(t.process.machine as Machine) !== t))
        candidate = t;
    }
    if (ready < 2 || candidate === null) return;
    const worker = cpus.idle();
    if (worker === null) return;
    // Only now, with a worker to run it, does the process move to shared memory: a program whose
    // threads seldom run at once, or that ends before a worker has started, never pays for it.
    if (!candidate.process.memory.shared) this.shareMemory(candidate.process);
    if (!candidate.process.memory.shared) return;
    const machine = candidate.process.machine as Machine;
    let registers = candidate.regs;
    if (this.loaded.get(machine) === candidate) {
      registers = machine.cpu.u8.slice();
      this.loaded.delete(machine);
    }
    if (registers === null) return;
    candidate.regs = null;
    candidate.onCpu = true;
    cpus.send(worker, candidate, machine, registers);
  }

  /**
   * Moves `k` to a shared copy of its memory, with a machine of its own, when one of its several
   * threads is to go to a CPU worker: only then can workers run them. The new machine takes from
   * the run's translation cache what is lifted alike for both kinds of memory (lifters turn
   * exclusives and atomics into host atomics for a shared one), and waits on its futex words
   * move with it. Not for a memory another process borrows (a vfork child).
   */
  private shareMemory(k: LinuxKernel): void {
    const old = k.machine as Machine;
    for (const p of this.processes.values()) if (p !== k && p.state === 'alive' && p.machine === old) return;
    const holder = this.loaded.get(old);
    const machine = this.newMachine(old.memory.fork(true));
    k.machine = machine;
    k.memory = machine.memory;
    this.machines.add(machine);
    if (holder) this.loaded.set(machine, holder); // the copy's register file holds its registers
    this.futexes.moveMemory(old.memory, machine.memory);
    this.dropIfUnused(old);
  }

  /**
   * Whether runnable `t` may run on a CPU worker now (its process on shared memory, or moved
   * there first: one of several threads).
   */
  private mayLeave(t: GuestThread): boolean {
    const k = t.process;
    return (
      !t.backFromCpu &&
      t.wait === null &&
      t.afterReturn === null &&
      k.state === 'alive' &&
      (k.memory.shared || k.threads.length > 1) &&
      // Pages it shares with other processes and may write are copied in and out at each switch
      // on this thread, which would lose what a worker wrote meanwhile.
      !k.memory.sharedRanges.writableIn(k.memory) &&
      !this.hasSignalFor(t)
    );
  }

  /** Whether `t`, on a CPU worker, must come back to this thread. */
  private mustLeaveCpu(t: GuestThread): boolean {
    const k = t.process;
    return (
      t.state !== 'runnable' ||
      k.state !== 'alive' ||
      k.stopped ||
      this.firstExit !== null ||
      this.hasSignalFor(t)
    );
  }

  /** A signal `t` would take now: its own, or its process's that it is the thread to take. */
  private hasSignalFor(t: GuestThread): boolean {
    const pending = t.pending.bits | (t.process.signals.shared.bits & ~leftToMain(t));
    return (pending & ~t.mask) !== 0n;
  }

  /** Puts `t`'s registers in its machine's CPU and makes it its process's current thread. */
  private load(t: GuestThread): void {
    const k = t.process;
    const machine = k.machine as Machine;
    const holder = this.loaded.get(machine);
    if (holder !== t) {
      if (holder && holder.state !== 'dead' && holder.process.machine === machine)
        holder.regs = machine.cpu.u8.slice();
      if (t.regs) machine.cpu.u8.set(t.regs);
      t.regs = null;
      this.loaded.set(machine, t);
    }
    k.thread = t;
    k.signals.thread = t;
  }

  /**
   * Nothing can run: sleep until the earliest deadline or timer, or fail when there is none.
   * A stopped process's deadlines and timers wake nobody (its threads stay where they are), so
   * when only stopped processes remain and nothing could send them SIGCONT, the run ends with
   * GuestDeadlockError rather than waiting for ever, where the kernel would leave them stopped.
   */
  private idle(sliceEnd: number, deadline: number, timeoutMs: number): void {
    let wake: bigint | null = null;
    let what = 'a wait nothing can end';
    for (const t of this.threads) {
      if (t.process.stopped) continue;
      const at = t.wait?.deadline ?? null;
      if (t.wait && t.process === this.first) what = t.wait.what;
      if (at !== null && (wake === null || at < wake)) wake = at;
    }
    for (const k of this.processes.values()) {
      const at = k.state === 'alive' && !k.stopped ? k.nextTimer : null;
      if (at !== null && (wake === null || at < wake)) wake = at;
    }
    // A wait that polls an empty host pipe looks again then (its check asks for the next time).
    const look = this.hostPipeLookAt;
    this.hostPipeLookAt = null;
    if (look !== null && (wake === null || look < wake)) wake = look;
    const stopped = [...this.processes.values()].filter((k) => k.state === 'alive' && k.stopped);
    if (stopped.length > 0) {
      const which = stopped.map((k) => `process ${k.pid} (stopped by ${signalName(k.stopSignal)})`);
      what = `${this.first?.stopped ? 'a stopped first process' : what}, while nothing can continue ${which.join(', ')}`;
    }
    // A thread on a CPU worker may come back at any moment, needing this thread.
    const workersBusy = this.cpus?.busy ?? false;
    if (this.host.open > 0) {
      // Host sockets are open: the event loop must run for them to make a thread ready.
      const ms = wake === null ? 1000 : Math.max(0, Number((wake - now() + 999_999n) / 1_000_000n));
      this.hostWait = workersBusy ? Math.min(ms, 1) : ms;
      return;
    }
    if (workersBusy) {
      const ms = wake === null ? QUANTUM_MS : Number((wake - now() + 999_999n) / 1_000_000n);
      this.cpus?.waitForReply(Math.min(ms, QUANTUM_MS, sliceEnd - Date.now()));
      return;
    }
    if (wake === null) throw new GuestDeadlockError(what);
    sleepUntil(wake, Math.min(sliceEnd, deadline) - Date.now());
    if (Date.now() > deadline) throw new GuestTimeoutError(timeoutMs);
  }

  /**
   * Ends process `k` (exit_group, a fatal signal, or killed at the end of the run): its threads
   * stop, its descriptors close, its children become orphans, and it becomes a zombie for its
   * parent (which gets its exit signal), or is reaped at once when no one will wait for it.
   */
  exitProcess(k: LinuxKernel, how: MachineExit): void {
    if (k.state !== 'alive') return;
    for (const t of [...k.threads]) this.retire(t, k.vforkParent !== null);
    k.usage.maxRssKb = hostMaxRssKb();
    k.fds.closeAll();
    this.locks.releaseOwner(k); // POSIX record locks end with their process
    this.ipc.processExited(k); // and SEM_UNDO adjustments are applied
    k.state = 'zombie';
    k.stopped = false;
    k.jobReport = null;
    k.waitStatus = waitStatusOf(how);
    k.vforkParent = null;
    const children = [...k.children];
    this.orphan(k);
    hangUpOrphanedGroups(k, children);
    sessionLeaderExited(k);
    if (k.machine) this.dropIfUnused(k.machine);
    if (k === this.first) {
      this.firstExit = how;
      return;
    }
    const parent = k.parent;
    if (parent === null || parent.state !== 'alive') {
      this.reap(k);
      return;
    }
    const action = parent.signals.action(SIGNALS.SIGCHLD);
    if (k.exitSignal === SIGNALS.SIGCHLD && (action.handler === SIG_IGN || action.flags & SA_NOCLDWAIT)) {
      this.reap(k); // nobody will wait: no zombie, as the kernel does
      return;
    }
    if (k.exitSignal > 0)
      parent.postSignal(k.exitSignal, childInfo(k.exitSignal, k.pid, k.credentials.user.real, k.waitStatus));
  }

  /**
   * The children of `k`, which ended, go to the nearest living ancestor that is a child
   * subreaper, else to init (which reaps them); each gets the death signal it asked for.
   */
  private orphan(k: LinuxKernel): void {
    let reaper = k.parent;
    while (reaper !== null && !(reaper.childSubreaper && reaper.state === 'alive')) reaper = reaper.parent;
    for (const child of k.children) {
      child.parent = reaper;
      if (child.state === 'alive' && child.deathSignal !== 0)
        child.postSignal(child.deathSignal, senderInfo(child.deathSignal, SI.USER, k.pid, 0));
      if (reaper === null) {
        if (child.state === 'zombie') this.reap(child);
        continue;
      }
      reaper.children.add(child);
      if (child.state === 'zombie' && child.exitSignal > 0)
        reaper.postSignal(
          child.exitSignal,
          childInfo(child.exitSignal, child.pid, child.credentials.user.real, child.waitStatus),
        );
    }
    k.children.clear();
  }

  /** Ends one thread (exit); the last one ends its process. */
  exitThread(t: GuestThread, status: number): void {
    const k = t.process;
    if (k.threads.length <= 1) this.exitProcess(k, { exitCode: status & 0xff });
    else this.retire(t, true);
  }

  /** A zombie's parent collected it (or nobody will): it is gone. */
  reap(k: LinuxKernel): void {
    k.state = 'reaped';
    if (k !== this.first) this.processes.delete(k.pid);
    k.parent?.children.delete(k);
  }

  /**
   * A thread stops: it leaves the scheduler, and, as the kernel's mm_release, its clear-tid word
   * is zeroed and woken (so pthread_join returns) and its robust futexes are released.
   */
  retire(t: GuestThread, releaseMemory: boolean): void {
    if (t.state === 'dead') return;
    t.state = 'dead';
    t.wait = null;
    const k = t.process;
    k.threads.splice(k.threads.indexOf(t), 1);
    const index = this.threads.indexOf(t);
    this.threads.splice(index, 1);
    if (index < this.cursor) this.cursor--;
    this.tids.delete(t.tid);
    this.futexes.forget(t);
    if (!releaseMemory) return;
    this.futexes.releaseRobustList(t);
    if (t.clearChildTid !== 0) {
      try {
        k.memory.write32(t.clearChildTid, 0);
        this.futexes.wake(k.memory, t.clearChildTid, 1, 0xffffffff);
      } catch {} // an unmapped address is ignored, as the kernel does
    }
  }

  /** The first process ended: everything else is killed, and its exit is the run's. */
  private finish(): MachineExit {
    for (const k of [...this.processes.values()]) {
      if (k.state === 'alive') this.exitProcess(k, { exitCode: 128 + SIGNALS.SIGKILL, signal: 'SIGKILL' });
    }
    return this.firstExit as MachineExit;
  }

  /**
   * Ends every process (after the run, or when it was abandoned: timeout, deadlock, an emulator
   * error), and removes the run's private directories (its /dev/shm).
   */
  shutdown(): void {
    this.cpus?.close();
    for (const k of [...this.processes.values()]) {
      if (k.state === 'alive') this.exitProcess(k, { exitCode: 128 + SIGNALS.SIGKILL, signal: 'SIGKILL' });
    }
    for (const dir of this.first?.paths.mounts.values() ?? []) dir.remove();
  }
}
