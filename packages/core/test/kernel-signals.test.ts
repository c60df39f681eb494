/**
 * Core's signal bookkeeping, driven by the toy architecture: rt_sigaction, rt_sigprocmask,
 * rt_sigpending and kill, and the order in which pending signals reach their handlers. The
 * orders asserted were confirmed with a C program on the host's kernel (and under qemu-aarch64).
 */
import { describe, expect, it } from 'vitest';
import { SYS } from '../src/index.js';
import { E, SIG, SIG_BLOCK, SIG_UNBLOCK } from './toy/linux.js';
import { label, reg, ToyProgram } from './toy/program.js';
import { runToy } from './toy/run.js';

const [R7, R9] = [7, 9];
const bit = (signo: number) => 1n << BigInt(signo - 1);
const ALL = (1n << 64n) - 1n;

/**
 * A handler that appends its signal number to a log; returns the log's address. Registers it
 * for each of `signals` with `mask` as sa_mask.
 */
function loggingHandler(p: ToyProgram, signals: readonly number[], mask: bigint): number {
  const log = p.space(8 * 16);
  const cursor = p.quads([log]);
  p.jump('main');
  p.label('handler');
  p.loadQuad(R7, cursor).emit('st', 1, R7, 0).emit('addi', R7, R7, 8).store(cursor, R7);
  p.ret();
  p.label('main');
  const act = p.quads([label('handler'), 0, mask]); // handler, flags, mask
  for (const signo of signals) p.sys(SYS.rt_sigaction, signo, act, 0, 8).record(`sigaction ${signo}`);
  return log;
}

function logOf(r: { memory: { read64(at: number): bigint } }, log: number): number[] {
  const out: number[] = [];
  for (let at = log; r.memory.read64(at) !== 0n; at += 8) out.push(Number(r.memory.read64(at)));
  return out;
}

describe('delivery order of pending signals', () => {
  const RT = SIG.RTMIN;
  const signals = [SIG.USR1, SIG.USR2, RT, RT + 1];

  /** Blocks the four, sends USR2, USR1, RT+1, RT, RT+1, USR1 to itself, then unblocks them. */
  function program(mask: bigint): { p: ToyProgram; log: number; pending: number } {
    const p = new ToyProgram();
    const log = loggingHandler(p, signals, mask);
    const set = p.quads([signals.reduce((m, s) => m | bit(s), 0n)]);
    const pending = p.space(8);
    p.sys(SYS.rt_sigprocmask, SIG_BLOCK, set, 0, 8).record('block');
    p.sys(SYS.getpid).emit('mov', R9, 0);
    for (const signo of [SIG.USR2, SIG.USR1, RT + 1, RT, RT + 1, SIG.USR1]) p.sys(SYS.kill, reg(R9), signo);
    p.sys(SYS.rt_sigpending, pending, 8).record('sigpending');
    p.sys(SYS.rt_sigprocmask, SIG_UNBLOCK, set, 0, 8).record('unblock');
    p.sys(SYS.exit_group, 0);
    return { p, log, pending };
  }

  it('with every signal in sa_mask, handlers run lowest number first, a real-time signal once per kill, a standard one once however often sent', () => {
    const { p, log, pending } = program(ALL);
    const r = runToy(p);
    expect(r.exitCode).toBe(0);
    expect(r.memory.read64(pending)).toBe(bit(SIG.USR1) | bit(SIG.USR2) | bit(RT) | bit(RT + 1));
    expect(logOf(r, log)).toEqual([SIG.USR1, SIG.USR2, RT, RT + 1, RT + 1]);
  });

  it('with an empty sa_mask, each frame is pushed on the previous one before returning, so the handlers run highest first (a second RT+1 waits for the first to return)', () => {
    const { p, log } = program(0n);
    const r = runToy(p);
    expect(logOf(r, log)).toEqual([RT + 1, RT + 1, RT, SIG.USR2, SIG.USR1]);
  });

  it('a signal sent to itself while unblocked is handled before kill returns', () => {
    const p = new ToyProgram();
    const log = loggingHandler(p, [SIG.USR1], 0n);
    p.sys(SYS.getpid).emit('mov', R9, 0);
    p.sys(SYS.kill, reg(R9), SIG.USR1).record('kill');
    p.loadQuad(R7, log).record('logged before the next instruction', R7);
    p.sys(SYS.exit_group, 0);
    const r = runToy(p);
    expect(r.n('kill')).toBe(0);
    expect(r.n('logged before the next instruction')).toBe(SIG.USR1);
  });
});

describe('rt_sigaction, rt_sigprocmask and kill arguments', () => {
  it('SIGKILL cannot be caught (EINVAL) but can be queried; sigsetsize other than 8 is EINVAL; SIGKILL and SIGSTOP are silently left out of the mask; oldact and oldset show what was', () => {
    const p = new ToyProgram();
    const act = p.quads([0x12340n, 0, 0]);
    const old = p.space(24);
    const old2 = p.space(24);
    const oldset = p.space(8);
    const set = p.quads([bit(SIG.KILL) | bit(19) | bit(SIG.USR1)]); // 19: SIGSTOP
    p.sys(SYS.rt_sigaction, SIG.KILL, act, 0, 8).record('catch SIGKILL');
    p.sys(SYS.rt_sigaction, SIG.KILL, 0, old, 8).record('query SIGKILL');
    p.sys(SYS.rt_sigaction, SIG.USR2, act, 0, 8).record('set USR2');
    p.sys(SYS.rt_sigaction, SIG.USR2, 0, old2, 8).record('query USR2');
    p.sys(SYS.rt_sigaction, 65, act, 0, 8).record('signal 65');
    p.sys(SYS.rt_sigaction, SIG.USR2, act, 0, 4).record('sigsetsize 4');
    p.sys(SYS.rt_sigprocmask, SIG_BLOCK, set, 0, 8).record('block');
    p.sys(SYS.rt_sigprocmask, SIG_BLOCK, 0, oldset, 8).record('read mask');
    p.sys(SYS.rt_sigprocmask, 7, set, 0, 8).record('bad how');
    p.sys(SYS.rt_sigprocmask, SIG_BLOCK, set, 0, 4).record('mask sigsetsize 4');
    const r = runToy(p.sys(SYS.exit_group, 0));
    expect(r.n('catch SIGKILL')).toBe(E.EINVAL);
    expect(r.n('query SIGKILL')).toBe(0);
    expect(r.memory.read64(old)).toBe(0n); // SIG_DFL
    expect([r.n('set USR2'), r.n('query USR2')]).toEqual([0, 0]);
    expect(r.memory.read64(old2)).toBe(0x12340n);
    expect(r.n('signal 65')).toBe(E.EINVAL);
    expect(r.n('sigsetsize 4')).toBe(E.EINVAL);
    expect([r.n('block'), r.n('read mask')]).toEqual([0, 0]);
    expect(r.memory.read64(oldset)).toBe(bit(SIG.USR1));
    expect(r.n('bad how')).toBe(E.EINVAL);
    expect(r.n('mask sigsetsize 4')).toBe(E.EINVAL);
  });

  it('kill with signal 0 checks only that the process exists; a signal number over 64 is EINVAL; no such pid is ESRCH', () => {
    const p = new ToyProgram();
    p.sys(SYS.getpid).emit('mov', R9, 0);
    p.sys(SYS.kill, reg(R9), 0).record('signal 0');
    p.sys(SYS.kill, reg(R9), 65).record('signal 65');
    p.sys(SYS.kill, 0x3fff_fff0, SIG.USR1).record('no such pid');
    const r = runToy(p.sys(SYS.exit_group, 0));
    expect(r.n('signal 0')).toBe(0);
    expect(r.n('signal 65')).toBe(E.EINVAL);
    expect(r.n('no such pid')).toBe(-3); // ESRCH
    expect(r.exitCode).toBe(0);
  });
});
