import type { A64Form } from '../lift/form.js';
import { acrossForms } from './across.js';
import { byElementForms } from './by-element.js';
import { complexForms } from './complex.js';
import { copyForms } from './copy.js';
import { cryptoForms } from './crypto.js';
import { fixedPointForms } from './fixed-point.js';
import { fpVectorForms } from './fp-vector.js';
import { fp16Forms } from './fp16.js';
import { simdLoadStoreForms } from './load-store.js';
import { logicalForms } from './logical.js';
import { longMultiplyForms } from './long-multiply.js';
import { modifiedImmForms } from './modified-imm.js';
import { permuteForms } from './permute.js';
import { saturatingForms } from './saturating.js';
import { shiftForms } from './shift.js';
import { threeDiffForms } from './three-diff.js';
import { threeSameForms } from './three-same.js';
import { twoMiscForms } from './two-misc.js';

/** Decode table lines of this folder's instructions (joined into the AArch64 table by ../table.ts). */
export const simdForms: readonly A64Form[] = [
  ...logicalForms,
  ...threeSameForms,
  ...twoMiscForms,
  ...acrossForms,
  ...copyForms,
  ...modifiedImmForms,
  ...shiftForms,
  ...permuteForms,
  ...threeDiffForms,
  ...simdLoadStoreForms,
  ...fpVectorForms,
  ...fp16Forms,
  ...byElementForms,
  ...saturatingForms,
  ...longMultiplyForms,
  ...fixedPointForms,
  ...cryptoForms,
  ...complexForms,
];
