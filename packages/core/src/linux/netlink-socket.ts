import { E, fail } from './errno.js';
import type { LinuxKernel } from './kernel.js';
import {
  align4,
  doneMessage,
  errorMessage,
  NLM_F,
  NLMSG_HDRLEN,
  NLMSG_MIN_TYPE,
  type ReplyTo,
  readHeader,
} from './netlink-messages.js';
import { routeRequest } from './netlink-route.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT } from './pipe.js';
import {
  type IncomingMessage,
  intOption,
  MSG_PEEK,
  newSocketInode,
  type OutgoingMessage,
  RCV_SHUTDOWN,
  SHUTDOWN_MASK,
  type Socket,
  SocketBase,
  SocketOptions,
} from './socket.js';
import { AF_NETLINK, AF_UNSPEC, type SocketAddress } from './socket-address.js';

export const NETLINK_ROUTE = 0;
const SOL_NETLINK = 270;
const NETLINK_ADD_MEMBERSHIP = 1;
const NETLINK_DROP_MEMBERSHIP = 2;
const NETLINK_CAP_ACK = 10;
/** The SOL_NETLINK flags a socket keeps (PKTINFO, BROADCAST_ERROR, NO_ENOBUFS, LISTEN_ALL_NSID, CAP_ACK, EXT_ACK, GET_STRICT_CHK). */
const NETLINK_FLAGS = new Set([3, 4, 5, 8, NETLINK_CAP_ACK, 11, 12]);
/** NLMSG_GOODSIZE on 4 KiB pages: a dump's datagrams are at least this large… */
const NLMSG_GOODSIZE = 3776;
/** …and at most the largest receive buffer the socket has been read with, up to this. */
const DUMP_MAX = 32768 - 320;
/** Port ids given when the process's pid is taken count down from here, as the kernel's rover. */
const ROVER_START = -4097;

/** Which netlink port ids are taken, per run. */
class NetlinkPorts {
  readonly taken = new Map<number, NetlinkSocket>();
  rover = ROVER_START;
}

const registries = new WeakMap<object, NetlinkPorts>();

function portsOf(k: LinuxKernel): NetlinkPorts {
  const owner = k.system ?? k;
  let ports = registries.get(owner);
  if (!ports) {
    ports = new NetlinkPorts();
    registries.set(owner, ports);
  }
  return ports;
}

interface Dump {
  readonly messages: Uint8Array[];
  next: number;
  readonly to: ReplyTo;
}

/**
 * An AF_NETLINK socket of protocol NETLINK_ROUTE, answered inside the emulator from the host's
 * interfaces (see netlink-route.ts): the guest sees the host's network as a program under qemu
 * does. Port ids are bound per run (the process's pid first, then negative ids); requests go
 * to the kernel (port 0); a dump is streamed in datagrams of up to the receive buffer's size,
 * made as the guest reads, and ends with NLMSG_DONE in a datagram of its own.
 */
export class NetlinkSocket extends SocketBase implements Socket {
  readonly domain = AF_NETLINK;
  readonly inode = newSocketInode();
  readonly name: string;
  readonly options = new SocketOptions();
  activity = 0;
  portid = 0;
  private groups = 0;
  private peer = { pid: 0, groups: 0 };
  private queue: Uint8Array[] = [];
  private dump: Dump | null = null;
  private largestRead = 0;
  private shut = 0;
  private readonly flags = new Map<number, number>();
  private ports: NetlinkPorts | null = null;

  constructor(
    readonly type: number,
    readonly protocol: number,
  ) {
    super();
    this.name = `socket:[${this.inode}]`;
  }

  private netlinkAddress(address: SocketAddress): { pid: number; groups: number } {
    if (address.family !== AF_NETLINK) fail(E.EINVAL);
    return { pid: address.pid, groups: address.groups };
  }

  bind(k: LinuxKernel, address: SocketAddress): void {
    const { pid, groups } = this.netlinkAddress(address);
    if (this.portid !== 0) {
      if (pid !== this.portid) fail(E.EINVAL);
    } else if (pid === 0) {
      this.autobind(k);
    } else {
      const ports = portsOf(k);
      if (ports.taken.has(pid)) fail(E.EADDRINUSE);
      this.take(ports, pid);
    }
    this.groups = groups;
  }

  private take(ports: NetlinkPorts, pid: number): void {
    ports.taken.set(pid, this);
    this.ports = ports;
    this.portid = pid;
  }

  /** netlink_autobind: the process's pid when free, else the next free negative id. */
  private autobind(k: LinuxKernel): void {
    if (this.portid !== 0) return;
    const ports = portsOf(k);
    let pid = k.pid;
    while (ports.taken.has(pid)) pid = ports.rover-- >>> 0;
    this.take(ports, pid);
  }

  listen(): void {
    fail(E.EOPNOTSUPP);
  }

  accept(): Socket | null {
    fail(E.EOPNOTSUPP);
  }

  connect(k: LinuxKernel, address: SocketAddress): 'done' {
    if (address.family === AF_UNSPEC) {
      this.peer = { pid: 0, groups: 0 };
      return 'done';
    }
    this.peer = this.netlinkAddress(address);
    this.autobind(k);
    return 'done';
  }

  send(k: LinuxKernel, message: OutgoingMessage): number {
    const to = message.to === null ? this.peer : this.netlinkAddress(message.to);
    this.autobind(k);
    if (message.data.length > this.options.sndbuf - 32) fail(E.EMSGSIZE);
    // Only the kernel (port 0) answers; no other netlink socket of the run is a destination.
    if (to.pid !== 0) fail(E.ECONNREFUSED);
    this.process(message.data);
    return message.data.length;
  }

  /** netlink_rcv_skb: each message of the datagram, acknowledged or answered in turn. */
  private process(data: Uint8Array): void {
    for (let at = 0; at + NLMSG_HDRLEN <= data.length; ) {
      const header = readHeader(data, at);
      if (header.length < NLMSG_HDRLEN || header.length > data.length - at) return;
      const request = data.subarray(at, at + header.length);
      let errno = 0;
      let dumping = false;
      if (header.flags & NLM_F.REQUEST && header.type >= NLMSG_MIN_TYPE) {
        const to = { seq: header.seq, pid: this.portid };
        const answer = this.protocol === NETLINK_ROUTE ? routeRequest(request, to) : null;
        if (answer?.kind === 'dump') {
          if (this.dump) errno = E.EBUSY;
          else {
            this.dump = { messages: answer.messages, next: 0, to };
            this.continueDump();
            dumping = true;
          }
        } else if (answer?.kind === 'reply') this.deliver(answer.messages);
        else if (answer?.kind === 'error') errno = answer.errno;
      }
      if (!dumping && (errno !== 0 || header.flags & NLM_F.ACK)) {
        this.deliver([errorMessage(errno, request, this.portid, this.flags.get(NETLINK_CAP_ACK) === 1)]);
      }
      at += align4(header.length);
    }
  }

  private deliver(datagrams: Uint8Array[]): void {
    this.queue.push(...datagrams);
    this.activity++;
  }

  /** Queues the dump's next datagram: as many messages as fit, or NLMSG_DONE once all went. */
  private continueDump(): void {
    const dump = this.dump;
    if (dump === null || this.queue.length > 0) return;
    if (dump.next >= dump.messages.length) {
      this.dump = null;
      this.deliver([doneMessage(dump.to)]);
      return;
    }
    const limit = Math.max(NLMSG_GOODSIZE, Math.min(this.largestRead, DUMP_MAX));
    const parts: Uint8Array[] = [];
    let size = 0;
    while (dump.next < dump.messages.length) {
      const m = dump.messages[dump.next];
      if (parts.length > 0 && size + m.length > limit) break;
      parts.push(m);
      size += m.length;
      dump.next++;
    }
    const datagram = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      datagram.set(p, at);
      at += p.length;
    }
    this.deliver([datagram]);
  }

  receive(_k: LinuxKernel, want: number, flags: number): IncomingMessage | null {
    this.largestRead = Math.max(this.largestRead, want);
    const next = this.queue[0];
    if (next === undefined) {
      if (this.error) fail(this.takeError());
      if (this.shut & RCV_SHUTDOWN)
        return { data: new Uint8Array(0), length: 0, from: null, rights: null, credentials: null };
      return null;
    }
    if (!(flags & MSG_PEEK)) {
      this.queue.shift();
      this.continueDump();
    }
    return {
      data: next.slice(0, want),
      length: next.length,
      from: { family: AF_NETLINK, pid: 0, groups: 0 },
      rights: null,
      credentials: null,
    };
  }

  shutdown(_k: LinuxKernel, how: number): void {
    if (how < 0 || how > 2) fail(E.EINVAL);
    this.shut |= how + 1;
    this.activity++;
  }

  localAddress(): SocketAddress {
    return { family: AF_NETLINK, pid: this.portid, groups: this.groups };
  }

  peerAddress(): SocketAddress {
    return { family: AF_NETLINK, pid: this.peer.pid, groups: this.peer.groups };
  }

  getProtocolOption(level: number, name: number): Uint8Array {
    if (level !== SOL_NETLINK || !NETLINK_FLAGS.has(name)) fail(E.ENOPROTOOPT);
    return intOption(this.flags.get(name) ?? 0);
  }

  setProtocolOption(level: number, name: number, value: Uint8Array): void {
    if (level !== SOL_NETLINK) fail(E.ENOPROTOOPT);
    const v = value.length >= 4 ? new DataView(value.buffer, value.byteOffset, 4).getUint32(0, true) : 0;
    if (name === NETLINK_ADD_MEMBERSHIP || name === NETLINK_DROP_MEMBERSHIP) {
      if (value.length < 4) fail(E.EINVAL);
      if (v > 32) fail(E.EINVAL);
      if (v === 0) return;
      const bit = 1 << (v - 1);
      this.groups = name === NETLINK_ADD_MEMBERSHIP ? this.groups | bit : this.groups & ~bit;
      return;
    }
    if (!NETLINK_FLAGS.has(name)) fail(E.ENOPROTOOPT);
    this.flags.set(name, v ? 1 : 0);
  }

  poll(_k: LinuxKernel, events: number): number {
    let ready = this.error ? POLLERR : 0;
    if (this.queue.length > 0 || this.shut & RCV_SHUTDOWN) ready |= POLLIN & events;
    if (this.shut === SHUTDOWN_MASK) ready |= POLLHUP;
    return ready | (POLLOUT & events);
  }

  readyMessages(): number {
    return this.error || this.shut & RCV_SHUTDOWN ? Number.POSITIVE_INFINITY : this.queue.length;
  }

  release(): void {
    if (this.ports?.taken.get(this.portid) === this) this.ports.taken.delete(this.portid);
    this.queue = [];
    this.dump = null;
  }
}
