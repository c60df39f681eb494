export type { BuildOptions, BuildProgress, BuildResult } from './build.js';
export type { ConnectOptions, EngineVersion } from './connect.js';
export { dockerodeOptions } from './connect.js';
export type { ContextFile, ContextFiles } from './context.js';
export {
  type EmulationHandler,
  type EmulationProblem,
  type EmulationProblemCode,
  type EmulationReport,
  emulationPreflight,
  type PreflightOptions,
} from './emulation/preflight.js';
export {
  type EmulationChange,
  type EmulationSetup,
  type SetupEmulationOptions,
  setupEmulation,
} from './emulation/setup.js';
export { connect, DockerEngine, type ImageInfo } from './engine.js';
export * from './errors.js';
export type { ImportRootfsOptions, ImportRootfsResult } from './import-rootfs.js';
export {
  formatPlatform,
  hostArchitecture,
  machineName,
  normalizeArchitecture,
  type Platform,
  parsePlatform,
} from './platform.js';
export { RUN_LABEL, type RunOptions, type RunResult } from './run.js';
