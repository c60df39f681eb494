export { EM_RISCV, HWCAP_RV64GC, riscv64 } from './arch.js';
export { liftBlock, MAX_BLOCK_INSTRUCTIONS } from './lift/block.js';
export { LiftContext, type Lifter } from './lift/context.js';
export type { Expander } from './rows/compressed.js';
export { RT_SIGFRAME_SIZE, riscv64SignalFrames } from './signal-frame.js';
export * as state from './state.js';
export { rvcTable, rvForms, rvTable } from './table.js';
