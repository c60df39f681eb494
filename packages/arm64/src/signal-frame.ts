import type { AltStack, Cpu, GuestMemory, SignalFrameRequest, SignalFrames } from '@arm64kit/core';
import {
  EXCL_ADDR,
  FLAG_C,
  FLAG_N,
  FLAG_V,
  FLAG_Z,
  FPCR,
  FPSR,
  NO_EXCLUSIVE,
  PC,
  PSTATE_BITS,
  PSTATE_DIT,
  PSTATE_SSBS,
  SP,
  vHi,
  vLo,
} from './state.js';

/**
 * Linux's arm64 `struct rt_sigframe` (arch/arm64/kernel/signal.c): siginfo, then a ucontext
 * whose mcontext ends in 4 KiB of records — here an FPSIMD record and the terminator — and,
 * above the frame, an {fp, lr} pair that x29 points at so unwinders can walk through handlers.
 * Offsets are from the start of the frame.
 */
const INFO = 0;
const UC = 128;
const UC_FLAGS = UC;
const UC_LINK = UC + 8;
const UC_STACK = UC + 16; // ss_sp, ss_flags (int), ss_size
const UC_SIGMASK = UC + 40;
const MCONTEXT = UC + 176;
const FAULT_ADDRESS = MCONTEXT;
const REGS = MCONTEXT + 8; // x0–x30
const SAVED_SP = MCONTEXT + 256;
const SAVED_PC = MCONTEXT + 264;
const PSTATE = MCONTEXT + 272;
const RESERVED = MCONTEXT + 288;
const RESERVED_SIZE = 4096;
/** sizeof(struct rt_sigframe). */
export const RT_SIGFRAME_SIZE = RESERVED + RESERVED_SIZE;
/** The frame record (fp, lr) sits right above the frame. */
const FRAME_RECORD = RT_SIGFRAME_SIZE;
const TOTAL = RT_SIGFRAME_SIZE + 16;

/** struct fpsimd_context: head {magic, size}, fpsr, fpcr, then V0–V31 (16-byte aligned). */
export const FPSIMD_MAGIC = 0x46508001;
const FPSIMD_SIZE = 528;
const FPSIMD_FPSR = 8;
const FPSIMD_FPCR = 12;
const FPSIMD_VREGS = 16;

/** The bits of FPSR and FPCR that exist in this CPU (as MSR keeps them). */
const FPSR_MASK = 0xf800009fn;
const FPCR_MASK = 0x07f70000n;

/** `mov x8, #139 (rt_sigreturn); svc #0`: what the vDSO's sigreturn trampoline and QEMU's run. */
const TRAMPOLINE = new Uint8Array(new Uint32Array([0xd2801168, 0xd4000001]).buffer);

/** arm64's MINSIGSTKSZ (arch/arm64/include/uapi/asm/signal.h). */
const MINSIGSTKSZ = 5120;

const SIGN = 1n << 63n;

/** NZCV in PSTATE bits 31:28, from the split flag slots (EL0t, everything else clear). */
function pstateOf(cpu: Cpu): bigint {
  const n = cpu.regs[FLAG_N] & SIGN ? 1n << 31n : 0n;
  const z = cpu.regs[FLAG_Z] === 0n ? 1n << 30n : 0n;
  const c = cpu.regs[FLAG_C] ? 1n << 29n : 0n;
  const v = cpu.regs[FLAG_V] & SIGN ? 1n << 28n : 0n;
  return n | z | c | v | (cpu.regs[PSTATE_BITS] & (PSTATE_SSBS | PSTATE_DIT));
}

function setPstate(cpu: Cpu, pstate: bigint): void {
  cpu.regs[FLAG_N] = pstate & (1n << 31n) ? SIGN : 0n;
  cpu.regs[FLAG_Z] = pstate & (1n << 30n) ? 0n : 1n;
  cpu.regs[FLAG_C] = pstate & (1n << 29n) ? 1n : 0n;
  cpu.regs[FLAG_V] = pstate & (1n << 28n) ? SIGN : 0n;
  cpu.regs[PSTATE_BITS] = pstate & (PSTATE_SSBS | PSTATE_DIT);
}

function buildFrame(cpu: Cpu, request: SignalFrameRequest): Uint8Array {
  const bytes = new Uint8Array(TOTAL);
  const v = new DataView(bytes.buffer);
  const u64 = (at: number, value: bigint) => v.setBigUint64(at, BigInt.asUintN(64, value), true);
  if (request.withInfo) bytes.set(request.siginfo.subarray(0, 128), INFO);
  u64(UC_FLAGS, 0n);
  u64(UC_LINK, 0n);
  u64(UC_STACK, request.altStack.sp);
  v.setInt32(UC_STACK + 8, request.altStack.flags | 0, true);
  u64(UC_STACK + 16, request.altStack.size);
  u64(UC_SIGMASK, request.mask);
  u64(FAULT_ADDRESS, request.faultAddress);
  for (let i = 0; i < 31; i++) u64(REGS + 8 * i, cpu.regs[i]);
  u64(SAVED_SP, cpu.regs[SP]);
  u64(SAVED_PC, request.resumePc);
  u64(PSTATE, pstateOf(cpu));
  const fp = RESERVED;
  v.setUint32(fp, FPSIMD_MAGIC, true);
  v.setUint32(fp + 4, FPSIMD_SIZE, true);
  v.setUint32(fp + FPSIMD_FPSR, Number(cpu.regs[FPSR] & FPSR_MASK), true);
  v.setUint32(fp + FPSIMD_FPCR, Number(cpu.regs[FPCR] & FPCR_MASK), true);
  for (let n = 0; n < 32; n++) {
    u64(fp + FPSIMD_VREGS + 16 * n, cpu.regs[vLo(n)]);
    u64(fp + FPSIMD_VREGS + 16 * n + 8, cpu.regs[vHi(n)]);
  }
  // The terminator record (magic 0, size 0) follows; the bytes are already zero.
  u64(FRAME_RECORD, cpu.regs[29]);
  u64(FRAME_RECORD + 8, cpu.regs[30]);
  return bytes;
}

/** Walks the records of `__reserved`; returns the FPSIMD record's offset, or -1 for a bad list. */
function findFpsimd(memory: GuestMemory, frame: number): number {
  let found = -1;
  let at = RESERVED;
  while (at + 8 <= RESERVED + RESERVED_SIZE) {
    const magic = memory.read32(frame + at);
    const size = memory.read32(frame + at + 4);
    if (magic === 0) return size === 0 ? found : -1;
    if (magic !== FPSIMD_MAGIC || size !== FPSIMD_SIZE || found !== -1) return -1;
    found = at;
    at += size;
  }
  return -1;
}

/** AArch64 Linux signal frames. */
export const aarch64SignalFrames: SignalFrames = {
  trampoline: TRAMPOLINE,
  minStackSize: MINSIGSTKSZ,

  pushFrame(cpu, memory, request) {
    // As the kernel: the frame record 16-aligned below the stack top, the frame below it.
    const record = (request.stackTop - 16n) & ~15n;
    const frame = record - BigInt(RT_SIGFRAME_SIZE);
    memory.writeBytes(Number(frame), buildFrame(cpu, request));
    cpu.regs[0] = BigInt(request.signo);
    if (request.withInfo) {
      cpu.regs[1] = frame + BigInt(INFO);
      cpu.regs[2] = frame + BigInt(UC);
    }
    cpu.regs[29] = record;
    cpu.regs[30] = request.restorer;
    cpu.regs[SP] = frame;
    cpu.regs[PC] = request.handler;
    cpu.regs[EXCL_ADDR] = NO_EXCLUSIVE; // exception entry clears the exclusive monitor
  },

  popFrame(cpu, memory) {
    const frame = cpu.regs[SP];
    if (frame & 15n) return null;
    const base = Number(frame);
    const fp = findFpsimd(memory, base);
    if (fp < 0) return null;
    for (let i = 0; i < 31; i++) cpu.regs[i] = memory.read64(base + REGS + 8 * i);
    cpu.regs[SP] = memory.read64(base + SAVED_SP);
    cpu.regs[PC] = memory.read64(base + SAVED_PC);
    setPstate(cpu, memory.read64(base + PSTATE));
    cpu.regs[FPSR] = BigInt(memory.read32(base + fp + FPSIMD_FPSR)) & FPSR_MASK;
    cpu.regs[FPCR] = BigInt(memory.read32(base + fp + FPSIMD_FPCR)) & FPCR_MASK;
    for (let n = 0; n < 32; n++) {
      cpu.regs[vLo(n)] = memory.read64(base + fp + FPSIMD_VREGS + 16 * n);
      cpu.regs[vHi(n)] = memory.read64(base + fp + FPSIMD_VREGS + 16 * n + 8);
    }
    cpu.regs[EXCL_ADDR] = NO_EXCLUSIVE;
    const altStack: AltStack = {
      sp: memory.read64(base + UC_STACK),
      flags: memory.read32(base + UC_STACK + 8),
      size: memory.read64(base + UC_STACK + 16),
    };
    return { mask: memory.read64(base + UC_SIGMASK), altStack };
  },
};
