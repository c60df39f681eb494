/** The WebAssembly opcodes and type codes the block compiler emits (core spec, MVP + sign-extension). */

export const I32 = 0x7f;
export const I64 = 0x7e;
export const FUNCREF = 0x70;
/** Block type of a block/if without results. */
export const VOID = 0x40;

export const OP = {
  unreachable: 0x00,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  call: 0x10,
  callIndirect: 0x11,
  drop: 0x1a,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i64Load: 0x29,
  i32Load8U: 0x2d,
  i64Load8S: 0x30,
  i64Load8U: 0x31,
  i64Load16S: 0x32,
  i64Load16U: 0x33,
  i64Load32S: 0x34,
  i64Load32U: 0x35,
  i32Store: 0x36,
  i64Store: 0x37,
  i64Store8: 0x3c,
  i64Store16: 0x3d,
  i64Store32: 0x3e,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtU: 0x49,
  i32LeU: 0x4d,
  i64Eqz: 0x50,
  i64Eq: 0x51,
  i64Ne: 0x52,
  i64LtS: 0x53,
  i64LtU: 0x54,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32And: 0x71,
  i32Or: 0x72,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64And: 0x83,
  i64ShrU: 0x88,
  i32WrapI64: 0xa7,
  i64ExtendI32S: 0xac,
  i64ExtendI32U: 0xad,
  i32Extend8S: 0xc0,
  i32Extend16S: 0xc1,
} as const;

/** IR binary ops that are one wasm instruction (division and mulh need sequences). */
export const BINARY_I64: Readonly<Record<string, number>> = {
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

export const BINARY_I32: Readonly<Record<string, number>> = {
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

export const COMPARE_I64: Readonly<Record<string, number>> = {
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

export const COMPARE_I32: Readonly<Record<string, number>> = {
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

export const UNARY_I64: Readonly<Record<string, number>> = { clz: 0x79, ctz: 0x7a, popcnt: 0x7b, eqz: 0x50 };
export const UNARY_I32: Readonly<Record<string, number>> = { clz: 0x67, ctz: 0x68, popcnt: 0x69, eqz: 0x45 };

/** Conversions by IR kind and operand type. */
export const CONVERT: Readonly<Record<string, Partial<Record<'i32' | 'i64', number>>>> = {
  wrap: { i64: 0xa7 },
  extend_s: { i32: 0xac },
  extend_u: { i32: 0xad },
  extend8_s: { i32: 0xc0, i64: 0xc2 },
  extend16_s: { i32: 0xc1, i64: 0xc3 },
  extend32_s: { i64: 0xc4 },
};
