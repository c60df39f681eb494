import type { Form } from '@arm64kit/core';
import type { Lifter } from '../lift/context.js';

/** One decode-table row: name, pattern (32 or 16 bits, see the README's legend), lifter. */
export function row(
  name: string,
  pattern: string,
  handler: Lifter,
  preferredOver?: readonly string[],
): Form<Lifter> {
  return preferredOver ? { name, pattern, handler, preferredOver } : { name, pattern, handler };
}
