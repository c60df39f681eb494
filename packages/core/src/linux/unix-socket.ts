import { E, fail } from './errno.js';
import type { OpenFile } from './fd-table.js';
import type { LinuxKernel } from './kernel.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT } from './pipe.js';
import {
  type Credentials,
  credentialsOf,
  type IncomingMessage,
  MSG_PEEK,
  MSG_WAITALL,
  newSocketInode,
  type OutgoingMessage,
  RCV_SHUTDOWN,
  SEND_SHUTDOWN,
  SHUTDOWN_MASK,
  SOCK_DGRAM,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  type Socket,
  SocketOptions,
} from './socket.js';
import { AF_UNIX, AF_UNSPEC, type SocketAddress, type UnixName } from './socket-address.js';
import { type UnixNames, unixNamesOf } from './unix-names.js';

const POLLRDHUP = 0x2000;
/** What a queued message costs against the sender's buffer beyond its bytes (roughly an skb). */
const MESSAGE_OVERHEAD = 768;
/** net.unix.max_dgram_qlen: datagrams queued for a receiver that is not connected back. */
const MAX_DGRAM_QLEN = 10;

interface Queued {
  data: Uint8Array;
  readonly sender: UnixSocket;
  readonly from: UnixName | null;
  rights: OpenFile[] | null;
  readonly credentials: Credentials;
}

/**
 * An AF_UNIX socket inside the emulator: stream, datagram or seqpacket, connected to another
 * one of the same run (socketpair, connect to a bound name). Nothing of it touches the host:
 * messages are queued on the receiver, descriptors passed with SCM_RIGHTS travel as open file
 * descriptions (shared, as the kernel shares them), and both ends live in this one process.
 */
export class UnixSocket implements Socket {
  readonly domain = AF_UNIX;
  readonly protocol = 0;
  readonly options = new SocketOptions();
  readonly inode = newSocketInode();
  readonly name: string;
  activity = 0;
  state: 'unconnected' | 'listening' | 'connected' = 'unconnected';
  peer: UnixSocket | null = null;
  /** Our name once bound (or the listener's, for a socket accept gave). */
  address: UnixName | null = null;
  shut = 0;
  closed = false;
  /** Who created it (SO_PEERCRED of its peer), and who the peer was when it connected. */
  owner: Credentials;
  peerCred: Credentials | null = null;
  private queue: Queued[] = [];
  private backlog: UnixSocket[] = [];
  private backlogMax = 0;
  private error = 0;
  private names: UnixNames;

  constructor(
    k: LinuxKernel,
    readonly type: number,
  ) {
    this.name = `socket:[${this.inode}]`;
    this.owner = credentialsOf(k);
    this.names = unixNamesOf(k);
  }

  /** socketpair: two sockets connected to each other. */
  static pair(k: LinuxKernel, type: number): [UnixSocket, UnixSocket] {
    const a = new UnixSocket(k, type);
    const b = new UnixSocket(k, type);
    a.join(b);
    return [a, b];
  }

  private join(other: UnixSocket): void {
    this.peer = other;
    other.peer = this;
    this.state = 'connected';
    other.state = 'connected';
    this.peerCred = other.owner;
    other.peerCred = this.owner;
  }

  private get connectionOriented(): boolean {
    return this.type !== SOCK_DGRAM;
  }

  bind(k: LinuxKernel, address: SocketAddress): void {
    if (address.family !== AF_UNIX) fail(E.EINVAL);
    if (this.address !== null) fail(E.EINVAL);
    this.address = this.names.bind(k, this, address.name);
  }

  listen(_k: LinuxKernel, backlog: number): void {
    if (!this.connectionOriented) fail(E.EOPNOTSUPP);
    if (this.state === 'connected' || this.address === null) fail(E.EINVAL);
    this.state = 'listening';
    this.backlogMax = Math.max(0, Math.min(backlog, 4096));
    this.activity++;
  }

  accept(_k: LinuxKernel): Socket | null {
    if (!this.connectionOriented) fail(E.EOPNOTSUPP);
    if (this.state !== 'listening') fail(E.EINVAL);
    const next = this.backlog.shift() ?? null;
    if (next) this.activity++;
    return next;
  }

  connect(k: LinuxKernel, address: SocketAddress): 'done' | 'pending' {
    if (address.family === AF_UNSPEC && !this.connectionOriented) {
      this.peer = null; // a datagram socket forgets its peer
      this.state = 'unconnected';
      return 'done';
    }
    if (address.family !== AF_UNIX) fail(E.EINVAL);
    if (this.state === 'listening') fail(E.EINVAL);
    if (this.connectionOriented && this.state === 'connected') fail(E.EISCONN);
    const target = this.names.find(k, address.name);
    if (target.type !== this.type) fail(E.EPROTOTYPE);
    if (!this.connectionOriented) {
      this.peer = target;
      this.state = 'connected';
      this.peerCred = target.owner;
      return 'done';
    }
    if (target.state !== 'listening') fail(E.ECONNREFUSED);
    if (target.backlog.length > target.backlogMax) return 'pending';
    const server = new UnixSocket(k, this.type);
    server.address = target.address;
    server.owner = target.owner;
    this.join(server);
    target.backlog.push(server);
    target.activity++;
    return 'done';
  }

  send(k: LinuxKernel, message: OutgoingMessage, _flags: number): number | null {
    const credentials = message.credentials ?? credentialsOf(k);
    if (this.type === SOCK_STREAM) return this.sendStream(message, credentials);
    let target = this.peer;
    if (this.type === SOCK_SEQPACKET || message.to === null) {
      if (this.state !== 'connected' || target === null) fail(E.ENOTCONN);
    } else {
      if (message.to.family !== AF_UNIX) fail(E.EINVAL);
      target = this.names.find(k, message.to.name);
      if (target.type !== this.type) fail(E.EPROTOTYPE);
    }
    if (target === null) fail(E.ENOTCONN);
    if (this.type === SOCK_SEQPACKET && (this.shut & SEND_SHUTDOWN || target.closed)) fail(E.EPIPE);
    if (target.closed) {
      if (this.peer === target) this.peer = null;
      fail(E.ECONNREFUSED);
    }
    if (message.data.length > this.options.sndbuf - 32) fail(E.EMSGSIZE);
    if (target.shut & RCV_SHUTDOWN) fail(E.EPIPE);
    if (target.peer !== this && target !== this && target.queue.length >= MAX_DGRAM_QLEN) return null;
    if (this.inFlight(target) + message.data.length + MESSAGE_OVERHEAD > this.options.sndbuf) return null;
    target.enqueue(this, message.data.slice(), message.rights, credentials);
    return message.data.length;
  }

  private sendStream(message: OutgoingMessage, credentials: Credentials): number | null {
    if (this.state !== 'connected' || this.peer === null) fail(this.shut ? E.EPIPE : E.ENOTCONN);
    const peer = this.peer;
    if (this.shut & SEND_SHUTDOWN || peer.closed || peer.shut & RCV_SHUTDOWN) fail(E.EPIPE);
    const room = this.options.sndbuf - this.inFlight(peer);
    const n = message.data.length;
    // A blocking send of what fits later waits for room; one larger than the whole buffer goes
    // in parts (the call is run again from the start after a wait, so it must not half-send).
    const fits =
      n <= room ? n : n > this.options.sndbuf / 2 && room > MESSAGE_OVERHEAD ? room - MESSAGE_OVERHEAD : 0;
    if (fits === 0 && n > 0) return null;
    peer.enqueue(this, message.data.slice(0, fits), message.rights, credentials);
    return fits;
  }

  /** Bytes this socket has queued on `target` and not yet read (the kernel's sk_wmem_alloc). */
  private inFlight(target: UnixSocket): number {
    let n = 0;
    for (const m of target.queue) if (m.sender === this) n += m.data.length + MESSAGE_OVERHEAD;
    return n;
  }

  private enqueue(sender: UnixSocket, data: Uint8Array, rights: OpenFile[] | null, cred: Credentials): void {
    this.queue.push({ data, sender, from: sender.address, rights, credentials: cred });
    this.activity++;
    sender.activity++;
  }

  readyMessages(): number {
    if (this.type === SOCK_STREAM) return this.queue.length > 0 ? Number.POSITIVE_INFINITY : 0;
    return this.shut & RCV_SHUTDOWN ? Number.POSITIVE_INFINITY : this.queue.length;
  }

  receive(_k: LinuxKernel, want: number, flags: number): IncomingMessage | null {
    if (this.state === 'listening') fail(E.EINVAL);
    const peek = (flags & MSG_PEEK) !== 0;
    const first = this.queue[0];
    if (first === undefined) {
      if (this.shut & RCV_SHUTDOWN)
        return { data: new Uint8Array(0), length: 0, from: null, rights: null, credentials: null };
      if (this.type === SOCK_STREAM && this.state !== 'connected') fail(E.EINVAL);
      return null;
    }
    if (this.type !== SOCK_STREAM) {
      if (!peek) this.take(1);
      return {
        data: first.data.subarray(0, Math.min(want, first.data.length)),
        length: first.data.length,
        from: first.from && { family: AF_UNIX, name: first.from },
        rights: peek ? null : first.rights,
        credentials: first.credentials,
      };
    }
    if (flags & MSG_WAITALL && !peek && !(this.shut & RCV_SHUTDOWN)) {
      let queued = 0;
      for (const m of this.queue) queued += m.data.length;
      if (queued < want) return null;
    }
    // A stream read never joins the bytes of different writers, and stops after passed descriptors.
    const parts: Uint8Array[] = [];
    let got = 0;
    let rights: OpenFile[] | null = null;
    let used = 0;
    for (const m of this.queue) {
      if (got >= want) break;
      if (m.credentials.pid !== first.credentials.pid) break;
      if (m.rights && got > 0) break;
      const part = m.data.subarray(0, want - got);
      parts.push(part);
      got += part.length;
      if (part.length === m.data.length) used++;
      else if (!peek) m.data = m.data.subarray(part.length);
      if (m.rights) {
        rights = peek ? null : m.rights;
        if (!peek) m.rights = null;
        break;
      }
    }
    if (!peek) this.take(used);
    const data = new Uint8Array(got);
    let at = 0;
    for (const p of parts) {
      data.set(p, at);
      at += p.length;
    }
    return {
      data,
      length: got,
      from: first.from && { family: AF_UNIX, name: first.from },
      rights,
      credentials: first.credentials,
    };
  }

  private take(count: number): void {
    const taken = this.queue.splice(0, count);
    this.activity++;
    for (const m of taken) m.sender.activity++;
  }

  shutdown(_k: LinuxKernel, how: number): void {
    if (how < 0 || how > 2) fail(E.EINVAL);
    const mode = how + 1;
    this.shut |= mode;
    this.activity++;
    const peer = this.peer;
    if (peer && this.connectionOriented) {
      peer.shut |=
        ((mode & RCV_SHUTDOWN) !== 0 ? SEND_SHUTDOWN : 0) | ((mode & SEND_SHUTDOWN) !== 0 ? RCV_SHUTDOWN : 0);
      peer.activity++;
    }
  }

  localAddress(): SocketAddress {
    return { family: AF_UNIX, name: this.address ?? { kind: 'unnamed' } };
  }

  peerAddress(): SocketAddress {
    if (this.peer === null || (this.connectionOriented && this.state !== 'connected')) fail(E.ENOTCONN);
    return { family: AF_UNIX, name: this.peer.address ?? { kind: 'unnamed' } };
  }

  // Only SOL_SOCKET options exist for AF_UNIX: other levels are not this protocol's.
  getProtocolOption(): Uint8Array {
    fail(E.EOPNOTSUPP);
  }

  setProtocolOption(): void {
    fail(E.EOPNOTSUPP);
  }

  takeError(): number {
    const e = this.error;
    this.error = 0;
    return e;
  }

  peerCredentials(): Credentials | null {
    return this.peerCred;
  }

  read(k: LinuxKernel, want: number): Uint8Array | null {
    return this.receive(k, want, 0)?.data ?? null;
  }

  write(k: LinuxKernel, bytes: Uint8Array): number | null {
    return this.send(k, { data: bytes, to: null, rights: null, credentials: null }, 0);
  }

  poll(_k: LinuxKernel, events: number): number {
    let ready = 0;
    if (this.error) ready |= POLLERR;
    if (this.state === 'listening') return (this.backlog.length > 0 ? POLLIN : 0) & events;
    if (this.shut === SHUTDOWN_MASK) ready |= POLLHUP;
    if (this.shut & RCV_SHUTDOWN) ready |= (POLLIN | POLLRDHUP) & events;
    if (this.queue.length > 0) ready |= POLLIN & events;
    if (this.connectionOriented && this.state === 'unconnected') ready |= POLLHUP;
    if (this.writable()) ready |= POLLOUT & events;
    return ready;
  }

  private writable(): boolean {
    const peer = this.peer;
    if (this.connectionOriented && (this.state !== 'connected' || peer === null || peer.closed)) return true;
    if (peer === null) return true;
    if (!this.connectionOriented && peer.peer !== this && peer.queue.length >= MAX_DGRAM_QLEN) return false;
    return this.inFlight(peer) * 4 <= this.options.sndbuf * 3; // sock_writeable: a quarter free
  }

  /**
   * The last descriptor was closed: a connected peer sees end of file (both directions shut),
   * waiting connections are refused, descriptors in flight to us are dropped.
   */
  release(): void {
    this.closed = true;
    this.activity++;
    this.names.unbind(this);
    const peer = this.peer;
    if (peer && this.connectionOriented) {
      peer.shut = SHUTDOWN_MASK;
      if (this.queue.length > 0) peer.error = E.ECONNRESET;
      peer.activity++;
    }
    for (const pending of this.backlog) pending.release();
    this.backlog = [];
    for (const m of this.queue) for (const file of m.rights ?? []) if (--file.refs === 0) file.release();
    this.queue = [];
  }
}
