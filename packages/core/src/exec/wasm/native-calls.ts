import type { IrInst } from '../../ir/types.js';
import type { VectorOp } from '../../ir/vector.js';
import { canEmitVector } from './vector-emit.js';

type Call = Extract<IrInst, { op: 'call' }>;

/**
 * A helper call that is a vector operation with a native form: emitted inline as wasm SIMD on the
 * register file, never imported, so it touches nothing but the registers it names.
 */
export function isNativeCall(inst: Call): inst is Call & { vector: VectorOp } {
  return inst.vector !== undefined && canEmitVector(inst.vector);
}
