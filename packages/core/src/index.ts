export * from './arch.js';
export * from './cpu/cpu.js';
export * from './ir/index.js';
export * from './memory/types.js';
export * from './signals.js';
