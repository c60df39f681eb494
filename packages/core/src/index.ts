export * from './arch.js';
export * from './cpu/cpu.js';
export * from './exec/exit-kind.js';
export { blockSource, type CompiledBlock, compileBlock } from './exec/js-compiler.js';
export { interpretBlock } from './exec/reference-interpreter.js';
export * from './ir/index.js';
export * from './memory/paged-memory.js';
export * from './memory/types.js';
export * from './signals.js';
