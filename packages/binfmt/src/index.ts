export {
  type ArchitectureNames,
  architectureNamed,
  architectureOfElf,
  architectures,
  elfMachineName,
} from './architectures.js';
export {
  AT_FLAGS_PRESERVE_ARGV0,
  type ExecRequest,
  type InterpreterInvocation,
  interpreterArgv,
  programArgv,
} from './argv.js';
export { type BinfmtEntryJson, describeEntry, entryToJson } from './describe.js';
export {
  describeElf,
  ELF_TYPES,
  type ElfFacts,
  ElfReadError,
  parseElfHeader,
  readElfHeader,
} from './elf-header.js';
export {
  BINPRM_BUF_SIZE,
  type BinfmtEntry,
  type BinfmtFlags,
  type ExtensionEntry,
  flagLetters,
  MAX_REGISTER_LENGTH,
  type MagicEntry,
  MIN_REGISTER_LENGTH,
  makeFlags,
  NAME_MAX,
  NO_FLAGS,
  RESERVED_NAMES,
} from './entry.js';
export { BinfmtError, type BinfmtErrorDetails, type BinfmtField, isBinfmtError } from './errors.js';
export { escapeBytes, unescapeHex } from './escape.js';
export { type DebianBinfmt, formatDebianBinfmt, parseDebianBinfmt } from './formats/debian.js';
export { formatSystemdBinfmt, parseSystemdBinfmt } from './formats/systemd.js';
export {
  BinfmtHost,
  checkEntryName,
  DEFAULT_BINFMT_DIR,
  type HostEntry,
  type InstallOptions,
  type InstallResult,
} from './host.js';
export { type MatchQuery, match } from './match.js';
export {
  type BinfmtChange,
  type BinfmtSnapshot,
  type BinfmtState,
  byteString,
  describeChange,
  installPlan,
  registrationFromStatus,
  restorePlan,
  type SnapshotEntry,
  textOfByteString,
} from './plan.js';
export {
  type BinfmtPreset,
  defaultInterpreter,
  hostFamily,
  normalizeArch,
  type PresetOptions,
  presetEntry,
  presetFor,
  presetRegistration,
  presets,
  presetsForHost,
} from './presets.js';
export {
  checkRegistration,
  type FormatRegistrationOptions,
  formatRegistration,
  parseRegistration,
} from './registration.js';
export { formatStatus, parseGlobalStatus, parseStatus } from './status.js';
