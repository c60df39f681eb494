import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BinaryOp,
  compileBlock,
  compileWasmBlock,
  IrBuilder,
  interpretBlock,
  optimizeBlock,
  threadBlock,
} from '../src/index.js';
import { freshCpu } from './helpers.js';

const KINDS: BinaryOp[] = [
  'add',
  'sub',
  'mul',
  'and',
  'or',
  'xor',
  'shl',
  'shr_u',
  'shr_s',
  'rotr',
  'div_u',
  'rem_s',
];
const BASE = 0x10000;

/** One random step of guest-like code over registers r0–r5 and one data page. */
const step = fc.oneof(
  fc.record({
    t: fc.constant('bin' as const),
    kind: fc.constantFrom(...KINDS),
    d: fc.nat(5),
    a: fc.nat(5),
    b: fc.nat(5),
    imm: fc.option(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
  }),
  fc.record({
    t: fc.constant('const' as const),
    d: fc.nat(5),
    v: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  }),
  fc.record({
    t: fc.constant('store' as const),
    a: fc.nat(5),
    v: fc.nat(5),
    size: fc.constantFrom(1, 2, 4, 8),
  }),
  fc.record({
    t: fc.constant('load' as const),
    d: fc.nat(5),
    a: fc.nat(5),
    size: fc.constantFrom(1, 2, 4, 8),
    signed: fc.boolean(),
  }),
  fc.record({ t: fc.constant('select' as const), d: fc.nat(5), a: fc.nat(5), b: fc.nat(5) }),
  fc.record({ t: fc.constant('call' as const), d: fc.nat(5) }),
);

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

function build(steps: Step[]) {
  const b = new IrBuilder(0n);
  steps.forEach((s, i) => {
    b.insn(BigInt(i * 4), i);
    const addr = (r: number) => b.add(b.and(b.getReg(r), 0xff8n), BigInt(BASE));
    switch (s.t) {
      case 'bin':
        b.setReg(s.d, b.binary(s.kind, b.getReg(s.a), s.imm ?? b.getReg(s.b)));
        break;
      case 'const':
        b.setReg(s.d, s.v);
        break;
      case 'store':
        b.store(addr(s.a), b.getReg(s.v), s.size as 1 | 2 | 4 | 8);
        break;
      case 'load':
        b.setReg(s.d, b.load(addr(s.a), s.size as 1 | 2 | 4 | 8, s.signed));
        break;
      case 'select':
        b.setReg(s.d, b.select(b.ltS(b.getReg(s.a), b.getReg(s.b)), b.getReg(s.a), b.getReg(s.b)));
        break;
      case 'call':
        // A helper that reads and writes registers: a barrier for the optimizer.
        b.callHelper((cpu) => {
          cpu.regs[s.d] = cpu.regs[0] ^ cpu.regs[1] ^ 0x5555n;
        });
        break;
    }
  });
  b.jump(b.add(b.getReg(0), 0x1000n));
  return b.finish();
}

describe('optimizeBlock', () => {
  it('never changes what a block does (registers, memory, next PC) on any backend', () => {
    const { cpu, memory } = freshCpu();
    memory.map(BASE, 4096, 3, true);
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 30 }),
        fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { minLength: 6, maxLength: 6 }),
        (steps, init) => {
          const block = build(steps);
          const optimized = optimizeBlock(block);
          expect(optimized.tempCount).toBeLessThanOrEqual(block.tempCount);
          const outcomes = [
            (c: typeof cpu) => interpretBlock(block, c, memory),
            (c: typeof cpu) => interpretBlock(optimized, c, memory),
            (c: typeof cpu) => threadBlock(optimized, c, memory)(c, memory),
            (c: typeof cpu) => compileBlock(optimized, c.layout, c.scratch)(c, memory),
            (c: typeof cpu) => compileWasmBlock(optimized, c, memory)(),
            (c: typeof cpu) => compileWasmBlock(block, c, memory)(),
          ].map((run) => {
            cpu.regs.fill(0n);
            init.forEach((v, i) => {
              cpu.regs[i] = v;
            });
            memory.writeBytes(BASE, new Uint8Array(4096).fill(0xa5));
            run(cpu);
            return {
              regs: [...cpu.regs.slice(0, 10)],
              page: Buffer.from(memory.readBytes(BASE, 4096)).toString('hex'),
            };
          });
          expect(outcomes[1]).toEqual(outcomes[0]);
          for (const outcome of outcomes.slice(2)) expect(outcome).toEqual(outcomes[0]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
