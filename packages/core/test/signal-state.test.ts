import { describe, expect, it } from 'vitest';
import {
  SA,
  SIG_IGN,
  SignalQueue,
  SignalState,
  SS_AUTODISARM,
  SS_DISABLE,
  SS_ONSTACK,
  sigbit,
} from '../src/linux/signal-state.js';

const info = (n: number) => new Uint8Array([n]);
const handler = (flags = 0) => ({ handler: 0x1000n, flags, restorer: 0n, mask: 0n });

describe('signal bookkeeping', () => {
  it('takes synchronous signals first, then the lowest number, skipping blocked ones', () => {
    const s = new SignalState();
    for (const n of [12, 10, 34, 11]) s.setAction(n, handler());
    for (const n of [12, 10, 34, 11]) s.post(n, info(n), null, s.mask);
    expect(s.next(0n)).toBe(11);
    expect(s.next(sigbit(11))).toBe(10);
    expect(s.next(sigbit(11) | sigbit(10) | sigbit(12))).toBe(34);
    expect(s.next(~0n)).toBe(0);
  });

  it('keeps one instance of a standard signal and queues real-time ones with their siginfo', () => {
    const s = new SignalState();
    s.setAction(10, handler());
    s.setAction(40, handler());
    s.post(10, info(1), null, s.mask);
    s.post(10, info(2), null, s.mask);
    s.post(40, info(3), null, s.mask);
    s.post(40, info(4), null, s.mask);
    expect(s.take(10)).toEqual(info(1));
    expect(s.next(0n)).toBe(40);
    expect(s.take(40)).toEqual(info(3));
    expect(s.take(40)).toEqual(info(4));
    expect(s.pending).toBe(0n);
  });

  it('drops ignored signals unless blocked, and discards pending ones when they become ignored', () => {
    const s = new SignalState();
    s.post(17, info(0), null, s.mask); // SIGCHLD: ignored by default
    s.setAction(10, { ...handler(), handler: SIG_IGN });
    s.post(10, info(0), null, s.mask);
    expect(s.pending).toBe(0n);
    s.mask = sigbit(10);
    s.post(10, info(0), null, s.mask);
    expect(s.pending).toBe(sigbit(10));
    s.setAction(10, { ...handler(), handler: SIG_IGN });
    expect(s.pending).toBe(0n);
  });

  it("keeps a thread's own signals apart from the process's and takes its own first", () => {
    const first = {
      mask: 0n,
      savedMask: null,
      altStack: { sp: 0n, size: 0n, flags: SS_DISABLE },
      pending: new SignalQueue(),
    };
    const second = { ...first, pending: new SignalQueue() };
    const s = new SignalState([first, second]);
    s.thread = first;
    s.setAction(10, handler());
    s.setAction(12, handler());
    s.post(12, info(1), second, second.mask); // tgkill to the second thread
    s.post(10, info(2), null, first.mask); // kill to the process
    expect(s.pending).toBe(sigbit(10));
    expect(s.next(0n, sigbit(10))).toBe(0); // left to another thread
    s.thread = second;
    expect(s.pending).toBe(sigbit(10) | sigbit(12));
    expect(s.next(0n)).toBe(12); // its own before the process's, though higher
    expect(s.take(12)).toEqual(info(1));
    expect(s.take(10)).toEqual(info(2));
    s.post(12, info(3), first, first.mask);
    s.setAction(12, { ...handler(), handler: SIG_IGN }); // ignoring it discards it in every thread
    expect(first.pending.bits).toBe(0n);
  });

  it('never lets SIGKILL or SIGSTOP into a handler mask', () => {
    const s = new SignalState();
    s.setAction(10, { ...handler(SA.SIGINFO), mask: ~0n });
    expect(s.action(10).mask & (sigbit(9) | sigbit(19))).toBe(0n);
  });

  it('checks sigaltstack changes like the kernel', () => {
    const s = new SignalState();
    expect(s.altStackFlags(0x5000n)).toBe(SS_DISABLE);
    expect(s.setAltStack({ sp: 0x1000n, size: 100n, flags: 0 }, 0x9000n, 5120)).toBe(12);
    expect(s.setAltStack({ sp: 0x1000n, size: 0x4000n, flags: 77 }, 0x9000n, 5120)).toBe(22);
    expect(s.setAltStack({ sp: 0x1000n, size: 0x4000n, flags: 0 }, 0x9000n, 5120)).toBe(0);
    expect(s.altStackFlags(0x2000n)).toBe(SS_ONSTACK);
    expect(s.setAltStack({ sp: 0n, size: 0n, flags: SS_DISABLE }, 0x2000n, 5120)).toBe(1); // on it: EPERM
    expect(s.setAltStack({ sp: 0x1000n, size: 0x4000n, flags: SS_AUTODISARM }, 0x9000n, 5120)).toBe(0);
    expect(s.onAltStack(0x2000n)).toBe(false); // with SS_AUTODISARM nothing counts as on it
  });
});
