import { Cpu, PagedMemory, PROT_READ, PROT_WRITE } from '@arm64kit/core';
import { describe, expect, it } from 'vitest';
import { RT_SIGFRAME_SIZE, riscv64SignalFrames } from './signal-frame.js';
import { F, FCSR, PC, registerLayout, SP } from './state.js';

describe('riscv64 signal frames', () => {
  it('save the context where the kernel does and rt_sigreturn restores it', () => {
    const memory = new PagedMemory({ initialBytes: 1 << 20 });
    const stack = memory.map(0x100000, 0x4000, PROT_READ | PROT_WRITE, true);
    const cpu = new Cpu(registerLayout, memory, () => memory.buffer, 0);
    for (let i = 1; i < 32; i++) cpu.regs[i] = BigInt(i * 0x101);
    for (let i = 0; i < 32; i++) cpu.regs[F(i)] = 0xffffffff00000000n | BigInt(i);
    cpu.regs[FCSR] = 0x25n;
    const top = BigInt(stack + 0x4000);
    cpu.regs[SP] = top;
    const siginfo = new Uint8Array(128).fill(7);
    const request = {
      signo: 10,
      handler: 0x5000n,
      withInfo: false,
      siginfo,
      restorer: 0x6000n,
      stackTop: top,
      resumePc: 0x1234n,
      mask: 0x200n,
      altStack: { sp: 0n, flags: 2, size: 0n },
      faultAddress: 0n,
    };
    riscv64SignalFrames.pushFrame(cpu, memory, request);
    const frame = (top - BigInt(RT_SIGFRAME_SIZE)) & ~15n;
    expect(cpu.regs[SP]).toBe(frame);
    expect([cpu.regs[10], cpu.regs[11], cpu.regs[12]]).toEqual([10n, frame, frame + 128n]);
    expect([cpu.regs[1], cpu.regs[PC]]).toEqual([0x6000n, 0x5000n]);
    // glibc's ucontext_t: uc_mcontext at 176, its __gregs[0] the pc, then x1–x31.
    expect(memory.read64(Number(frame) + 128 + 176)).toBe(0x1234n);
    expect(memory.read64(Number(frame) + 128 + 176 + 8 * 5)).toBe(5n * 0x101n);
    expect(memory.read32(Number(frame) + 128 + 176 + 256 + 256)).toBe(0x25);
    for (let i = 1; i < 32; i++) cpu.regs[i] = 0n;
    cpu.regs[SP] = frame;
    cpu.regs[FCSR] = 0n;
    expect(riscv64SignalFrames.popFrame(cpu, memory)).toEqual({ mask: 0x200n, altStack: request.altStack });
    expect([cpu.regs[PC], cpu.regs[SP], cpu.regs[5], cpu.regs[FCSR]]).toEqual([0x1234n, top, 0x505n, 0x25n]);
  });
});
