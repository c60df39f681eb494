import { DecodeTable } from './decode/table.js';
import { fpForms } from './fp/table.js';
import { atomicForms } from './lift/atomic.js';
import { branchForms } from './lift/branch.js';
import { crc32Forms } from './lift/crc32.js';
import { dataProcessingImmForms } from './lift/data-processing-imm.js';
import { dataProcessingRegForms } from './lift/data-processing-reg.js';
import { exclusiveForms } from './lift/exclusive.js';
import { flagForms } from './lift/flags.js';
import type { A64Form, Lifter } from './lift/form.js';
import { loadStoreForms } from './lift/load-store.js';
import { rcpcForms } from './lift/rcpc.js';
import { systemForms } from './lift/system.js';
import { simdForms } from './simd/table.js';

/**
 * Every AArch64 form this package decodes. Each instruction class keeps its lines in its own
 * file and exports them as an `A64Form[]`; joining the table is one entry here.
 */
export const a64Forms: readonly A64Form[] = [
  ...dataProcessingImmForms,
  ...dataProcessingRegForms,
  ...crc32Forms,
  ...branchForms,
  ...loadStoreForms,
  ...exclusiveForms,
  ...atomicForms,
  ...rcpcForms,
  ...flagForms,
  ...systemForms,
  ...fpForms,
  ...simdForms,
];

let table: DecodeTable<Lifter> | undefined;

/**
 * The decode table, built on first use. Whether two forms claim one encoding without a
 * preferredOver mark is a fact of the source, checked by table.test.ts, not again at every start.
 */
export function a64Table(): DecodeTable<Lifter> {
  table ??= new DecodeTable(a64Forms, { verifyOverlaps: false });
  return table;
}
