import { type ElfFacts, readElfHeader } from '@arm64kit/binfmt';
import { ReproError } from '../errors.js';

const EM_AARCH64 = 183;

/** Refuses, before anything is changed, a file that is not a 64-bit little-endian aarch64 ELF. */
export function requireAarch64Elf(path: string, what: string): void {
  let elf: ElfFacts | undefined;
  try {
    elf = readElfHeader(path);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOEXEC')
      throw new ReproError('BAD_INPUT', `${what} ${path} cannot be read: ${(error as Error).message}`);
  }
  if (elf?.elfClass !== 64 || elf.endian !== 'little' || elf.machine !== EM_AARCH64) {
    throw new ReproError('BAD_INPUT', `${what} ${path} is not an aarch64 (64-bit ELF, EM_AARCH64) program`);
  }
}
