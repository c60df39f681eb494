export * from './arch.js';
export * from './cpu/cpu.js';
export {
  type CompiledPattern,
  compilePattern,
  extractField,
  type FieldSpec,
  insertField,
  overlaps,
  type PatternBits,
  PatternError,
  patternBits,
  patternFields,
} from './decode/pattern.js';
export {
  type CompiledForm,
  type Decoded,
  DecodeTable,
  DecodeTableError,
  type DecodeTableOptions,
  type Fields,
  type Form,
} from './decode/table.js';
export { type ArchitectureLoader, serveCpuWorker } from './exec/cpu-worker/serve.js';
export * from './exec/exit-kind.js';
export { blockSource, type CompiledBlock, compileBlock } from './exec/js-compiler.js';
export { interpretBlock } from './exec/reference-interpreter.js';
export { threadBlock } from './exec/threaded.js';
export type { TierUpStats } from './exec/tier-up.js';
export {
  DEFAULT_CACHE_MB,
  TranslationCache,
  type TranslationCacheStats,
  VERSIONS_PER_PC,
} from './exec/translation-cache.js';
export {
  type CompileDone,
  type CompiledWasm,
  InlineCompiler,
  type ModuleCompiler,
  WorkerCompiler,
} from './exec/wasm/module-compiler.js';
export { compileWasmBlock, compileWasmBlocks, type WasmBlockRunner } from './exec/wasm/runtime.js';
export * from './ir/index.js';
export type { CpuWorkerEntry, CpuWorkerStats } from './linux/cpu-workers.js';
export { E as ERRNO, SyscallError } from './linux/errno.js';
export { hostIsTerminal } from './linux/host-builtins.js';
export { GuestExit, type KernelOptions, LinuxKernel, type SyscallHandler } from './linux/kernel.js';
export { SYS, syscallName } from './linux/numbers.js';
export { guestJoin, PathResolver } from './linux/paths.js';
export { GuestDeadlockError } from './linux/pipe.js';
export {
  attachHostTerminal,
  type HostTerminal,
  type HostTerminalOptions,
} from './linux/terminal/host-terminal.js';
export * from './loader/elf.js';
export { ElfFile, NotRegularFileError } from './loader/elf-file.js';
export { type LoadedImage, loadImage, PIE_BASE } from './loader/load.js';
export {
  AT,
  buildInitialStack,
  type InitialStack,
  STACK_SIZE,
  STACK_TOP,
  type StackSpec,
} from './loader/stack.js';
export * from './machine.js';
export * from './memory/paged-memory.js';
export * from './memory/types.js';
export {
  envToStrings,
  ProgramNotFoundError,
  prepareProgram,
  type RunProgramOptions,
  type RunResult,
  runProgram,
  runProgramAsync,
} from './run-program.js';
export * from './signals.js';
