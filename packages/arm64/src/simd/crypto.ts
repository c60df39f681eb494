import type { Cpu } from '@arm64kit/core';
import type { Fields } from '../decode/table.js';
import type { LiftContext } from '../lift/context.js';
import { type A64Form, form } from '../lift/form.js';
import { vHi, vLo } from '../state.js';

/**
 * The cryptographic extensions: AES (AESE AESD AESMC AESIMC), SHA1 (SHA1C SHA1P SHA1M SHA1H
 * SHA1SU0 SHA1SU1), SHA2 (SHA256H SHA256H2 SHA256SU0 SHA256SU1), SHA512 (SHA512H SHA512H2
 * SHA512SU0 SHA512SU1) and SHA3 (EOR3 RAX1 XAR BCAX). Each instruction is one helper that works
 * on the register words directly: one call where a generic NEON implementation would run
 * hundreds of emulated instructions.
 */

// ---- AES -------------------------------------------------------------------------------------

function xtime(x: number): number {
  return ((x << 1) ^ (x & 0x80 ? 0x1b : 0)) & 0xff;
}

function gmul(a: number, b: number): number {
  let r = 0;
  let x = a;
  for (let y = b; y; y >>= 1) {
    if (y & 1) r ^= x;
    x = xtime(x);
  }
  return r;
}

/** The S-box and its inverse, built on the first AES instruction (most programs run none). */
let boxes: { readonly forward: Uint8Array; readonly inverse: Uint8Array } | undefined;

// The S-box is the multiplicative inverse in GF(2^8) followed by the affine map (FIPS-197 5.1.1).
function sboxes(): { readonly forward: Uint8Array; readonly inverse: Uint8Array } {
  if (boxes !== undefined) return boxes;
  const forward = new Uint8Array(256);
  const inverse = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let inv = 0;
    if (i !== 0) for (inv = 1; gmul(i, inv) !== 1; inv++);
    let s = inv;
    for (let k = 1; k <= 4; k++) s ^= ((inv << k) | (inv >> (8 - k))) & 0xff;
    s ^= 0x63;
    forward[i] = s;
    inverse[s] = i;
  }
  boxes = { forward, inverse };
  return boxes;
}

/** Byte i of the state after (Inv)ShiftRows comes from byte SHIFT[i] before it (column-major state). */
const SHIFT = Uint8Array.from({ length: 16 }, (_, i) => (i % 4) + 4 * (((i >> 2) + (i % 4)) % 4));
const INV_SHIFT = Uint8Array.from({ length: 16 }, (_, i) => (i % 4) + 4 * (((i >> 2) - (i % 4) + 4) % 4));

const state = new Uint8Array(16);

function aesRound(cpu: Cpu, d: number, n: number, decrypt: boolean): void {
  const u8 = cpu.u8;
  const bd = 8 * vLo(d);
  const bn = 8 * vLo(n);
  for (let i = 0; i < 16; i++) state[i] = u8[bd + i] ^ u8[bn + i];
  const box = decrypt ? sboxes().inverse : sboxes().forward;
  const shift = decrypt ? INV_SHIFT : SHIFT;
  for (let i = 0; i < 16; i++) u8[bd + i] = box[state[shift[i]]];
}

function mixColumns(cpu: Cpu, d: number, n: number, inverse: boolean): void {
  const u8 = cpu.u8;
  const bd = 8 * vLo(d);
  const bn = 8 * vLo(n);
  for (let i = 0; i < 16; i++) state[i] = u8[bn + i];
  for (let col = 0; col < 16; col += 4) {
    const a0 = state[col];
    const a1 = state[col + 1];
    const a2 = state[col + 2];
    const a3 = state[col + 3];
    if (!inverse) {
      u8[bd + col] = xtime(a0) ^ xtime(a1) ^ a1 ^ a2 ^ a3;
      u8[bd + col + 1] = a0 ^ xtime(a1) ^ xtime(a2) ^ a2 ^ a3;
      u8[bd + col + 2] = a0 ^ a1 ^ xtime(a2) ^ xtime(a3) ^ a3;
      u8[bd + col + 3] = xtime(a0) ^ a0 ^ a1 ^ a2 ^ xtime(a3);
    } else {
      u8[bd + col] = gmul(a0, 14) ^ gmul(a1, 11) ^ gmul(a2, 13) ^ gmul(a3, 9);
      u8[bd + col + 1] = gmul(a0, 9) ^ gmul(a1, 14) ^ gmul(a2, 11) ^ gmul(a3, 13);
      u8[bd + col + 2] = gmul(a0, 13) ^ gmul(a1, 9) ^ gmul(a2, 14) ^ gmul(a3, 11);
      u8[bd + col + 3] = gmul(a0, 11) ^ gmul(a1, 13) ^ gmul(a2, 9) ^ gmul(a3, 14);
    }
  }
}

function liftAes(f: Fields, c: LiftContext): boolean {
  const { d, n } = f;
  if (f.o === 0b00) c.b.callHelper((cpu: Cpu) => aesRound(cpu, d, n, false));
  else if (f.o === 0b01) c.b.callHelper((cpu: Cpu) => aesRound(cpu, d, n, true));
  else c.b.callHelper((cpu: Cpu) => mixColumns(cpu, d, n, f.o === 0b11));
  return true;
}

// ---- SHA-1 and SHA-256 -----------------------------------------------------------------------

const X = new Uint32Array(4);
const Y = new Uint32Array(4);
const W = new Uint32Array(4);

function words(cpu: Cpu, v: number, out: Uint32Array): void {
  const s = 2 * vLo(v);
  for (let i = 0; i < 4; i++) out[i] = cpu.regs32[s + i];
}

function store(cpu: Cpu, v: number, from: Uint32Array): void {
  const s = 2 * vLo(v);
  for (let i = 0; i < 4; i++) cpu.regs32[s + i] = from[i];
}

const rol = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
const ror = (x: number, k: number) => ((x >>> k) | (x << (32 - k))) >>> 0;

type Fn3 = (x: number, y: number, z: number) => number;
const choose: Fn3 = (x, y, z) => ((y ^ z) & x) ^ z;
const parity: Fn3 = (x, y, z) => x ^ y ^ z;
const majority: Fn3 = (x, y, z) => (x & y) | ((x | y) & z);

/** SHA1C/SHA1P/SHA1M: four rounds on hash state Qd (a..d) and Sn (e) with the words of Vm. */
function sha1Rounds(cpu: Cpu, d: number, n: number, m: number, fn: Fn3): void {
  words(cpu, d, X);
  words(cpu, m, W);
  let y = cpu.regs32[2 * vLo(n)] >>> 0;
  for (let e = 0; e < 4; e++) {
    const t = fn(X[1], X[2], X[3]);
    y = (y + rol(X[0], 5) + t + W[e]) >>> 0;
    X[1] = rol(X[1], 30);
    // <Y, X> = ROL(Y:X, 32)
    const top = X[3];
    X[3] = X[2];
    X[2] = X[1];
    X[1] = X[0];
    X[0] = y;
    y = top;
  }
  store(cpu, d, X);
}

const sigma0 = (x: number) => ror(x, 2) ^ ror(x, 13) ^ ror(x, 22);
const sigma1 = (x: number) => ror(x, 6) ^ ror(x, 11) ^ ror(x, 25);

/** SHA256H (part 1: the a..d half) and SHA256H2 (the e..h half): four rounds. */
function sha256Rounds(cpu: Cpu, d: number, n: number, m: number, part1: boolean): void {
  words(cpu, part1 ? d : n, X);
  words(cpu, part1 ? n : d, Y);
  words(cpu, m, W);
  for (let e = 0; e < 4; e++) {
    const chs = (((Y[1] ^ Y[2]) & Y[0]) ^ Y[2]) >>> 0;
    const maj = ((X[0] & X[1]) | ((X[0] | X[1]) & X[2])) >>> 0;
    const t = (Y[3] + sigma1(Y[0]) + chs + W[e]) >>> 0;
    X[3] = (t + X[3]) >>> 0;
    Y[3] = (t + sigma0(X[0]) + maj) >>> 0;
    // <Y, X> = ROL(Y:X, 32)
    const yTop = Y[3];
    const xTop = X[3];
    Y[3] = Y[2];
    Y[2] = Y[1];
    Y[1] = Y[0];
    Y[0] = xTop;
    X[3] = X[2];
    X[2] = X[1];
    X[1] = X[0];
    X[0] = yTop;
  }
  store(cpu, d, part1 ? X : Y);
}

function liftSha3Reg(f: Fields, c: LiftContext): boolean {
  const { d, n, m } = f;
  const b = c.b;
  switch (f.o) {
    case 0b000:
      b.callHelper((cpu: Cpu) => sha1Rounds(cpu, d, n, m, choose));
      return true;
    case 0b001:
      b.callHelper((cpu: Cpu) => sha1Rounds(cpu, d, n, m, parity));
      return true;
    case 0b010:
      b.callHelper((cpu: Cpu) => sha1Rounds(cpu, d, n, m, majority));
      return true;
    case 0b011: // SHA1SU0: (Vn<63:0> : Vd<127:64>) ^ Vd ^ Vm
      b.callHelper((cpu: Cpu) => {
        words(cpu, d, X);
        words(cpu, n, Y);
        words(cpu, m, W);
        const r = [X[2], X[3], Y[0], Y[1]];
        for (let i = 0; i < 4; i++) X[i] = r[i] ^ X[i] ^ W[i];
        store(cpu, d, X);
      });
      return true;
    case 0b100:
      b.callHelper((cpu: Cpu) => sha256Rounds(cpu, d, n, m, true));
      return true;
    case 0b101:
      b.callHelper((cpu: Cpu) => sha256Rounds(cpu, d, n, m, false));
      return true;
    case 0b110: // SHA256SU1
      b.callHelper((cpu: Cpu) => {
        words(cpu, d, X);
        words(cpu, n, Y);
        words(cpu, m, W);
        const t0 = [Y[1], Y[2], Y[3], W[0]];
        const s1 = (x: number) => ror(x, 17) ^ ror(x, 19) ^ (x >>> 10);
        const r0 = (s1(W[2]) + X[0] + t0[0]) >>> 0;
        const r1 = (s1(W[3]) + X[1] + t0[1]) >>> 0;
        const r2 = (s1(r0) + X[2] + t0[2]) >>> 0;
        const r3 = (s1(r1) + X[3] + t0[3]) >>> 0;
        X[0] = r0;
        X[1] = r1;
        X[2] = r2;
        X[3] = r3;
        store(cpu, d, X);
      });
      return true;
    default:
      return false;
  }
}

function liftSha2Reg(f: Fields, c: LiftContext): boolean {
  const { d, n } = f;
  const b = c.b;
  switch (f.o) {
    case 0b00000: // SHA1H: Sd = ROL(Sn, 30)
      b.callHelper((cpu: Cpu) => {
        X[0] = rol(cpu.regs32[2 * vLo(n)] >>> 0, 30);
        X[1] = 0;
        X[2] = 0;
        X[3] = 0;
        store(cpu, d, X);
      });
      return true;
    case 0b00001: // SHA1SU1
      b.callHelper((cpu: Cpu) => {
        words(cpu, d, X);
        words(cpu, n, Y);
        const t = [X[0] ^ Y[1], X[1] ^ Y[2], X[2] ^ Y[3], X[3]];
        X[0] = rol(t[0], 1);
        X[1] = rol(t[1], 1);
        X[2] = rol(t[2], 1);
        X[3] = rol(t[3], 1) ^ rol(t[0], 2);
        store(cpu, d, X);
      });
      return true;
    case 0b00010: // SHA256SU0
      b.callHelper((cpu: Cpu) => {
        words(cpu, d, X);
        words(cpu, n, Y);
        const t = [X[1], X[2], X[3], Y[0]];
        for (let e = 0; e < 4; e++) X[e] = ((ror(t[e], 7) ^ ror(t[e], 18) ^ (t[e] >>> 3)) + X[e]) >>> 0;
        store(cpu, d, X);
      });
      return true;
    default:
      return false;
  }
}

// ---- SHA-512 and SHA-3 -----------------------------------------------------------------------

const M64 = (1n << 64n) - 1n;
const ror64 = (x: bigint, k: bigint) => ((x >> k) | (x << (64n - k))) & M64;

function pair(cpu: Cpu, v: number): [bigint, bigint] {
  return [cpu.regs[vLo(v)], cpu.regs[vHi(v)]];
}

function setPair(cpu: Cpu, v: number, lo: bigint, hi: bigint): void {
  cpu.regs[vLo(v)] = lo & M64;
  cpu.regs[vHi(v)] = hi & M64;
}

const bigSigma1 = (x: bigint) => ror64(x, 14n) ^ ror64(x, 18n) ^ ror64(x, 41n);
const bigSigma0 = (x: bigint) => ror64(x, 28n) ^ ror64(x, 34n) ^ ror64(x, 39n);

function sha512h(cpu: Cpu, d: number, n: number, m: number): void {
  const [x0, x1] = pair(cpu, n);
  const [y0, y1] = pair(cpu, m);
  const [w0, w1] = pair(cpu, d);
  const hi = (((y1 & x0) ^ (~y1 & x1)) + bigSigma1(y1) + w1) & M64;
  const tmp = (hi + y0) & M64;
  const lo = (((tmp & y1) ^ (~tmp & x0)) + bigSigma1(tmp) + w0) & M64;
  setPair(cpu, d, lo, hi);
}

function sha512h2(cpu: Cpu, d: number, n: number, m: number): void {
  const [x0] = pair(cpu, n);
  const [y0, y1] = pair(cpu, m);
  const [w0, w1] = pair(cpu, d);
  const hi = ((x0 & y1) ^ (x0 & y0) ^ (y1 & y0)) + bigSigma0(y0) + w1;
  const hiMasked = hi & M64;
  const lo = ((hiMasked & y0) ^ (hiMasked & y1) ^ (y1 & y0)) + bigSigma0(hiMasked) + w0;
  setPair(cpu, d, lo, hiMasked);
}

function sha512su0(cpu: Cpu, d: number, n: number): void {
  const [w0, w1] = pair(cpu, d);
  const [x0] = pair(cpu, n);
  const s0 = (x: bigint) => ror64(x, 1n) ^ ror64(x, 8n) ^ (x >> 7n);
  setPair(cpu, d, w0 + s0(w1), w1 + s0(x0));
}

function sha512su1(cpu: Cpu, d: number, n: number, m: number): void {
  const [w0, w1] = pair(cpu, d);
  const [x0, x1] = pair(cpu, n);
  const [y0, y1] = pair(cpu, m);
  const s1 = (x: bigint) => ror64(x, 19n) ^ ror64(x, 61n) ^ (x >> 6n);
  setPair(cpu, d, w0 + s1(x0) + y0, w1 + s1(x1) + y1);
}

function liftSha512(f: Fields, c: LiftContext): boolean {
  const { d, n, m } = f;
  const b = c.b;
  if (f.o === 0b00) b.callHelper((cpu: Cpu) => sha512h(cpu, d, n, m));
  else if (f.o === 0b01) b.callHelper((cpu: Cpu) => sha512h2(cpu, d, n, m));
  else if (f.o === 0b10) b.callHelper((cpu: Cpu) => sha512su1(cpu, d, n, m));
  else {
    // RAX1: Vn ^ ROL(Vm, 1) on each 64-bit lane, plain IR
    const lane = (slot: (v: number) => number) => {
      const mv = b.getReg(slot(m));
      return b.xor(b.getReg(slot(n)), b.or(b.shl(mv, 1n), b.shrU(mv, 63n)));
    };
    c.setV(d, lane(vLo), lane(vHi));
  }
  return true;
}

/** EOR3 (Vn ^ Vm ^ Va) and BCAX (Vn ^ (Vm & ~Va)): plain i64 IR on both halves. */
function liftThreeWay(bcax: boolean) {
  return (f: Fields, c: LiftContext): boolean => {
    const b = c.b;
    const half = (slot: (v: number) => number) => {
      const nv = b.getReg(slot(f.n));
      const mv = b.getReg(slot(f.m));
      const av = b.getReg(slot(f.a));
      return bcax ? b.xor(nv, b.and(mv, b.xor(av, M64))) : b.xor(b.xor(nv, mv), av);
    };
    c.setV(f.d, half(vLo), half(vHi));
    return true;
  };
}

/** XAR: ROR(Vn ^ Vm, imm6) on each 64-bit lane. */
function liftXar(f: Fields, c: LiftContext): boolean {
  const b = c.b;
  const k = BigInt(f.i);
  const half = (slot: (v: number) => number) => {
    const x = b.xor(b.getReg(slot(f.n)), b.getReg(slot(f.m)));
    return k === 0n ? x : b.or(b.shrU(x, k), b.shl(x, 64n - k));
  };
  c.setV(f.d, half(vLo), half(vHi));
  return true;
}

export const cryptoForms: readonly A64Form[] = [
  form('AES', '01001110 00 10100 001 oo 10 nnnnn ddddd', liftAes),
  form('SHA_three_reg', '01011110 00 0 mmmmm 0 ooo 00 nnnnn ddddd', liftSha3Reg),
  form('SHA_two_reg', '01011110 00 10100 ooooo 10 nnnnn ddddd', liftSha2Reg),
  form('SHA512_three_reg', '11001110 011 mmmmm 1000 oo nnnnn ddddd', liftSha512),
  form('SHA512SU0', '11001110 110 00000 100000 nnnnn ddddd', (f, c) => {
    const { d, n } = f;
    c.b.callHelper((cpu: Cpu) => sha512su0(cpu, d, n));
  }),
  form('EOR3', '11001110 000 mmmmm 0 aaaaa nnnnn ddddd', liftThreeWay(false)),
  form('BCAX', '11001110 001 mmmmm 0 aaaaa nnnnn ddddd', liftThreeWay(true)),
  form('XAR', '11001110 100 mmmmm iiiiii nnnnn ddddd', liftXar),
];
