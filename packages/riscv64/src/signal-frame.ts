import type { AltStack, Cpu, SignalFrameRequest, SignalFrames } from '@arm64kit/core';
import { F, FCSR, NO_RESERVATION, PC, RA, RES_ADDR, SP } from './state.js';

/**
 * Linux's riscv `struct rt_sigframe` (arch/riscv/kernel/signal.c): siginfo, then a ucontext whose
 * sigcontext (16-aligned) holds pc and x1–x31 (`user_regs_struct`), then the D state f0–f31 and
 * fcsr, in a 528-byte union whose last 8 bytes are the extension header list's terminator
 * (magic 0, size 0). Offsets are from the start of the frame.
 */
const INFO = 0;
const UC = 128;
const UC_FLAGS = UC;
const UC_LINK = UC + 8;
const UC_STACK = UC + 16; // ss_sp, ss_flags (int), ss_size
const UC_SIGMASK = UC + 40;
const MCONTEXT = UC + 176;
const REGS = MCONTEXT; // pc, then x1–x31
const FP_STATE = MCONTEXT + 256;
const FCSR_AT = FP_STATE + 256;
/** sizeof(struct rt_sigframe). */
export const RT_SIGFRAME_SIZE = FP_STATE + 528;

/** `li a7, 139 (rt_sigreturn); ecall`: the vDSO's `__vdso_rt_sigreturn`. */
const TRAMPOLINE = new Uint8Array(new Uint32Array([0x08b00893, 0x00000073]).buffer);

/** asm-generic MINSIGSTKSZ, which riscv uses. */
const MINSIGSTKSZ = 2048;

function buildFrame(cpu: Cpu, request: SignalFrameRequest): Uint8Array {
  const bytes = new Uint8Array(RT_SIGFRAME_SIZE);
  const v = new DataView(bytes.buffer);
  const u64 = (at: number, value: bigint) => v.setBigUint64(at, BigInt.asUintN(64, value), true);
  // The riscv kernel copies siginfo and passes it whether or not SA_SIGINFO asked for it.
  bytes.set(request.siginfo.subarray(0, 128), INFO);
  u64(UC_FLAGS, 0n);
  u64(UC_LINK, 0n);
  u64(UC_STACK, request.altStack.sp);
  v.setInt32(UC_STACK + 8, request.altStack.flags | 0, true);
  u64(UC_STACK + 16, request.altStack.size);
  u64(UC_SIGMASK, request.mask);
  u64(REGS, request.resumePc);
  for (let i = 1; i < 32; i++) u64(REGS + 8 * i, cpu.regs[i]);
  for (let i = 0; i < 32; i++) u64(FP_STATE + 8 * i, cpu.regs[F(i)]);
  v.setUint32(FCSR_AT, Number(cpu.regs[FCSR] & 0xffn), true);
  return bytes;
}

/** RISC-V Linux signal frames. */
export const riscv64SignalFrames: SignalFrames = {
  trampoline: TRAMPOLINE,
  minStackSize: MINSIGSTKSZ,

  pushFrame(cpu, memory, request) {
    const frame = (request.stackTop - BigInt(RT_SIGFRAME_SIZE)) & ~15n;
    memory.writeBytes(Number(frame), buildFrame(cpu, request));
    cpu.regs[10] = BigInt(request.signo);
    cpu.regs[11] = frame + BigInt(INFO);
    cpu.regs[12] = frame + BigInt(UC);
    cpu.regs[RA] = request.restorer;
    cpu.regs[SP] = frame;
    cpu.regs[PC] = request.handler;
    cpu.regs[RES_ADDR] = NO_RESERVATION; // a trap ends any LR reservation
  },

  popFrame(cpu, memory) {
    const base = Number(cpu.regs[SP]);
    // The extension header list must end right away: this frame carries no V state.
    if (memory.read32(base + FP_STATE + 520) !== 0 || memory.read32(base + FP_STATE + 524) !== 0) return null;
    cpu.regs[PC] = memory.read64(base + REGS);
    for (let i = 1; i < 32; i++) cpu.regs[i] = memory.read64(base + REGS + 8 * i);
    for (let i = 0; i < 32; i++) cpu.regs[F(i)] = memory.read64(base + FP_STATE + 8 * i);
    cpu.regs[FCSR] = BigInt(memory.read32(base + FCSR_AT) & 0xff);
    cpu.regs[RES_ADDR] = NO_RESERVATION;
    const altStack: AltStack = {
      sp: memory.read64(base + UC_STACK),
      flags: memory.read32(base + UC_STACK + 8),
      size: memory.read64(base + UC_STACK + 16),
    };
    return { mask: memory.read64(base + UC_SIGMASK), altStack };
  },
};
