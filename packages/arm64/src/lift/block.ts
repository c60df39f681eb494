import { type CodeReader, type IrBlock, IrBuilder } from '@arm64kit/core';
import type { CpuProfile } from '../cpu/profiles.js';
import type { FieldSpec } from '../decode/pattern.js';
import type { CompiledForm, DecodeTable } from '../decode/table.js';
import { LiftContext } from './context.js';
import type { Lifter } from './form.js';

/** Longest block lifted in one go; longer straight-line code simply continues in the next block. */
export const MAX_BLOCK_INSTRUCTIONS = 256;

function hex32(word: number): string {
  return `0x${(word >>> 0).toString(16).padStart(8, '0')}`;
}

type FieldReader = (word: number) => Record<string, number>;

/**
 * One generated reader per form: it builds the fields object as a literal of fixed shape, which is
 * much cheaper than adding keys one by one (that turns every object into a dictionary).
 */
const readers = new WeakMap<CompiledForm<Lifter>, FieldReader>();
/** Readers by their source: forms with the same fields share one (about three forms a reader). */
const readersBySource = new Map<string, FieldReader>();

function fieldExpression(f: FieldSpec): string {
  const runs = f.runs.map((r) => `(((w >>> ${r.shift}) & ${r.mask}) << ${r.offset})`);
  return `(${runs.length > 0 ? runs.join(' | ') : '0'}) >>> 0`;
}

function fieldReader(form: CompiledForm<Lifter>): FieldReader {
  let reader = readers.get(form);
  if (reader === undefined) {
    const entries = form.fields.map((f) => `${JSON.stringify(f.name)}: ${fieldExpression(f)}`);
    const source = `return { ${entries.join(', ')} };`;
    reader = readersBySource.get(source);
    if (reader === undefined) {
      reader = new Function('w', source) as FieldReader;
      readersBySource.set(source, reader);
    }
    readers.set(form, reader);
  }
  return reader;
}

/**
 * Lifts the basic block at `pc`: decodes and lifts instructions until one ends the block (a branch,
 * SVC, a trap), the size limit is reached or the next word cannot be fetched. An encoding no form
 * claims, or one its lifter rejects, ends the block with SIGILL at that instruction.
 */
export function liftBlock(
  table: DecodeTable<Lifter>,
  code: CodeReader,
  pc: bigint,
  cpu?: CpuProfile,
): IrBlock {
  const b = new IrBuilder(pc);
  const c = new LiftContext(b, cpu, code);
  let at = pc;
  for (;;) {
    if (b.count > 0 && (b.count >= MAX_BLOCK_INSTRUCTIONS || !code.canFetch(at))) {
      b.jump(at);
      break;
    }
    const word = code.fetch32(at) >>> 0;
    c.pc = at;
    c.insn = word;
    b.insn(at, word);
    const found = table.lookup(word);
    let ok = false;
    if (found !== undefined) {
      ok = found.form.handler(fieldReader(found)(word), c) !== false;
    }
    if (!ok) {
      if (!b.ended) b.trap('SIGILL', at, `undefined instruction ${hex32(word)}`);
      break;
    }
    if (b.ended) break;
    at += 4n;
  }
  return b.finish();
}
