import type { Socket as DgramSocket, RemoteInfo } from 'node:dgram';
import { E, errnoOf, fail } from './errno.js';
import { hostDgram } from './host-builtins.js';
import { interfaceIndex } from './host-interfaces.js';
import type { HostIo } from './host-io.js';
import { InetOptions, IP, IPV6, SOL_IP, SOL_IPV6 } from './inet-options.js';
import type { LinuxKernel } from './kernel.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT } from './pipe.js';
import {
  type IncomingMessage,
  MSG_OOB,
  MSG_PEEK,
  newSocketInode,
  type OutgoingMessage,
  RCV_SHUTDOWN,
  SEND_SHUTDOWN,
  SHUTDOWN_MASK,
  SO,
  SOCK_DGRAM,
  type Socket,
  SocketBase,
  SocketOptions,
} from './socket.js';
import { AF_INET, AF_INET6, AF_UNSPEC, type SocketAddress } from './socket-address.js';

const POLLRDHUP = 0x2000;
const MSG_ERRQUEUE = 0x2000;
/** The largest UDP payload: 65535 less the UDP header, and for IPv4 the IP header too. */
const MAX_PAYLOAD = { [AF_INET]: 65507, [AF_INET6]: 65527 } as const;
/** What a queued datagram costs against the receive buffer beyond its bytes (roughly an skb). */
const DATAGRAM_OVERHEAD = 768;

interface Datagram {
  readonly data: Uint8Array;
  readonly from: SocketAddress;
}

type Target = { host: string; port: number };

/**
 * A UDP socket through the host's network (Node's dgram). The host socket is made at the first
 * bind, connect or send, with the options set before (SO_REUSEADDR, IPV6_V6ONLY), and bound
 * then (to the wildcard address and port 0 for an implicit bind, as the kernel's autobind).
 * Node resolves addresses through a lookup function, here one that answers at once, so that
 * bind, connect and send reach the host within the guest's system call; datagrams that arrive
 * are queued here from the event loop, and a receive on an empty queue waits (through `poll`)
 * for them. Errors the host reports later (an ICMP port unreachable on a connected socket)
 * become the socket's pending error, as the kernel's sk_err.
 */
export class UdpSocket extends SocketBase implements Socket {
  readonly type = SOCK_DGRAM;
  readonly protocol = 17;
  readonly inode = newSocketInode();
  readonly name: string;
  readonly options = new SocketOptions();
  readonly inet: InetOptions;
  activity = 0;
  private socket: DgramSocket | null = null;
  private bound = false;
  private peer: Target | null = null;
  private connecting: { target: Target; errno: number | null } | null = null;
  private queue: Datagram[] = [];
  private queuedBytes = 0;
  private shut = 0;
  private counted = false;
  /** The errno of the last bind, which Node reports through 'error' inside the bind call. */
  private bindError = 0;

  constructor(
    private readonly host: HostIo,
    readonly domain: typeof AF_INET | typeof AF_INET6,
  ) {
    super();
    this.name = `socket:[${this.inode}]`;
    this.inet = new InetOptions(domain);
    this.options.onChange = (name, value) => {
      if (name === SO.BROADCAST && this.socket && this.bound) this.socket.setBroadcast(value !== 0);
    };
  }

  private changed(): void {
    this.activity++;
    this.host.notify();
  }

  /** The host socket, made now with the options set so far. */
  private hostSocket(): DgramSocket {
    if (this.socket) return this.socket;
    const family = this.domain === AF_INET ? 4 : 6;
    const socket = hostDgram().createSocket({
      type: this.domain === AF_INET ? 'udp4' : 'udp6',
      reuseAddr: this.options.flag(SO.REUSEADDR) !== 0,
      // Node 22.12 and later apply it; earlier versions ignore the option.
      ...({ reusePort: this.options.flag(SO.REUSEPORT) !== 0 } as object),
      ipv6Only: this.domain === AF_INET6 && this.inet.value(SOL_IPV6, IPV6.V6ONLY) === 1,
      // Addresses are numeric already: answer at once, so that Node binds and sends synchronously.
      lookup: ((address: string, _options: unknown, callback: (e: null, a: string, f: number) => void) =>
        callback(null, address, family)) as never,
    });
    socket.on('message', (data: Buffer, info: RemoteInfo) => this.arrived(data, info));
    socket.on('error', (error: Error & { syscall?: string }) => {
      const errno = errnoOf(error) ?? E.EIO;
      if (error.syscall === 'bind') this.bindError = errno;
      else {
        this.error = errno; // a later error of the host socket (ECONNREFUSED after ICMP)
        this.changed();
      }
    });
    this.socket = socket;
    this.host.open++;
    this.counted = true;
    return socket;
  }

  private arrived(data: Buffer, info: RemoteInfo): void {
    // A receive queue over SO_RCVBUF drops what comes, as the kernel does.
    if (this.queuedBytes > this.options.rcvbuf) return;
    this.queue.push({ data: new Uint8Array(data), from: this.address(info.address, info.port) });
    this.queuedBytes += data.length + DATAGRAM_OVERHEAD;
    this.changed();
  }

  private address(host: string, port: number): SocketAddress {
    if (this.domain === AF_INET) return { family: AF_INET, host: host.replace(/^::ffff:/, ''), port };
    const [bare, zone] = host.split('%');
    const v4 = /^\d+\.\d+\.\d+\.\d+$/.test(bare) ? `::ffff:${bare}` : bare;
    return { family: AF_INET6, host: v4, port, flowinfo: 0, scope: zone ? interfaceIndex(zone) : 0 };
  }

  /** A destination the host can take: an IPv4 address given to an IPv6 socket is v4-mapped. */
  private target(address: SocketAddress, unsupported: number): Target {
    if (address.family === AF_INET && this.domain === AF_INET)
      return { host: address.host, port: address.port };
    if (address.family === AF_INET6 && this.domain === AF_INET6) {
      const zone = address.scope ? `%${address.scope}` : '';
      return { host: `${address.host}${zone}`, port: address.port };
    }
    if (address.family === AF_INET && this.domain === AF_INET6) {
      if (this.inet.value(SOL_IPV6, IPV6.V6ONLY)) fail(E.ENETUNREACH);
      return { host: `::ffff:${address.host}`, port: address.port };
    }
    fail(unsupported);
  }

  /** Binds the host socket to `target`; the errno of a refusal, else 0. */
  private hostBind(target: Target): number {
    const socket = this.hostSocket();
    this.bindError = 0;
    socket.bind({ address: target.host, port: target.port, exclusive: true });
    if (this.bindError) return this.bindError;
    this.bound = true;
    if (this.options.flag(SO.BROADCAST)) socket.setBroadcast(true);
    this.applyHops();
    return 0;
  }

  /** The implicit bind of a send or connect: any address, a port the host chooses. */
  private autobind(): void {
    if (this.bound) return;
    const errno = this.hostBind({ host: this.domain === AF_INET ? '0.0.0.0' : '::', port: 0 });
    if (errno) fail(errno);
  }

  bind(_k: LinuxKernel, address: SocketAddress): void {
    if (this.bound) fail(E.EINVAL);
    if (address.family !== this.domain) {
      // inet_bind lets AF_UNSPEC stand for INADDR_ANY; an IPv6 socket takes only sockaddr_in6.
      if (this.domain === AF_INET6 || address.family !== AF_UNSPEC)
        fail(this.domain === AF_INET6 ? E.EINVAL : E.EAFNOSUPPORT);
      address = { family: AF_INET, host: '0.0.0.0', port: 0 };
    }
    const errno = this.hostBind(this.target(address, E.EAFNOSUPPORT));
    if (errno) fail(errno);
  }

  listen(): void {
    fail(E.EOPNOTSUPP);
  }

  accept(): Socket | null {
    fail(E.EOPNOTSUPP);
  }

  connect(k: LinuxKernel, address: SocketAddress): 'done' | 'pending' {
    const pending = this.connecting;
    if (pending !== null) {
      // Node reports a refused connect on the next tick: the call waited for it and runs again.
      if (pending.errno === null) return this.waitForConnect(k);
      this.connecting = null;
      if (pending.errno) fail(pending.errno);
      return 'done';
    }
    if (address.family === AF_UNSPEC) {
      this.disconnect();
      return 'done';
    }
    const target = this.target(address, E.EAFNOSUPPORT);
    this.autobind();
    // Node connects only an unconnected socket; a new peer replaces the old one as in the kernel.
    this.disconnect();
    const socket = this.hostSocket();
    const attempt: { target: Target; errno: number | null } = { target, errno: null };
    try {
      socket.connect(target.port, target.host, (error?: Error) => {
        attempt.errno = error ? (errnoOf(error) ?? E.EINVAL) : 0;
        this.changed();
      });
    } catch {
      fail(E.EINVAL); // what Node refuses before asking the host (port 0)
    }
    if (this.isConnected()) {
      this.peer = target;
      this.changed();
      return 'done';
    }
    this.connecting = attempt;
    return this.waitForConnect(k);
  }

  private waitForConnect(k: LinuxKernel): never {
    const attempt = this.connecting;
    k.block(null, 'a UDP connect on the host', k.signals.mask, () => attempt?.errno !== null);
    fail(E.ERESTARTSYS);
  }

  private isConnected(): boolean {
    try {
      this.socket?.remoteAddress();
      return this.socket !== null;
    } catch {
      return false;
    }
  }

  private disconnect(): void {
    if (this.peer === null) return;
    this.peer = null;
    if (this.isConnected()) this.socket?.disconnect();
    this.changed();
  }

  send(_k: LinuxKernel, message: OutgoingMessage, flags: number): number | null {
    if (flags & MSG_OOB) fail(E.EOPNOTSUPP);
    if (this.shut & SEND_SHUTDOWN) fail(E.EPIPE);
    if (this.error) fail(this.takeError());
    let to: Target | null = null;
    if (message.to !== null && !(message.to.family === AF_UNSPEC && this.domain === AF_INET6)) {
      to = this.target(message.to, this.domain === AF_INET6 ? E.EINVAL : E.EAFNOSUPPORT);
      if (to.port === 0) fail(E.EINVAL);
    }
    if (to === null && this.peer === null) fail(E.EDESTADDRREQ);
    if (message.data.length > MAX_PAYLOAD[this.domain]) fail(E.EMSGSIZE);
    this.autobind();
    const socket = this.hostSocket();
    const done = (error: Error | null) => {
      if (!error) return;
      this.error = errnoOf(error) ?? E.EIO;
      this.changed();
    };
    const data = Buffer.from(message.data);
    if (this.peer === null && to !== null) socket.send(data, to.port, to.host, done);
    else if (to === null || sameTarget(to, this.peer)) socket.send(data, done);
    // The kernel sends a connected socket's datagram to another address when given one; the
    // host's socket (libuv) refuses that.
    else fail(E.EISCONN);
    return message.data.length;
  }

  receive(_k: LinuxKernel, want: number, flags: number): IncomingMessage | null {
    if (flags & MSG_ERRQUEUE) fail(E.EAGAIN); // nothing is ever queued there
    if (this.error) fail(this.takeError());
    const next = this.queue[0];
    if (next === undefined) {
      if (this.shut & RCV_SHUTDOWN)
        return { data: new Uint8Array(0), length: 0, from: null, rights: null, credentials: null };
      return null;
    }
    if (!(flags & MSG_PEEK)) {
      this.queue.shift();
      this.queuedBytes -= next.data.length + DATAGRAM_OVERHEAD;
      this.activity++;
    }
    return {
      data: next.data.slice(0, want),
      length: next.data.length,
      from: next.from,
      rights: null,
      credentials: null,
    };
  }

  shutdown(_k: LinuxKernel, how: number): void {
    if (how < 0 || how > 2) fail(E.EINVAL);
    // inet_shutdown records it even when unconnected, then says ENOTCONN.
    this.shut |= how + 1;
    this.changed();
    if (this.peer === null) fail(E.ENOTCONN);
  }

  localAddress(): SocketAddress {
    if (this.socket && this.bound) {
      const a = this.socket.address();
      return this.address(a.address, a.port);
    }
    return this.address(this.domain === AF_INET ? '0.0.0.0' : '::', 0);
  }

  peerAddress(): SocketAddress {
    if (this.peer === null) fail(E.ENOTCONN);
    return this.address(this.peer.host, this.peer.port);
  }

  getProtocolOption(level: number, name: number): Uint8Array {
    return this.inet.get(level, name);
  }

  setProtocolOption(level: number, name: number, value: Uint8Array): void {
    if (level === SOL_IPV6 && name === IPV6.V6ONLY && this.bound) fail(E.EINVAL);
    this.inet.set(level, name, value);
    if (this.bound) this.applyHops();
  }

  /** Hop limits and multicast loopback, where the host socket can take them. */
  private applyHops(): void {
    const socket = this.socket;
    if (!socket) return;
    const v6 = this.domain === AF_INET6;
    socket.setTTL(this.inet.value(v6 ? SOL_IPV6 : SOL_IP, v6 ? IPV6.UNICAST_HOPS : IP.TTL));
    socket.setMulticastTTL(
      this.inet.value(v6 ? SOL_IPV6 : SOL_IP, v6 ? IPV6.MULTICAST_HOPS : IP.MULTICAST_TTL),
    );
    socket.setMulticastLoopback(
      this.inet.value(v6 ? SOL_IPV6 : SOL_IP, v6 ? IPV6.MULTICAST_LOOP : IP.MULTICAST_LOOP) !== 0,
    );
  }

  /** datagram_poll: readable with a datagram queued or reading shut down, always writable. */
  poll(_k: LinuxKernel, events: number): number {
    let ready = this.error ? POLLERR : 0;
    if (this.queue.length > 0) ready |= POLLIN & events;
    if (this.shut & RCV_SHUTDOWN) ready |= (POLLIN | POLLRDHUP) & events;
    if (this.shut === SHUTDOWN_MASK) ready |= POLLHUP;
    return ready | (POLLOUT & events);
  }

  readyMessages(): number {
    return this.error || this.shut & RCV_SHUTDOWN ? Number.POSITIVE_INFINITY : this.queue.length;
  }

  /** FIONREAD: the next datagram's length (udp_ioctl's SIOCINQ). */
  pendingBytes(): number {
    return this.queue[0]?.data.length ?? 0;
  }

  release(): void {
    this.socket?.close();
    this.socket = null;
    if (this.counted) this.host.open--;
    this.counted = false;
    this.queue = [];
    this.changed();
  }
}

function sameTarget(a: Target, b: Target | null): boolean {
  return b !== null && a.port === b.port && a.host === b.host;
}
