import { closeSync, openSync, readSync } from 'node:fs';
import { ReproError } from '../errors.js';

const EM_AARCH64 = 183;

/** Refuses, before anything is changed, a file that is not a 64-bit little-endian aarch64 ELF. */
export function requireAarch64Elf(path: string, what: string): void {
  let header: Buffer;
  try {
    const fd = openSync(path, 'r');
    try {
      header = Buffer.alloc(20);
      readSync(fd, header, 0, 20, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new ReproError('BAD_INPUT', `${what} ${path} cannot be read: ${(error as Error).message}`);
  }
  const isElf = header[0] === 0x7f && header.toString('latin1', 1, 4) === 'ELF';
  if (!isElf || header[4] !== 2 || header[5] !== 1 || header.readUInt16LE(18) !== EM_AARCH64) {
    throw new ReproError('BAD_INPUT', `${what} ${path} is not an aarch64 (64-bit ELF, EM_AARCH64) program`);
  }
}
