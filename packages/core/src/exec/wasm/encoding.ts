/**
 * The WebAssembly binary format's primitive encodings: LEB128 integers and length-prefixed
 * vectors, written into plain number arrays (each element one byte).
 */

/** Unsigned LEB128 of a non-negative integer below 2^32. */
export function u32(out: number[], value: number): void {
  let v = value >>> 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>>= 7;
    if (v === 0) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

/** Signed LEB128 of an int32. */
export function s32(out: number[], value: number): void {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

/** Signed LEB128 of the 64-bit pattern of `value` (read as a two's-complement int64). */
export function s64(out: number[], value: bigint): void {
  let v = BigInt.asIntN(64, value);
  // Small values (most constants) take the int32 path without BigInt arithmetic.
  if (v >= -0x80000000n && v <= 0x7fffffffn) {
    s32(out, Number(v));
    return;
  }
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

/** A UTF-8 name, length-prefixed. */
export function name(out: number[], text: string): void {
  const bytes = new TextEncoder().encode(text);
  u32(out, bytes.length);
  for (const b of bytes) out.push(b);
}

/** Appends `body` prefixed with its byte length. */
export function sized(out: number[], body: readonly number[]): void {
  u32(out, body.length);
  for (const b of body) out.push(b);
}
