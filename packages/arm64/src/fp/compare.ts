import { compareExact, minMaxExact, NZCV_EQUAL, NZCV_GREATER, NZCV_LESS } from './compare-exact.js';
import { FPCR_FZ } from './control.js';
import type { FPEnv } from './env.js';
import { DOUBLE, SINGLE } from './format.js';
import type { RegisterFile } from './regfile.js';

/**
 * FCMP/FCMPE (and the comparison inside FCCMP/FCCMPE) and FMAX/FMIN/FMAXNM/FMINNM on lanes.
 * A lane index of -1 stands for the #0.0 operand of the compare-with-zero forms.
 */

/** Biased exponent in the low bits: 0 = zero/denormal, max = inf/NaN. */
function exp64(rf: RegisterFile, slot: number): number {
  return slot < 0 ? 1 : (rf.regs32[2 * slot + 1] >>> 20) & 0x7ff;
}
function exp32(rf: RegisterFile, i: number): number {
  return i < 0 ? 1 : (rf.regs32[i] >>> 23) & 0xff;
}

function nzcvOf(a: number, b: number): number {
  return a === b ? NZCV_EQUAL : a < b ? NZCV_LESS : NZCV_GREATER;
}

/** Returns NZCV in bits 31..28 (the FPSR's NZCV layout, as MSR NZCV expects). */
export function fcmp64(rf: RegisterFile, env: FPEnv, n: number, m: number, signalAll: boolean): number {
  const en = exp64(rf, n);
  const em = exp64(rf, m);
  // Fast when neither operand is inf/NaN and no denormal needs flushing.
  if (en !== 0x7ff && em !== 0x7ff && ((en !== 0 && em !== 0) || (env.fpcr & FPCR_FZ) === 0)) {
    return nzcvOf(n < 0 ? 0 : rf.f64[n], m < 0 ? 0 : rf.f64[m]);
  }
  return compareExact(env, DOUBLE, n < 0 ? 0n : rf.regs[n], m < 0 ? 0n : rf.regs[m], signalAll);
}

export function fcmp32(rf: RegisterFile, env: FPEnv, n: number, m: number, signalAll: boolean): number {
  const en = exp32(rf, n);
  const em = exp32(rf, m);
  if (en !== 0xff && em !== 0xff && ((en !== 0 && em !== 0) || (env.fpcr & FPCR_FZ) === 0)) {
    return nzcvOf(n < 0 ? 0 : rf.f32[n], m < 0 ? 0 : rf.f32[m]);
  }
  const a = n < 0 ? 0n : BigInt(rf.regs32[n] >>> 0);
  return compareExact(env, SINGLE, a, m < 0 ? 0n : BigInt(rf.regs32[m] >>> 0), signalAll);
}

/** op: 0 = FMAX, 1 = FMIN, 2 = FMAXNM, 3 = FMINNM. */
export function fminmax64(rf: RegisterFile, env: FPEnv, d: number, n: number, m: number, op: number): void {
  const en = exp64(rf, n);
  const em = exp64(rf, m);
  if (en !== 0x7ff && em !== 0x7ff && en !== 0 && em !== 0) {
    const a = rf.f64[n];
    const b = rf.f64[m];
    rf.f64[d] = (op & 1) === 0 ? Math.max(a, b) : Math.min(a, b); // both normal: no NaN or signed-zero subtleties
    return;
  }
  rf.regs[d] = minMaxExact(env, DOUBLE, rf.regs[n], rf.regs[m], (op & 1) === 0, op >= 2);
}

export function fminmax32(rf: RegisterFile, env: FPEnv, d: number, n: number, m: number, op: number): void {
  const en = exp32(rf, n);
  const em = exp32(rf, m);
  if (en !== 0xff && em !== 0xff && en !== 0 && em !== 0) {
    const a = rf.f32[n];
    const b = rf.f32[m];
    rf.f32[d] = (op & 1) === 0 ? Math.max(a, b) : Math.min(a, b); // both normal: no NaN or signed-zero subtleties
    return;
  }
  const r = minMaxExact(
    env,
    SINGLE,
    BigInt(rf.regs32[n] >>> 0),
    BigInt(rf.regs32[m] >>> 0),
    (op & 1) === 0,
    op >= 2,
  );
  rf.regs32[d] = Number(r) | 0;
}
