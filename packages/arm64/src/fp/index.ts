export {
  faddsub32,
  faddsub64,
  fdiv32,
  fdiv64,
  fmul32,
  fmul64,
  fmuladd32,
  fmuladd64,
  fsqrt32,
  fsqrt64,
} from './arith.js';
export { addExact, divExact, mulAddExact, mulExact, mulxExact, sqrtExact } from './arith-exact.js';
export { fcmp32, fcmp64, fminmax32, fminmax64 } from './compare.js';
export {
  compareExact,
  minMaxExact,
  NZCV_EQUAL,
  NZCV_GREATER,
  NZCV_LESS,
  NZCV_UNORDERED,
} from './compare-exact.js';
export * from './control.js';
export { fcvt, fpToInt, frint, intToFP, roundToIntegral } from './convert.js';
export { convertExact, fixedToFPExact, fpToFixedExact, roundIntExact } from './convert-exact.js';
export * from './env.js';
export { FPType, roundToFormat, type Unpacked, unpack } from './exact.js';
export * from './format.js';
export * from './regfile.js';
