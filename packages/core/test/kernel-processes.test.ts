/**
 * Core's process model, driven by the toy architecture: fork and wait4's statuses, threads
 * meeting on a futex, and system calls that block, are woken, and restart.
 *
 * Which thread runs when is core's scheduler's rule (see the README's process model): a thread
 * runs until it blocks, exits or yields (preemption comes only after thousands of blocks, far
 * more than these programs run), so the orders below are the same on every run.
 */
import { describe, expect, it } from 'vitest';
import { SYS } from '../src/index.js';
import { CLONE, E, FUTEX, SA, SIG, WNOHANG } from './toy/linux.js';
import { label, reg, ToyProgram } from './toy/program.js';
import { runToy } from './toy/run.js';

const [R7, R9, R10] = [7, 9, 10];
/** Kept zero by every program here, to compare results with. */
const ZERO = 15;

function start(): ToyProgram {
  return new ToyProgram().load(ZERO, 0);
}

/** fork as glibc makes it on asm-generic: clone(SIGCHLD, 0, 0, 0, 0); the child goes to `child`. */
function fork(p: ToyProgram, name: string, child: string): ToyProgram {
  return p.sys(SYS.clone, SIG.CHLD, 0, 0, 0, 0).record(name).branch('beq', 0, ZERO, child);
}

describe('fork and wait4', () => {
  it('wait4 reports exit(3) as 0x0300, death by SIGTERM as 15, a running child with WNOHANG as 0, and ECHILD once none is left; the child sees its parent in getppid', () => {
    const p = start();
    const status = [p.space(8), p.space(8), p.space(8)];
    const parentPid = p.space(8);
    p.sys(SYS.getpid).store(parentPid, 0);
    fork(p, 'exits 3', 'child exits');
    fork(p, 'killed', 'child killed');
    fork(p, 'late', 'child late');
    p.loadQuad(R9, p.slot('late'));
    p.sys(SYS.wait4, reg(R9), status[2], WNOHANG, 0).record('wait late, WNOHANG');
    p.loadQuad(R9, p.slot('exits 3'));
    p.sys(SYS.wait4, reg(R9), status[0], 0, 0).record('wait exits 3');
    p.loadQuad(R9, p.slot('killed'));
    p.sys(SYS.wait4, reg(R9), status[1], 0, 0).record('wait killed');
    p.sys(SYS.wait4, -1, status[2], 0, 0).record('wait any');
    p.sys(SYS.wait4, -1, status[2], 0, 0).record('wait none left');
    p.sys(SYS.exit_group, 0);

    p.label('child exits'); // exit(3) when getppid is the parent's pid, else exit(1)
    p.sys(SYS.getppid).loadQuad(R7, parentPid).branch('bne', 0, R7, 'wrong parent');
    p.sys(SYS.exit_group, 3);
    p.label('wrong parent').sys(SYS.exit_group, 1);
    p.label('child killed').sys(SYS.getpid).sys(SYS.kill, reg(0), SIG.TERM).sys(SYS.exit_group, 0);
    p.label('child late').sys(SYS.sched_yield).sys(SYS.exit_group, 42);

    const r = runToy(p);
    expect(r.exitCode).toBe(0);
    const pids = ['exits 3', 'killed', 'late'].map((name) => r.n(name));
    for (const pid of pids) expect(pid).toBeGreaterThan(0);
    expect(new Set(pids).size).toBe(3);
    expect(r.n('wait late, WNOHANG')).toBe(0);
    expect(r.n('wait exits 3')).toBe(pids[0]);
    expect(r.memory.read32(status[0])).toBe(3 << 8);
    expect(r.n('wait killed')).toBe(pids[1]);
    expect(r.memory.read32(status[1])).toBe(SIG.TERM); // WIFSIGNALED, no core dump bit
    expect(r.n('wait any')).toBe(pids[2]);
    expect(r.memory.read32(status[2])).toBe(42 << 8);
    expect(r.n('wait none left')).toBe(E.ECHILD);
  });
});

describe('futex between two threads', () => {
  it('FUTEX_WAIT sleeps until FUTEX_WAKE wakes it (0, and the wake counts 1); a changed word is EAGAIN; a timeout is ETIMEDOUT', () => {
    const p = start();
    const word = p.space(8);
    const stack = p.space(4096) + 4096;
    const timeout = p.quads([0, 1_000_000]); // 1 ms
    const flags = CLONE.VM | CLONE.FS | CLONE.FILES | CLONE.SIGHAND | CLONE.THREAD | CLONE.SYSVSEM;
    p.sys(SYS.clone, flags, stack, 0, 0, 0).branch('beq', 0, ZERO, 'thread').record('clone'); // after the branch: memory is shared
    p.sys(SYS.futex, word, FUTEX.WAIT | FUTEX.PRIVATE, 0, 0).record('wait');
    p.sys(SYS.futex, word, FUTEX.WAIT | FUTEX.PRIVATE, 5, 0).record('wait, word is not 5');
    p.sys(SYS.futex, word, FUTEX.WAIT | FUTEX.PRIVATE, 0, timeout).record('wait with timeout');
    p.sys(SYS.futex, word, FUTEX.WAKE | FUTEX.PRIVATE, 1).record('wake nobody');
    p.sys(SYS.exit_group, 0);
    // The thread wakes until it has woken someone: however the two are scheduled, exactly one
    // wake finds the main thread asleep.
    p.label('thread').sys(SYS.gettid).record('thread tid');
    p.load(R9, 0);
    p.label('again').emit('addi', R9, R9, 1);
    p.sys(SYS.futex, word, FUTEX.WAKE | FUTEX.PRIVATE, 1).branch('bne', 0, ZERO, 'woke');
    p.sys(SYS.sched_yield).jump('again');
    p.label('woke').record('wake').record('wake attempts', R9).sys(SYS.exit, 0);

    const r = runToy(p);
    expect(r.exitCode).toBe(0);
    expect(r.n('clone')).toBe(r.n('thread tid')); // the parent gets the new thread's id
    expect(r.n('wait')).toBe(0);
    expect(r.n('wake')).toBe(1);
    expect(r.n('wake attempts')).toBe(1); // the main thread was asleep before the thread first ran
    expect(r.n('wait, word is not 5')).toBe(E.EAGAIN);
    expect(r.n('wait with timeout')).toBe(-110); // ETIMEDOUT
    expect(r.n('wake nobody')).toBe(0);
  });
});

describe('blocking calls', () => {
  /** Parent reads a pipe that only its child writes; returns the program and its read buffer. */
  function pipeReader(child: (p: ToyProgram) => void, setup: (p: ToyProgram) => void = () => {}) {
    const p = start();
    const fds = p.space(8);
    const buf = p.space(16);
    setup(p);
    p.sys(SYS.pipe2, fds, 0)
      .loadWord(R9, fds)
      .loadWord(R10, fds + 4);
    fork(p, 'child', 'child');
    p.sys(SYS.read, reg(R9), buf, 16).record('read');
    p.sys(SYS.wait4, -1, 0, 0, 0);
    p.sys(SYS.exit_group, 0);
    p.label('child');
    child(p);
    p.sys(SYS.exit_group, 0);
    return { p, buf };
  }

  it('a read of an empty pipe blocks, and runs again to completion once the writer has written', () => {
    const { p, buf } = pipeReader((c) => c.sys(SYS.write, reg(R10), c.string('ping'), 4).record('write'));
    const r = runToy(p, { strace: true });
    expect(r.n('read')).toBe(4);
    expect(Buffer.from(r.memory.readBytes(buf, 4)).toString()).toBe('ping');
    // While two processes run, each line names its caller, as `strace -f` does.
    const calls = r.trace.map((l) => {
      const m = /^\[pid (\d+)\] (.*)$/.exec(l);
      return m ? { pid: Number(m[1]), call: m[2] } : { pid: null, call: l };
    });
    const blocked = calls.findIndex((l) => /^read\(3, 0x[0-9a-f]+, \d+\) = \? <blocked/.test(l.call));
    const wrote = calls.findIndex((l) => l.call === 'write(4, "ping", 4) = 4');
    const read = calls.findIndex((l) => /^read\(3, "ping", \d+\) = 4$/.test(l.call));
    expect(blocked).toBeGreaterThanOrEqual(0);
    expect(wrote).toBeGreaterThan(blocked);
    expect(read).toBeGreaterThan(wrote);
    const parent = calls[blocked].pid;
    expect(parent).not.toBeNull();
    expect([null, parent]).toContain(calls[read].pid); // the child may have exited by then
    expect(calls[wrote].pid).not.toBeNull();
    expect(calls[wrote].pid).not.toBe(parent);
    // Before the fork there is one task, and no prefix.
    expect(r.trace[0]).toMatch(/^pipe2\(/);
  });

  for (const restart of [false, true]) {
    it(
      restart
        ? 'a signal whose handler has SA_RESTART interrupts the blocked read, the handler runs, and the read restarts and gets the data'
        : 'a signal whose handler lacks SA_RESTART makes the blocked read fail with EINTR after the handler runs',
      () => {
        const parentPid = { at: 0 };
        const handled = { at: 0 };
        const { p, buf } = pipeReader(
          (c) => {
            c.loadQuad(R7, parentPid.at).sys(SYS.kill, reg(R7), SIG.USR1);
            c.sys(SYS.sched_yield); // the parent runs: its read is interrupted
            c.sys(SYS.write, reg(R10), c.string('late'), 4);
          },
          (s) => {
            parentPid.at = s.space(8);
            handled.at = s.space(8);
            s.sys(SYS.getpid).store(parentPid.at, 0);
            const act = s.quads([label('handler'), restart ? SA.RESTART : 0, 0]);
            s.sys(SYS.rt_sigaction, SIG.USR1, act, 0, 8);
            s.jump('main');
            s.label('handler').store(handled.at, 1).ret();
            s.label('main');
          },
        );
        const r = runToy(p);
        expect(r.exitCode).toBe(0);
        expect(r.memory.read64(handled.at)).toBe(BigInt(SIG.USR1));
        if (restart) {
          expect(r.n('read')).toBe(4);
          expect(Buffer.from(r.memory.readBytes(buf, 4)).toString()).toBe('late');
        } else {
          expect(r.n('read')).toBe(E.EINTR);
        }
      },
    );
  }
});
