import type { Cpu } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { FLAG_C, FLAG_N, FLAG_V, FLAG_Z, vLo } from '../state.js';
import { FPCR_FZ, FPSR_IDC, FPSR_IOC, FPSR_IXC } from './control.js';
import { envOf } from './cpu-env.js';

/**
 * FJCVTZS (FEAT_JSCVT): a double to a 32-bit integer the way JavaScript's ToInt32 does it (toward
 * zero, modulo 2^32), with Z set exactly when the conversion was exact and in range (N, C, V clear).
 */
function fjcvtzs(cpu: Cpu, d: number, n: number): void {
  const env = envOf(cpu);
  const bits = cpu.regs[vLo(n)];
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const negative = bits >> 63n === 1n;
  let z = 1;
  let result = 0;
  if (exponent === 0x7ff) {
    env.fpsr |= FPSR_IOC; // NaN or infinity
    z = 0;
  } else if (exponent === 0 && fraction !== 0n && env.fpcr & FPCR_FZ) {
    env.fpsr |= FPSR_IDC; // flushed to zero, then converted like a zero of that sign
    z = negative ? 0 : 1;
  } else {
    const value = cpu.f64[vLo(n)];
    const truncated = Math.trunc(value);
    result = Number(BigInt.asIntN(32, BigInt(truncated)));
    if (truncated < -(2 ** 31) || truncated > 2 ** 31 - 1) {
      env.fpsr |= FPSR_IOC;
      z = 0;
    } else if (truncated !== value) {
      env.fpsr |= FPSR_IXC;
      z = 0;
    } else if (value === 0 && negative) z = 0;
  }
  if (d !== 31) cpu.regs[d] = BigInt(result >>> 0);
  cpu.regs[FLAG_N] = 0n;
  cpu.regs[FLAG_Z] = z ? 0n : 1n;
  cpu.regs[FLAG_C] = 0n;
  cpu.regs[FLAG_V] = 0n;
}

function liftFjcvtzs(f: Fields, c: LiftContext): void {
  const { d, n } = f;
  c.b.callHelper((cpu: Cpu) => fjcvtzs(cpu, d, n));
}

export const jscvtForms: readonly A64Form[] = [
  form('FJCVTZS', '0 00 11110 01 1 11 110 000000 nnnnn ddddd', liftFjcvtzs, ['FP_int_convert']),
];
