/**
 * Regions: the hot blocks of one module that form a loop among themselves through direct jumps
 * (a loop whose body branches, so no one block jumps back to itself). A region becomes one wasm
 * function that goes from member to member with a branch inside the function, registers staying
 * in locals, instead of returning to the dispatcher between them (see block-compiler.ts).
 */
import type { IrBlock, Value } from '../../ir/types.js';
import { isNativeCall } from './native-calls.js';

/** Members a region takes at most: a bigger loop is left to the dispatcher, block by block. */
export const MAX_REGION_MEMBERS = 24;
/** IR instructions a region takes at most (one wasm function: V8 compiles it whole). */
export const MAX_REGION_INSTS = 4000;

/**
 * The PCs `block` may jump to that are known when it is compiled (its target is a constant, or a
 * select between constants), or null when it cannot be a region member: it ends otherwise than in
 * a jump, or calls a helper, which may change anything (the registers, the code, the memory map).
 */
export function constantTargets(block: IrBlock): bigint[] | null {
  const exit = block.exit;
  if (exit.kind !== 'jump') return null;
  const constants = new Map<number, bigint>();
  for (const inst of block.insts) {
    if (inst.op === 'call' && !isNativeCall(inst)) return null;
    if (inst.op === 'const') constants.set(inst.dst.id, BigInt(inst.value));
  }
  const constant = (v: Value) => constants.get(v.id);
  const direct = constant(exit.target);
  if (direct !== undefined) return [direct];
  const def = block.insts.find((i) => 'dst' in i && i.dst?.id === exit.target.id);
  if (def?.op !== 'select') return [];
  return [constant(def.a), constant(def.b)].filter((pc): pc is bigint => pc !== undefined);
}

/**
 * The regions among `blocks`: each a strongly connected set of two or more blocks linked by
 * constant jumps, as indexes into `blocks`, in `blocks` order. A block is in one region at most.
 */
export function findRegions(blocks: readonly IrBlock[]): number[][] {
  const indexOf = new Map<bigint, number>();
  blocks.forEach((block, i) => {
    if (block.pc < 0x1_0000_0000n) indexOf.set(block.pc, i);
  });
  const successors = blocks.map((block) => {
    if (!indexOf.has(block.pc)) return [];
    const targets = constantTargets(block);
    if (targets === null) return [];
    return targets.map((pc) => indexOf.get(pc)).filter((i): i is number => i !== undefined);
  });
  return stronglyConnected(successors).filter((members) => {
    if (members.length < 2 || members.length > MAX_REGION_MEMBERS) return false;
    const insts = members.reduce((n, i) => n + blocks[i].insts.length, 0);
    return insts <= MAX_REGION_INSTS;
  });
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
