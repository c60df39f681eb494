import type { A64Form } from '../lift/form.js';

/** Decode table lines of this folder's instructions (joined into the AArch64 table by ../table.ts). */
export const simdForms: readonly A64Form[] = [];
