/**
 * A loop's blocks do not all get hot in one batch: those compiled earlier, alone, have given up
 * their IR, and a region can only hold blocks whose IR the module has. When a batch goes to the
 * compiler, the blocks it leads to that run as wasm alone are lifted again and go with it, if
 * they then close a region with its blocks; the new module's functions replace theirs.
 */
import type { IrBlock } from '../ir/types.js';
import { findRegions, regionSuccessors } from './wasm/regions.js';

/**
 * Blocks lifted again per batch at most (each is a lift and, if it joins a region, a compile);
 * the machine lifts each block again once at most.
 */
export const MAX_COMPANIONS = 32;

export interface Companion<B> {
  readonly block: B;
  readonly ir: IrBlock;
}

/**
 * The blocks reachable from `hot` (through blocks that run alone) that close a region with
 * them. `alone` gives the machine's block at a PC if it runs as wasm outside any region;
 * `lift` lifts its code again (null if it cannot).
 */
export function regionCompanions<B>(
  hot: readonly IrBlock[],
  alone: (pc: bigint) => B | undefined,
  lift: (pc: bigint) => IrBlock | null,
): Companion<B>[] {
  const found: Companion<B>[] = [];
  const seen = new Set<bigint>(hot.map((ir) => ir.pc));
  const work = hot.flatMap(regionSuccessors);
  while (work.length > 0 && found.length < MAX_COMPANIONS) {
    const pc = work.pop() as bigint;
    if (seen.has(pc)) continue;
    seen.add(pc);
    const block = alone(pc);
    if (block === undefined) continue;
    const ir = lift(pc);
    if (ir === null) continue;
    found.push({ block, ir });
    work.push(...regionSuccessors(ir));
  }
  if (found.length === 0) return found;
  const members = new Set(findRegions([...hot, ...found.map((c) => c.ir)]).flatMap((r) => r.members));
  return found.filter((_, k) => members.has(hot.length + k));
}
