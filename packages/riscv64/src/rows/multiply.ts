import type { Value } from '@arm64kit/core';
import type { LiftContext } from '../lift/context.js';
import { reg, regW } from './base.js';
import { row } from './row.js';

/**
 * The M extension. RISC-V division never traps: x/0 is all ones, x%0 is x, MIN/-1 is MIN and
 * MIN%-1 is 0. Core's IR already gives x%0 = x and the MIN cases; only x/0 needs a select.
 */

const ONES = (1n << 64n) - 1n;

function byZero(c: LiftContext, divisor: Value, quotient: Value): Value {
  return c.b.select(c.b.eqz(divisor), ONES, quotient);
}
const low32 = (c: LiftContext, v: Value) => c.b.and(v, 0xffffffffn);
const sext32 = (c: LiftContext, v: Value) => c.b.extend32S(v);

/** High half of signed × unsigned: the unsigned high half, less b when a is negative. */
function mulhsu(c: LiftContext, a: Value, b: Value): Value {
  return c.b.sub(c.b.mulhU(a, b), c.b.and(c.b.shrS(a, 63n), b));
}

export const multiplyRows = [
  row(
    'MUL',
    '0000001 ttttt sssss 000 ddddd 0110011',
    reg((c, a, b) => c.b.mul(a, b)),
  ),
  row(
    'MULH',
    '0000001 ttttt sssss 001 ddddd 0110011',
    reg((c, a, b) => c.b.mulhS(a, b)),
  ),
  row('MULHSU', '0000001 ttttt sssss 010 ddddd 0110011', reg(mulhsu)),
  row(
    'MULHU',
    '0000001 ttttt sssss 011 ddddd 0110011',
    reg((c, a, b) => c.b.mulhU(a, b)),
  ),
  row(
    'DIV',
    '0000001 ttttt sssss 100 ddddd 0110011',
    reg((c, a, b) => byZero(c, b, c.b.divS(a, b))),
  ),
  row(
    'DIVU',
    '0000001 ttttt sssss 101 ddddd 0110011',
    reg((c, a, b) => byZero(c, b, c.b.divU(a, b))),
  ),
  row(
    'REM',
    '0000001 ttttt sssss 110 ddddd 0110011',
    reg((c, a, b) => c.b.remS(a, b)),
  ),
  row(
    'REMU',
    '0000001 ttttt sssss 111 ddddd 0110011',
    reg((c, a, b) => c.b.remU(a, b)),
  ),
  row(
    'MULW',
    '0000001 ttttt sssss 000 ddddd 0111011',
    regW((c, a, b) => c.b.mul(a, b)),
  ),
  row(
    'DIVW',
    '0000001 ttttt sssss 100 ddddd 0111011',
    regW((c, a, b) => byZero(c, low32(c, b), c.b.divS(sext32(c, a), sext32(c, b)))),
  ),
  row(
    'DIVUW',
    '0000001 ttttt sssss 101 ddddd 0111011',
    regW((c, a, b) => byZero(c, low32(c, b), c.b.divU(low32(c, a), low32(c, b)))),
  ),
  row(
    'REMW',
    '0000001 ttttt sssss 110 ddddd 0111011',
    regW((c, a, b) => c.b.remS(sext32(c, a), sext32(c, b))),
  ),
  row(
    'REMUW',
    '0000001 ttttt sssss 111 ddddd 0111011',
    regW((c, a, b) => c.b.remU(low32(c, a), low32(c, b))),
  ),
];
