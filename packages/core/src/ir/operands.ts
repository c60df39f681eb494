import type { IrInst, Value } from './types.js';

/** The values an instruction reads, in operand order (what every pass and backend walks). */
export function operandsOf(inst: IrInst): Value[] {
  switch (inst.op) {
    case 'setReg':
      return [inst.src];
    case 'binary':
    case 'compare':
      return [inst.a, inst.b];
    case 'unary':
    case 'convert':
      return [inst.a];
    case 'select':
      return [inst.cond, inst.a, inst.b];
    case 'load':
      return [inst.addr];
    case 'store':
      return [inst.addr, inst.src];
    case 'call':
      return [...inst.args];
    case 'float':
      return [inst.control, ...inst.args];
    default:
      return [];
  }
}
