export type { BuildOptions, BuildProgress, BuildResult } from './build.js';
export type { ConnectOptions, EngineVersion } from './connect.js';
export { dockerodeOptions } from './connect.js';
export type { ContextFile, ContextFiles } from './context.js';
export {
  type ContextEndpoint,
  type ContextTls,
  currentContextName,
  DEFAULT_CONTEXT,
  dockerConfigDir,
  readContextEndpoint,
} from './docker-context.js';
export {
  type EmulationHandler,
  type EmulationProblem,
  type EmulationProblemCode,
  type EmulationReport,
  emulationPreflight,
  type PreflightOptions,
} from './emulation/preflight.js';
export {
  type BuildRegistrarOptions,
  buildRegistrarImage,
  DEFAULT_REGISTRAR_IMAGE,
  findRegistrarImage,
  REGISTRAR_INTERPRETERS_LABEL,
  REGISTRAR_LABEL,
  type RegistrarImage,
} from './emulation/registrar/image.js';
export { REGISTRAR_SCRIPT } from './emulation/registrar/script.js';
export { restoreEmulation } from './emulation/restore.js';
export { planEmulation, setupEmulation } from './emulation/setup.js';
export type {
  EmulationChange,
  EmulationPlan,
  EmulationRecord,
  EmulationSetup,
  SetupEmulationOptions,
} from './emulation/setup-types.js';
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
