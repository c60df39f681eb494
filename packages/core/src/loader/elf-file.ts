import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ElfSource } from './elf.js';

/** The file cannot be run: it is a directory, a device, a pipe… (the kernel's EACCES). */
export class NotRegularFileError extends Error {
  readonly code = 'NOT_REGULAR_FILE';
  readonly exitCode = 126;
  constructor(readonly path: string) {
    super(`cannot run ${path}: not a regular file`);
    this.name = 'NotRegularFileError';
  }
}

/**
 * An ELF file opened for loading, read with positional reads only where the loader asks: a
 * sparse 2 GiB file costs its headers and segments, not 2 GiB. Only regular files are
 * accepted, so a program or interpreter named /dev/zero is refused before anything is read.
 */
export class ElfFile implements ElfSource {
  readonly size: number;

  private constructor(
    private readonly fd: number,
    size: number,
  ) {
    this.size = size;
  }

  /** Opens `path` (a host path); throws NotRegularFileError, or Node's error when it cannot be opened. */
  static open(path: string | Buffer, name = String(path)): ElfFile {
    const fd = openSync(path, 'r');
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new NotRegularFileError(name);
      return new ElfFile(fd, st.size);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  read(offset: number, length: number): Uint8Array {
    const want = Math.max(0, Math.min(length, this.size - offset));
    const out = Buffer.alloc(want);
    let done = 0;
    while (done < want) {
      const n = readSync(this.fd, out, done, want - done, offset + done);
      if (n === 0) break; // the file shrank since it was opened: the rest stays zero
      done += n;
    }
    return out;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * A path from a file (PT_INTERP, a byte string) as it may appear in a one-line message: UTF-8
 * where it is, control characters (a newline, say) written as \xNN.
 */
export function shownPath(bytes: string): string {
  return Buffer.from(bytes, 'latin1')
    .toString('utf8')
    .replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
