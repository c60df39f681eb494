/**
 * An assembler for toy programs (see isa.ts): code with labels, a data segment with strings,
 * buffers and named result slots, linked into a static ELF64 executable for the toy machine.
 * Tests write a program as the sequence of system calls it makes, recording each result.
 */
import { encode, LR, SYSCALL_NUMBER, TOY_MACHINE } from './isa.js';

export const CODE_BASE = 0x10000;
export const DATA_BASE = 0x400000;
/** Initialised data (strings, structs) is at most 32 KiB; zeroed space follows it. */
const SPACE_BASE = DATA_BASE + 0x8000;
/** Zeroed data (buffers, result slots): 64 KiB. */
const DATA_SPACE = 0x10000;
/** The scratch register constant addresses go through (`record`, `store`). */
const SCRATCH = 11;

/** A syscall argument: a constant, the value of a register, or the address of a code label. */
export type Arg = number | bigint | { readonly reg: number } | { readonly label: string };

export const reg = (n: number) => ({ reg: n }) as const;
export const label = (name: string) => ({ label: name }) as const;

type Fixup =
  | { readonly kind: 'branch'; readonly at: number; readonly label: string }
  | { readonly kind: 'address'; readonly at: number; readonly label: string }
  | { readonly kind: 'data'; readonly offset: number; readonly label: string };

export class ToyProgram {
  private readonly words: number[] = [];
  private readonly labels = new Map<string, number>();
  private readonly fixups: Fixup[] = [];
  private readonly data: number[] = [];
  private bss = 0;
  readonly slots = new Map<string, number>();

  // ---- data -------------------------------------------------------------------------------

  /** A NUL-terminated string in the data segment; returns its address. */
  string(text: string | Uint8Array): number {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
    return this.bytes(Uint8Array.from([...bytes, 0]));
  }

  /** Initialised bytes in the data segment (8-byte aligned); returns their address. */
  bytes(bytes: Uint8Array): number {
    while (this.data.length % 8) this.data.push(0);
    const at = DATA_BASE + this.data.length;
    this.data.push(...bytes);
    if (this.data.length > SPACE_BASE - DATA_BASE) throw new RangeError('toy program data exhausted');
    return at;
  }

  /** 64-bit words in the data segment (a code label's address where one is named). */
  quads(values: readonly (bigint | number | { label: string })[]): number {
    const at = this.bytes(new Uint8Array(8 * values.length));
    const view = new DataView(new ArrayBuffer(8));
    values.forEach((v, i) => {
      const offset = at - DATA_BASE + 8 * i;
      if (typeof v === 'object') {
        this.fixups.push({ kind: 'data', offset, label: v.label });
        return;
      }
      view.setBigUint64(0, BigInt.asUintN(64, BigInt(v)), true);
      for (let j = 0; j < 8; j++) this.data[offset + j] = view.getUint8(j);
    });
    return at;
  }

  /** `size` zeroed bytes after the initialised data (16-byte aligned); returns their address. */
  space(size: number): number {
    this.bss = (this.bss + 15) & ~15;
    const at = SPACE_BASE + this.bss;
    this.bss += size;
    if (this.bss > DATA_SPACE) throw new RangeError('toy program data space exhausted');
    return at;
  }

  /** The 8-byte slot a named result is recorded in. */
  slot(name: string): number {
    let at = this.slots.get(name);
    if (at === undefined) {
      at = this.space(8);
      this.slots.set(name, at);
    }
    return at;
  }

  // ---- code -------------------------------------------------------------------------------

  label(name: string): this {
    if (this.labels.has(name)) throw new Error(`label ${name} defined twice`);
    this.labels.set(name, this.words.length);
    return this;
  }

  emit(name: string, rd = 0, rs = 0, imm = 0): this {
    this.words.push(encode(name, rd, rs, imm));
    return this;
  }

  /** rd = value, in as few words as the value needs (li, then shli per further 16 bits). */
  load(rd: number, value: Arg): this {
    if (typeof value === 'object' && 'reg' in value) return this.emit('mov', rd, value.reg);
    if (typeof value === 'object') {
      this.fixups.push({ kind: 'address', at: this.words.length, label: value.label });
      return this.emit('li', rd).emit('shli', rd);
    }
    const v = BigInt.asIntN(64, BigInt(value));
    let chunks = 1;
    while (chunks < 4 && BigInt.asIntN(16 * chunks, v) !== v) chunks++;
    const u = BigInt.asUintN(64, v);
    for (let i = chunks - 1; i >= 0; i--) {
      const chunk = Number((u >> BigInt(16 * i)) & 0xffffn);
      this.emit(i === chunks - 1 ? 'li' : 'shli', rd, 0, chunk);
    }
    return this;
  }

  /** The system call `number` with `args` in r1…r6; its result is left in r0. */
  sys(number: number, ...args: Arg[]): this {
    if (args.length > 6) throw new RangeError('at most six arguments');
    // Register arguments first, in case another argument's constant would overwrite them.
    const order = args.map((a, i) => [a, i + 1] as const);
    for (const [a, r] of order) if (typeof a === 'object' && 'reg' in a) this.load(r, a);
    for (const [a, r] of order) if (!(typeof a === 'object' && 'reg' in a)) this.load(r, a);
    return this.load(SYSCALL_NUMBER, number).emit('svc');
  }

  /** Stores r0 (or `from`) in the result slot `name`. */
  record(name: string, from = 0): this {
    return this.store(this.slot(name), from);
  }

  /** Stores register `from` (64 bits) at a data address. */
  store(at: number, from: number): this {
    return this.load(SCRATCH, at).emit('st', from, SCRATCH, 0);
  }

  /** rd = the 32-bit word (zero-extended) at a data address, e.g. a descriptor pipe2 stored. */
  loadWord(rd: number, at: number): this {
    return this.load(rd, at).emit('ldw', rd, rd, 0);
  }

  /** rd = the 64-bit word at a data address. */
  loadQuad(rd: number, at: number): this {
    return this.load(rd, at).emit('ld', rd, rd, 0);
  }

  /** Branches to `target` when rd and rs compare as `kind` says. */
  branch(kind: 'beq' | 'bne' | 'blt', rd: number, rs: number, target: string): this {
    this.fixups.push({ kind: 'branch', at: this.words.length, label: target });
    return this.emit(kind, rd, rs);
  }

  jump(target: string): this {
    return this.branch('beq', 0, 0, target);
  }

  /** Returns from a signal handler (to the restorer the kernel put in the link register). */
  ret(): this {
    return this.emit('jr', 0, LR);
  }

  // ---- linking ----------------------------------------------------------------------------

  /** The linked ELF64 executable: code at CODE_BASE (r-x), data at DATA_BASE (rw-). */
  link(): Uint8Array {
    const words = [...this.words];
    const data = [...this.data];
    const find = (name: string) => {
      const at = this.labels.get(name);
      if (at === undefined) throw new Error(`no label ${name}`);
      return at;
    };
    for (const f of this.fixups) {
      if (f.kind === 'branch') {
        words[f.at] = (words[f.at] & 0xffff0000) | ((find(f.label) - f.at) & 0xffff);
      } else {
        const address = CODE_BASE + 4 * find(f.label);
        if (f.kind === 'address') {
          words[f.at] = (words[f.at] & 0xffff0000) | (address >>> 16);
          words[f.at + 1] = (words[f.at + 1] & 0xffff0000) | (address & 0xffff);
        } else {
          for (let j = 0; j < 8; j++) data[f.offset + j] = j < 4 ? (address >>> (8 * j)) & 0xff : 0;
        }
      }
    }
    return elf(
      new Uint8Array(new Uint32Array(words).buffer),
      Uint8Array.from(data),
      SPACE_BASE - DATA_BASE + this.bss,
    );
  }
}

/** A static ELF64 executable for the toy machine with one code and one data segment. */
function elf(code: Uint8Array, data: Uint8Array, dataMemory: number): Uint8Array {
  const codeOffset = 0x1000;
  const dataOffset = codeOffset + ((code.length + 0xfff) & ~0xfff);
  const bytes = new Uint8Array(dataOffset + data.length);
  const v = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]); // ELFCLASS64, little-endian, version 1
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, TOY_MACHINE, true);
  v.setUint32(20, 1, true);
  v.setBigUint64(24, BigInt(CODE_BASE), true); // e_entry
  v.setBigUint64(32, 64n, true); // e_phoff
  v.setUint16(52, 64, true);
  v.setUint16(54, 56, true);
  v.setUint16(56, 2, true);
  const segment = (
    at: number,
    flags: number,
    offset: number,
    vaddr: number,
    filesz: number,
    memsz: number,
  ) => {
    v.setUint32(at, 1, true); // PT_LOAD
    v.setUint32(at + 4, flags, true);
    v.setBigUint64(at + 8, BigInt(offset), true);
    v.setBigUint64(at + 16, BigInt(vaddr), true);
    v.setBigUint64(at + 24, BigInt(vaddr), true);
    v.setBigUint64(at + 32, BigInt(filesz), true);
    v.setBigUint64(at + 40, BigInt(memsz), true);
    v.setBigUint64(at + 48, 0x1000n, true);
  };
  segment(64, 5, codeOffset, CODE_BASE, code.length, code.length); // r-x
  segment(64 + 56, 6, dataOffset, DATA_BASE, data.length, Math.max(dataMemory, 16)); // rw-
  bytes.set(code, codeOffset);
  bytes.set(data, dataOffset);
  return bytes;
}
