import { DecodeTable } from '@arm64kit/core';
import type { Lifter } from './lift/context.js';
import { atomicRows } from './rows/atomic.js';
import { baseRows } from './rows/base.js';
import { bitmanipRows } from './rows/bitmanip.js';
import { compressedForms, type Expander } from './rows/compressed.js';
import { csrRows } from './rows/csr.js';
import { fpRows } from './rows/fp.js';
import { multiplyRows } from './rows/multiply.js';

/** Every 32-bit instruction form the frontend knows, one row each. */
export const rvForms = [...baseRows, ...multiplyRows, ...atomicRows, ...csrRows, ...fpRows, ...bitmanipRows];

// funct7 (31:25), funct3 (14:12) and the major opcode (6:0): the fields that separate RV classes.
const BUCKET_32 = 0xfe00707f;
// funct3 (15:13), bit 12 and the quadrant (1:0).
const BUCKET_16 = 0xf003;

let table32: DecodeTable<Lifter> | undefined;
let table16: DecodeTable<Expander> | undefined;

/** The 32-bit decode table (built on first use; its test checks the rows for overlaps). */
export function rvTable(): DecodeTable<Lifter> {
  table32 ??= new DecodeTable(rvForms, { verifyOverlaps: false, bucketMask: BUCKET_32 });
  return table32;
}

/** The table of compressed (16-bit) forms, which expand to 32-bit ones. */
export function rvcTable(): DecodeTable<Expander> {
  table16 ??= new DecodeTable(compressedForms, { width: 16, bucketMask: BUCKET_16 });
  return table16;
}
