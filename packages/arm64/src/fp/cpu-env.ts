import type { Cpu } from '@arm64kit/core';
import { FPCR, FPSR, vHi, vLo } from '../state.js';
import type { FPEnv } from './env.js';

/**
 * FPCR/FPSR of a guest CPU seen as an `FPEnv`. Helpers call `envOf(cpu)` on entry: one shared
 * object, re-pointed at the CPU of the call, so no allocation happens per instruction.
 */
class CpuFPEnv implements FPEnv {
  cpu!: Cpu;
  get fpcr(): number {
    return this.cpu.regs32[2 * FPCR];
  }
  set fpcr(v: number) {
    this.cpu.regs32[2 * FPCR] = v;
  }
  get fpsr(): number {
    return this.cpu.regs32[2 * FPSR];
  }
  set fpsr(v: number) {
    this.cpu.regs32[2 * FPSR] = v;
  }
}

const shared = new CpuFPEnv();

export function envOf(cpu: Cpu): FPEnv {
  shared.cpu = cpu;
  return shared;
}

/** Index of lane 0 of Vn for a lane size (64: slot, 32: 32-bit index, 16: 16-bit index). */
export function laneIndex(size: number, n: number): number {
  const slot = vLo(n);
  return size === 64 ? slot : size === 32 ? 2 * slot : 4 * slot;
}

/**
 * A scalar FP write (Hd/Sd/Dd) clears the rest of the 128-bit register. `clearing(size, d)` gives
 * a function specialised at lift time, so the per-instruction cost is two or three stores.
 */
export function clearing(size: number, d: number): (cpu: Cpu) => void {
  const lo = 2 * vLo(d);
  const hi = 2 * vHi(d);
  if (size === 64) {
    return (cpu) => {
      const r = cpu.regs32;
      r[hi] = 0;
      r[hi + 1] = 0;
    };
  }
  if (size === 32) {
    return (cpu) => {
      const r = cpu.regs32;
      r[lo + 1] = 0;
      r[hi] = 0;
      r[hi + 1] = 0;
    };
  }
  return (cpu) => {
    const r = cpu.regs32;
    r[lo] &= 0xffff;
    r[lo + 1] = 0;
    r[hi] = 0;
    r[hi + 1] = 0;
  };
}
