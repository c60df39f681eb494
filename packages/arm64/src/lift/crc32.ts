import type { Cpu, Value } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import type { LiftContext } from './context.js';
import { type A64Form, form } from './form.js';

/**
 * CRC32B/H/W/X and CRC32CB/H/W/X (FEAT_CRC32): the bit-reflected CRC of the low 8/16/32/64 bits
 * of Rm with accumulator Wn, without the initial and final inversions (the program does those),
 * over the polynomials 0x04C11DB7 (CRC-32) and 0x1EDC6F41 (CRC-32C). One table lookup per byte.
 */

function reflectedTable(poly: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
}

const CRC32 = reflectedTable(0xedb88320);
const CRC32C = reflectedTable(0x82f63b78);

function crcBytes(table: Uint32Array, acc: number, value: number, bytes: number): number {
  let crc = acc >>> 0;
  for (let i = 0; i < bytes; i++) crc = table[(crc ^ (value >>> (8 * i))) & 0xff] ^ (crc >>> 8);
  return crc | 0;
}

function liftCrc32(f: Fields, c: LiftContext): boolean {
  // sf must be 1 exactly for the 64-bit (X) form.
  if ((f.f === 1) !== (f.z === 3)) return false;
  const table = f.c ? CRC32C : CRC32;
  const bytes = 1 << f.z;
  const b = c.b;
  let result: Value;
  if (bytes === 8) {
    result = b.callHelper(
      (_cpu: Cpu, acc: number, value: bigint) => {
        const lo = crcBytes(table, acc, Number(value & 0xffffffffn), 4);
        return crcBytes(table, lo, Number(value >> 32n), 4);
      },
      [c.w(f.n), c.x(f.m)],
      'i32',
    );
  } else {
    result = b.callHelper(
      (_cpu: Cpu, acc: number, value: number) => crcBytes(table, acc, value, bytes),
      [c.w(f.n), c.w(f.m)],
      'i32',
    );
  }
  c.setW(f.d, result);
  return true;
}

export const crc32Forms: readonly A64Form[] = [
  form('CRC32', 'f 0 0 11010110 mmmmm 010 c zz nnnnn ddddd', liftCrc32),
];
