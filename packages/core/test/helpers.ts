import type { Architecture, IrBlock, RegisterLayout } from '../src/index.js';
import {
  Cpu,
  compileBlock,
  compileWasmBlock,
  GuestFault,
  IrBuilder,
  interpretBlock,
  PagedMemory,
  threadBlock,
} from '../src/index.js';

/** Eight general slots, then pc and sp: enough to exercise core without a real frontend. */
export const toyLayout: RegisterLayout = {
  names: ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'pc', 'sp'],
  pc: 8,
  sp: 9,
};

/**
 * A stand-in architecture for core's own tests: every block traps with SIGILL, so loading and
 * stack building can be exercised without instruction semantics.
 */
export const toyArch: Architecture = {
  name: 'toy',
  elfMachine: 183,
  elfClass: 64,
  pageSize: 4096,
  platform: 'toy',
  hwcap: 3n,
  hwcap2: 0n,
  stackAlignment: 16,
  registers: toyLayout,
  syscalls: { table: 'asm-generic', number: 7, args: [0, 1, 2, 3, 4, 5], result: 0 },
  lift(code, pc): IrBlock {
    const b = new IrBuilder(pc);
    const word = code.fetch32(pc);
    b.insn(pc, word);
    b.trap('SIGILL', pc, `undefined instruction 0x${word.toString(16).padStart(8, '0')}`);
    return b.finish();
  },
};

export function freshCpu(): { cpu: Cpu; memory: PagedMemory } {
  const memory = new PagedMemory({ initialBytes: 1 << 20 });
  const cpu = new Cpu(toyLayout, memory, () => memory.buffer, 0);
  memory.onGrow(() => cpu.refreshViews());
  return { cpu, memory };
}

/** The address and access of the GuestFault `f` throws, or null when it does not fault. */
export function fault(f: () => unknown): { address: bigint; access: string } | null {
  try {
    f();
    return null;
  } catch (error) {
    if (error instanceof GuestFault) return { address: error.address, access: error.access };
    throw error;
  }
}

/** Every IR executor; tests run a block on each and expect the same outcome. */
export const BACKENDS = ['reference', 'compiled', 'threaded', 'wasm'] as const;

export function execute(
  backend: (typeof BACKENDS)[number],
  ir: IrBlock,
  cpu: Cpu,
  memory: PagedMemory,
): number {
  if (backend === 'reference') return interpretBlock(ir, cpu, memory);
  if (backend === 'compiled') return compileBlock(ir, toyLayout, cpu.scratch)(cpu, memory);
  if (backend === 'wasm') return compileWasmBlock(ir, cpu, memory)();
  return threadBlock(ir, cpu, memory)(cpu, memory);
}
