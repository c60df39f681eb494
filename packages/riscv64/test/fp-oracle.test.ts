import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RISCV64_TARGET, runUnderEmulator, runUnderQemu } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { suiteTempDir } from '@arm64kit/vitest-config/suite-temp-dir';
import { describe, expect, it } from 'vitest';
import { inProcess } from './support/in-process.js';

const prerequisites =
  commandProblem(RISCV64_TARGET.cc, 'gcc-riscv64-linux-gnu') ??
  commandProblem(RISCV64_TARGET.qemu, 'qemu-user-static');

/** A deterministic generator (xorshift64), so a failure names a reproducible case. */
function generator(seed: bigint): () => bigint {
  let s = seed;
  return () => {
    s ^= (s << 13n) & 0xffffffffffffffffn;
    s ^= s >> 7n;
    s ^= (s << 17n) & 0xffffffffffffffffn;
    return s;
  };
}

const DOUBLES = [
  0n,
  1n << 63n,
  0x7ff0000000000000n,
  0xfff0000000000000n,
  0x7ff8000000000000n,
  0x7ff4000000000000n,
  1n,
  0x000fffffffffffffn,
  0x0010000000000000n,
  0x7fefffffffffffffn,
  0x3ff0000000000000n,
  0xbff0000000000000n,
  0x3ff0000000000001n,
  0x3ca0000000000000n,
  0x41dfffffffc00000n,
  0x43e0000000000000n,
  0xc3e0000000000000n,
  0x3fe0000000000000n,
  0x4004000000000000n,
];
const SINGLES = [
  0n,
  0x80000000n,
  0x7f800000n,
  0xff800000n,
  0x7fc00000n,
  0x7fa00000n,
  1n,
  0x007fffffn,
  0x00800000n,
  0x7f7fffffn,
  0x3f800000n,
  0xbf800000n,
  0x3f800001n,
  0x33800000n,
  0x4f000000n,
  0x5f800000n,
  0x3f000000n,
];

type Kind = 'd' | 's' | 'int';
const OPS: Record<string, Kind[]> = {
  fmadd_d: ['d', 'd', 'd'],
  fnmsub_d: ['d', 'd', 'd'],
  fmadd_s: ['s', 's', 's'],
  fadd_d: ['d', 'd'],
  fsub_d: ['d', 'd'],
  fmul_d: ['d', 'd'],
  fdiv_d: ['d', 'd'],
  fmin_d: ['d', 'd'],
  fmax_s: ['s', 's'],
  fadd_s: ['s', 's'],
  fmul_s: ['s', 's'],
  fdiv_s: ['s', 's'],
  fsqrt_d: ['d'],
  fsqrt_s: ['s'],
  fcvt_s_d: ['d'],
  fcvt_d_s: ['s'],
  fcvt_w_d: ['d'],
  fcvt_wu_d: ['d'],
  fcvt_l_d: ['d'],
  fcvt_lu_s: ['s'],
  fclass_d: ['d'],
  flt_d: ['d', 'd'],
  feq_s: ['s', 's'],
  fcvt_d_l: ['int'],
  fcvt_s_lu: ['int'],
  fcvt_s_w: ['int'],
};

function operand(kind: Kind, next: () => bigint): bigint {
  const r = next();
  const pick = Number(r & 3n);
  if (kind === 'int') return pick === 0 ? r >> 40n : r;
  const specials = kind === 'd' ? DOUBLES : SINGLES;
  const mask = kind === 'd' ? 0xffffffffffffffffn : 0xffffffffn;
  if (pick === 0) return specials[Number((r >> 8n) % BigInt(specials.length))];
  // Random bits, some with the exponent squeezed near 1.0 so that sums and products stay finite.
  const bits = (r >> 3n) & mask;
  if (pick === 1)
    return kind === 'd'
      ? (bits & 0x800fffffffffffffn) | 0x3fd0000000000000n
      : (bits & 0x807fffffn) | 0x3f000000n;
  return bits;
}

function cases(count: number): string {
  const next = generator(0x9e3779b97f4a7c15n);
  const names = Object.keys(OPS);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = names[i % names.length];
    const rm = Number(next() % 5n);
    const args = OPS[name].map((k) => operand(k, next));
    while (args.length < 3) args.push(0n);
    lines.push(`${name} ${rm} ${args.map((a) => a.toString(16)).join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

describe.runIf(available('riscv64 FP oracle', prerequisites))(
  'riscv64 F/D against qemu-riscv64-static',
  () => {
    const scratch = suiteTempDir('rv-fp-');
    const source = fileURLToPath(new URL('./fixtures/fp-oracle.c', import.meta.url));

    it('gives the same bits and fflags for every operation, operand class and rounding mode', {
      timeout: 300_000,
    }, async () => {
      const binary = join(scratch(), 'fp-oracle');
      execFileSync(RISCV64_TARGET.cc, ['-static', '-O2', '-o', binary, source]);
      const c = { stdin: cases(6000) };
      const expected = await runUnderQemu(binary, c, RISCV64_TARGET.qemu);
      expect(expected.stdout.split('\n').length).toBeGreaterThan(6000);
      const actual = await runUnderEmulator(binary, inProcess(), c);
      const want = expected.stdout.split('\n');
      const got = actual.stdout.split('\n');
      const differing = want
        .map((line, i) => (line === got[i] ? null : `${line}  (arm64kit: ${got[i] ?? 'none'})`))
        .filter((line) => line !== null)
        .slice(0, 10);
      expect(differing).toEqual([]);
      expect(actual.status).toBe(expected.status);
    });
  },
);
