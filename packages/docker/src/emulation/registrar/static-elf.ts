import { closeSync, openSync, readSync } from 'node:fs';

const PT_INTERP = 3;

/**
 * Whether a file is a 64-bit little-endian ELF program without a dynamic loader (no
 * PT_INTERP): one that runs in an image holding nothing else. Undefined when it is not such
 * an ELF file at all.
 */
export function isStaticElf(path: string): boolean | undefined {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(64);
    if (readSync(fd, header, 0, 64, 0) < 64) return undefined;
    const elf64le = header.readUInt32BE(0) === 0x7f454c46 && header[4] === 2 && header[5] === 1;
    if (!elf64le) return undefined;
    const phoff = Number(header.readBigUInt64LE(0x20));
    const phentsize = header.readUInt16LE(0x36);
    const phnum = header.readUInt16LE(0x38);
    const table = Buffer.alloc(phentsize * phnum);
    if (readSync(fd, table, 0, table.length, phoff) < table.length) return undefined;
    for (let i = 0; i < phnum; i++) {
      if (table.readUInt32LE(i * phentsize) === PT_INTERP) return false;
    }
    return true;
  } finally {
    closeSync(fd);
  }
}
