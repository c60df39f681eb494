/**
 * FPCR and FPSR bits used by the floating-point semantics (Arm ARM, "FPCR" / "FPSR").
 * Only the AArch64 meanings matter here; trap enables are treated as zero (Linux user space on
 * cores without trapping support reads them as RAZ).
 */

/** FPCR.AHP: alternative half-precision format for conversions. */
export const FPCR_AHP = 1 << 26;
/** FPCR.DN: every NaN result is the default NaN. */
export const FPCR_DN = 1 << 25;
/** FPCR.FZ: flush denormal inputs and tiny results of single/double operations to zero. */
export const FPCR_FZ = 1 << 24;
/** FPCR.RMode lives in bits 23:22. */
export const FPCR_RMODE_SHIFT = 22;
/** FPCR.FZ16: flush-to-zero for half-precision arithmetic (not for conversions). */
export const FPCR_FZ16 = 1 << 19;

/** FPSR cumulative exception flags. */
export const FPSR_IOC = 1 << 0;
export const FPSR_DZC = 1 << 1;
export const FPSR_OFC = 1 << 2;
export const FPSR_UFC = 1 << 3;
export const FPSR_IXC = 1 << 4;
export const FPSR_IDC = 1 << 7;
/** Cumulative saturation flag of the saturating AdvSIMD instructions. */
export const FPSR_QC = 1 << 27;

/**
 * Rounding modes. 0..3 are the FPCR.RMode encodings; the others are only requested by
 * instructions that name their own rounding (FCVTA*, FRINTA, FCVTXN).
 */
export enum Rounding {
  TiesEven = 0,
  PosInf = 1,
  NegInf = 2,
  Zero = 3,
  TiesAway = 4,
  Odd = 5,
}

export function fpcrRounding(fpcr: number): Rounding {
  return ((fpcr >>> FPCR_RMODE_SHIFT) & 3) as Rounding;
}
