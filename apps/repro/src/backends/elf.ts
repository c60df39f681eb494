import { type ElfFacts, readElfHeader } from '@arm64kit/binfmt';
import type { ReproTarget } from '../arch.js';
import { ReproError } from '../errors.js';

/** Refuses, before anything is changed, a file that is not a 64-bit little-endian ELF program of `target`. */
export function requireProgramFor(target: ReproTarget, path: string, what: string): void {
  let elf: ElfFacts | undefined;
  try {
    elf = readElfHeader(path);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOEXEC')
      throw new ReproError('BAD_INPUT', `${what} ${path} cannot be read: ${(error as Error).message}`);
  }
  if (elf?.elfClass !== 64 || elf.endian !== 'little' || elf.machine !== target.elfMachine) {
    throw new ReproError(
      'BAD_INPUT',
      `${what} ${path} is not a ${target.arch} (64-bit ELF, e_machine ${target.elfMachine}) program`,
    );
  }
}
