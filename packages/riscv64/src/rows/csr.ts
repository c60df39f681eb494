import type { Cpu, Value } from '@arm64kit/core';
import type { LiftContext, Lifter } from '../lift/context.js';
import { FCSR } from '../state.js';
import { row } from './row.js';

/**
 * Zicsr as Linux lets user mode use it: the FP CSRs (fflags, frm, fcsr) and the read-only
 * counters cycle, time and instret (the kernel enables all three for user mode). Any other CSR,
 * or a write to a counter, is an illegal instruction (SIGILL).
 */

const FFLAGS = 0x001;
const FRM = 0x002;
const FCSR_NUM = 0x003;
const CYCLE = 0xc00;
const TIME = 0xc01;
const INSTRET = 0xc02;

/** The timer the counters show: nanoseconds of the host's monotonic clock (a 1 GHz timebase). */
function counter(_cpu: Cpu): bigint {
  return process.hrtime.bigint();
}

interface CsrAccess {
  read(c: LiftContext): Value;
  write?(c: LiftContext, v: Value): void;
}

const csrs = new Map<number, CsrAccess>([
  [
    FFLAGS,
    {
      read: (c) => c.b.and(c.b.getReg(FCSR), 0x1fn),
      write: (c, v) => c.b.setReg(FCSR, c.b.or(c.b.and(c.b.getReg(FCSR), 0xe0n), c.b.and(v, 0x1fn))),
    },
  ],
  [
    FRM,
    {
      read: (c) => c.b.and(c.b.shrU(c.b.getReg(FCSR), 5n), 7n),
      write: (c, v) =>
        c.b.setReg(FCSR, c.b.or(c.b.and(c.b.getReg(FCSR), 0x1fn), c.b.shl(c.b.and(v, 7n), 5n))),
    },
  ],
  [FCSR_NUM, { read: (c) => c.b.getReg(FCSR), write: (c, v) => c.b.setReg(FCSR, c.b.and(v, 0xffn)) }],
  [CYCLE, { read: (c) => c.b.callHelper(counter, [], 'i64') }],
  [TIME, { read: (c) => c.b.callHelper(counter, [], 'i64') }],
  [INSTRET, { read: (c) => c.b.callHelper(counter, [], 'i64') }],
]);

type Combine = (c: LiftContext, old: Value, v: Value) => Value;

/**
 * CSRRW/CSRRS/CSRRC and their immediate forms. `writes` says whether the instruction writes the
 * CSR at all: CSRRS/CSRRC with rs1 = x0 (or uimm = 0) only read, which is how rdcycle and frflags
 * work on read-only or read-write CSRs alike.
 */
const csrOp =
  (combine: Combine, immediate: boolean, alwaysWrites: boolean): Lifter =>
  (f, c) => {
    const csr = csrs.get(f.i);
    if (!csr) return false;
    const writes = alwaysWrites || f.s !== 0;
    if (writes && !csr.write) return false;
    const old = csr.read(c);
    if (writes) {
      const operand = immediate ? c.b.const64(BigInt(f.s)) : c.x(f.s);
      csr.write?.(c, combine(c, old, operand));
    }
    c.setX(f.d, old);
  };

const assign: Combine = (_c, _old, v) => v;
const set: Combine = (c, old, v) => c.b.or(old, v);
const clear: Combine = (c, old, v) => c.b.and(old, c.b.not(v));

export const csrRows = [
  row('CSRRW', 'iiiiiiiiiiii sssss 001 ddddd 1110011', csrOp(assign, false, true)),
  row('CSRRS', 'iiiiiiiiiiii sssss 010 ddddd 1110011', csrOp(set, false, false)),
  row('CSRRC', 'iiiiiiiiiiii sssss 011 ddddd 1110011', csrOp(clear, false, false)),
  row('CSRRWI', 'iiiiiiiiiiii sssss 101 ddddd 1110011', csrOp(assign, true, true)),
  row('CSRRSI', 'iiiiiiiiiiii sssss 110 ddddd 1110011', csrOp(set, true, false)),
  row('CSRRCI', 'iiiiiiiiiiii sssss 111 ddddd 1110011', csrOp(clear, true, false)),
];
