import type { Socket as NetSocket, Server } from 'node:net';
import { E, errnoOf, fail } from './errno.js';
import { hostNet } from './host-builtins.js';
import type { HostIo } from './host-io.js';
import type { LinuxKernel } from './kernel.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT } from './pipe.js';
import {
  type IncomingMessage,
  intOption,
  MSG_PEEK,
  newSocketInode,
  type OutgoingMessage,
  RCV_SHUTDOWN,
  SEND_SHUTDOWN,
  SOCK_STREAM,
  type Socket,
  SocketBase,
  SocketOptions,
} from './socket.js';
import { AF_INET, AF_INET6, type SocketAddress } from './socket-address.js';

const POLLRDHUP = 0x2000;
/** Bytes buffered on either side before reads pause the host socket or writes wait. */
const BUFFER_LIMIT = 256 * 1024;
/** IPPROTO_IPV6's IPV6_V6ONLY. */
const IPV6_V6ONLY = 26;
const IPPROTO_IPV6 = 41;
/** Levels whose int options are kept (TCP_NODELAY, IP_TOS, IPV6_V6ONLY…) even where the host cannot apply them. */
const PROTOCOL_LEVELS = new Set([0, 6, IPPROTO_IPV6]);

type State = 'new' | 'listening' | 'connecting' | 'connected' | 'failed';

/**
 * A TCP socket through the host's network (Node's net). Everything host-side happens on the
 * event loop; the guest sees its state here and waits through `poll`. Node cannot bind without
 * listening, so `bind` listens at once (the guest thread waits until the host has bound, so that
 * getsockname after binding port 0 gives the real port), and a bound socket that then connects
 * connects from that address.
 */
export class TcpSocket extends SocketBase implements Socket {
  readonly type = SOCK_STREAM;
  readonly protocol = 6;
  readonly inode = newSocketInode();
  readonly name: string;
  readonly options = new SocketOptions({ sndbuf: 16384, rcvbuf: 131072 });
  activity = 0;
  state: State = 'new';
  private server: Server | null = null;
  private bound: { host: string; port: number } | null = null;
  private binding: 'pending' | 'done' | number | null = null;
  private pending: NetSocket[] = [];
  private socket: NetSocket | null = null;
  private chunks: Buffer[] = [];
  private queued = 0;
  private ended = false;
  private shut = 0;
  private readonly levelOptions = new Map<string, number>();
  private counted = false;
  /** bind has returned its success (a bind that waited for the host runs again to return it). */
  private bindReported = false;
  /** A connection was started and its completion not yet returned by connect. */
  private unreported = false;

  constructor(
    private readonly host: HostIo,
    readonly domain: typeof AF_INET | typeof AF_INET6,
    connected?: NetSocket,
  ) {
    super();
    this.name = `socket:[${this.inode}]`;
    if (connected) this.attach(connected);
  }

  private hold(): void {
    if (!this.counted) this.host.open++;
    this.counted = true;
  }

  private changed(): void {
    this.activity++;
    this.host.notify();
  }

  private attach(socket: NetSocket): void {
    this.hold();
    this.socket = socket;
    this.state = 'connected';
    socket.on('data', (data: Buffer) => {
      this.chunks.push(data);
      this.queued += data.length;
      if (this.queued > BUFFER_LIMIT) socket.pause();
      this.changed();
    });
    socket.on('end', () => {
      this.ended = true;
      this.changed();
    });
    socket.on('error', (error) => {
      this.error = errnoOf(error) ?? E.ECONNRESET;
      this.ended = true;
      this.changed();
    });
    socket.on('drain', () => this.changed());
    socket.on('close', () => {
      this.ended = true;
      this.changed();
    });
    socket.resume();
  }

  private hostName(address: SocketAddress): { host: string; port: number } {
    if (address.family !== this.domain) fail(this.domain === AF_INET ? E.EAFNOSUPPORT : E.EINVAL);
    if (address.family !== AF_INET && address.family !== AF_INET6) fail(E.EINVAL);
    return { host: address.host, port: address.port };
  }

  bind(k: LinuxKernel, address: SocketAddress): void {
    if (this.binding === 'done' && this.bindReported) fail(E.EINVAL);
    if (this.binding === null) {
      if (this.state !== 'new') fail(E.EINVAL);
      this.bound = this.hostName(address);
      this.startListening();
    }
    if (this.binding === 'pending') {
      k.block(null, 'a bind on the host', k.signals.mask, () => this.binding !== 'pending');
      fail(E.ERESTARTSYS);
    }
    if (typeof this.binding === 'number') {
      const errno = this.binding;
      this.binding = null;
      this.bound = null;
      fail(errno);
    }
    this.bindReported = true;
  }

  private startListening(): void {
    const bound = this.bound as { host: string; port: number };
    const server = hostNet().createServer({ allowHalfOpen: true, pauseOnConnect: true });
    this.server = server;
    this.binding = 'pending';
    this.hold();
    server.on('connection', (socket) => {
      this.pending.push(socket);
      this.changed();
    });
    server.on('error', (error) => {
      this.binding = errnoOf(error) ?? E.EADDRINUSE;
      this.server = null;
      this.changed();
    });
    server.listen(
      {
        host: bound.host,
        port: bound.port,
        exclusive: true,
        ipv6Only: this.levelOptions.get(`${IPPROTO_IPV6}:${IPV6_V6ONLY}`) === 1,
        backlog: 511,
      },
      () => {
        const address = server.address();
        if (address && typeof address === 'object') this.bound = { host: bound.host, port: address.port };
        this.binding = 'done';
        this.changed();
      },
    );
  }

  listen(k: LinuxKernel, _backlog: number): void {
    if (this.state === 'connected' || this.state === 'connecting') fail(E.EINVAL);
    if (this.binding === null) {
      // An unbound socket listens on an ephemeral port of every address, as the kernel's autobind.
      this.bound = { host: this.domain === AF_INET ? '0.0.0.0' : '::', port: 0 };
      this.startListening();
    }
    if (this.binding === 'pending') {
      k.block(null, 'a listen on the host', k.signals.mask, () => this.binding !== 'pending');
      fail(E.ERESTARTSYS);
    }
    if (typeof this.binding === 'number') fail(this.binding);
    this.state = 'listening';
  }

  accept(_k: LinuxKernel): Socket | null {
    if (this.state !== 'listening') fail(E.EINVAL);
    const next = this.pending.shift();
    if (!next) return null;
    this.changed();
    return new TcpSocket(this.host, this.domain, next);
  }

  connect(_k: LinuxKernel, address: SocketAddress): 'done' | 'pending' {
    if (this.state === 'connected' && this.unreported) {
      this.unreported = false;
      return 'done';
    }
    if (this.state === 'connected') fail(E.EISCONN);
    if (this.state === 'connecting') return 'pending';
    if (this.state === 'failed') {
      this.state = 'new';
      this.unreported = false;
      fail(this.takeError() || E.ECONNREFUSED);
    }
    if (this.state === 'listening') fail(E.EISCONN);
    const target = this.hostName(address);
    const local = this.bound;
    this.server?.close();
    this.server = null;
    this.hold();
    this.state = 'connecting';
    this.unreported = true;
    const socket = hostNet().connect({
      host: target.host,
      port: target.port,
      allowHalfOpen: true,
      ...(local ? { localAddress: local.host, localPort: local.port } : {}),
    });
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      this.attach(socket);
      this.changed();
    });
    socket.once('error', (error) => {
      this.error = errnoOf(error) ?? E.ECONNREFUSED;
      this.state = 'failed';
      this.changed();
    });
    return 'pending';
  }

  send(_k: LinuxKernel, message: OutgoingMessage): number | null {
    if (this.error && this.state === 'connected') fail(this.takeError());
    if (this.state !== 'connected' || this.socket === null) fail(E.EPIPE);
    if (this.shut & SEND_SHUTDOWN || this.socket.writableEnded || this.socket.destroyed) fail(E.EPIPE);
    if (this.socket.writableLength > BUFFER_LIMIT) return null;
    if (message.data.length > 0) this.socket.write(Buffer.from(message.data));
    return message.data.length;
  }

  receive(_k: LinuxKernel, want: number, flags: number): IncomingMessage | null {
    if (this.state === 'listening') fail(E.EINVAL);
    if (this.state !== 'connected') fail(E.ENOTCONN);
    const empty = { data: new Uint8Array(0), length: 0, from: null, rights: null, credentials: null };
    if (this.queued === 0) {
      if (this.error) fail(this.takeError());
      if (this.ended || this.shut & RCV_SHUTDOWN) return empty;
      return want === 0 ? empty : null;
    }
    const all = Buffer.concat(this.chunks);
    const data = new Uint8Array(all.subarray(0, Math.min(want, all.length)));
    if (!(flags & MSG_PEEK)) {
      const rest = all.subarray(data.length);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.queued = rest.length;
      if (this.queued <= BUFFER_LIMIT) this.socket?.resume();
      this.activity++;
    }
    return { data, length: data.length, from: null, rights: null, credentials: null };
  }

  shutdown(_k: LinuxKernel, how: number): void {
    if (how < 0 || how > 2) fail(E.EINVAL);
    if (this.state !== 'connected') fail(E.ENOTCONN);
    this.shut |= how + 1;
    if (this.shut & SEND_SHUTDOWN) this.socket?.end();
    this.changed();
  }

  localAddress(): SocketAddress {
    const host =
      this.socket?.localAddress ?? this.bound?.host ?? (this.domain === AF_INET ? '0.0.0.0' : '::');
    const port = this.socket?.localPort ?? this.bound?.port ?? 0;
    return this.address(host, port);
  }

  peerAddress(): SocketAddress {
    const s = this.socket;
    if (this.state !== 'connected' || !s || s.remoteAddress === undefined) fail(E.ENOTCONN);
    return this.address(s.remoteAddress, s.remotePort ?? 0);
  }

  private address(host: string, port: number): SocketAddress {
    if (this.domain === AF_INET) return { family: AF_INET, host: host.replace(/^::ffff:/, ''), port };
    return { family: AF_INET6, host, port, flowinfo: 0, scope: 0 };
  }

  getProtocolOption(level: number, name: number): Uint8Array {
    if (!PROTOCOL_LEVELS.has(level)) fail(E.ENOPROTOOPT);
    return intOption(this.levelOptions.get(`${level}:${name}`) ?? 0);
  }

  setProtocolOption(level: number, name: number, value: Uint8Array): void {
    if (!PROTOCOL_LEVELS.has(level)) fail(E.ENOPROTOOPT);
    if (value.length < 4) fail(E.EINVAL);
    const v = new DataView(value.buffer, value.byteOffset, 4).getInt32(0, true);
    this.levelOptions.set(`${level}:${name}`, v);
    if (level === 6 && name === 1) this.socket?.setNoDelay(v !== 0);
  }

  poll(_k: LinuxKernel, events: number): number {
    let ready = this.error ? POLLERR : 0;
    switch (this.state) {
      case 'listening':
        return (this.pending.length > 0 ? POLLIN : 0) & events;
      case 'failed':
        return ready | POLLHUP | (POLLOUT & events);
      case 'connecting':
        return ready;
      case 'new':
        return ready | POLLHUP | (POLLOUT & events);
    }
    if (this.queued > 0 || this.ended || this.shut & RCV_SHUTDOWN) ready |= POLLIN & events;
    if (this.ended) ready |= POLLRDHUP & events;
    if (this.ended && this.shut & SEND_SHUTDOWN) ready |= POLLHUP;
    if (!this.ended && (this.socket?.writableLength ?? 0) <= BUFFER_LIMIT) ready |= POLLOUT & events;
    return ready;
  }

  /** SIOCINQ: bytes received and not yet read (EINVAL on a listening socket, as tcp_ioctl). */
  pendingBytes(): number {
    if (this.state === 'listening') fail(E.EINVAL);
    return this.queued;
  }

  release(): void {
    this.server?.close();
    for (const s of this.pending) s.destroy();
    this.socket?.end();
    this.socket?.destroySoon();
    if (this.counted) this.host.open--;
    this.counted = false;
    this.changed();
  }
}
