export { aarch64, aarch64ForCpu, EM_AARCH64, HWCAP_ASIMD, HWCAP_FP } from './arch.js';
export { HWCAP, hwcapNames } from './cpu/hwcap.js';
export {
  CPU_PROFILES,
  type CpuProfile,
  cpuProfile,
  DEFAULT_CPU,
  ID_REGISTER,
  UnknownCpuError,
} from './cpu/profiles.js';
export { compilePattern, extractField, insertField, PatternError } from './decode/pattern.js';
export type { CompiledForm, Decoded, DecodeTableOptions, Fields, Form } from './decode/table.js';
export { DecodeTable, DecodeTableError } from './decode/table.js';
export * as fp from './fp/index.js';
export { liftBlock, MAX_BLOCK_INSTRUCTIONS } from './lift/block.js';
export { LiftContext } from './lift/context.js';
export { type A64Form, form, type Lifter } from './lift/form.js';
export { aarch64SignalFrames, FPSIMD_MAGIC, RT_SIGFRAME_SIZE } from './signal-frame.js';
export * as state from './state.js';
export { a64Forms, a64Table } from './table.js';
