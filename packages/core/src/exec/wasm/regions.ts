/**
 * Regions: the hot blocks of one module that form a loop among themselves (a loop whose body
 * branches or calls, so no one block jumps back to itself). A region becomes one wasm function
 * that goes from member to member with a branch inside the function, registers staying in locals,
 * instead of returning to the dispatcher between them (see block-compiler.ts).
 *
 * Edges are the jumps whose targets are known when the block is compiled (a constant, or a select
 * between constants); returns: a block that writes its own end address to a register and jumps
 * elsewhere is a call, and the blocks reached from its target that end in a jump to a computed
 * address (the callee's returns) may go back to that address; and the targets a computed jump
 * was seen to take before the block was compiled (an interpreter's dispatch). A computed target
 * is compared with the members it may be at run time; anything else leaves the function. Where
 * the seen targets make a loop too big for one function, the loops of the other edges are taken.
 */
import type { IrBlock, IrInst, Value } from '../../ir/types.js';
import { isNativeCall } from './native-calls.js';

/** Members a region takes at most: a bigger loop is left to the dispatcher, block by block. */
export const MAX_REGION_MEMBERS = 96;
/** IR instructions a region takes at most (one wasm function: V8 compiles it whole). */
export const MAX_REGION_INSTS = 16_000;
/** Blocks searched from a call's target for the callee's returns. */
const CALLEE_SEARCH = 64;

export interface Region {
  /** Indexes of the member blocks, ascending. */
  readonly members: readonly number[];
  /** For each member, in `members` order: the members' PCs its exit may go to. */
  readonly targets: readonly (readonly bigint[])[];
}

/** How a block may leave, as far as regions go. */
interface Exits {
  /** Targets known when it is compiled. */
  readonly known: readonly bigint[];
  /** Computed targets seen at run time (see IrBlock.targetsSeen). */
  readonly seen?: readonly bigint[];
  /** Whether its target may also be computed at run time. */
  readonly computed: boolean;
  /** For a call: the address it returns to (its own end, written to a register). */
  readonly returnsTo: bigint | null;
}

/**
 * How `block` may leave, or null when it cannot be a region member: it ends otherwise than in a
 * jump, or calls a helper, which may change anything (the registers, the code, the memory map).
 */
function exitsOf(block: IrBlock): Exits | null {
  const exit = block.exit;
  if (exit.kind !== 'jump') return null;
  const constants = new Map<number, bigint>();
  let returnsTo: bigint | null = null;
  for (const inst of block.insts) {
    if (inst.op === 'call' && !isNativeCall(inst)) return null;
    if (inst.op === 'const') constants.set(inst.dst.id, BigInt(inst.value));
    if (inst.op === 'setReg' && constants.get(inst.src.id) === block.end) returnsTo = block.end;
  }
  const constant = (v: Value) => constants.get(v.id);
  const direct = constant(exit.target);
  if (direct !== undefined) return { known: [direct], computed: false, returnsTo };
  const def = block.insts.find((i) => 'dst' in i && i.dst?.id === exit.target.id);
  let known: bigint[] = [];
  if (def?.op === 'select') {
    const arms = [constant(def.a), constant(def.b)];
    known = arms.filter((pc): pc is bigint => pc !== undefined);
    if (known.length === 2) return { known, computed: false, returnsTo };
  }
  return { known, seen: block.targetsSeen ?? [], computed: true, returnsTo };
}

/**
 * The targets `block`'s jump has when it is compiled (a constant, or a select's constant arms),
 * or null when it ends otherwise or calls a helper.
 */
export function knownTargets(block: IrBlock): readonly bigint[] | null {
  return exitsOf(block)?.known ?? null;
}

/**
 * Whether `block` ends in a jump to an address computed at run time (worth watching: see
 * targetsSeen). exitsOf's answer, without its maps and BigInts: the machine asks it of every
 * block it lifts.
 */
export function hasComputedTarget(block: IrBlock): boolean {
  const exit = block.exit;
  if (exit.kind !== 'jump') return false;
  for (const inst of block.insts) if (inst.op === 'call' && !isNativeCall(inst)) return false;
  const def = definitionOf(block, exit.target);
  if (def?.op === 'const') return false;
  return !(
    def?.op === 'select' &&
    definitionOf(block, def.a)?.op === 'const' &&
    definitionOf(block, def.b)?.op === 'const'
  );
}

/** The instruction that defines `value` (the IR is in SSA form: one at most). */
function definitionOf(block: IrBlock, value: Value): IrInst | undefined {
  const insts = block.insts;
  for (let i = insts.length - 1; i >= 0; i--) {
    const inst = insts[i];
    if ('dst' in inst && inst.dst?.id === value.id) return inst;
  }
  return undefined;
}

/** Where `block` may go next as a region member would: its known targets and its return address. */
export function regionSuccessors(block: IrBlock): bigint[] {
  const e = exitsOf(block);
  if (e === null) return [];
  return e.returnsTo === null ? [...e.known] : [...e.known, e.returnsTo];
}

/**
 * The regions among `blocks`: each a strongly connected set of two or more of them, a block in
 * one region at most.
 */
export function findRegions(blocks: readonly IrBlock[]): Region[] {
  const indexOf = new Map<bigint, number>();
  blocks.forEach((block, i) => {
    if (block.pc < 0x1_0000_0000n) indexOf.set(block.pc, i);
  });
  const exits = blocks.map((block) => (indexOf.has(block.pc) ? exitsOf(block) : null));
  const inBatch = (pcs: readonly bigint[] | undefined) => (pcs ?? []).filter((pc) => indexOf.has(pc));
  const fixed = exits.map((e) => new Set<bigint>(inBatch(e?.known)));
  for (const e of exits) {
    if (e === null || e.returnsTo === null || e.computed || !indexOf.has(e.returnsTo)) continue;
    for (const j of calleeReturns(e.known, indexOf, exits)) fixed[j].add(e.returnsTo);
  }
  const withSeen = exits.map((e, i) => new Set([...fixed[i], ...inBatch(e?.seen)]));
  const fits = (members: readonly number[]) =>
    members.length >= 2 &&
    members.length <= MAX_REGION_MEMBERS &&
    members.reduce((n, i) => n + blocks[i].insts.length, 0) <= MAX_REGION_INSTS;
  const regions: Region[] = [];
  const add = (members: number[], targets: readonly Set<bigint>[]) => {
    const inside = new Set(members.map((i) => blocks[i].pc));
    regions.push({ members, targets: members.map((i) => [...targets[i]].filter((pc) => inside.has(pc))) });
  };
  for (const members of stronglyConnected(successorsOf(withSeen, indexOf))) {
    if (fits(members)) add(members, withSeen);
    else if (members.length > 1) {
      // Too big with the computed jumps seen at run time: the loops of its fixed edges alone.
      const within = new Set(members);
      const inner = successorsOf(fixed, indexOf).map((next, i) =>
        within.has(i) ? next.filter((j) => within.has(j)) : [],
      );
      for (const loop of stronglyConnected(inner)) if (fits(loop)) add(loop, fixed);
    }
  }
  return regions.sort((a, b) => a.members[0] - b.members[0]);
}

function successorsOf(targets: readonly Set<bigint>[], indexOf: ReadonlyMap<bigint, number>): number[][] {
  return targets.map((pcs) => [...pcs].map((pc) => indexOf.get(pc) as number));
}

/**
 * The blocks reached from a call's targets that end in a computed jump: the callee's returns. A
 * call inside the callee is followed to its return address, not into its own callee.
 */
function calleeReturns(
  entries: readonly bigint[],
  indexOf: ReadonlyMap<bigint, number>,
  exits: readonly (Exits | null)[],
): number[] {
  const returns: number[] = [];
  const seen = new Set<number>();
  const work = entries.map((pc) => indexOf.get(pc)).filter((i): i is number => i !== undefined);
  while (work.length > 0 && seen.size < CALLEE_SEARCH) {
    const i = work.pop() as number;
    if (seen.has(i)) continue;
    seen.add(i);
    const e = exits[i];
    if (e === null) continue;
    if (e.returnsTo === null && e.computed) returns.push(i);
    const next = e.returnsTo !== null ? [e.returnsTo] : e.known;
    for (const pc of next) {
      const j = indexOf.get(pc);
      if (j !== undefined && !seen.has(j)) work.push(j);
    }
  }
  return returns;
}

/** Tarjan's algorithm, iterative (a module has hundreds of blocks): components sorted by index. */
function stronglyConnected(successors: readonly number[][]): number[][] {
  const n = successors.length;
  const order = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (order[root] >= 0) continue;
    const work: [number, number][] = [[root, 0]];
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [v, next] = frame;
      if (next < successors[v].length) {
        frame[1]++;
        const w = successors[v][next];
        if (order[w] < 0) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = true;
          work.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v], order[w]);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] === order[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop() as number;
          onStack[w] = false;
          component.push(w);
        } while (w !== v);
        components.push(component.sort((a, b) => a - b));
      }
    }
  }
  return components;
}
