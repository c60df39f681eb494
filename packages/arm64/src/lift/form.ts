import type { Fields, Form } from '../decode/table.js';
import type { LiftContext } from './context.js';

/**
 * Lifts one decoded instruction into IR through `c`. Returns `false` when the encoding is
 * unallocated after all (a reserved field value the pattern could not exclude, like ADD extended
 * with imm3 > 4): the block then ends with SIGILL, as on hardware. Branches end the block by
 * emitting an exit (`c.b.jump`, `c.b.branch`, `c.b.syscall`, `c.b.trap`).
 */
// biome-ignore lint/suspicious/noConfusingVoidType: lifters are mostly statement bodies that return nothing
export type Lifter = (f: Fields, c: LiftContext) => undefined | boolean | void;

/** One line of the AArch64 decode table. */
export type A64Form = Form<Lifter>;

/**
 * One table line: `form('ADD_imm', 'f0010001 0h iiiiiiiiiiii nnnnn ddddd', liftAddImm)`.
 * `preferredOver` names forms this one is carved out of (aliases, special cases).
 */
export function form(
  name: string,
  pattern: string,
  lift: Lifter,
  preferredOver?: readonly string[],
): A64Form {
  return preferredOver ? { name, pattern, handler: lift, preferredOver } : { name, pattern, handler: lift };
}
