export { REPRO_ARCHES, type ReproArch, type ReproTarget, reproTarget } from './arch.js';
export type {
  Backend,
  BackendInfo,
  BackendName,
  CaseLayout,
  CcacheSource,
  Observed,
  Progress,
  RegistrationUsed,
} from './backends/backend.js';
export { BACKEND_NAMES } from './backends/backend.js';
export { type BackendOptions, createBackend } from './backends/create.js';
export { DockerBackend, type DockerBackendOptions } from './backends/docker.js';
export { EmbeddedBackend, type EmbeddedBackendOptions } from './backends/embedded.js';
export { emulatorRunner, type GuestRun, type GuestRunner, qemuRunner } from './backends/guest-runner.js';
export { HostBackend, type HostBackendOptions } from './backends/host.js';
export { type CcacheVersion, parseCcacheVersion } from './ccache-version.js';
export { ReproError, type ReproErrorCode } from './errors.js';
export { observedArgv } from './observe.js';
export { type Prediction, predict } from './prediction.js';
export { crossCompiler, PROGRAM_NAMES, type ProgramName, programPath } from './programs.js';
export { renderReport } from './render.js';
export type {
  CaseResult,
  CcacheReport,
  Outcome,
  RegistrationReport,
  ReproReport,
  Verdict,
} from './report.js';
export { FIX_COMMANDS, fixCommands } from './report.js';
export { type RunReproOptions, runRepro } from './run.js';
export {
  CCACHE_VERSION_CASE,
  HANDLERS,
  type Handler,
  SCENARIO_NAMES,
  type ScenarioCase,
  type ScenarioName,
  type Subject,
  scenarioCases,
} from './scenario.js';
export { judgePair } from './verdict.js';
