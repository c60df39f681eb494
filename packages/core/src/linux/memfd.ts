import { accessSync, constants, fchmodSync, fstatSync, openSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E, fail } from './errno.js';
import type { OpenFile } from './fd-table.js';

/** fcntl's seals (include/uapi/linux/fcntl.h). */
export const F_SEAL = {
  SEAL: 0x1,
  SHRINK: 0x2,
  GROW: 0x4,
  WRITE: 0x8,
  FUTURE_WRITE: 0x10,
  EXEC: 0x20,
} as const;
const ALL_SEALS = 0x3f;

/**
 * The file behind a memfd, shared by every description of it (a reopen through /proc/self/fd
 * included): the name its /proc/self/fd link shows and its seals.
 */
export class MemfdInode {
  constructor(
    readonly name: string,
    /** F_SEAL_SEAL from the start unless MFD_ALLOW_SEALING asked for sealing. */
    public seals: number,
  ) {}

  /** What readlink of /proc/PID/fd/N says, as the kernel's shmem file: "/memfd:NAME (deleted)". */
  get link(): string {
    return `/memfd:${this.name} (deleted)`;
  }
}

let made = 0;

/** Where memfd files live in the host: its shared memory file system when it has one. */
function hostDirectory(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

/**
 * A new host file for a memfd, opened for reading and writing and already unlinked (it lives
 * while a descriptor or mapping holds it, as the kernel's does), with the kernel's mode for one:
 * 0777, or 0666 when MFD_NOEXEC_SEAL took execute permission away.
 */
export function createMemfdFile(executable: boolean): number {
  const path = join(hostDirectory(), `arm64kit-memfd-${process.pid}-${++made}-${Date.now()}`);
  const fd = openSync(path, 'wx+', 0o600);
  unlinkSync(path);
  fchmodSync(fd, executable ? 0o777 : 0o666);
  return fd;
}

/** F_GET_SEALS: the seals of a memfd; any other file has none to give (EINVAL). */
export function getSeals(file: OpenFile): number {
  if (file.memfd === null) fail(E.EINVAL);
  return file.memfd.seals;
}

/**
 * F_ADD_SEALS: only a memfd takes seals, through a descriptor open for writing, and none once
 * F_SEAL_SEAL is among them.
 */
export function addSeals(file: OpenFile, seals: number): number {
  if (file.memfd === null) fail(E.EINVAL);
  if ((file.statusFlags & 3) === 0) fail(E.EPERM);
  if (seals & ~ALL_SEALS) fail(E.EINVAL);
  if (file.memfd.seals & F_SEAL.SEAL) fail(E.EPERM);
  file.memfd.seals |= seals;
  return 0;
}

/** A write of `count` bytes at `position` (null: at the end), refused as the seals say. */
export function checkSealedWrite(file: OpenFile, position: number | null, count: number): void {
  const seals = file.memfd?.seals ?? 0;
  if (seals === 0 || count === 0) return;
  if (seals & (F_SEAL.WRITE | F_SEAL.FUTURE_WRITE)) fail(E.EPERM);
  if (seals & F_SEAL.GROW) {
    const size = Number(fstatSync(file.hostFd).size);
    if ((position ?? size) + count > size) fail(E.EPERM);
  }
}

/** A change of size to `length` (ftruncate, fallocate), refused as the seals say. */
export function checkSealedResize(file: OpenFile, length: number): void {
  const seals = file.memfd?.seals ?? 0;
  if (!(seals & (F_SEAL.SHRINK | F_SEAL.GROW))) return;
  const size = Number(fstatSync(file.hostFd).size);
  if ((length < size && seals & F_SEAL.SHRINK) || (length > size && seals & F_SEAL.GROW)) fail(E.EPERM);
}
