import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  compileWasmBlock,
  compileWasmBlocks,
  GuestSignal,
  IrBuilder,
  interpretBlock,
  Machine,
  UnknownExecutorError,
} from '../src/index.js';
import { freshCpu, toyArch, toyLayout } from './helpers.js';

const PC = toyLayout.pc;

describe('wasm executor: memory slow paths', () => {
  it('a store to a page holding lifted code reports the page and still writes', () => {
    const { cpu, memory } = freshCpu();
    const base = memory.map(0x20000, 2 * 4096, 7, true);
    memory.fetch32(BigInt(base + 4096)); // the lifter read code on the second page
    const changed = vi.fn();
    memory.onCodeChange = changed;
    const b = new IrBuilder(0n);
    b.insn(0n, 0);
    b.store(b.getReg(0), b.getReg(1), 8);
    b.store(b.getReg(2), b.getReg(1), 4);
    b.jump(0x1000n);
    const run = compileWasmBlock(b.finish(), cpu, memory);
    cpu.regs[0] = BigInt(base + 8); // plain data page: fast path, no report
    cpu.regs[1] = 0x1122334455667788n;
    cpu.regs[2] = BigInt(base + 4096 + 12);
    expect(run()).toBe(0);
    expect(changed).toHaveBeenCalledTimes(1);
    expect(changed).toHaveBeenCalledWith((base >>> 12) + 1, 1);
    expect(memory.read64(base + 8)).toBe(0x1122334455667788n);
    expect(memory.read32(base + 4096 + 12)).toBe(0x55667788);
    // The code bit is cleared by the first write, so the next store takes the fast path.
    expect(run()).toBe(0);
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it('faults carry the exact address and the access, for addresses beyond 4 GiB too', () => {
    const { cpu, memory } = freshCpu();
    const ro = memory.map(0x30000, 4096, 1, true);
    const cases: [bigint, 'read' | 'write', 'load' | 'store'][] = [
      [0x1_0000_0010n, 'read', 'load'],
      [0xffff_ffff_ffff_fff8n, 'write', 'store'],
      [BigInt(ro + 16), 'write', 'store'],
      [0x7000_0000n, 'read', 'load'],
    ];
    for (const [address, access, kind] of cases) {
      const b = new IrBuilder(0x5000n);
      b.insn(0x5000n, 0);
      b.setReg(3, 1n);
      b.insn(0x5004n, 0);
      if (kind === 'load') b.setReg(2, b.load(b.getReg(0), 4, true));
      else b.store(b.getReg(0), b.getReg(1), 2);
      b.jump(0x1000n);
      cpu.regs[0] = address;
      const run = compileWasmBlock(b.finish(), cpu, memory);
      expect(run).toThrowError(expect.objectContaining({ signal: 'SIGSEGV', pc: 0x5004n, address, access }));
    }
  });

  it('accesses crossing a page go through the slow path and match the interpreter', () => {
    const { cpu, memory } = freshCpu();
    const base = memory.map(0x40000, 2 * 4096, 3, true);
    for (let i = 0; i < 16; i++) memory.write8(base + 4096 - 8 + i, 0xa0 + i);
    const b = new IrBuilder(0n);
    b.insn(0n, 0);
    b.setReg(2, b.load(b.getReg(0), 8));
    b.setReg(3, b.load(b.getReg(0), 4, true));
    b.store(b.add(b.getReg(0), 2n), b.getReg(1), 8);
    b.jump(0x1000n);
    const block = b.finish();
    const run = compileWasmBlock(block, cpu, memory);
    const results: bigint[][] = [];
    for (const go of [() => interpretBlock(block, cpu, memory), () => run()]) {
      cpu.regs[0] = BigInt(base + 4096 - 3);
      cpu.regs[1] = 0x0102030405060708n;
      go();
      results.push([cpu.regs[2], cpu.regs[3], memory.read64(base + 4096 - 1)]);
      for (let i = 0; i < 16; i++) memory.write8(base + 4096 - 8 + i, 0xa0 + i);
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[0][0]).toBe(0xacabaaa9a8a7a6a5n);
  });
});

describe('wasm executor: helpers and exits', () => {
  it('helpers get unsigned i64 and int32 arguments and may return a number for an i64', () => {
    const { cpu, memory } = freshCpu();
    const seen: unknown[] = [];
    const b = new IrBuilder(0n);
    b.insn(0n, 0);
    const r = b.callHelper(
      (_cpu, x: bigint, y: number) => {
        seen.push(x, y);
        return 7;
      },
      [b.getReg(0), b.wrap(b.getReg(1))],
      'i64',
    );
    b.setReg(2, r);
    const s = b.callHelper(() => 0x1_0000_0005n, [], 'i32');
    b.setReg(3, b.extendU(s));
    b.jump(0x1000n);
    const run = compileWasmBlock(b.finish(), cpu, memory);
    cpu.regs[0] = 0xfedc_ba98_7654_3210n;
    cpu.regs[1] = 0xffff_fff0n;
    run();
    expect(seen).toEqual([0xfedc_ba98_7654_3210n, -16]);
    expect(cpu.regs[2]).toBe(7n);
    expect(cpu.regs[3]).toBe(5n);
  });

  it('a helper that grows guest memory leaves the block working on the new memory', () => {
    const { cpu, memory } = freshCpu();
    const before = memory.buffer.byteLength;
    const b = new IrBuilder(0n);
    b.insn(0n, 0);
    const at = b.callHelper(
      (c) => {
        const mapped = c.memory.map(0, 64 << 20, 3, false);
        // Pages get host memory on first touch: touching them all grows the memory.
        for (let page = 0; page < 64 << 20; page += 4096) c.memory.write8(mapped + page, 1);
        return BigInt(mapped);
      },
      [],
      'i64',
    );
    b.store(b.add(at, 100n), b.getReg(0), 8);
    b.setReg(2, b.load(b.add(at, 100n), 8));
    b.setReg(3, at);
    b.jump(0x1000n);
    const run = compileWasmBlock(b.finish(), cpu, memory);
    cpu.regs[0] = 0x8877665544332211n;
    run();
    expect(memory.buffer.byteLength).toBeGreaterThan(before);
    expect(cpu.regs[2]).toBe(0x8877665544332211n);
    expect(memory.read64(Number(cpu.regs[3]) + 100)).toBe(0x8877665544332211n);
  });

  it('a signal thrown by a helper names the calling instruction', () => {
    const { cpu, memory } = freshCpu();
    const b = new IrBuilder(0x8000n);
    b.insn(0x8000n, 0);
    b.setReg(1, 3n);
    b.insn(0x8004n, 0);
    b.callHelper(() => {
      throw new GuestSignal('SIGILL', 'unsupported system register');
    }, []);
    b.jump(0x1000n);
    const run = compileWasmBlock(b.finish(), cpu, memory);
    expect(run).toThrowError(expect.objectContaining({ signal: 'SIGILL', pc: 0x8004n }));
    expect(cpu.regs[1]).toBe(3n);
  });

  it('jump, syscall and trap exits store the next PC like the other backends', () => {
    const { cpu, memory } = freshCpu();
    const blocks = ['jump', 'syscall', 'trap'].map((kind) => {
      const b = new IrBuilder(0x9000n);
      b.insn(0x9000n, 0);
      if (kind === 'jump') b.jump(b.add(b.getReg(0), 4n));
      else if (kind === 'syscall') b.syscall(0x9004n);
      else b.trap('SIGTRAP', 0x9000n, 'breakpoint');
      return b.finish();
    });
    const [jump, syscall, trap] = compileWasmBlocks(blocks, cpu, memory);
    cpu.regs[0] = 0xffff_ffff_ffff_fffen;
    expect(jump()).toBe(0);
    expect(cpu.regs[PC]).toBe(2n);
    expect(syscall()).toBe(1);
    expect(cpu.regs[PC]).toBe(0x9004n);
    expect(trap).toThrowError(expect.objectContaining({ signal: 'SIGTRAP', pc: 0x9000n }));
    expect(cpu.regs[PC]).toBe(0x9000n);
  });
});

describe('ARM64KIT_EXECUTOR', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  it('chooses the executor when none is given, and an unknown name is a typed error', () => {
    vi.stubEnv('ARM64KIT_EXECUTOR', 'wasm');
    expect(new Machine(toyArch).executor).toBe('wasm');
    expect(new Machine(toyArch, { executor: 'threaded' }).executor).toBe('threaded');
    vi.stubEnv('ARM64KIT_EXECUTOR', 'fast');
    expect(() => new Machine(toyArch)).toThrowError(UnknownExecutorError);
  });
});
