/** The pattern compiler is core's (shared by every architecture); this path keeps arm64's imports. */
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
} from '@arm64kit/core';
