import { s32, s64, u32 } from './encoding.js';
import { OP } from './opcodes.js';

/** Appends instructions to a function body (a byte array), with the immediates encoded. */
export class Emitter {
  readonly code: number[] = [];

  op(...opcodes: number[]): this {
    for (const o of opcodes) this.code.push(o);
    return this;
  }

  get(local: number): this {
    this.code.push(OP.localGet);
    u32(this.code, local);
    return this;
  }

  set(local: number): this {
    this.code.push(OP.localSet);
    u32(this.code, local);
    return this;
  }

  tee(local: number): this {
    this.code.push(OP.localTee);
    u32(this.code, local);
    return this;
  }

  i32(value: number): this {
    this.code.push(OP.i32Const);
    s32(this.code, value);
    return this;
  }

  i64(value: bigint): this {
    this.code.push(OP.i64Const);
    s64(this.code, value);
    return this;
  }

  f64(value: number): this {
    this.code.push(OP.f64Const);
    const bytes = new Uint8Array(new Float64Array([value]).buffer);
    for (const b of bytes) this.code.push(b);
    return this;
  }

  /** A load or store with its memarg (alignment exponent, constant offset). */
  mem(opcode: number, offset: number, align = 0): this {
    this.code.push(opcode);
    u32(this.code, align);
    u32(this.code, offset);
    return this;
  }

  /** call_indirect through table 0 with function type `type`. */
  callIndirect(type: number): this {
    this.code.push(OP.callIndirect);
    u32(this.code, type);
    this.code.push(0x00);
    return this;
  }

  /** A SIMD (0xfd-prefixed) instruction without immediates. */
  simd(opcode: number): this {
    this.code.push(OP.simdPrefix);
    u32(this.code, opcode);
    return this;
  }

  /** A SIMD load or store (v128.load, v128.store) with its memarg. */
  simdMem(opcode: number, offset: number, align = 4): this {
    this.simd(opcode);
    u32(this.code, align);
    u32(this.code, offset);
    return this;
  }

  /** A SIMD instruction followed by 16 immediate bytes (v128.const, i8x16.shuffle). */
  simdBytes(opcode: number, bytes: readonly number[]): this {
    if (bytes.length !== 16) throw new RangeError('a v128 immediate has 16 bytes');
    this.simd(opcode);
    for (const b of bytes) this.code.push(b & 0xff);
    return this;
  }

  /** Branches to the enclosing block, loop or if `depth` levels out. */
  br(depth: number): this {
    this.code.push(OP.br);
    u32(this.code, depth);
    return this;
  }

  /** Branches to the depth the i32 on the stack picks from `depths`, or `otherwise` beyond them. */
  brTable(depths: readonly number[], otherwise: number): this {
    this.code.push(OP.brTable);
    u32(this.code, depths.length);
    for (const d of depths) u32(this.code, d);
    u32(this.code, otherwise);
    return this;
  }

  call(index: number): this {
    this.code.push(OP.call);
    u32(this.code, index);
    return this;
  }
}
