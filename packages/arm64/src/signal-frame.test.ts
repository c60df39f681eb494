import { GuestFault, Machine, PROT_READ, PROT_WRITE, type SignalFrameRequest } from '@arm64kit/core';
import { describe, expect, it } from 'vitest';
import { aarch64 } from './arch.js';
import { FPSIMD_MAGIC, RT_SIGFRAME_SIZE } from './signal-frame.js';
import { FLAG_C, FLAG_N, FLAG_V, FLAG_Z, FPCR, FPSR, PC, SLOT_COUNT, SP, vHi, vLo } from './state.js';

const STACK = 0x7000_0000;
const STACK_SIZE = 0x10000;
const TOP = BigInt(STACK + STACK_SIZE);

function machineWithStack() {
  const machine = new Machine(aarch64);
  machine.memory.map(STACK, STACK_SIZE, PROT_READ | PROT_WRITE, true);
  const cpu = machine.cpu;
  for (let i = 0; i < 31; i++) cpu.regs[i] = 0x1000n + BigInt(i);
  cpu.regs[SP] = TOP - 0x100n;
  cpu.regs[PC] = 0x400000n;
  // N and C set, Z and V clear (split form: N is the sign of FLAG_N, Z set when FLAG_Z is 0).
  cpu.regs[FLAG_N] = 1n << 63n;
  cpu.regs[FLAG_Z] = 1n;
  cpu.regs[FLAG_C] = 1n;
  cpu.regs[FLAG_V] = 0n;
  cpu.regs[FPSR] = 0x8000001n & 0xf800009fn;
  cpu.regs[FPCR] = 0x00c00000n;
  for (let n = 0; n < 32; n++) {
    cpu.regs[vLo(n)] = 0xaaaa_0000n + BigInt(n);
    cpu.regs[vHi(n)] = 0xbbbb_0000n + BigInt(n);
  }
  return machine;
}

function request(overrides: Partial<SignalFrameRequest> = {}): SignalFrameRequest {
  const siginfo = new Uint8Array(128);
  siginfo[0] = 11;
  return {
    signo: 11,
    handler: 0x401000n,
    withInfo: true,
    siginfo,
    restorer: 0x500000n,
    stackTop: TOP - 0x100n,
    resumePc: 0x400010n,
    mask: 0x1234n,
    altStack: { sp: 0n, flags: 2, size: 0n },
    faultAddress: 0xdead0000n,
    ...overrides,
  };
}

const frames = aarch64.signals as NonNullable<typeof aarch64.signals>;

describe('arm64 signal frames', () => {
  it('lays the frame out as Linux does and enters the handler', () => {
    const machine = machineWithStack();
    const { cpu, memory } = machine;
    frames.pushFrame(cpu, memory, request());
    const frame = Number(TOP - 0x100n) - 16 - RT_SIGFRAME_SIZE;
    expect(RT_SIGFRAME_SIZE).toBe(4688);
    expect(cpu.regs[SP]).toBe(BigInt(frame));
    expect(cpu.regs[PC]).toBe(0x401000n);
    expect(cpu.regs[0]).toBe(11n);
    expect(cpu.regs[1]).toBe(BigInt(frame)); // &info
    expect(cpu.regs[2]).toBe(BigInt(frame + 128)); // &uc
    expect(cpu.regs[29]).toBe(BigInt(frame + RT_SIGFRAME_SIZE)); // frame record
    expect(cpu.regs[30]).toBe(0x500000n);
    expect(memory.read32(frame)).toBe(11); // si_signo
    expect(memory.read64(frame + 168)).toBe(0x1234n); // uc_sigmask
    expect(memory.read64(frame + 304)).toBe(0xdead0000n); // fault_address
    expect(memory.read64(frame + 312 + 8 * 5)).toBe(0x1005n); // regs[5]
    expect(memory.read64(frame + 560)).toBe(TOP - 0x100n); // sp
    expect(memory.read64(frame + 568)).toBe(0x400010n); // pc
    expect(memory.read64(frame + 576)).toBe(0xa0000000n); // pstate: N and C
    expect(memory.read32(frame + 592)).toBe(FPSIMD_MAGIC);
    expect(memory.read32(frame + 596)).toBe(528);
    expect(memory.read64(frame + 608 + 16 * 3)).toBe(0xaaaa_0003n); // V3 low half
    expect(memory.read64(frame + 592 + 528)).toBe(0n); // terminator record
    expect(memory.read64(frame + RT_SIGFRAME_SIZE)).toBe(0x101dn); // saved x29
    expect(memory.read64(frame + RT_SIGFRAME_SIZE + 8)).toBe(0x101en); // saved x30
  });

  it('passes only the signal number without SA_SIGINFO', () => {
    const machine = machineWithStack();
    frames.pushFrame(machine.cpu, machine.memory, request({ withInfo: false }));
    expect(machine.cpu.regs[1]).toBe(0x1001n);
    expect(machine.cpu.regs[2]).toBe(0x1002n);
  });

  it('rt_sigreturn restores every register the frame saved, including changes made in it', () => {
    const machine = machineWithStack();
    const { cpu, memory } = machine;
    const before = cpu.regs.slice(0, SLOT_COUNT);
    frames.pushFrame(cpu, memory, request({ altStack: { sp: 0x1000n, flags: 0, size: 0x8000n } }));
    const frame = Number(cpu.regs[SP]);
    memory.write64(frame + 312 + 8 * 9, 42n); // the handler changes x9 in the context
    for (let i = 0; i < SLOT_COUNT; i++) cpu.regs[i] = 0n; // and clobbers everything live
    cpu.regs[SP] = BigInt(frame); // rt_sigreturn runs with SP at the frame
    const back = frames.popFrame(cpu, memory);
    expect(back).toEqual({ mask: 0x1234n, altStack: { sp: 0x1000n, flags: 0, size: 0x8000n } });
    for (let i = 0; i < SLOT_COUNT; i++) {
      const expected = i === 9 ? 42n : i === PC ? 0x400010n : before[i];
      if (i === FLAG_N || i === FLAG_Z || i === FLAG_V || (i >= 40 && i <= 43)) continue;
      expect([i, cpu.regs[i]]).toEqual([i, expected]);
    }
    // Flags come back as the same NZCV, in the split form's canonical values.
    expect(cpu.regs[FLAG_N] >> 63n).toBe(1n);
    expect(cpu.regs[FLAG_Z]).not.toBe(0n);
    expect(cpu.regs[FLAG_V] >> 63n).toBe(0n);
  });

  it('refuses frames it did not write: a misaligned stack pointer or a damaged record list', () => {
    const machine = machineWithStack();
    const { cpu, memory } = machine;
    frames.pushFrame(cpu, memory, request());
    const frame = cpu.regs[SP];
    cpu.regs[SP] = frame + 8n;
    expect(frames.popFrame(cpu, memory)).toBeNull();
    cpu.regs[SP] = frame;
    memory.write32(Number(frame) + 592, 0x12345678);
    expect(frames.popFrame(cpu, memory)).toBeNull();
  });

  it('throws GuestFault and leaves the registers alone when the frame cannot be written', () => {
    const machine = machineWithStack();
    const { cpu, memory } = machine;
    const before = cpu.regs.slice(0, SLOT_COUNT);
    expect(() => frames.pushFrame(cpu, memory, request({ stackTop: BigInt(STACK) + 0x100n }))).toThrow(
      GuestFault,
    );
    expect(cpu.regs.slice(0, SLOT_COUNT)).toEqual(before);
  });
});
