/**
 * Builds one-instruction WebAssembly functions so the IR's integer semantics can be checked
 * against the engine's own i32/i64 instructions (the IR is defined as wasm's, minus traps).
 */
type WasmTy = 'i32' | 'i64';
const TYPE_CODE: Record<WasmTy, number> = { i32: 0x7f, i64: 0x7e };

function section(id: number, body: number[]): number[] {
  return [id, body.length, ...body];
}

function moduleBytes(params: WasmTy[], result: WasmTy, opcode: number): Uint8Array {
  const code = [0x00, ...params.flatMap((_, i) => [0x20, i]), opcode, 0x0b];
  const body = [code.length, ...code];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [1, 0x60, params.length, ...params.map((p) => TYPE_CODE[p]), 1, TYPE_CODE[result]]),
    ...section(3, [1, 0]),
    ...section(7, [1, 1, 0x66, 0x00, 0]),
    ...section(10, [1, ...body]),
  ]);
}

// biome-ignore lint/suspicious/noExplicitAny: wasm exports are untyped
type WasmFn = (...args: any[]) => any;
const cache = new Map<string, WasmFn>();

/** A JS function running the single wasm instruction `opcode` on params of the given types. */
export function wasmOp(params: WasmTy[], result: WasmTy, opcode: number): WasmFn {
  const key = `${params.join()}>${result}:${opcode}`;
  let fn = cache.get(key);
  if (!fn) {
    const W = (
      globalThis as unknown as {
        WebAssembly: {
          Module: new (b: Uint8Array) => object;
          Instance: new (m: object) => { exports: { f: WasmFn } };
        };
      }
    ).WebAssembly;
    fn = new W.Instance(new W.Module(moduleBytes(params, result, opcode))).exports.f;
    cache.set(key, fn);
  }
  return fn;
}

export const I64_BINARY: Record<string, number> = {
  add: 0x7c,
  sub: 0x7d,
  mul: 0x7e,
  div_s: 0x7f,
  div_u: 0x80,
  rem_s: 0x81,
  rem_u: 0x82,
  and: 0x83,
  or: 0x84,
  xor: 0x85,
  shl: 0x86,
  shr_s: 0x87,
  shr_u: 0x88,
  rotl: 0x89,
  rotr: 0x8a,
};
export const I32_BINARY: Record<string, number> = {
  add: 0x6a,
  sub: 0x6b,
  mul: 0x6c,
  div_s: 0x6d,
  div_u: 0x6e,
  rem_s: 0x6f,
  rem_u: 0x70,
  and: 0x71,
  or: 0x72,
  xor: 0x73,
  shl: 0x74,
  shr_s: 0x75,
  shr_u: 0x76,
  rotl: 0x77,
  rotr: 0x78,
};
export const I64_COMPARE: Record<string, number> = {
  eq: 0x51,
  ne: 0x52,
  lt_s: 0x53,
  lt_u: 0x54,
  gt_s: 0x55,
  gt_u: 0x56,
  le_s: 0x57,
  le_u: 0x58,
  ge_s: 0x59,
  ge_u: 0x5a,
};
export const I32_COMPARE: Record<string, number> = {
  eq: 0x46,
  ne: 0x47,
  lt_s: 0x48,
  lt_u: 0x49,
  gt_s: 0x4a,
  gt_u: 0x4b,
  le_s: 0x4c,
  le_u: 0x4d,
  ge_s: 0x4e,
  ge_u: 0x4f,
};
export const I64_UNARY: Record<string, number> = { clz: 0x79, ctz: 0x7a, popcnt: 0x7b, eqz: 0x50 };
export const I32_UNARY: Record<string, number> = { clz: 0x67, ctz: 0x68, popcnt: 0x69, eqz: 0x45 };
/** [param type, result type, opcode] */
export const CONVERT: Record<string, [WasmTy, WasmTy, number][]> = {
  wrap: [['i64', 'i32', 0xa7]],
  extend_s: [['i32', 'i64', 0xac]],
  extend_u: [['i32', 'i64', 0xad]],
  extend8_s: [
    ['i32', 'i32', 0xc0],
    ['i64', 'i64', 0xc2],
  ],
  extend16_s: [
    ['i32', 'i32', 0xc1],
    ['i64', 'i64', 0xc3],
  ],
  extend32_s: [['i64', 'i64', 0xc4]],
};
