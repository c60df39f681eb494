import {
  type CompiledPattern,
  extractField,
  type FieldSpec,
  matches,
  overlaps,
  type PatternBits,
  patternBits,
  patternFields,
} from './pattern.js';

/**
 * A declarative decode table: one `Form` per instruction form, looked up through buckets keyed by
 * fixed bits of the instruction word, so decoding costs a bucket index plus a short mask/compare scan.
 */

/** Field values of a decoded instruction, keyed by the pattern letter. */
export type Fields = Readonly<Record<string, number>>;

export interface Form<H> {
  /** Unique name, e.g. "ADD_addsub_imm". Used in diagnostics and in `preferredOver`. */
  readonly name: string;
  /** 32- or 16-character pattern (every form of one table has the table's width), see pattern.ts. */
  readonly pattern: string;
  /** What the table hands back for a match (for this package: the lifter of the form). */
  readonly handler: H;
  /**
   * Names of forms this one is more specific than (an alias or a carve-out of a wider encoding).
   * Two forms may claim a common encoding only if one of them lists the other here (directly or
   * through a chain); the preferred one wins.
   */
  readonly preferredOver?: readonly string[];
}

export interface CompiledForm<H> extends CompiledPattern {
  readonly form: Form<H>;
  /** Position in the preference order: lower wins. */
  readonly rank: number;
}

export interface Decoded<H> {
  readonly form: Form<H>;
  readonly fields: Fields;
}

export class DecodeTableError extends Error {
  readonly code = 'BAD_DECODE_TABLE';
}

export interface DecodeTableOptions {
  /**
   * Check every pair of forms for an encoding both claim without a preferredOver mark (default
   * true). The check is quadratic in the number of forms; a fixed table that a test checks with
   * `overlapProblems()` may skip it, so every process start does not pay for it again.
   */
  readonly verifyOverlaps?: boolean;
  /** Width of every pattern in the table: 32 (default) or 16 (compressed encodings). */
  readonly width?: 16 | 32;
  /**
   * The instruction bits that pick a bucket: the fixed bits that best separate the instruction
   * set's classes (the architecture knows which). Default: the major opcode bits at the top.
   * Lookup cost is a short scan of the forms that agree with the word on these bits.
   */
  readonly bucketMask?: number;
}

/** A form with its fixed bits; its fields are worked out on first use (most forms never match). */
class CompiledFormEntry<H> implements CompiledForm<H> {
  readonly bits: string;
  readonly width: 16 | 32;
  readonly mask: number;
  readonly value: number;
  rank = 0;
  private compiledFields: readonly FieldSpec[] | undefined;

  constructor(
    readonly form: Form<H>,
    fixed: PatternBits,
  ) {
    this.bits = fixed.bits;
    this.width = fixed.width;
    this.mask = fixed.mask;
    this.value = fixed.value;
  }

  get fields(): readonly FieldSpec[] {
    this.compiledFields ??= patternFields(this.bits);
    return this.compiledFields;
  }
}

export class DecodeTable<H> {
  readonly forms: readonly CompiledForm<H>[];
  private readonly byName = new Map<string, CompiledForm<H>>();
  /** Filled on first use of a bucket, so startup does not pay for buckets a program never touches. */
  private readonly buckets = new Map<number, CompiledForm<H>[]>();
  /** Every form's mask and value, in `forms` order, for the bucket-filling scan. */
  private readonly masks: Int32Array;
  private readonly values: Int32Array;
  private readonly bucketMask: number;
  /** The bucket bits in the word's top byte: they pick a group (see groupOf). */
  private readonly groupMask: number;
  /** Indexes into `forms` of the forms that agree with a group's bits, filled on first use. */
  private readonly groups = new Map<number, Int32Array>();

  constructor(forms: readonly Form<H>[], options: DecodeTableOptions = {}) {
    const width = options.width ?? 32;
    this.bucketMask = (options.bucketMask ?? (width === 32 ? 0xfe00707f : 0xe003)) >>> 0;
    this.groupMask = (this.bucketMask & (width === 32 ? 0xff000000 : 0xff00)) >>> 0;
    const compiled = new Map<string, CompiledFormEntry<H>>();
    for (const form of forms) {
      if (compiled.has(form.name)) throw new DecodeTableError(`form "${form.name}" is defined twice`);
      let p: PatternBits;
      try {
        p = patternBits(form.pattern);
      } catch (e) {
        throw new DecodeTableError(`form "${form.name}": ${(e as Error).message}`);
      }
      if (p.width !== width) {
        throw new DecodeTableError(
          `form "${form.name}" has ${p.width} bits in a table of ${width}-bit forms`,
        );
      }
      compiled.set(form.name, new CompiledFormEntry(form, p));
    }
    for (const c of compiled.values()) {
      for (const other of c.form.preferredOver ?? []) {
        if (!compiled.has(other)) {
          throw new DecodeTableError(`form "${c.form.name}" is preferred over unknown form "${other}"`);
        }
      }
    }
    const ranks = rankByPreference([...compiled.values()].map((c) => c.form));
    const list = [...compiled.values()];
    for (const c of list) c.rank = ranks.get(c.form.name)!;
    list.sort((a, b) => a.rank - b.rank);
    this.forms = list;
    for (const c of list) this.byName.set(c.form.name, c);
    this.masks = Int32Array.from(list, (c) => c.mask);
    this.values = Int32Array.from(list, (c) => c.value);
    if (options.verifyOverlaps !== false) {
      const problems = this.overlapProblems();
      if (problems.length > 0) {
        throw new DecodeTableError(
          `${problems.length} pair(s) of forms overlap without a preferredOver mark: ${problems.slice(0, 10).join('; ')}`,
        );
      }
    }
  }

  /** The form claiming `insn`, or undefined for an encoding no form claims (the guest gets SIGILL). */
  lookup(insn: number): CompiledForm<H> | undefined {
    insn >>>= 0;
    // Signed, so that every key is a small integer to the Map, never a heap number.
    const key = insn & this.bucketMask;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = this.fillBucket(key);
      this.buckets.set(key, bucket);
    }
    for (let i = 0; i < bucket.length; i++) {
      const c = bucket[i];
      if ((insn & c.mask) >>> 0 === c.value) return c;
    }
    return undefined;
  }

  decode(insn: number): Decoded<H> | undefined {
    const c = this.lookup(insn);
    if (c === undefined) return undefined;
    const fields: Record<string, number> = {};
    for (const f of c.fields) fields[f.name] = extractField(insn >>> 0, f);
    return { form: c.form, fields };
  }

  get(name: string): CompiledForm<H> | undefined {
    return this.byName.get(name);
  }

  /** True when `a` is declared more specific than `b`, directly or through a chain of declarations. */
  isPreferredOver(a: string, b: string): boolean {
    const seen = new Set<string>();
    const stack = [a];
    while (stack.length > 0) {
      const name = stack.pop()!;
      for (const next of this.byName.get(name)?.form.preferredOver ?? []) {
        if (next === b) return true;
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    return false;
  }

  /** Largest number of forms that share a bucket (a measure of the scan cost per lookup). */
  largestBucket(): number {
    let max = 0;
    // Every combination of the bucket bits: count up through the subsets of the mask.
    const mask = this.bucketMask;
    let key = 0;
    do {
      max = Math.max(max, this.fillBucket(key).length);
      key = ((key - mask) & mask) >>> 0;
    } while (key !== 0);
    return max;
  }

  /**
   * The forms that agree with instruction words whose bucket bits are `keyValue`. A program's
   * first few thousand instructions fill some hundreds of buckets; each scans only its group (the
   * forms that agree on the bucket bits of the top byte, a tenth of the table or less for AArch64)
   * instead of every form.
   */
  private fillBucket(keyValue: number): CompiledForm<H>[] {
    const keyMask = this.bucketMask;
    // The test of `overlaps` on typed arrays: a plain loop is what makes a first lookup cheap.
    const masks = this.masks;
    const values = this.values;
    const group = this.groupOf(keyValue);
    const found: CompiledForm<H>[] = [];
    for (let g = 0; g < group.length; g++) {
      const i = group[g];
      if (((values[i] ^ keyValue) & masks[i] & keyMask) === 0) found.push(this.forms[i]);
    }
    return found;
  }

  /** Indexes, in `forms` order, of the forms that agree with `keyValue` on the group's bits. */
  private groupOf(keyValue: number): Int32Array {
    const groupMask = this.groupMask;
    const key = keyValue & groupMask;
    let group = this.groups.get(key);
    if (group === undefined) {
      const masks = this.masks;
      const values = this.values;
      const members: number[] = [];
      for (let i = 0; i < masks.length; i++) {
        if (((values[i] ^ key) & masks[i] & groupMask) === 0) members.push(i);
      }
      group = Int32Array.from(members);
      this.groups.set(key, group);
    }
    return group;
  }

  /** Every pair of forms that claim a common encoding with neither declared more specific. */
  overlapProblems(): string[] {
    const problems: string[] = [];
    const forms = this.forms;
    for (let i = 0; i < forms.length; i++) {
      for (let j = i + 1; j < forms.length; j++) {
        const a = forms[i];
        const b = forms[j];
        if (!overlaps(a, b)) continue;
        const an = a.form.name;
        const bn = b.form.name;
        if (!this.isPreferredOver(an, bn) && !this.isPreferredOver(bn, an)) {
          problems.push(`"${an}" and "${bn}" both claim ${exampleEncoding(a, b)}`);
        }
      }
    }
    return problems;
  }
}

/** Orders forms so that each one comes after every form declared more specific than it. */
function rankByPreference<H>(forms: readonly Form<H>[]): Map<string, number> {
  const byName = new Map(forms.map((f) => [f.name, f]));
  // Edges point from the general form to the forms preferred over it.
  const preferredBy = new Map<string, string[]>();
  for (const f of forms) {
    for (const general of f.preferredOver ?? []) {
      let list = preferredBy.get(general);
      if (!list) preferredBy.set(general, (list = []));
      list.push(f.name);
    }
  }
  const rank = new Map<string, number>();
  const visiting = new Set<string>();
  const order: string[] = [];
  const visit = (name: string, path: string[]): void => {
    if (rank.has(name)) return;
    if (visiting.has(name)) {
      throw new DecodeTableError(`preferredOver forms a cycle: ${[...path, name].join(' > ')}`);
    }
    visiting.add(name);
    for (const specific of preferredBy.get(name) ?? []) visit(specific, [...path, name]);
    visiting.delete(name);
    rank.set(name, order.length);
    order.push(name);
  };
  for (const name of byName.keys()) visit(name, []);
  return rank;
}

function exampleEncoding(a: CompiledPattern, b: CompiledPattern): string {
  const v = (a.value | b.value) >>> 0;
  return `0x${v.toString(16).padStart(8, '0')}`;
}

export { matches };
