import { describe, expect, it } from 'vitest';
import { GuestExit, type LinuxKernel, Machine } from '../src/index.js';
import { CODE, loopArch, op } from './loop-arch.js';

/** Code far from CODE, so that one unmapped range can hold one and not the other. */
const FAR = 0x9000_0000;

/** A kernel whose every system call ends the run. */
const exitAtSyscall = {
  syscall() {
    throw new GuestExit(0);
  },
  deliverFault: () => null,
} as unknown as LinuxKernel;

function machineWithTwoBlocks(): Machine {
  const machine = new Machine(loopArch, { executor: 'threaded' });
  for (const at of [CODE, FAR]) {
    machine.memory.map(at, 4096, 7, true);
    machine.memory.poke(at, new Uint8Array(Uint32Array.from([op(1, 1), op(4)]).buffer));
    machine.cpu.pc = BigInt(at);
    expect(machine.run(exitAtSyscall).exitCode).toBe(0);
  }
  expect(machine.cachedBlocks).toBe(2);
  return machine;
}

describe('dropping lifted code when its memory goes', () => {
  it('drops the blocks inside an unmapped range far wider than the code, and keeps the rest', () => {
    const machine = machineWithTwoBlocks();
    // About half a million pages, two of which hold code: one of them is in the range.
    machine.memory.unmap(0x1000, 0x8000_0000 - 0x1000);
    expect(machine.cachedBlocks).toBe(1);
    machine.cpu.pc = BigInt(FAR);
    expect(machine.run(exitAtSyscall).exitCode).toBe(0);
    expect(machine.cachedBlocks).toBe(1);
  });

  it('drops the blocks of a single unmapped page', () => {
    const machine = machineWithTwoBlocks();
    machine.memory.unmap(FAR, 4096);
    expect(machine.cachedBlocks).toBe(1);
    machine.memory.unmap(CODE, 4096);
    expect(machine.cachedBlocks).toBe(0);
  });
});
