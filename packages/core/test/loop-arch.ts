import { type Architecture, type IrBlock, IrBuilder } from '../src/index.js';
import { toyArch } from './helpers.js';

/**
 * A toy instruction set, enough to give the machine loops that get hot, self-modifying code and
 * system calls: the top byte is the operation, the low 16 bits an immediate (signed for branches).
 *   01 r0 += imm      02 mem32[r1] = r2      03 if r3 != 0 { r3 -= 1; pc += simm * 4 }
 *   04 syscall        05 r3 = imm            06 if r4 != 0 { r4 -= 1; pc += simm * 4 }
 *   07 r5 = 1 if the memory is shared, else 0 (lifted by asking, as atomics are)
 */
export const loopArch: Architecture = {
  ...toyArch,
  lift(code, pc): IrBlock {
    const b = new IrBuilder(pc);
    for (let at = pc; ; at += 4n) {
      const word = code.fetch32(at);
      b.insn(at, word);
      const imm = word & 0xffff;
      const simm = BigInt((imm << 16) >> 16) * 4n;
      switch (word >>> 24) {
        case 1:
          b.setReg(0, b.add(b.getReg(0), BigInt(imm)));
          break;
        case 2:
          b.store(b.getReg(1), b.getReg(2), 4);
          break;
        case 3:
        case 6: {
          const r = word >>> 24 === 3 ? 3 : 4;
          const n = b.getReg(r);
          const taken = b.ne(n, 0n);
          b.setReg(r, b.select(taken, b.sub(n, 1n), n));
          b.jump(b.select(taken, b.const64(BigInt.asUintN(64, at + simm)), b.const64(at + 4n)));
          return b.finish();
        }
        case 4:
          b.syscall(at + 4n);
          return b.finish();
        case 5:
          b.setReg(3, BigInt(imm));
          break;
        case 7:
          b.setReg(5, code.shared ? 1n : 0n);
          break;
        default:
          b.trap('SIGILL', at, `undefined instruction 0x${word.toString(16)}`);
          return b.finish();
      }
    }
  },
};

export const CODE = 0x10000;
export const op = (code: number, imm = 0) => ((code << 24) | (imm & 0xffff)) >>> 0;
