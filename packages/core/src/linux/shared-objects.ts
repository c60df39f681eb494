import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { type SharedBacking, SharedObject } from '../memory/shared-mappings.js';
import type { OpenFile } from './fd-table.js';
import type { LinuxKernel } from './kernel.js';

/** The pages of a host file, through a descriptor of its own (the guest may close its one). */
function fileBacking(fd: number): SharedBacking {
  return {
    read(offset, into) {
      for (let got = 0; got < into.length; ) {
        const n = readSync(fd, into, got, into.length - got, offset + got);
        if (n === 0) break;
        got += n;
      }
    },
    write(offset, bytes) {
      const n = Math.min(bytes.length, fstatSync(fd).size - offset);
      try {
        if (n > 0) writeSync(fd, bytes, 0, n, offset);
      } catch {} // a file the emulator may only read: the guest could not write it either
    },
    close() {
      closeSync(fd);
    },
  };
}

/** A descriptor of the open file's own (through /proc, so a file already unlinked opens too). */
function reopen(file: OpenFile): number {
  const path = `/proc/self/fd/${file.hostFd}`;
  try {
    return openSync(path, 'r+');
  } catch {
    return openSync(path, 'r');
  }
}

/**
 * What a MAP_SHARED mapping of `file` (null: MAP_ANONYMOUS) shares: new shared anonymous memory
 * (a character device such as /dev/zero maps the same way), or the one object of a regular file
 * that every process of the run maps, found by device and inode. Null for what has no pages to
 * share (a synthetic /proc file): that mapping is a private copy.
 */
export function sharedObjectFor(k: LinuxKernel, file: OpenFile | null): SharedObject | null {
  if (file === null) return new SharedObject(null);
  if (file.hostFd < 0 || file.kind !== 'file') return null;
  const st = fstatSync(file.hostFd, { bigint: true });
  if (st.isCharacterDevice()) return new SharedObject(null);
  if (!st.isFile()) return null;
  const files = k.system?.sharedFiles;
  const key = `${st.dev}:${st.ino}`;
  const known = files?.get(key);
  if (known) return known;
  const object = new SharedObject(fileBacking(reopen(file)), () => files?.delete(key));
  files?.set(key, object);
  return object;
}

/** Before a file is read: the stores of this process through its shared mappings are in the files. */
export function flushSharedMappings(k: LinuxKernel): void {
  if (k.memory.sharedRanges.size > 0) k.memory.sharedRanges.syncOut(k.memory);
}

/**
 * After `length` bytes of `file` were written at `position` (null: where the host's offset was):
 * the pages, and this process's shared mappings of them, are the file's again.
 */
export function refreshSharedMappings(
  k: LinuxKernel,
  file: OpenFile,
  position: number | null,
  length: number,
): void {
  const files = k.system?.sharedFiles;
  if (!files?.size || file.hostFd < 0 || length === 0) return;
  const st = fstatSync(file.hostFd, { bigint: true });
  const object = files.get(`${st.dev}:${st.ino}`);
  const changed = position === null ? object?.reload() : object?.reload(position, position + length);
  if (!changed) return;
  k.memory.sharedRanges.syncIn(k.memory);
}
