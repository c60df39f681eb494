/**
 * Instruction patterns: one 32- or 16-character string per instruction form (16 for compressed
 * encodings such as RISC-V C), most significant bit first.
 *
 *   '0' / '1'   a fixed bit the encoding must have
 *   '-'         a bit the form ignores (any value matches, not passed to the lifter)
 *   a letter    a bit of the field named by that letter; every bit marked with the same letter belongs
 *               to one field, concatenated from left to right (so split fields may share a letter)
 *
 * Spaces and underscores are visual separators and are not counted. Each architecture's README
 * lists the letters its rows use.
 */

export class PatternError extends Error {
  readonly code = 'BAD_DECODE_PATTERN';
}

/** One contiguous run of a field's bits inside the instruction word. */
interface FieldRun {
  /** Bit position of the run's least significant bit in the instruction. */
  readonly shift: number;
  /** Mask of the run's width, applied after shifting. */
  readonly mask: number;
  /** Bits of the field that sit to the right of this run (where the run lands inside the field). */
  readonly offset: number;
}

export interface FieldSpec {
  readonly name: string;
  readonly width: number;
  readonly runs: readonly FieldRun[];
}

export interface CompiledPattern {
  /** The pattern as written, separators removed. */
  readonly bits: string;
  /** 32, or 16 for a compressed-encoding pattern. */
  readonly width: 16 | 32;
  /** Bits the encoding must match (1 where the pattern has '0' or '1'). */
  readonly mask: number;
  /** Required values of the masked bits. */
  readonly value: number;
  readonly fields: readonly FieldSpec[];
}

/** A pattern's fixed bits, without its fields: what a decode table needs to bucket a form. */
export type PatternBits = Omit<CompiledPattern, 'fields'>;

/**
 * The fixed bits of a pattern, checked character by character. Every process start does this for
 * the whole table, so it is a char-code loop, with no regular expression and no field work.
 */
export function patternBits(pattern: string): PatternBits {
  let bits = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch !== ' ' && ch !== '_') bits += ch;
  }
  if (bits.length !== 32 && bits.length !== 16) {
    throw new PatternError(`pattern "${pattern}" has ${bits.length} bits, expected 32 (or 16)`);
  }
  const width = bits.length as 16 | 32;
  let mask = 0;
  let value = 0;
  for (let i = 0; i < width; i++) {
    const code = bits.charCodeAt(i);
    const bit = width - 1 - i;
    if (code === 0x30 /* 0 */ || code === 0x31 /* 1 */) {
      mask |= 1 << bit;
      if (code === 0x31) value |= 1 << bit;
    } else if (code !== 0x2d /* - */ && !((code | 0x20) >= 0x61 /* a */ && (code | 0x20) <= 0x7a) /* z */) {
      throw new PatternError(`pattern "${pattern}" has an invalid character "${bits[i]}" at bit ${bit}`);
    }
  }
  return { bits, width, mask: mask >>> 0, value: value >>> 0 };
}

/** The named fields of a pattern's bits (as `patternBits` returns them, already checked). */
export function patternFields(bits: string): FieldSpec[] {
  const positions = new Map<string, number[]>();
  for (let i = 0; i < bits.length; i++) {
    const ch = bits[i];
    if (ch === '0' || ch === '1' || ch === '-') continue;
    let list = positions.get(ch);
    if (!list) positions.set(ch, (list = []));
    list.push(bits.length - 1 - i);
  }
  const fields: FieldSpec[] = [];
  for (const [name, list] of positions) {
    // list is in descending bit order; group it into contiguous runs.
    const runs: FieldRun[] = [];
    let consumed = 0;
    let i = list.length - 1;
    while (i >= 0) {
      const low = list[i];
      let high = low;
      while (i - 1 >= 0 && list[i - 1] === high + 1) {
        i--;
        high = list[i];
      }
      i--;
      const width = high - low + 1;
      runs.push({ shift: low, mask: width === 32 ? -1 >>> 0 : (1 << width) - 1, offset: consumed });
      consumed += width;
    }
    fields.push({ name, width: list.length, runs });
  }
  return fields;
}

export function compilePattern(pattern: string): CompiledPattern {
  const fixed = patternBits(pattern);
  return { ...fixed, fields: patternFields(fixed.bits) };
}

/** Reads one field out of an instruction word. */
export function extractField(insn: number, field: FieldSpec): number {
  let v = 0;
  for (const run of field.runs) v |= ((insn >>> run.shift) & run.mask) << run.offset;
  return v >>> 0;
}

/** Writes one field into an instruction word (used by tests and by encoders of generated code). */
export function insertField(insn: number, field: FieldSpec, v: number): number {
  for (const run of field.runs) {
    insn = (insn & ~(run.mask << run.shift)) | (((v >>> run.offset) & run.mask) << run.shift);
  }
  return insn >>> 0;
}

export function matches(insn: number, p: { readonly mask: number; readonly value: number }): boolean {
  return (insn & p.mask) >>> 0 === p.value;
}

/** Two patterns claim a common encoding exactly when they agree on every bit both of them fix. */
export function overlaps(
  a: { readonly mask: number; readonly value: number },
  b: { readonly mask: number; readonly value: number },
): boolean {
  return ((a.value ^ b.value) & a.mask & b.mask) === 0;
}
