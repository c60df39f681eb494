import { DecodeTable as CoreDecodeTable, type DecodeTableOptions, type Form } from '@arm64kit/core';

/**
 * The decode table machinery is core's (shared by every architecture); this path keeps arm64's
 * imports, and `DecodeTable` here is core's with AArch64's bucket bits.
 */
export type { CompiledForm, Decoded, DecodeTableOptions, Fields, Form } from '@arm64kit/core';
export { DecodeTableError } from '@arm64kit/core';

/** Bits 31..21 and 15..10 pick the bucket: together they separate almost every AArch64 class. */
export const A64_BUCKET_MASK = (0xffe00000 | (0x3f << 10)) >>> 0;

export class DecodeTable<H> extends CoreDecodeTable<H> {
  constructor(forms: readonly Form<H>[], options: DecodeTableOptions = {}) {
    super(forms, { bucketMask: A64_BUCKET_MASK, ...options });
  }
}
