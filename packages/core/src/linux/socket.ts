import { E, fail } from './errno.js';
import type { OpenFile } from './fd-table.js';
import type { LinuxKernel } from './kernel.js';
import type { SocketAddress } from './socket-address.js';
import type { SpecialFile } from './special-file.js';
import { syntheticStat } from './synthetic-stat.js';

export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_SEQPACKET = 5;

export const MSG_OOB = 0x1;
export const MSG_PEEK = 0x2;
export const MSG_CTRUNC = 0x8;
export const MSG_TRUNC = 0x20;
export const MSG_DONTWAIT = 0x40;
export const MSG_EOR = 0x80;
export const MSG_WAITALL = 0x100;
export const MSG_NOSIGNAL = 0x4000;
export const MSG_WAITFORONE = 0x10000;
export const MSG_CMSG_CLOEXEC = 0x40000000;

export const SOL_SOCKET = 1;
export const SHUT_RD = 0;
export const SHUT_WR = 1;
export const SHUT_RDWR = 2;

/** The bits of sk_shutdown: no more receiving, no more sending. */
export const RCV_SHUTDOWN = 1;
export const SEND_SHUTDOWN = 2;
export const SHUTDOWN_MASK = 3;

/** struct ucred: who sent a message or is at the other end (pid, uid, gid). */
export interface Credentials {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

export function credentialsOf(k: LinuxKernel): Credentials {
  // The kernel's cred_to_ucred reports the effective ids.
  return { pid: k.pid, uid: k.credentials.user.effective, gid: k.credentials.group.effective };
}

/** What sendmsg hands a socket. */
export interface OutgoingMessage {
  readonly data: Uint8Array;
  readonly to: SocketAddress | null;
  /** SCM_RIGHTS: the open file descriptions passed (one reference each, held while in flight). */
  readonly rights: OpenFile[] | null;
  /** SCM_CREDENTIALS given explicitly. */
  readonly credentials: Credentials | null;
}

/** What recvmsg takes from a socket. */
export interface IncomingMessage {
  readonly data: Uint8Array;
  /** The datagram's whole length (MSG_TRUNC reports it); the data's length for streams. */
  readonly length: number;
  readonly from: SocketAddress | null;
  readonly rights: OpenFile[] | null;
  readonly credentials: Credentials | null;
}

/**
 * A socket as the system call layer drives it. Every call that may have to wait returns null
 * (or throws EAGAIN itself) and the caller blocks until `poll` shows the event, so each
 * implementation stays a plain state machine; host sockets change state from Node's event loop.
 */
export interface Socket extends SpecialFile {
  readonly domain: number;
  readonly type: number;
  readonly protocol: number;
  readonly inode: bigint;
  readonly options: SocketOptions;
  bind(k: LinuxKernel, address: SocketAddress): void;
  listen(k: LinuxKernel, backlog: number): void;
  /** The next connection, or null when none is waiting. */
  accept(k: LinuxKernel): Socket | null;
  /**
   * Starts or checks a connection: 'done', or 'pending' while it is being made (the caller
   * blocks until POLLOUT, or fails with EINPROGRESS when non-blocking).
   */
  connect(k: LinuxKernel, address: SocketAddress): 'done' | 'pending';
  send(k: LinuxKernel, message: OutgoingMessage, flags: number): number | null;
  receive(k: LinuxKernel, want: number, flags: number): IncomingMessage | null;
  shutdown(k: LinuxKernel, how: number): void;
  localAddress(): SocketAddress;
  /** The peer's address; ENOTCONN when there is none. */
  peerAddress(): SocketAddress;
  /** Options of levels other than SOL_SOCKET's common ones: their value, or ENOPROTOOPT. */
  getProtocolOption(level: number, name: number): Uint8Array;
  setProtocolOption(level: number, name: number, value: Uint8Array): void;
  /** The pending error (SO_ERROR), cleared by reading it. */
  takeError(): number;
  /** SO_PEERCRED. */
  peerCredentials(): Credentials | null;
  /** FIONREAD (SIOCINQ) where the socket answers it: bytes the next receive would give. */
  pendingBytes?(): number;
  /**
   * Datagram sockets: how many receives would complete now without waiting (Infinity when an
   * error or a shut-down receive side ends every wait), for recvmmsg's wait for all of them.
   */
  readyMessages?(): number;
  /** The last descriptor referring to it was closed. */
  release(): void;
}

/**
 * What every socket does the same way: the pending error (SO_ERROR) read once, no peer
 * credentials unless it has them, and read/write as a receive or send without flags or address.
 */
export abstract class SocketBase {
  protected error = 0;

  abstract receive(k: LinuxKernel, want: number, flags: number): IncomingMessage | null;
  abstract send(k: LinuxKernel, message: OutgoingMessage, flags: number): number | null;

  takeError(): number {
    const e = this.error;
    this.error = 0;
    return e;
  }

  peerCredentials(): Credentials | null {
    return null;
  }

  read(k: LinuxKernel, want: number): Uint8Array | null {
    return this.receive(k, want, 0)?.data ?? null;
  }

  write(k: LinuxKernel, bytes: Uint8Array): number | null {
    return this.send(k, { data: bytes, to: null, rights: null, credentials: null }, 0);
  }
}

export function isSocket(special: SpecialFile | null): special is Socket {
  return special !== null && (special as Partial<Socket>).options instanceof SocketOptions;
}

/** The kernel's defaults for net.core.wmem_default and rmem_default, and their maxima. */
const BUFFER_DEFAULT = 212992;
const BUFFER_MAX = 212992;
const SNDBUF_MIN = 4608;
const RCVBUF_MIN = 2304;

/** SOL_SOCKET option numbers (asm-generic). */
export const SO = {
  DEBUG: 1,
  REUSEADDR: 2,
  TYPE: 3,
  ERROR: 4,
  DONTROUTE: 5,
  BROADCAST: 6,
  SNDBUF: 7,
  RCVBUF: 8,
  KEEPALIVE: 9,
  OOBINLINE: 10,
  NO_CHECK: 11,
  PRIORITY: 12,
  LINGER: 13,
  REUSEPORT: 15,
  PASSCRED: 16,
  PEERCRED: 17,
  RCVLOWAT: 18,
  SNDLOWAT: 19,
  RCVTIMEO_OLD: 20,
  SNDTIMEO_OLD: 21,
  TIMESTAMP: 29,
  ACCEPTCONN: 30,
  SNDBUFFORCE: 32,
  RCVBUFFORCE: 33,
  PASSSEC: 34,
  TIMESTAMPNS: 35,
  MARK: 36,
  PROTOCOL: 38,
  DOMAIN: 39,
  RXQ_OVFL: 40,
  BUSY_POLL: 46,
  INCOMING_CPU: 49,
  RCVTIMEO_NEW: 66,
  SNDTIMEO_NEW: 67,
} as const;

/** Flag-like SOL_SOCKET options that are kept and read back but change nothing here. */
export const REMEMBERED: ReadonlySet<number> = new Set<number>([
  SO.DEBUG,
  SO.REUSEADDR,
  SO.DONTROUTE,
  SO.BROADCAST,
  SO.KEEPALIVE,
  SO.OOBINLINE,
  SO.NO_CHECK,
  SO.PRIORITY,
  SO.REUSEPORT,
  SO.TIMESTAMP,
  SO.PASSSEC,
  SO.TIMESTAMPNS,
  SO.MARK,
  SO.RXQ_OVFL,
  SO.BUSY_POLL,
  SO.INCOMING_CPU,
]);

/**
 * The SOL_SOCKET options every socket has. Values are stored as the kernel stores them
 * (SO_SNDBUF and SO_RCVBUF doubled and clamped), and flags that cannot be applied on the host
 * are remembered so that getsockopt reads back what setsockopt set.
 */
export class SocketOptions {
  sndbuf = BUFFER_DEFAULT;
  rcvbuf = BUFFER_DEFAULT;
  /** SO_RCVTIMEO/SO_SNDTIMEO in nanoseconds (null: wait for ever). */
  rcvtimeo: bigint | null = null;
  sndtimeo: bigint | null = null;
  passcred = false;
  linger: Uint8Array = new Uint8Array(8);
  rcvlowat = 1;
  readonly flags = new Map<number, number>();
  /** Hook for options that a host socket applies (SO_KEEPALIVE, SO_BROADCAST…). */
  onChange: ((name: number, value: number) => void) | null = null;

  constructor(bufferDefaults?: { sndbuf: number; rcvbuf: number }) {
    if (bufferDefaults) {
      this.sndbuf = bufferDefaults.sndbuf;
      this.rcvbuf = bufferDefaults.rcvbuf;
    }
  }

  flag(name: number): number {
    return this.flags.get(name) ?? 0;
  }

  /** setsockopt(SOL_SOCKET, name): false when `name` is not a common option. */
  set(name: number, value: Uint8Array): boolean {
    const int = (): number => {
      if (value.length < 4) fail(E.EINVAL);
      return new DataView(value.buffer, value.byteOffset, 4).getInt32(0, true);
    };
    switch (name) {
      case SO.SNDBUF:
      case SO.SNDBUFFORCE:
        this.sndbuf = Math.max(SNDBUF_MIN, Math.min(Math.max(int(), 0), BUFFER_MAX) * 2);
        return true;
      case SO.RCVBUF:
      case SO.RCVBUFFORCE:
        this.rcvbuf = Math.max(RCVBUF_MIN, Math.min(Math.max(int(), 0), BUFFER_MAX) * 2);
        return true;
      case SO.RCVTIMEO_OLD:
      case SO.RCVTIMEO_NEW:
        this.rcvtimeo = readTimeval(value);
        return true;
      case SO.SNDTIMEO_OLD:
      case SO.SNDTIMEO_NEW:
        this.sndtimeo = readTimeval(value);
        return true;
      case SO.PASSCRED:
        this.passcred = int() !== 0;
        return true;
      case SO.LINGER:
        if (value.length < 8) fail(E.EINVAL);
        this.linger = value.slice(0, 8);
        if (this.linger[0] | this.linger[1] | this.linger[2] | this.linger[3]) this.linger.set([1, 0, 0, 0]);
        return true;
      case SO.RCVLOWAT:
        this.rcvlowat = Math.max(1, int());
        return true;
      case SO.SNDLOWAT:
        return fail(E.ENOPROTOOPT); // Linux cannot change it
      default: {
        if (!REMEMBERED.has(name)) return false;
        const v = int();
        const stored = name === SO.PRIORITY || name === SO.MARK || name === SO.BUSY_POLL ? v : v ? 1 : 0;
        this.flags.set(name, stored);
        this.onChange?.(name, stored);
        return true;
      }
    }
  }
}

/** A struct timeval (16 bytes) as a timeout: zero means none. */
function readTimeval(value: Uint8Array): bigint | null {
  if (value.length < 16) fail(E.EINVAL);
  const view = new DataView(value.buffer, value.byteOffset, 16);
  const sec = view.getBigInt64(0, true);
  const usec = view.getBigInt64(8, true);
  if (usec < 0n || usec >= 1_000_000n) fail(E.EDOM);
  if (sec < 0n) return 1n; // a negative timeout has already expired: the call does not wait
  const ns = sec * 1_000_000_000n + usec * 1000n;
  return ns === 0n ? null : ns;
}

/** The timeval a timeout reads back as. */
export function encodeTimeval(ns: bigint | null): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  const t = ns ?? 0n;
  view.setBigInt64(0, t / 1_000_000_000n, true);
  view.setBigInt64(8, (t % 1_000_000_000n) / 1000n, true);
  return out;
}

let nextSocketInode = 1000n;

/** What fstat shows for a socket: S_IFSOCK on sockfs, read-write for its owner. */
export function socketStat(inode: bigint) {
  return syntheticStat(0x8n, inode, 0o140777n, BigInt(Date.now()) * 1_000_000n);
}

/** An inode number for a new socket (shown by fstat and /proc/self/fd as socket:[N]). */
export function newSocketInode(): bigint {
  return nextSocketInode++;
}

/** A 32-bit int option's bytes. */
export function intOption(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, value, true);
  return out;
}
