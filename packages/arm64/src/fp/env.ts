/**
 * The floating-point environment an operation reads and updates: FPCR controls rounding, flushing
 * and default NaNs; FPSR collects the cumulative exception flags (operations only ever OR into it).
 */
export interface FPEnv {
  fpcr: number;
  fpsr: number;
}

/** A stand-alone environment (tests, tools, or callers that keep FPCR/FPSR outside guest state). */
export class PlainFPEnv implements FPEnv {
  constructor(
    public fpcr = 0,
    public fpsr = 0,
  ) {}
}
