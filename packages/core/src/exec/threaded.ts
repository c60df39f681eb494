import type { Cpu } from '../cpu/cpu.js';
import type { FpStatus } from '../ir/fp.js';
import { operandsOf } from '../ir/operands.js';
import type { BinaryOp, CompareOp, IrBlock, IrInst, Value } from '../ir/types.js';
import type { PagedMemory } from '../memory/paged-memory.js';
import { GuestSignal } from '../signals.js';
import { EXIT_JUMP, EXIT_SYSCALL } from './exit-kind.js';
import * as n from './numeric.js';

/**
 * The threaded backend: each IR instruction becomes one small closure, chosen from a fixed set of
 * shapes shared by every block, so V8 optimizes those shapes after a few blocks instead of
 * warming up every guest block separately. Values never become BigInts: an i64 temporary is two
 * int32 words (low, high) in one Int32Array, registers are read through the register file's
 * Int32Array view, and 64-bit memory accesses move int32 halves. Only the rare wide operations
 * (division, 128-bit products) and helper calls build BigInts.
 */

type Op = (R: Int32Array, T: Int32Array) => void;

/** Scratch for BigInt↔halves conversions without Number(): write the u64, read the halves. */
const S64 = new BigUint64Array(1);
const S32 = new Int32Array(S64.buffer);

function toBig(lo: number, hi: number): bigint {
  S32[0] = lo;
  S32[1] = hi;
  return S64[0];
}

function fromBig(v: bigint, T: Int32Array, d: number): void {
  S64[0] = v;
  T[d] = S32[0];
  T[d + 1] = S32[1];
}

/** High 32 bits of the unsigned 32×32-bit product. */
function mulhu32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const lo = a0 * b0;
  const mid1 = a1 * b0 + (lo >>> 16);
  const mid2 = a0 * b1 + (mid1 & 0xffff);
  return (a1 * b1 + (mid1 >>> 16) + (mid2 >>> 16)) | 0;
}

function binary64(kind: BinaryOp, d: number, a: number, b: number): Op {
  switch (kind) {
    case 'add':
      return (_R, T) => {
        const al = T[a];
        const lo = (al + T[b]) | 0;
        T[d + 1] = (T[a + 1] + T[b + 1] + (lo >>> 0 < al >>> 0 ? 1 : 0)) | 0;
        T[d] = lo;
      };
    case 'sub':
      return (_R, T) => {
        const al = T[a];
        const bl = T[b];
        T[d + 1] = (T[a + 1] - T[b + 1] - (al >>> 0 < bl >>> 0 ? 1 : 0)) | 0;
        T[d] = (al - bl) | 0;
      };
    case 'mul':
      return (_R, T) => {
        const al = T[a];
        const bl = T[b];
        T[d + 1] = (Math.imul(T[a + 1], bl) + Math.imul(al, T[b + 1]) + mulhu32(al, bl)) | 0;
        T[d] = Math.imul(al, bl);
      };
    case 'and':
      return (_R, T) => {
        T[d] = T[a] & T[b];
        T[d + 1] = T[a + 1] & T[b + 1];
      };
    case 'or':
      return (_R, T) => {
        T[d] = T[a] | T[b];
        T[d + 1] = T[a + 1] | T[b + 1];
      };
    case 'xor':
      return (_R, T) => {
        T[d] = T[a] ^ T[b];
        T[d + 1] = T[a + 1] ^ T[b + 1];
      };
    case 'shl':
      return (_R, T) => {
        const s = T[b] & 63;
        const lo = T[a];
        const hi = T[a + 1];
        if (s === 0) {
          T[d] = lo;
          T[d + 1] = hi;
        } else if (s < 32) {
          T[d + 1] = (hi << s) | (lo >>> (32 - s));
          T[d] = lo << s;
        } else {
          T[d + 1] = lo << (s - 32);
          T[d] = 0;
        }
      };
    case 'shr_u':
      return (_R, T) => {
        const s = T[b] & 63;
        const lo = T[a];
        const hi = T[a + 1];
        if (s === 0) {
          T[d] = lo;
          T[d + 1] = hi;
        } else if (s < 32) {
          T[d] = (lo >>> s) | (hi << (32 - s));
          T[d + 1] = hi >>> s;
        } else {
          T[d] = hi >>> (s - 32);
          T[d + 1] = 0;
        }
      };
    case 'shr_s':
      return (_R, T) => {
        const s = T[b] & 63;
        const lo = T[a];
        const hi = T[a + 1];
        if (s === 0) {
          T[d] = lo;
          T[d + 1] = hi;
        } else if (s < 32) {
          T[d] = (lo >>> s) | (hi << (32 - s));
          T[d + 1] = hi >> s;
        } else {
          T[d] = hi >> (s - 32);
          T[d + 1] = hi >> 31;
        }
      };
    case 'rotl':
    case 'rotr':
      return (_R, T) => {
        let s = T[b] & 63;
        if (kind === 'rotl') s = (64 - s) & 63;
        let lo = T[a];
        let hi = T[a + 1];
        if (s >= 32) {
          const t = lo;
          lo = hi;
          hi = t;
          s -= 32;
        }
        if (s === 0) {
          T[d] = lo;
          T[d + 1] = hi;
        } else {
          T[d] = (lo >>> s) | (hi << (32 - s));
          T[d + 1] = (hi >>> s) | (lo << (32 - s));
        }
      };
    case 'div_u':
      return (_R, T) => {
        const x = toBig(T[a], T[a + 1]);
        const y = toBig(T[b], T[b + 1]);
        fromBig(y === 0n ? 0n : x / y, T, d);
      };
    case 'rem_u':
      return (_R, T) => {
        const x = toBig(T[a], T[a + 1]);
        const y = toBig(T[b], T[b + 1]);
        fromBig(y === 0n ? x : x % y, T, d);
      };
    case 'div_s':
      return (_R, T) => fromBig(n.divS64(toBig(T[a], T[a + 1]), toBig(T[b], T[b + 1])), T, d);
    case 'rem_s':
      return (_R, T) => fromBig(n.remS64(toBig(T[a], T[a + 1]), toBig(T[b], T[b + 1])), T, d);
    case 'mulh_u':
      return (_R, T) => fromBig(n.mulhU64(toBig(T[a], T[a + 1]), toBig(T[b], T[b + 1])), T, d);
    case 'mulh_s':
      return (_R, T) => fromBig(n.mulhS64(toBig(T[a], T[a + 1]), toBig(T[b], T[b + 1])), T, d);
  }
}

function binary32(kind: BinaryOp, d: number, a: number, b: number): Op {
  switch (kind) {
    case 'add':
      return (_R, T) => {
        T[d] = T[a] + T[b];
      };
    case 'sub':
      return (_R, T) => {
        T[d] = T[a] - T[b];
      };
    case 'mul':
      return (_R, T) => {
        T[d] = Math.imul(T[a], T[b]);
      };
    case 'and':
      return (_R, T) => {
        T[d] = T[a] & T[b];
      };
    case 'or':
      return (_R, T) => {
        T[d] = T[a] | T[b];
      };
    case 'xor':
      return (_R, T) => {
        T[d] = T[a] ^ T[b];
      };
    case 'shl':
      return (_R, T) => {
        T[d] = T[a] << (T[b] & 31);
      };
    case 'shr_u':
      return (_R, T) => {
        T[d] = T[a] >>> (T[b] & 31);
      };
    case 'shr_s':
      return (_R, T) => {
        T[d] = T[a] >> (T[b] & 31);
      };
    case 'rotl':
      return (_R, T) => {
        T[d] = n.rotl32(T[a], T[b]);
      };
    case 'rotr':
      return (_R, T) => {
        T[d] = n.rotr32(T[a], T[b]);
      };
    case 'div_u':
      return (_R, T) => {
        T[d] = n.divU32(T[a], T[b]);
      };
    case 'div_s':
      return (_R, T) => {
        T[d] = n.divS32(T[a], T[b]);
      };
    case 'rem_u':
      return (_R, T) => {
        T[d] = n.remU32(T[a], T[b]);
      };
    case 'rem_s':
      return (_R, T) => {
        T[d] = n.remS32(T[a], T[b]);
      };
    default:
      throw new Error(`${kind} is not an i32 operation`);
  }
}

function compare64(kind: CompareOp, d: number, a: number, b: number): Op {
  switch (kind) {
    case 'eq':
      return (_R, T) => {
        T[d] = T[a] === T[b] && T[a + 1] === T[b + 1] ? 1 : 0;
      };
    case 'ne':
      return (_R, T) => {
        T[d] = T[a] !== T[b] || T[a + 1] !== T[b + 1] ? 1 : 0;
      };
    default: {
      const signed = kind.endsWith('_s');
      const rel = kind.slice(0, 2);
      return (_R, T) => {
        const ah = signed ? T[a + 1] : T[a + 1] >>> 0;
        const bh = signed ? T[b + 1] : T[b + 1] >>> 0;
        let c: number; // -1, 0, 1
        if (ah !== bh) c = ah < bh ? -1 : 1;
        else {
          const al = T[a] >>> 0;
          const bl = T[b] >>> 0;
          c = al === bl ? 0 : al < bl ? -1 : 1;
        }
        T[d] = rel === 'lt' ? +(c < 0) : rel === 'le' ? +(c <= 0) : rel === 'gt' ? +(c > 0) : +(c >= 0);
      };
    }
  }
}

function compare32(kind: CompareOp, d: number, a: number, b: number): Op {
  switch (kind) {
    case 'eq':
      return (_R, T) => {
        T[d] = T[a] === T[b] ? 1 : 0;
      };
    case 'ne':
      return (_R, T) => {
        T[d] = T[a] !== T[b] ? 1 : 0;
      };
    case 'lt_s':
      return (_R, T) => {
        T[d] = T[a] < T[b] ? 1 : 0;
      };
    case 'le_s':
      return (_R, T) => {
        T[d] = T[a] <= T[b] ? 1 : 0;
      };
    case 'gt_s':
      return (_R, T) => {
        T[d] = T[a] > T[b] ? 1 : 0;
      };
    case 'ge_s':
      return (_R, T) => {
        T[d] = T[a] >= T[b] ? 1 : 0;
      };
    case 'lt_u':
      return (_R, T) => {
        T[d] = T[a] >>> 0 < T[b] >>> 0 ? 1 : 0;
      };
    case 'le_u':
      return (_R, T) => {
        T[d] = T[a] >>> 0 <= T[b] >>> 0 ? 1 : 0;
      };
    case 'gt_u':
      return (_R, T) => {
        T[d] = T[a] >>> 0 > T[b] >>> 0 ? 1 : 0;
      };
    case 'ge_u':
      return (_R, T) => {
        T[d] = T[a] >>> 0 >= T[b] >>> 0 ? 1 : 0;
      };
  }
}

/** Binary i64 operations with a constant second operand (lo, hi), the common immediate forms. */
function binary64Imm(kind: BinaryOp, d: number, a: number, lo: number, hi: number): Op | null {
  switch (kind) {
    case 'add':
      return (_R, T) => {
        const al = T[a];
        const r = (al + lo) | 0;
        T[d + 1] = (T[a + 1] + hi + (r >>> 0 < al >>> 0 ? 1 : 0)) | 0;
        T[d] = r;
      };
    case 'sub':
      return (_R, T) => {
        const al = T[a];
        T[d + 1] = (T[a + 1] - hi - (al >>> 0 < lo >>> 0 ? 1 : 0)) | 0;
        T[d] = (al - lo) | 0;
      };
    case 'and':
      return (_R, T) => {
        T[d] = T[a] & lo;
        T[d + 1] = T[a + 1] & hi;
      };
    case 'or':
      return (_R, T) => {
        T[d] = T[a] | lo;
        T[d + 1] = T[a + 1] | hi;
      };
    case 'xor':
      return (_R, T) => {
        T[d] = T[a] ^ lo;
        T[d + 1] = T[a + 1] ^ hi;
      };
    case 'shl': {
      const s = lo & 63;
      if (s === 0) return null;
      return s < 32
        ? (_R, T) => {
            const l = T[a];
            T[d + 1] = (T[a + 1] << s) | (l >>> (32 - s));
            T[d] = l << s;
          }
        : (_R, T) => {
            T[d + 1] = T[a] << (s - 32);
            T[d] = 0;
          };
    }
    case 'shr_u': {
      const s = lo & 63;
      if (s === 0) return null;
      return s < 32
        ? (_R, T) => {
            const h = T[a + 1];
            T[d] = (T[a] >>> s) | (h << (32 - s));
            T[d + 1] = h >>> s;
          }
        : (_R, T) => {
            T[d] = T[a + 1] >>> (s - 32);
            T[d + 1] = 0;
          };
    }
    case 'shr_s': {
      const s = lo & 63;
      if (s === 0) return null;
      return s < 32
        ? (_R, T) => {
            const h = T[a + 1];
            T[d] = (T[a] >>> s) | (h << (32 - s));
            T[d + 1] = h >> s;
          }
        : (_R, T) => {
            const h = T[a + 1];
            T[d] = h >> (s - 32);
            T[d + 1] = h >> 31;
          };
    }
    default:
      return null;
  }
}

/** Binary i32 operations with a constant second operand. */
function binary32Imm(kind: BinaryOp, d: number, a: number, k: number): Op | null {
  switch (kind) {
    case 'add':
      return (_R, T) => {
        T[d] = T[a] + k;
      };
    case 'sub':
      return (_R, T) => {
        T[d] = T[a] - k;
      };
    case 'and':
      return (_R, T) => {
        T[d] = T[a] & k;
      };
    case 'or':
      return (_R, T) => {
        T[d] = T[a] | k;
      };
    case 'xor':
      return (_R, T) => {
        T[d] = T[a] ^ k;
      };
    case 'shl':
      return (_R, T) => {
        T[d] = T[a] << (k & 31);
      };
    case 'shr_u':
      return (_R, T) => {
        T[d] = T[a] >>> (k & 31);
      };
    case 'shr_s':
      return (_R, T) => {
        T[d] = T[a] >> (k & 31);
      };
    default:
      return null;
  }
}

type Const = bigint | number;

function halves(v: Const): [number, number] {
  if (typeof v === 'number') return [v, 0];
  S64[0] = v;
  return [S32[0], S32[1]];
}

/** An op that uses a constant operand directly, or null when there is no such form. */
function withImmediate(inst: IrInst, constants: Map<number, Const>): Op | null {
  if (inst.op === 'binary') {
    const k = constants.get(inst.b.id);
    if (k === undefined) return null;
    const [lo, hi] = halves(k);
    return inst.dst.ty === 'i64'
      ? binary64Imm(inst.kind, at(inst.dst), at(inst.a), lo, hi)
      : binary32Imm(inst.kind, at(inst.dst), at(inst.a), lo);
  }
  if (inst.op === 'setReg') {
    const k = constants.get(inst.src.id);
    if (k === undefined) return null;
    const [lo, hi] = halves(k);
    const r = inst.slot * 2;
    return (R) => {
      R[r] = lo;
      R[r + 1] = hi;
    };
  }
  return null;
}

/** Position of a temporary in the temp array (two words per temporary). */
const at = (v: Value): number => v.id * 2;

function compileInst(inst: Exclude<IrInst, { op: 'insn' }>, cpu: Cpu, memory: PagedMemory): Op {
  switch (inst.op) {
    case 'const': {
      const d = at(inst.dst);
      if (typeof inst.value === 'number') {
        const v = inst.value;
        return (_R, T) => {
          T[d] = v;
        };
      }
      S64[0] = inst.value;
      const lo = S32[0];
      const hi = S32[1];
      return (_R, T) => {
        T[d] = lo;
        T[d + 1] = hi;
      };
    }
    case 'getReg': {
      const d = at(inst.dst);
      const r = inst.slot * 2;
      return (R, T) => {
        T[d] = R[r];
        T[d + 1] = R[r + 1];
      };
    }
    case 'setReg': {
      const s = at(inst.src);
      const r = inst.slot * 2;
      return (R, T) => {
        R[r] = T[s];
        R[r + 1] = T[s + 1];
      };
    }
    case 'binary':
      return (inst.dst.ty === 'i64' ? binary64 : binary32)(inst.kind, at(inst.dst), at(inst.a), at(inst.b));
    case 'compare':
      return (inst.a.ty === 'i64' ? compare64 : compare32)(inst.kind, at(inst.dst), at(inst.a), at(inst.b));
    case 'unary': {
      const d = at(inst.dst);
      const a = at(inst.a);
      const wide = inst.a.ty === 'i64';
      switch (inst.kind) {
        case 'eqz':
          return wide
            ? (_R, T) => {
                T[d] = (T[a] | T[a + 1]) === 0 ? 1 : 0;
              }
            : (_R, T) => {
                T[d] = T[a] === 0 ? 1 : 0;
              };
        case 'clz':
          return wide
            ? (_R, T) => {
                const hi = T[a + 1];
                T[d] = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(T[a]);
                T[d + 1] = 0;
              }
            : (_R, T) => {
                T[d] = Math.clz32(T[a]);
              };
        case 'ctz':
          return wide
            ? (_R, T) => {
                const lo = T[a];
                T[d] = lo !== 0 ? n.ctz32(lo) : 32 + n.ctz32(T[a + 1]);
                T[d + 1] = 0;
              }
            : (_R, T) => {
                T[d] = n.ctz32(T[a]);
              };
        case 'popcnt':
          return wide
            ? (_R, T) => {
                T[d] = n.popcnt32(T[a]) + n.popcnt32(T[a + 1]);
                T[d + 1] = 0;
              }
            : (_R, T) => {
                T[d] = n.popcnt32(T[a]);
              };
      }
      break;
    }
    case 'convert': {
      const d = at(inst.dst);
      const a = at(inst.a);
      const wide = inst.a.ty === 'i64';
      switch (inst.kind) {
        case 'wrap':
          return (_R, T) => {
            T[d] = T[a];
          };
        case 'extend_u':
          return (_R, T) => {
            T[d] = T[a];
            T[d + 1] = 0;
          };
        case 'extend_s':
        case 'extend32_s':
          return (_R, T) => {
            const lo = T[a];
            T[d] = lo;
            T[d + 1] = lo >> 31;
          };
        case 'extend8_s':
        case 'extend16_s': {
          const shift = inst.kind === 'extend8_s' ? 24 : 16;
          return wide
            ? (_R, T) => {
                const lo = (T[a] << shift) >> shift;
                T[d] = lo;
                T[d + 1] = lo >> 31;
              }
            : (_R, T) => {
                T[d] = (T[a] << shift) >> shift;
              };
        }
      }
      break;
    }
    case 'select': {
      const d = at(inst.dst);
      const c = at(inst.cond);
      const a = at(inst.a);
      const b = at(inst.b);
      return inst.dst.ty === 'i64'
        ? (_R, T) => {
            const s = T[c] !== 0 ? a : b;
            T[d] = T[s];
            T[d + 1] = T[s + 1];
          }
        : (_R, T) => {
            T[d] = T[c] !== 0 ? T[a] : T[b];
          };
    }
    case 'load': {
      const d = at(inst.dst);
      const a = at(inst.addr);
      const m = memory;
      switch (inst.size) {
        case 8:
          return (_R, T) => m.load64Into(T[a], T[a + 1], T, d);
        case 4:
          return inst.signed
            ? (_R, T) => {
                const v = m.load32(T[a], T[a + 1]) | 0;
                T[d] = v;
                T[d + 1] = v >> 31;
              }
            : (_R, T) => {
                T[d] = m.load32(T[a], T[a + 1]);
                T[d + 1] = 0;
              };
        case 2:
          return inst.signed
            ? (_R, T) => {
                const v = (m.load16(T[a], T[a + 1]) << 16) >> 16;
                T[d] = v;
                T[d + 1] = v >> 31;
              }
            : (_R, T) => {
                T[d] = m.load16(T[a], T[a + 1]);
                T[d + 1] = 0;
              };
        case 1:
          return inst.signed
            ? (_R, T) => {
                const v = (m.load8(T[a], T[a + 1]) << 24) >> 24;
                T[d] = v;
                T[d + 1] = v >> 31;
              }
            : (_R, T) => {
                T[d] = m.load8(T[a], T[a + 1]);
                T[d + 1] = 0;
              };
      }
      break;
    }
    case 'store': {
      const a = at(inst.addr);
      const s = at(inst.src);
      const m = memory;
      switch (inst.size) {
        case 8:
          return (_R, T) => m.store64Pair(T[a], T[a + 1], T[s], T[s + 1]);
        case 4:
          return (_R, T) => m.store32(T[a], T[a + 1], T[s]);
        case 2:
          return (_R, T) => m.store16(T[a], T[a + 1], T[s] & 0xffff);
        case 1:
          return (_R, T) => m.store8(T[a], T[a + 1], T[s] & 0xff);
      }
      break;
    }
    case 'float': {
      const exact = inst.fn.exact;
      const c = at(inst.control);
      // Operands past the operation's arity are 0n (-1 here).
      const [a, b, m] = [0, 1, 2].map((i) => (inst.args[i] ? at(inst.args[i]) : -1));
      const d = at(inst.dst);
      const f = at(inst.flags);
      const status: FpStatus = { flags: 0 };
      const arg = (T: Int32Array, i: number): bigint => (i < 0 ? 0n : toBig(T[i], T[i + 1]));
      return (_R, T) => {
        status.flags = 0;
        fromBig(exact(status, T[c], arg(T, a), arg(T, b), arg(T, m)), T, d);
        T[f] = status.flags | 0;
      };
    }
    case 'call': {
      const helper = inst.helper;
      const args = inst.args.map((v) => ({ i: at(v), wide: v.ty === 'i64' }));
      const dst = inst.dst;
      const read = (T: Int32Array) => args.map(({ i, wide }) => (wide ? toBig(T[i], T[i + 1]) : T[i]));
      if (!dst) return (_R, T) => void helper(cpu, ...read(T));
      const d = at(dst);
      return dst.ty === 'i64'
        ? (_R, T) => fromBig(BigInt.asUintN(64, BigInt(helper(cpu, ...read(T)) as bigint)), T, d)
        : (_R, T) => {
            T[d] = Number(helper(cpu, ...read(T)));
          };
    }
  }
  throw new Error(`the threaded backend cannot compile ${inst.op}`);
}

/** Temporaries of every block live here (blocks never nest), grown when a block needs more. */
let temps = new Int32Array(2 * 4096);

/** A block prepared for the threaded backend; same contract as `interpretBlock`. */
export type ThreadedBlock = (cpu: Cpu, memory: PagedMemory) => number;

export function threadBlock(block: IrBlock, cpu: Cpu, memory: PagedMemory): ThreadedBlock {
  const constants = new Map<number, Const>();
  for (const inst of block.insts) if (inst.op === 'const') constants.set(inst.dst.id, inst.value);

  // Choose each instruction's op; count the reads of constants that still go through T.
  const chosen: (Op | null)[] = block.insts.map((inst) =>
    inst.op === 'insn' ? null : withImmediate(inst, constants),
  );
  const readsOfT = new Map<number, number>();
  const note = (v: Value) => readsOfT.set(v.id, (readsOfT.get(v.id) ?? 0) + 1);
  block.insts.forEach((inst, i) => {
    if (inst.op === 'insn' || inst.op === 'const') return;
    // An immediate form folds only `b`: `a` is still read through T, even when it is a constant
    // too (which unoptimized IR has: the optimizer folds binary ops of two constants away).
    if (chosen[i] !== null) {
      if (inst.op === 'binary') note(inst.a);
      return;
    }
    for (const v of operandsOf(inst)) note(v);
  });
  const exit = block.exit;
  const exitConst =
    exit.kind === 'trap' ? undefined : constants.get((exit.kind === 'jump' ? exit.target : exit.next).id);
  if (exit.kind !== 'trap' && exitConst === undefined) note(exit.kind === 'jump' ? exit.target : exit.next);

  const ops: Op[] = [];
  /** Guest PC of the instruction each op belongs to (for fault reports). */
  const pcOf: bigint[] = [];
  let pc = block.pc;
  block.insts.forEach((inst, i) => {
    if (inst.op === 'insn') {
      pc = inst.pc;
      return;
    }
    if (inst.op === 'const' && !readsOfT.has(inst.dst.id)) return;
    ops.push(chosen[i] ?? compileInst(inst, cpu, memory));
    pcOf.push(pc);
  });
  const pcSlot = cpu.layout.pc * 2;
  const needed = block.tempCount * 2;
  const count = ops.length;
  const kind = exit.kind === 'syscall' ? EXIT_SYSCALL : EXIT_JUMP;
  const target = exit.kind === 'trap' ? 0 : at(exit.kind === 'jump' ? exit.target : exit.next);
  const [targetLo, targetHi] = exitConst === undefined ? [0, 0] : halves(exitConst);
  const constantTarget = exitConst !== undefined;
  return (c) => {
    if (temps.length < needed) temps = new Int32Array(needed * 2);
    const T = temps;
    let i = 0;
    try {
      // The register view is read for every op: a memory access may grow the memory, which
      // replaces the views (a view kept across it would write to a detached buffer).
      for (; i < count; i++) ops[i](c.regs32, T);
    } catch (error) {
      if (error instanceof GuestSignal && error.pc === null) error.pc = pcOf[i];
      throw error;
    }
    if (exit.kind === 'trap') {
      c.regs[c.layout.pc] = exit.pc;
      const signal = new GuestSignal(exit.signal, exit.detail);
      signal.pc = exit.pc;
      throw signal;
    }
    const R = c.regs32;
    if (constantTarget) {
      R[pcSlot] = targetLo;
      R[pcSlot + 1] = targetHi;
    } else {
      R[pcSlot] = T[target];
      R[pcSlot + 1] = T[target + 1];
    }
    return kind;
  };
}
