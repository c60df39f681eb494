import { type CodeReader, type IrBlock, IrBuilder } from '@arm64kit/core';
import { extractField } from '../decode/pattern.js';
import type { DecodeTable } from '../decode/table.js';
import { LiftContext } from './context.js';
import type { Lifter } from './form.js';

/** Longest block lifted in one go; longer straight-line code simply continues in the next block. */
export const MAX_BLOCK_INSTRUCTIONS = 256;

function hex32(word: number): string {
  return `0x${(word >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * Lifts the basic block at `pc`: decodes and lifts instructions until one ends the block (a branch,
 * SVC, a trap), the size limit is reached or the next word cannot be fetched. An encoding no form
 * claims, or one its lifter rejects, ends the block with SIGILL at that instruction.
 */
export function liftBlock(table: DecodeTable<Lifter>, code: CodeReader, pc: bigint): IrBlock {
  const b = new IrBuilder(pc);
  const c = new LiftContext(b);
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
      const fields: Record<string, number> = {};
      for (const f of found.fields) fields[f.name] = extractField(word, f);
      ok = found.form.handler(fields, c) !== false;
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
