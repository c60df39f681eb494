import type { GuestMemory } from '../memory/types.js';
import { E, fail } from './errno.js';
import type { OpenFile } from './fd-table.js';
import type { Credentials } from './socket.js';

/** struct msghdr on 64-bit architectures (asm-generic): name, namelen, iov, iovlen, control, controllen, flags. */
export const MSGHDR_SIZE = 56;
/** struct mmsghdr: a msghdr and the length the call moved. */
export const MMSGHDR_SIZE = 64;
const CMSG_HEADER = 16;
const SCM_RIGHTS = 1;
const SCM_CREDENTIALS = 2;
const SOL_SOCKET = 1;
/** SCM_MAX_FD: descriptors one message may carry. */
const SCM_MAX_FD = 253;
const IOV_MAX = 1024;

export interface MessageHeader {
  readonly name: number;
  readonly nameLength: number;
  readonly iov: readonly (readonly [number, number])[];
  readonly control: number;
  readonly controlLength: number;
}

export function readMessageHeader(memory: GuestMemory, addr: number): MessageHeader {
  const iovAddr = Number(memory.read64(addr + 16));
  const iovCount = Number(memory.read64(addr + 24));
  return {
    name: Number(memory.read64(addr)),
    nameLength: memory.read32(addr + 8) | 0,
    iov: readIovecs(memory, iovAddr, iovCount),
    control: Number(memory.read64(addr + 32)),
    controlLength: Number(memory.read64(addr + 40)),
  };
}

/** An iovec array: (base, length) pairs; more than IOV_MAX is EMSGSIZE as in the kernel. */
export function readIovecs(memory: GuestMemory, addr: number, count: number): [number, number][] {
  if (count < 0 || count > IOV_MAX) fail(E.EMSGSIZE);
  const out: [number, number][] = [];
  for (let i = 0; i < count; i++) {
    const len = memory.read64(addr + 16 * i + 8);
    if (len > 0x7fffffffn) fail(E.EINVAL);
    out.push([Number(memory.read64(addr + 16 * i)), Number(len)]);
  }
  return out;
}

/** The bytes an iovec array points at, gathered. */
export function gather(memory: GuestMemory, iov: readonly (readonly [number, number])[]): Uint8Array {
  const total = iov.reduce((n, [, len]) => n + len, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const [base, len] of iov) {
    if (len === 0) continue;
    out.set(memory.readBytes(base, len), at);
    at += len;
  }
  return out;
}

/** Writes `bytes` across an iovec array. */
export function scatter(
  memory: GuestMemory,
  iov: readonly (readonly [number, number])[],
  bytes: Uint8Array,
): void {
  let at = 0;
  for (const [base, len] of iov) {
    if (at >= bytes.length) break;
    const n = Math.min(len, bytes.length - at);
    if (n > 0) memory.writeBytes(base, bytes.subarray(at, at + n));
    at += n;
  }
}

export function iovLength(iov: readonly (readonly [number, number])[]): number {
  return iov.reduce((n, [, len]) => n + len, 0);
}

/**
 * The control messages of a sendmsg: descriptors to pass (SCM_RIGHTS, each looked up with
 * `file`, EBADF when not open) and credentials (SCM_CREDENTIALS). Other levels are ignored, a
 * malformed header is EINVAL, as in the kernel's __scm_send.
 */
export function readControl(
  memory: GuestMemory,
  addr: number,
  length: number,
  file: (fd: number) => OpenFile,
): { rights: OpenFile[] | null; credentials: Credentials | null } {
  let rights: OpenFile[] | null = null;
  let credentials: Credentials | null = null;
  let at = 0;
  while (at + CMSG_HEADER <= length) {
    const len = Number(memory.read64(addr + at));
    if (len < CMSG_HEADER || at + len > length) fail(E.EINVAL);
    const level = memory.read32(addr + at + 8) | 0;
    const type = memory.read32(addr + at + 12) | 0;
    const data = addr + at + CMSG_HEADER;
    const size = len - CMSG_HEADER;
    if (level === SOL_SOCKET && type === SCM_RIGHTS) {
      const count = Math.floor(size / 4);
      if (count === 0 || count + (rights?.length ?? 0) > SCM_MAX_FD) fail(E.EINVAL);
      rights ??= [];
      for (let i = 0; i < count; i++) rights.push(file(memory.read32(data + 4 * i) | 0));
    } else if (level === SOL_SOCKET && type === SCM_CREDENTIALS) {
      if (size !== 12) fail(E.EINVAL);
      credentials = { pid: memory.read32(data), uid: memory.read32(data + 4), gid: memory.read32(data + 8) };
    } else if (level === SOL_SOCKET) {
      fail(E.EINVAL);
    }
    at += (len + 7) & ~7;
  }
  return { rights, credentials };
}

/** Builds control messages into a buffer of `room` bytes, as put_cmsg does. */
export class ControlWriter {
  private readonly parts: Uint8Array[] = [];
  used = 0;
  truncated = false;

  constructor(private readonly room: number) {}

  /** Adds one message; false (and MSG_CTRUNC) when it does not fit. */
  add(type: number, data: Uint8Array): boolean {
    const len = CMSG_HEADER + data.length;
    if (this.used + len > this.room) {
      this.truncated = true;
      return false;
    }
    const space = Math.min((len + 7) & ~7, this.room - this.used);
    const out = new Uint8Array(space);
    const view = new DataView(out.buffer);
    view.setBigUint64(0, BigInt(len), true);
    view.setInt32(8, SOL_SOCKET, true);
    view.setInt32(12, type, true);
    out.set(data, CMSG_HEADER);
    this.parts.push(out);
    this.used += space;
    return true;
  }

  credentials(c: Credentials): void {
    const data = new Uint8Array(12);
    const view = new DataView(data.buffer);
    view.setUint32(0, c.pid, true);
    view.setUint32(4, c.uid, true);
    view.setUint32(8, c.gid, true);
    this.add(SCM_CREDENTIALS, data);
  }

  /** How many of `count` descriptors fit (the rest are closed by the caller, with MSG_CTRUNC). */
  rightsRoom(count: number): number {
    const fit = Math.max(0, Math.floor((this.room - this.used - CMSG_HEADER) / 4));
    if (fit < count) this.truncated = true;
    return Math.min(fit, count);
  }

  rights(fds: number[]): void {
    if (fds.length === 0) return;
    const data = new Uint8Array(4 * fds.length);
    const view = new DataView(data.buffer);
    fds.forEach((fd, i) => {
      view.setInt32(4 * i, fd, true);
    });
    this.add(SCM_RIGHTS, data);
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.used);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}
