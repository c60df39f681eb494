/**
 * Bit-counting and wide arithmetic on the IR's run-time value forms (i64: unsigned bigint in
 * [0, 2^64); i32: number in int32 range). Shared by the reference interpreter and the JS compiler.
 */

export function clz64(a: bigint): bigint {
  const hi = Number(a >> 32n);
  return BigInt(hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(Number(a & 0xffffffffn)));
}

export function ctz32(a: number): number {
  return a === 0 ? 32 : 31 - Math.clz32(a & -a);
}

export function ctz64(a: bigint): bigint {
  const lo = Number(a & 0xffffffffn);
  return BigInt(lo !== 0 ? ctz32(lo) : 32 + ctz32(Number(a >> 32n)));
}

export function popcnt32(a: number): number {
  let v = a >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) | 0;
}

export function popcnt64(a: bigint): bigint {
  return BigInt(popcnt32(Number(a & 0xffffffffn)) + popcnt32(Number(a >> 32n)));
}

export function rotl64(a: bigint, b: bigint): bigint {
  const s = b & 63n;
  return BigInt.asUintN(64, (a << s) | (a >> ((64n - s) & 63n)));
}

export function rotr64(a: bigint, b: bigint): bigint {
  const s = b & 63n;
  return BigInt.asUintN(64, (a >> s) | (a << ((64n - s) & 63n)));
}

export function rotl32(a: number, b: number): number {
  const s = b & 31;
  return (a << s) | (a >>> ((32 - s) & 31)) | 0;
}

export function rotr32(a: number, b: number): number {
  const s = b & 31;
  return (a >>> s) | (a << ((32 - s) & 31)) | 0;
}

export function divS64(a: bigint, b: bigint): bigint {
  return b === 0n ? 0n : BigInt.asUintN(64, BigInt.asIntN(64, a) / BigInt.asIntN(64, b));
}

export function remS64(a: bigint, b: bigint): bigint {
  return b === 0n ? a : BigInt.asUintN(64, BigInt.asIntN(64, a) % BigInt.asIntN(64, b));
}

export function divU32(a: number, b: number): number {
  return b === 0 ? 0 : Math.trunc((a >>> 0) / (b >>> 0)) | 0;
}

export function divS32(a: number, b: number): number {
  if (b === 0) return 0;
  if (a === -2147483648 && b === -1) return a;
  return Math.trunc(a / b) | 0;
}

export function remU32(a: number, b: number): number {
  return b === 0 ? a : ((a >>> 0) % (b >>> 0)) | 0;
}

export function remS32(a: number, b: number): number {
  if (b === 0) return a;
  if (b === -1) return 0;
  return (a % b) | 0;
}

export function mulhU64(a: bigint, b: bigint): bigint {
  return (a * b) >> 64n;
}

export function mulhS64(a: bigint, b: bigint): bigint {
  return BigInt.asUintN(64, (BigInt.asIntN(64, a) * BigInt.asIntN(64, b)) >> 64n);
}
