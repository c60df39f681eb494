import { closeSync, openSync, readSync } from 'node:fs';
import { elfMachineName } from './architectures.js';
import { BinfmtError } from './errors.js';

/**
 * What an ELF file is built for and whether it asks for a dynamic loader (PT_INTERP): what the
 * kernel looks at before a binfmt_misc handler or a loader runs. Interpreters are host binaries
 * and programs are often another machine's, so any class and byte order is read, and nothing
 * is loaded.
 */
export interface ElfFacts {
  elfClass: 32 | 64;
  endian: 'little' | 'big';
  /** e_type: 1 relocatable, 2 executable, 3 shared object / PIE, 4 core. */
  type: number;
  /** e_machine: 62 x86_64, 183 aarch64, ... */
  machine: number;
  /** The PT_INTERP path (e.g. /lib64/ld-linux-x86-64.so.2), or null for a static file. */
  interpreter: string | null;
}

/** A file that is not a well-formed ELF file (ENOEXEC, as execve answers it). */
export class ElfReadError extends BinfmtError {
  constructor(message: string) {
    super('ENOEXEC', message);
    this.name = 'ElfReadError';
  }
}

const PT_INTERP = 3;
const MAX_PHDRS = 4096;

export const ELF_TYPES: Record<number, string> = {
  1: 'relocatable (ET_REL)',
  2: 'executable (ET_EXEC)',
  3: 'shared object / PIE (ET_DYN)',
  4: 'core dump (ET_CORE)',
};

/** "ELF64 little-endian AArch64 executable (ET_EXEC)": what a file is, in one phrase. */
export function describeElf(elf: ElfFacts): string {
  const type = ELF_TYPES[elf.type] ?? `type ${elf.type}`;
  return `ELF${elf.elfClass} ${elf.endian}-endian ${elfMachineName(elf.machine, elf.elfClass, elf.endian)} ${type}`;
}

/** Parses ELF facts from the bytes of a file (enough of them to cover the program headers). */
export function parseElfHeader(
  bytes: Uint8Array,
  readAt?: (offset: number, length: number) => Uint8Array,
): ElfFacts {
  if (bytes.length < 20 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfReadError('not an ELF file (no \\x7fELF magic)');
  }
  const elfClass = bytes[4] === 1 ? 32 : bytes[4] === 2 ? 64 : null;
  const endian = bytes[5] === 1 ? 'little' : bytes[5] === 2 ? 'big' : null;
  if (elfClass === null) throw new ElfReadError(`unknown ELF class ${bytes[4]}`);
  if (endian === null) throw new ElfReadError(`unknown ELF data encoding ${bytes[5]}`);
  const headerSize = elfClass === 64 ? 64 : 52;
  if (bytes.length < headerSize) throw new ElfReadError('truncated ELF header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = endian === 'little';
  const u16 = (v: DataView, at: number) => v.getUint16(at, le);
  const u32 = (v: DataView, at: number) => v.getUint32(at, le);
  const addr = (v: DataView, at: number) =>
    elfClass === 64 ? Number(v.getBigUint64(at, le)) : v.getUint32(at, le);
  const type = u16(view, 16);
  const machine = u16(view, 18);
  const phoff = addr(view, elfClass === 64 ? 32 : 28);
  const phentsize = u16(view, elfClass === 64 ? 54 : 42);
  const phnum = u16(view, elfClass === 64 ? 56 : 44);
  const read = (offset: number, length: number): DataView => {
    const chunk =
      offset + length <= bytes.length ? bytes.subarray(offset, offset + length) : readAt?.(offset, length);
    if (!chunk || chunk.length < length)
      throw new ElfReadError('truncated ELF file (program headers past the end)');
    return new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  };
  let interpreter: string | null = null;
  const minEntry = elfClass === 64 ? 56 : 32;
  if (phnum > 0) {
    if (phnum > MAX_PHDRS || phentsize < minEntry) throw new ElfReadError('malformed program header table');
    const table = read(phoff, phnum * phentsize);
    for (let i = 0; i < phnum; i++) {
      const at = i * phentsize;
      if (u32(table, at) !== PT_INTERP) continue;
      const offset = addr(table, at + (elfClass === 64 ? 8 : 4));
      const size = addr(table, at + (elfClass === 64 ? 32 : 16));
      if (size === 0 || size > 4096) throw new ElfReadError('malformed PT_INTERP segment');
      const raw = read(offset, size);
      const text = new TextDecoder().decode(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
      interpreter = text.replace(/\0.*$/s, '');
      break;
    }
  }
  return { elfClass, endian, type, machine, interpreter };
}

/** Reads ELF facts from a file on disk, reading only the header and the program headers. */
export function readElfHeader(path: string): ElfFacts {
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    return parseElfHeader(head.subarray(0, n), (offset, length) => {
      const out = new Uint8Array(length);
      const got = readSync(fd, out, 0, length, offset);
      return out.subarray(0, got);
    });
  } finally {
    closeSync(fd);
  }
}
