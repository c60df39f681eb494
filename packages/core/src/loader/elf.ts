/**
 * ELF64 header and program-header parsing with every bound checked: untrusted bytes produce an
 * `ElfError` naming the problem, never an exception from deeper down or a hang.
 */

export type ElfErrorCode =
  | 'ELF_TRUNCATED'
  | 'ELF_BAD_MAGIC'
  | 'ELF_WRONG_CLASS'
  | 'ELF_WRONG_ENDIAN'
  | 'ELF_BAD_VERSION'
  | 'ELF_WRONG_TYPE'
  | 'ELF_WRONG_MACHINE'
  | 'ELF_BAD_PHDR'
  | 'ELF_BAD_SEGMENT'
  | 'ELF_NO_SEGMENTS'
  | 'ELF_BAD_INTERP';

export class ElfError extends Error {
  /** Exit status a launcher uses for it: the program cannot be invoked (as `docker run`). */
  readonly exitCode = 126;
  constructor(
    readonly code: ElfErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ElfError';
  }
}

export const ET_EXEC = 2;
export const ET_DYN = 3;
export const PT_LOAD = 1;
export const PT_INTERP = 3;
export const PT_PHDR = 6;
export const PT_GNU_STACK = 0x6474e551;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

export interface ProgramHeader {
  readonly type: number;
  readonly flags: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
  readonly memsz: number;
  readonly align: number;
}

export interface ElfImage {
  readonly type: number;
  readonly machine: number;
  readonly entry: number;
  readonly phoff: number;
  readonly phentsize: number;
  readonly phnum: number;
  readonly programHeaders: readonly ProgramHeader[];
  /** PT_INTERP path (a byte string, up to its first NUL), when the program asks for a dynamic loader. */
  readonly interpreter: string | null;
  /** Where the segments' bytes are read from when the image is loaded. */
  readonly source: ElfSource;
}

/**
 * The bytes of an ELF file, read where they are needed: the headers when parsing, each segment
 * when loading. A program is never read whole (it may be larger than memory, or sparse).
 */
export interface ElfSource {
  /** File size in bytes. */
  readonly size: number;
  /** `length` bytes at `offset`; fewer only at the end of the file. */
  read(offset: number, length: number): Uint8Array;
}

/** An ElfSource over bytes already in memory. */
export function bytesSource(bytes: Uint8Array): ElfSource {
  return { size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) };
}

/** Highest guest address a segment may reach (the 48-bit user address space, as the kernel's). */
const ADDRESS_LIMIT = 2 ** 48;
const MAX_PHNUM = 1024;

const MACHINE_NAMES: Record<number, string> = {
  3: 'x86 (i386)',
  8: 'MIPS',
  20: 'PowerPC',
  21: 'PowerPC64',
  22: 'S/390',
  40: 'ARM (32-bit)',
  62: 'x86-64',
  183: 'AArch64',
  243: 'RISC-V',
  258: 'LoongArch',
};

export function machineName(machine: number): string {
  return MACHINE_NAMES[machine] ?? `machine ${machine}`;
}

function u64(view: DataView, offset: number, what: string): number {
  const v = view.getBigUint64(offset, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER))
    throw new ElfError('ELF_BAD_SEGMENT', `${what} is out of range (0x${v.toString(16)})`);
  return Number(v);
}

/**
 * Parses and validates an ELF64 little-endian executable for `machine` (e.g. 183 for AArch64).
 * `name` is used in messages.
 */
export function parseElf(input: Uint8Array | ElfSource, machine: number, name = 'program'): ElfImage {
  const source = input instanceof Uint8Array ? bytesSource(input) : input;
  const bytes = source.read(0, 64);
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError('ELF_BAD_MAGIC', `${name} is not an ELF file (no \\x7fELF magic)`);
  }
  if (bytes.length < 64)
    throw new ElfError(
      'ELF_TRUNCATED',
      `${name} is truncated: ${bytes.length} bytes, the ELF64 header needs 64`,
    );
  if (bytes[4] !== 2) {
    throw new ElfError(
      'ELF_WRONG_CLASS',
      `${name} is ${bytes[4] === 1 ? 'a 32-bit' : `an unknown-class (${bytes[4]})`} ELF file; only ELF64 is supported`,
    );
  }
  if (bytes[5] !== 1)
    throw new ElfError('ELF_WRONG_ENDIAN', `${name} is not little-endian (EI_DATA ${bytes[5]})`);
  if (bytes[6] !== 1)
    throw new ElfError('ELF_BAD_VERSION', `${name} has ELF version ${bytes[6]}, expected 1`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getUint16(16, true);
  const fileMachine = view.getUint16(18, true);
  if (fileMachine !== machine) {
    throw new ElfError(
      'ELF_WRONG_MACHINE',
      `${name} is for ${machineName(fileMachine)}, not ${machineName(machine)}`,
    );
  }
  if (type !== ET_EXEC && type !== ET_DYN) {
    throw new ElfError(
      'ELF_WRONG_TYPE',
      `${name} is not an executable (e_type ${type}; expected EXEC or DYN)`,
    );
  }
  if (view.getUint32(20, true) !== 1)
    throw new ElfError('ELF_BAD_VERSION', `${name} has e_version ${view.getUint32(20, true)}, expected 1`);
  const entry = u64(view, 24, 'e_entry');
  const phoff = u64(view, 32, 'e_phoff');
  const phentsize = view.getUint16(54, true);
  const phnum = view.getUint16(56, true);
  if (phentsize !== 56)
    throw new ElfError('ELF_BAD_PHDR', `${name} has program headers of ${phentsize} bytes, expected 56`);
  if (phnum === 0) throw new ElfError('ELF_NO_SEGMENTS', `${name} has no program headers`);
  if (phnum > MAX_PHNUM)
    throw new ElfError('ELF_BAD_PHDR', `${name} claims ${phnum} program headers (at most ${MAX_PHNUM})`);
  if (phoff + phnum * phentsize > source.size) {
    throw new ElfError(
      'ELF_TRUNCATED',
      `${name} is truncated: program headers end at ${phoff + phnum * phentsize}, file has ${source.size} bytes`,
    );
  }
  const table = source.read(phoff, phnum * phentsize);
  const phView = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const programHeaders: ProgramHeader[] = [];
  let interpreter: string | null = null;
  for (let i = 0; i < phnum; i++) {
    const at = i * phentsize;
    const ph: ProgramHeader = {
      type: phView.getUint32(at, true),
      flags: phView.getUint32(at + 4, true),
      offset: u64(phView, at + 8, `segment ${i} p_offset`),
      vaddr: u64(phView, at + 16, `segment ${i} p_vaddr`),
      filesz: u64(phView, at + 32, `segment ${i} p_filesz`),
      memsz: u64(phView, at + 40, `segment ${i} p_memsz`),
      align: u64(phView, at + 48, `segment ${i} p_align`),
    };
    programHeaders.push(ph);
    if (ph.type === PT_LOAD) {
      if (ph.offset + ph.filesz > source.size) {
        throw new ElfError(
          'ELF_TRUNCATED',
          `${name} is truncated: segment ${i} needs bytes up to ${ph.offset + ph.filesz}, file has ${source.size}`,
        );
      }
      if (ph.filesz > ph.memsz)
        throw new ElfError('ELF_BAD_SEGMENT', `${name}: segment ${i} has p_filesz > p_memsz`);
      if (ph.vaddr + ph.memsz > ADDRESS_LIMIT) {
        throw new ElfError(
          'ELF_BAD_SEGMENT',
          `${name}: segment ${i} at 0x${ph.vaddr.toString(16)} lies beyond the 48-bit user address space`,
        );
      }
      if (ph.vaddr % 4096 !== ph.offset % 4096) {
        throw new ElfError(
          'ELF_BAD_SEGMENT',
          `${name}: segment ${i} p_vaddr and p_offset are not congruent modulo the page size`,
        );
      }
    } else if (ph.type === PT_INTERP) {
      if (ph.filesz === 0 || ph.filesz > 4096 || ph.offset + ph.filesz > source.size) {
        throw new ElfError('ELF_BAD_INTERP', `${name}: PT_INTERP segment is out of bounds`);
      }
      const raw = source.read(ph.offset, ph.filesz);
      if (raw[raw.length - 1] !== 0)
        throw new ElfError('ELF_BAD_INTERP', `${name}: PT_INTERP path is not NUL-terminated`);
      // The kernel checks the last byte, then uses the string up to the first NUL. The path is
      // kept as bytes (one character per byte), the form guest paths take.
      interpreter = Buffer.from(raw.subarray(0, raw.indexOf(0))).toString('latin1');
    }
  }
  if (!programHeaders.some((p) => p.type === PT_LOAD && p.memsz > 0)) {
    throw new ElfError('ELF_NO_SEGMENTS', `${name} has no loadable segments`);
  }
  return { type, machine: fileMachine, entry, phoff, phentsize, phnum, programHeaders, interpreter, source };
}
