import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D, type Fmt, FPCRS, H, Rng, randomInt, randomValue, S, specials } from './oracle/cases.js';
import { runOp } from './oracle/ops.js';
import { FPOracle } from './oracle/oracle.js';

/**
 * Every operation against the real instruction semantics: qemu-aarch64-static executing the
 * instruction itself (QEMU's softfloat implements the Arm rules exactly), bit for bit, flags
 * included, under every rounding mode and with FZ/DN.
 */
const prerequisite =
  commandProblem('aarch64-linux-gnu-gcc', 'gcc-aarch64-linux-gnu') ??
  commandProblem('qemu-aarch64-static', 'qemu-user-static');

const hex = (v: bigint | number) => v.toString(16);

interface Group {
  name: string;
  ops: string[];
  arity: number;
  fmt: Fmt;
  /** Operand generator override (integer sources). */
  intWidth?: number;
  random: number;
}

const BIN = ['fadd', 'fsub', 'fmul', 'fdiv', 'fmax', 'fmin', 'fmaxnm', 'fminnm', 'fmulx', 'fcmp', 'fcmpe'];
const UN = ['fsqrt', 'frintn', 'frinta', 'frintm', 'frintp', 'frintz', 'frintx', 'frinti'];
const TERN = ['fmadd', 'fmsub', 'fnmadd', 'fnmsub'];
const FTOI = ['z', 'n', 'a', 'm', 'p'].flatMap((k) =>
  ['s', 'u'].flatMap((u) => [`fcvt${k}${u}_x`, `fcvt${k}${u}_w`]),
);

const groups: Group[] = [];
for (const [fmt, sfx] of [
  [D, 'd'],
  [S, 's'],
] as const) {
  groups.push({ name: `binary ${sfx}`, ops: BIN.map((o) => `${o}_${sfx}`), arity: 2, fmt, random: 300 });
  groups.push({ name: `unary ${sfx}`, ops: UN.map((o) => `${o}_${sfx}`), arity: 1, fmt, random: 200 });
  groups.push({ name: `fused ${sfx}`, ops: TERN.map((o) => `${o}_${sfx}`), arity: 3, fmt, random: 500 });
  groups.push({ name: `to integer ${sfx}`, ops: FTOI.map((o) => `${o}${sfx}`), arity: 1, fmt, random: 150 });
  for (const w of [64, 32]) {
    const src = w === 64 ? 'x' : 'w';
    groups.push({
      name: `from ${src} to ${sfx}`,
      ops: [`scvtf_${sfx}${src}`, `ucvtf_${sfx}${src}`],
      arity: 1,
      fmt,
      intWidth: w,
      random: 300,
    });
  }
}
groups.push({ name: 'fcvt from d', ops: ['fcvt_sd', 'fcvt_hd', 'fcvtxn'], arity: 1, fmt: D, random: 400 });
groups.push({ name: 'fcvt from s', ops: ['fcvt_ds', 'fcvt_hs'], arity: 1, fmt: S, random: 400 });
groups.push({ name: 'fcvt from h', ops: ['fcvt_sh', 'fcvt_dh'], arity: 1, fmt: H, random: 400 });

function fmaAddend(rng: Rng, fmt: Fmt, a: bigint, b: bigint): bigint {
  // An addend close to -(a*b) makes the fused sum cancel, where a separately rounded product fails.
  if (fmt.bits !== 64 || rng.int(2) === 0) return randomValue(rng, fmt);
  const f = new Float64Array(1);
  const u = new BigUint64Array(f.buffer);
  u[0] = a;
  const x = f[0];
  u[0] = b;
  f[0] = -(x * f[0]);
  return (u[0] + BigInt(rng.int(5)) - 2n) & 0xffffffffffffffffn;
}

function casesFor(g: Group, rng: Rng): string[] {
  const lines: string[] = [];
  const sp = specials(g.fmt);
  for (const op of g.ops) {
    // Every pair of special values under the default FPCR and one directed mode.
    if (!g.intWidth && g.arity <= 2) {
      for (const fpcr of [0, 2 << 22, 1 << 24]) {
        for (const a of sp)
          for (const b of g.arity === 2 ? sp : [0n]) lines.push(`${op} ${hex(fpcr)} ${hex(a)} ${hex(b)} 0`);
      }
    }
    for (const fpcr of FPCRS) {
      for (let i = 0; i < g.random; i++) {
        const a = g.intWidth ? randomInt(rng, g.intWidth) : randomValue(rng, g.fmt);
        const b = g.arity >= 2 ? randomValue(rng, g.fmt) : 0n;
        const c = g.arity === 3 ? fmaAddend(rng, g.fmt, a, b) : 0n;
        lines.push(`${op} ${hex(fpcr)} ${hex(a)} ${hex(b)} ${hex(c)}`);
      }
    }
  }
  return lines;
}

describe.runIf(available('FP semantics against qemu-aarch64-static', prerequisite))(
  'FP semantics match qemu-aarch64-static',
  () => {
    let oracle: FPOracle;
    beforeAll(() => {
      oracle = new FPOracle();
    });
    afterAll(() => oracle?.dispose());

    for (const g of groups) {
      it(`${g.name}: ${g.ops.join(' ')}`, () => {
        const rng = new Rng(g.name.length * 7919 + g.ops.length);
        const lines = casesFor(g, rng);
        const expected = oracle.run(lines);
        const failures: string[] = [];
        lines.forEach((line, i) => {
          const [op, fpcr, a, b, c] = line.split(' ');
          const got = runOp(
            op,
            Number.parseInt(fpcr, 16),
            BigInt(`0x${a}`),
            BigInt(`0x${b}`),
            BigInt(`0x${c}`),
          );
          const [r, s] = expected[i];
          if (got.result !== r || got.fpsr !== s) {
            failures.push(
              `${line} => got ${hex(got.result)} fpsr ${hex(got.fpsr)}, hardware ${hex(r)} fpsr ${hex(s)}`,
            );
          }
        });
        expect(failures.slice(0, 15), `${failures.length} of ${lines.length} cases differ`).toEqual([]);
      });
    }
  },
);
