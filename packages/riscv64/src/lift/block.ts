import { type CodeReader, type IrBlock, IrBuilder } from '@arm64kit/core';
import { rvcTable, rvTable } from '../table.js';
import { LiftContext } from './context.js';

/** Longest block lifted in one go; longer straight-line code continues in the next block. */
export const MAX_BLOCK_INSTRUCTIONS = 256;

const hex = (w: number, digits: number) => `0x${(w >>> 0).toString(16).padStart(digits, '0')}`;

/** True when the instruction at `pc` can be fetched whole (one parcel or two). */
function canFetchInstruction(code: CodeReader, pc: bigint): boolean {
  if (!code.canFetch16(pc)) return false;
  return (code.fetch16(pc) & 3) !== 3 || code.canFetch16(pc + 2n);
}

/**
 * Lifts the basic block at `pc`: fetches 16-bit parcels (an instruction whose low two bits are 11
 * is 32 bits long, else it is compressed and expands to its 32-bit form), lifts until one ends
 * the block, the size limit is reached or the next instruction cannot be fetched. An encoding no
 * row claims, or one its lifter rejects, ends the block with SIGILL at that instruction.
 */
export function liftBlock(code: CodeReader, pc: bigint): IrBlock {
  const b = new IrBuilder(pc);
  const c = new LiftContext(b, code);
  const table = rvTable();
  let at = pc;
  for (;;) {
    if (b.count > 0 && (b.count >= MAX_BLOCK_INSTRUCTIONS || !canFetchInstruction(code, at))) {
      b.jump(at);
      break;
    }
    const low = code.fetch16(at);
    let word: number | undefined;
    let raw: number;
    let length: number;
    if ((low & 3) === 3) {
      raw = (low | (code.fetch16(at + 2n) << 16)) >>> 0;
      word = raw;
      length = 4;
    } else {
      raw = low;
      length = 2;
      const form = rvcTable().lookup(low);
      word = form?.form.handler(low);
    }
    c.pc = at;
    c.length = length;
    b.insn(at, raw, length);
    let ok = false;
    if (word !== undefined) {
      c.insn = word;
      const found = table.decode(word);
      if (found !== undefined) ok = found.form.handler(found.fields, c) !== false;
    }
    if (!ok) {
      if (!b.ended) b.trap('SIGILL', at, `undefined instruction ${hex(raw, length * 2)}`);
      break;
    }
    if (b.ended) break;
    at += BigInt(length);
  }
  return b.finish();
}
