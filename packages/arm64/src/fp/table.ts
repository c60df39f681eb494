import type { A64Form } from '../lift/form.js';
import { jscvtForms } from './jscvt.js';
import { fpArithForms } from './lift-arith.js';
import { fpCompareForms } from './lift-compare.js';
import { fpConvertForms } from './lift-convert.js';
import { fpMoveForms } from './lift-move.js';

/** Decode table lines of this folder's instructions (joined into the AArch64 table by ../table.ts). */
export const fpForms: readonly A64Form[] = [
  ...fpArithForms,
  ...fpCompareForms,
  ...fpMoveForms,
  ...fpConvertForms,
  ...jscvtForms,
];
