/**
 * Hand-made aarch64 ELF executables for loader tests: headers arranged as a test needs them
 * (PT_INTERP contents, many or overlapping PT_LOADs), around three instructions that exit with
 * status 7. Built in memory, so a test can shape what no linker would produce.
 */

/** mov x0, #7; mov x8, #93 (exit); svc #0 */
const EXIT_7 = [0xd28000e0, 0xd2800ba8, 0xd4000001];
export const TINY_EXIT_STATUS = 7;

export interface TinyElfOptions {
  /** PT_INTERP contents, exactly as stored (NUL bytes included). */
  readonly interp?: Uint8Array;
  /** How many PT_LOADs, all at `base` from file offset 0. Default 1. */
  readonly loads?: number;
  /** p_memsz of each PT_LOAD; default the file size. */
  readonly memsz?: number;
  /** Where the segments start. */
  readonly base?: number;
}

export function tinyElf(options: TinyElfOptions = {}): Buffer {
  const loads = options.loads ?? 1;
  const base = options.base ?? 0x20000000;
  const interp = options.interp ?? new Uint8Array(0);
  const phnum = loads + (options.interp ? 1 : 0);
  const codeAt = 64 + 56 * phnum;
  const interpAt = codeAt + 4 * EXIT_7.length;
  const size = interpAt + interp.length;
  const b = Buffer.alloc(size);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]); // ELF64, little-endian, version 1
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(183, 18); // EM_AARCH64
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(BigInt(base + codeAt), 24);
  b.writeBigUInt64LE(64n, 32); // e_phoff
  b.writeUInt16LE(64, 52);
  b.writeUInt16LE(56, 54);
  b.writeUInt16LE(phnum, 56);
  const header = (at: number, type: number, flags: number, offset: number, filesz: number, memsz: number) => {
    b.writeUInt32LE(type, at);
    b.writeUInt32LE(flags, at + 4);
    b.writeBigUInt64LE(BigInt(offset), at + 8);
    b.writeBigUInt64LE(BigInt(base + offset), at + 16);
    b.writeBigUInt64LE(BigInt(base + offset), at + 24);
    b.writeBigUInt64LE(BigInt(filesz), at + 32);
    b.writeBigUInt64LE(BigInt(memsz), at + 40);
    b.writeBigUInt64LE(0x1000n, at + 48);
  };
  let at = 64;
  if (options.interp) {
    header(at, 3, 4, interpAt, interp.length, interp.length); // PT_INTERP
    at += 56;
  }
  for (let i = 0; i < loads; i++, at += 56) header(at, 1, 5, 0, size, options.memsz ?? size); // PT_LOAD r-x
  EXIT_7.forEach((word, i) => {
    b.writeUInt32LE(word, codeAt + 4 * i);
  });
  b.set(interp, interpAt);
  return b;
}
