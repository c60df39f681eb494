import type { CodeReader, IrBuilder, Value } from '@arm64kit/core';
import { type CpuProfile, cpuProfile, DEFAULT_CPU } from '../cpu/profiles.js';
import { FLAG_C, FLAG_N, FLAG_V, FLAG_Z, SP, vHi, vLo } from '../state.js';

const SIGN64 = 1n << 63n;

/**
 * What a lifter works with: the IR builder plus AArch64 vocabulary on top of it (register 31 as
 * XZR or SP, 32-bit views that zero the upper half on write, NZCV, conditions, vector halves).
 * 32-bit operations are built on i32 temporaries and 64-bit ones on i64, as in WebAssembly.
 */
export class LiftContext {
  /** Address of the instruction being lifted. */
  pc = 0n;
  /** Its encoding. */
  insn = 0;

  constructor(
    readonly b: IrBuilder,
    /** The CPU the guest is told it runs on (what MRS of MIDR_EL1 and the ID registers returns). */
    readonly cpu: CpuProfile = cpuProfile(DEFAULT_CPU),
    /** Where the code comes from, asked only whether the memory is shared (see `shared`). */
    private readonly code: Pick<CodeReader, 'shared'> = {},
  ) {}

  /**
   * Whether other host threads share the memory (CodeReader.shared): atomics must be real ones.
   * Read only where an instruction's lifting depends on it, so that a block without such an
   * instruction serves memories of both kinds.
   */
  get shared(): boolean {
    return this.code.shared ?? false;
  }

  /** Address of the next instruction. */
  get next(): bigint {
    return this.pc + 4n;
  }

  // ---- general registers ------------------------------------------------------------------

  /** Xn as i64; register 31 reads as zero (XZR). */
  x(n: number): Value {
    return n === 31 ? this.b.const64(0n) : this.b.getReg(n);
  }
  /** Xn as i64; register 31 is SP. */
  xsp(n: number): Value {
    return this.b.getReg(n);
  }
  /** Wn as i32; register 31 reads as zero (WZR). */
  w(n: number): Value {
    return n === 31 ? this.b.const32(0) : this.b.wrap(this.b.getReg(n));
  }
  /** Wn as i32; register 31 is WSP. */
  wsp(n: number): Value {
    return this.b.wrap(this.b.getReg(n));
  }
  /** Xn (sf=1, i64) or Wn (sf=0, i32), register 31 = zero. */
  r(sf: number, n: number): Value {
    return sf ? this.x(n) : this.w(n);
  }
  /** Xn/SP (sf=1, i64) or Wn/WSP (sf=0, i32). */
  rsp(sf: number, n: number): Value {
    return sf ? this.xsp(n) : this.wsp(n);
  }

  /** Writes an i64 to Xn; writes to register 31 (XZR) are discarded. */
  setX(n: number, v: Value): void {
    if (n !== 31) this.b.setReg(n, v);
  }
  /** Writes an i64 to Xn or SP. */
  setXSP(n: number, v: Value): void {
    this.b.setReg(n, v);
  }
  /** Writes an i32 to Wn, zeroing bits 63:32; writes to WZR are discarded. */
  setW(n: number, v: Value): void {
    if (n !== 31) this.b.setReg(n, this.b.extendU(v));
  }
  /** Writes an i32 to Wn or WSP, zeroing bits 63:32. */
  setWSP(n: number, v: Value): void {
    this.b.setReg(n, this.b.extendU(v));
  }
  /** Writes a value of the width sf selects (i64 for sf=1, i32 for sf=0); register 31 = XZR. */
  setR(sf: number, n: number, v: Value): void {
    if (sf) this.setX(n, v);
    else this.setW(n, v);
  }
  /** As setR, with register 31 = SP. */
  setRSP(sf: number, n: number, v: Value): void {
    if (sf) this.setXSP(n, v);
    else this.setWSP(n, v);
  }

  /** A constant of the width sf selects. */
  k(sf: number, value: bigint | number): Value {
    return sf ? this.b.const64(BigInt.asUintN(64, BigInt(value))) : this.b.const32(value);
  }

  /** Bit width of the operation sf selects. */
  bits(sf: number): 32 | 64 {
    return sf ? 64 : 32;
  }

  /** Widens an i32 to i64 (zero-extending) or passes an i64 through. */
  toX(v: Value): Value {
    return v.ty === 'i64' ? v : this.b.extendU(v);
  }

  // ---- flags ------------------------------------------------------------------------------
  //
  // NZCV lives in four i64 slots in the split form QEMU uses, so that setting flags costs no
  // conversions and conditions are single comparisons:
  //   N = FLAG_N < 0 (signed)    Z = FLAG_Z == 0    C = FLAG_C (0 or 1)    V = FLAG_V < 0 (signed)
  // A 32-bit operation stores its values sign-extended to 64 bits.

  // "x < 0 as signed" is "x >= 2^63 as unsigned": an unsigned compare needs no reinterpretation.

  /** Sign-extends an i32 to i64 and passes an i64 through. */
  private sx(v: Value): Value {
    return v.ty === 'i64' ? v : this.b.extendS(v);
  }

  /** Stores the four flags, each an i32 that is 0 or 1. */
  setNZCV(n: Value, z: Value, c: Value, v: Value): void {
    const b = this.b;
    b.setReg(FLAG_N, b.sub(0n, b.extendU(n)));
    b.setReg(FLAG_Z, b.extendU(b.xor(z, 1)));
    b.setReg(FLAG_C, b.extendU(c));
    b.setReg(FLAG_V, b.sub(0n, b.extendU(v)));
  }

  /** N and Z from a result, C and V cleared (logical operations with S). */
  setLogicFlags(result: Value): void {
    const b = this.b;
    const r = this.sx(result);
    b.setReg(FLAG_N, r);
    b.setReg(FLAG_Z, r);
    b.setReg(FLAG_C, 0n);
    b.setReg(FLAG_V, 0n);
  }

  /** The top bit of an i32 or i64 value, as an i32 0/1. */
  signBit(v: Value): Value {
    const b = this.b;
    return v.ty === 'i64' ? b.wrap(b.shrU(v, 63n)) : b.shrU(v, 31);
  }

  /**
   * AddWithCarry of the Arm ARM: a + b + carryIn over the width of `a`, returning the result and
   * (when `setFlags`) storing NZCV. SUB is AddWithCarry(a, NOT b, 1), SBC AddWithCarry(a, NOT b, C).
   * `carryIn` is 0, 1 or an i32 0/1 value.
   */
  addWithCarry(a: Value, bv: Value, carryIn: 0 | 1 | Value, setFlags: boolean): Value {
    const b = this.b;
    const sum = b.add(a, bv);
    const result = carryIn === 0 ? sum : carryIn === 1 ? b.add(sum, 1n) : b.add(sum, this.widen(carryIn, a));
    if (!setFlags) return result;
    // Unsigned carry out: the result wrapped below a (or reached a exactly when a carry came in
    // and b was all ones).
    let c: Value;
    if (carryIn === 0) c = b.ltU(result, a);
    else if (carryIn === 1) c = b.leU(result, a);
    else c = b.select(carryIn, b.leU(result, a), b.ltU(result, a));
    // Signed overflow: both operands had the same sign and the result's differs.
    const r = this.sx(result);
    b.setReg(FLAG_N, r);
    b.setReg(FLAG_Z, r);
    b.setReg(FLAG_C, b.extendU(c));
    b.setReg(FLAG_V, this.sx(b.and(b.xor(a, result), b.xor(bv, result))));
    return result;
  }

  /**
   * a - b over the width of `a`, with NZCV when `setFlags`: the same as AddWithCarry(a, NOT b, 1),
   * computed directly (C is "no borrow", a >= b unsigned).
   */
  subtract(a: Value, bv: Value, setFlags: boolean): Value {
    const b = this.b;
    const result = b.sub(a, bv);
    if (!setFlags) return result;
    const r = this.sx(result);
    b.setReg(FLAG_N, r);
    b.setReg(FLAG_Z, r);
    b.setReg(FLAG_C, b.extendU(b.geU(a, bv)));
    // Signed overflow: the operands' signs differ and the result's sign differs from a's.
    b.setReg(FLAG_V, this.sx(b.and(b.xor(a, bv), b.xor(a, result))));
    return result;
  }

  /** The carry flag as an i32 0/1. */
  carry(): Value {
    return this.b.wrap(this.b.getReg(FLAG_C));
  }

  /**
   * Evaluates condition code `cond` (EQ=0 … NV=15) against NZCV, as an i32 0/1.
   * AL and NV are both "always", as the architecture defines them.
   */
  cond(cond: number): Value {
    const b = this.b;
    const base = cond >> 1;
    let v: Value;
    switch (base) {
      case 0: // EQ / NE
        v = b.eqz(b.getReg(FLAG_Z));
        break;
      case 1: // CS / CC
        v = b.wrap(b.getReg(FLAG_C));
        break;
      case 2: // MI / PL
        v = b.geU(b.getReg(FLAG_N), SIGN64);
        break;
      case 3: // VS / VC
        v = b.geU(b.getReg(FLAG_V), SIGN64);
        break;
      case 4: // HI / LS: C set and Z clear
        v = b.and(b.wrap(b.getReg(FLAG_C)), b.ne(b.getReg(FLAG_Z), 0n));
        break;
      case 5: // GE / LT: N == V
        v = b.ltU(b.xor(b.getReg(FLAG_N), b.getReg(FLAG_V)), SIGN64);
        break;
      case 6: // GT / LE: Z clear and N == V
        v = b.and(b.ne(b.getReg(FLAG_Z), 0n), b.ltU(b.xor(b.getReg(FLAG_N), b.getReg(FLAG_V)), SIGN64));
        break;
      default: // AL / NV
        return b.const32(1);
    }
    return cond & 1 ? b.xor(v, 1) : v;
  }

  /** NZCV packed as the NZCV system register shows it (bits 31:28), i64. */
  packedNZCV(): Value {
    const b = this.b;
    const n = b.shl(b.shrU(b.getReg(FLAG_N), 63n), 31n);
    const z = b.shl(b.extendU(b.eqz(b.getReg(FLAG_Z))), 30n);
    const c = b.shl(b.getReg(FLAG_C), 29n);
    const v = b.shl(b.shrU(b.getReg(FLAG_V), 63n), 28n);
    return b.or(b.or(n, z), b.or(c, v));
  }

  /** Sets NZCV from bits 31:28 of an i64 (MSR NZCV, FCMP results). */
  unpackNZCV(packed: Value): void {
    const b = this.b;
    const top = 1n << 63n;
    b.setReg(FLAG_N, b.and(b.shl(packed, 32n), top));
    b.setReg(FLAG_Z, b.xor(b.and(b.shrU(packed, 30n), 1n), 1n));
    b.setReg(FLAG_C, b.and(b.shrU(packed, 29n), 1n));
    b.setReg(FLAG_V, b.and(b.shl(packed, 35n), top));
  }

  // ---- vector registers -------------------------------------------------------------------

  /** Bits 63:0 of Vn (i64). */
  vlo(n: number): Value {
    return this.b.getReg(vLo(n));
  }
  /** Bits 127:64 of Vn (i64). */
  vhi(n: number): Value {
    return this.b.getReg(vHi(n));
  }
  /** Writes all 128 bits of Vn. */
  setV(n: number, lo: Value | bigint, hi: Value | bigint): void {
    this.b.setReg(vLo(n), lo);
    this.b.setReg(vHi(n), hi);
  }

  /** The stack pointer slot, for lifters that name it. */
  readonly sp = SP;

  private widen(v: Value, like: Value): Value {
    if (v.ty === like.ty) return v;
    return like.ty === 'i64' ? this.b.extendU(v) : this.b.wrap(v);
  }
}
