import { type ElfFacts, readElfHeader } from '@arm64kit/binfmt';

/**
 * Whether a file is a 64-bit little-endian ELF program without a dynamic loader (no
 * PT_INTERP): one that runs in an image holding nothing else. Undefined when it is not such
 * an ELF file at all.
 */
export function isStaticElf(path: string): boolean | undefined {
  let elf: ElfFacts;
  try {
    elf = readElfHeader(path);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOEXEC') return undefined;
    throw error;
  }
  if (elf.elfClass !== 64 || elf.endian !== 'little') return undefined;
  return elf.interpreter === null;
}
