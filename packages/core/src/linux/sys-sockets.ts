import { E, fail } from './errno.js';
import { OpenFile } from './fd-table.js';
import { HostIo } from './host-io.js';
import { int, type LinuxKernel, ptr } from './kernel.js';
import { NETLINK_ROUTE, NetlinkSocket } from './netlink-socket.js';
import { SYS } from './numbers.js';
import { POLLIN, POLLOUT } from './pipe.js';
import { FAIL_AFTER_STOP, RESUME_AFTER_STOP } from './scheduling.js';
import {
  encodeTimeval,
  type IncomingMessage,
  intOption,
  isSocket,
  MSG_CMSG_CLOEXEC,
  MSG_CTRUNC,
  MSG_DONTWAIT,
  MSG_NOSIGNAL,
  MSG_PEEK,
  MSG_TRUNC,
  MSG_WAITFORONE,
  type OutgoingMessage,
  REMEMBERED,
  SO,
  SOCK_DGRAM,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  SOL_SOCKET,
  type Socket,
} from './socket.js';
import {
  AF_INET,
  AF_INET6,
  AF_NETLINK,
  AF_UNIX,
  readSocketAddress,
  writeSocketAddress,
} from './socket-address.js';
import {
  ControlWriter,
  gather,
  iovLength,
  type MessageHeader,
  MMSGHDR_SIZE,
  MSGHDR_SIZE,
  readControl,
  readMessageHeader,
  scatter,
} from './socket-message.js';
import { TcpSocket } from './tcp-socket.js';
import { UdpSocket } from './udp-socket.js';
import { UnixSocket } from './unix-socket.js';

const standalone = new HostIo();

/** The host I/O of the run `k` belongs to. */
function hostIoOf(k: LinuxKernel): HostIo {
  return k.system?.host ?? standalone;
}

const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const O_NONBLOCK = 0o4000;
const SOCK_TYPE_MASK = 0xf;
const SOCK_RAW = 3;
const SIGPIPE = 13;

function install(k: LinuxKernel, socket: Socket, flags: number): number {
  const file = OpenFile.forSpecial(socket, 2 | (flags & SOCK_NONBLOCK ? O_NONBLOCK : 0));
  try {
    return k.fds.install(file, (flags & SOCK_CLOEXEC) !== 0);
  } catch (error) {
    socket.release();
    throw error;
  }
}

/** The socket behind a descriptor: EBADF when not open, ENOTSOCK when not a socket. */
function socketOf(k: LinuxKernel, fd: number): { socket: Socket; file: OpenFile } {
  const file = k.fds.get(fd);
  if (!isSocket(file.special)) fail(E.ENOTSOCK);
  return { socket: file.special, file };
}

/** Checks socket()'s family, type and protocol as the kernel does, and makes the socket. */
function newSocket(k: LinuxKernel, domain: number, typeAndFlags: number, protocol: number): Socket {
  if (typeAndFlags & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC)) fail(E.EINVAL);
  const type = typeAndFlags & SOCK_TYPE_MASK;
  if (domain === AF_UNIX) {
    if (
      type !== SOCK_STREAM &&
      type !== SOCK_DGRAM &&
      type !== SOCK_SEQPACKET &&
      type !== 3 &&
      type !== 4 &&
      type !== 10 &&
      type !== 6
    )
      fail(E.EINVAL);
    if (type !== SOCK_STREAM && type !== SOCK_DGRAM && type !== SOCK_SEQPACKET) fail(E.ESOCKTNOSUPPORT);
    if (protocol !== 0 && protocol !== AF_UNIX) fail(E.EPROTONOSUPPORT);
    return new UnixSocket(k, type);
  }
  if (domain === AF_INET || domain === AF_INET6) {
    // TCP and UDP through the host; raw sockets are not offered.
    if (type === SOCK_STREAM && (protocol === 0 || protocol === 6)) return new TcpSocket(hostIoOf(k), domain);
    if (type === SOCK_DGRAM && (protocol === 0 || protocol === 17)) return new UdpSocket(hostIoOf(k), domain);
    if (type === SOCK_STREAM || type === SOCK_DGRAM) fail(E.EPROTONOSUPPORT);
    if (type !== SOCK_RAW) fail(E.ESOCKTNOSUPPORT);
  }
  if (domain === AF_NETLINK) {
    // netlink_create's checks; only NETLINK_ROUTE is answered (as under qemu, which passes
    // only ROUTE, AUDIT and KOBJECT_UEVENT to the host).
    if (type !== SOCK_RAW && type !== SOCK_DGRAM) fail(E.ESOCKTNOSUPPORT);
    if (protocol !== NETLINK_ROUTE) fail(E.EPROTONOSUPPORT);
    return new NetlinkSocket(type, protocol);
  }
  fail(E.EAFNOSUPPORT);
}

function socketpair(
  k: LinuxKernel,
  domain: number,
  typeAndFlags: number,
  protocol: number,
  addr: number,
): number {
  if (domain !== AF_UNIX) {
    if (domain === AF_INET || domain === AF_INET6 || domain === AF_NETLINK) fail(E.EOPNOTSUPP);
    fail(E.EAFNOSUPPORT);
  }
  const probe = newSocket(k, domain, typeAndFlags, protocol);
  probe.release();
  const [a, b] = UnixSocket.pair(k, typeAndFlags & SOCK_TYPE_MASK);
  const fa = install(k, a, typeAndFlags);
  let fb: number;
  try {
    fb = install(k, b, typeAndFlags);
  } catch (error) {
    k.fds.close(fa);
    throw error;
  }
  k.memory.write32(addr, fa);
  k.memory.write32(addr + 4, fb);
  return 0;
}

/**
 * Runs `attempt` until it completes: at once, EAGAIN when non-blocking, or after waiting for
 * `event` (up to the socket's timeout, then EAGAIN; a signal interrupts it: restarted after an
 * SA_RESTART handler unless a timeout is set, as the kernel's sock_intr_errno).
 */
function waitFor<T>(
  k: LinuxKernel,
  socket: Socket,
  attempt: () => T | null,
  event: number,
  nonblocking: boolean,
  timeout: bigint | null,
): T {
  const done = attempt();
  if (done !== null) return done;
  if (nonblocking) fail(E.EAGAIN);
  const ready = () => socket.poll(k, event) !== 0;
  const what = `a ${socket.name} that nothing can make ready`;
  // With a timeout (SO_RCVTIMEO, SO_SNDTIMEO) a stop and continue end the wait with EINTR.
  const stop = timeout === null ? RESUME_AFTER_STOP : FAIL_AFTER_STOP;
  const outcome = k.block(k.deadline(timeout), what, k.signals.mask, ready, 0n, stop);
  if (outcome === 'timeout') fail(E.EAGAIN);
  fail(timeout === null ? E.ERESTARTSYS : E.EINTR);
}

/** send: EPIPE raises SIGPIPE unless MSG_NOSIGNAL. */
export function sendTo(
  k: LinuxKernel,
  file: OpenFile,
  socket: Socket,
  message: OutgoingMessage,
  flags: number,
): number {
  const nonblocking = (flags & MSG_DONTWAIT) !== 0 || (file.statusFlags & O_NONBLOCK) !== 0;
  try {
    return waitFor(
      k,
      socket,
      () => socket.send(k, message, flags),
      POLLOUT,
      nonblocking,
      socket.options.sndtimeo,
    );
  } catch (error) {
    if ((error as { errno?: number }).errno === E.EPIPE && !(flags & MSG_NOSIGNAL)) k.raise(SIGPIPE);
    throw error;
  }
}

export function receiveFrom(
  k: LinuxKernel,
  file: OpenFile,
  socket: Socket,
  want: number,
  flags: number,
): IncomingMessage {
  const nonblocking = (flags & MSG_DONTWAIT) !== 0 || (file.statusFlags & O_NONBLOCK) !== 0;
  return waitFor(
    k,
    socket,
    () => socket.receive(k, want, flags),
    POLLIN,
    nonblocking,
    socket.options.rcvtimeo,
  );
}

function sendmsg(k: LinuxKernel, fd: number, header: MessageHeader, flags: number): number {
  const { socket, file } = socketOf(k, fd);
  const to =
    header.name !== 0 && header.nameLength > 0
      ? readSocketAddress(k.memory, header.name, header.nameLength)
      : null;
  const control =
    header.control !== 0 && header.controlLength > 0
      ? readControl(k.memory, header.control, header.controlLength, (n) => k.fds.get(n))
      : { rights: null, credentials: null };
  if (control.rights && socket.domain !== AF_UNIX) fail(E.EINVAL);
  const data = gather(k.memory, header.iov);
  // Passed descriptions are referenced while in flight; a send that does not happen gives them back.
  for (const f of control.rights ?? []) f.refs++;
  try {
    return sendTo(
      k,
      file,
      socket,
      { data, to, rights: control.rights, credentials: control.credentials },
      flags,
    );
  } catch (error) {
    for (const f of control.rights ?? []) f.refs--;
    throw error;
  }
}

/** recvmsg into `header`; returns the byte count and writes name, control and flags back at `addr`. */
function recvmsg(k: LinuxKernel, fd: number, addr: number, header: MessageHeader, flags: number): number {
  const { socket, file } = socketOf(k, fd);
  const want = iovLength(header.iov);
  const m = receiveFrom(k, file, socket, want, flags);
  scatter(k.memory, header.iov, m.data);
  // The kernel hands MSG_CMSG_CLOEXEC back in msg_flags as it was given.
  let outFlags = flags & MSG_CMSG_CLOEXEC;
  if (m.length > m.data.length) outFlags |= MSG_TRUNC;
  if (header.name !== 0 && m.from !== null) {
    const lenAddr = addr + 8;
    writeSocketAddress(k.memory, header.name, lenAddr, m.from);
  } else k.memory.write32(addr + 8, 0);
  const control = new ControlWriter(header.control === 0 ? 0 : header.controlLength);
  if (m.credentials && (socket.options.passcred || peerPasses(socket))) control.credentials(m.credentials);
  if (m.rights) {
    const fit = control.rightsRoom(m.rights.length);
    const fds: number[] = [];
    m.rights.forEach((f, i) => {
      if (i < fit) {
        try {
          fds.push(k.fds.install(f, (flags & MSG_CMSG_CLOEXEC) !== 0));
          return;
        } catch {}
      }
      if (--f.refs === 0) f.release();
    });
    control.rights(fds);
  }
  if (control.truncated) outFlags |= MSG_CTRUNC;
  if (control.used > 0) k.memory.writeBytes(header.control, control.bytes());
  k.memory.write64(addr + 40, BigInt(control.used));
  k.memory.write32(addr + 48, outFlags);
  return flags & MSG_TRUNC && socket.type !== SOCK_STREAM ? m.length : m.data.length;
}

function peerPasses(socket: Socket): boolean {
  const peer = (socket as { peer?: Socket | null }).peer;
  return peer?.options.passcred ?? false;
}

function accept(k: LinuxKernel, fd: number, addr: number, lenAddr: number, flags: number): number {
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) fail(E.EINVAL);
  const { socket, file } = socketOf(k, fd);
  const nonblocking = (file.statusFlags & O_NONBLOCK) !== 0;
  const accepted = waitFor(k, socket, () => socket.accept(k), POLLIN, nonblocking, socket.options.rcvtimeo);
  const newFd = install(k, accepted, flags);
  if (addr !== 0) writeSocketAddress(k.memory, addr, lenAddr, accepted.peerAddress());
  return newFd;
}

function connect(k: LinuxKernel, fd: number, addr: number, length: number): number {
  const { socket, file } = socketOf(k, fd);
  const address = readSocketAddress(k.memory, addr, length);
  const nonblocking = (file.statusFlags & O_NONBLOCK) !== 0;
  if (nonblocking) {
    // A connection being made is EINPROGRESS when started, EALREADY when asked again.
    const before = (socket as { state?: string }).state;
    if (socket.connect(k, address) === 'done') return 0;
    fail(before === 'connecting' ? E.EALREADY : E.EINPROGRESS);
  }
  const attempt = () => (socket.connect(k, address) === 'done' ? 0 : null);
  waitFor(k, socket, attempt, POLLOUT, false, socket.options.sndtimeo);
  return 0;
}

function getsockopt(
  k: LinuxKernel,
  fd: number,
  level: number,
  name: number,
  valueAddr: number,
  lenAddr: number,
): number {
  const { socket } = socketOf(k, fd);
  const room = k.memory.read32(lenAddr) | 0;
  if (room < 0) fail(E.EINVAL);
  let value: Uint8Array;
  if (level === SOL_SOCKET) {
    const o = socket.options;
    switch (name) {
      case SO.TYPE:
        value = intOption(socket.type);
        break;
      case SO.PROTOCOL:
        value = intOption(socket.protocol);
        break;
      case SO.DOMAIN:
        value = intOption(socket.domain);
        break;
      case SO.ERROR:
        value = intOption(socket.takeError());
        break;
      case SO.SNDBUF:
        value = intOption(o.sndbuf);
        break;
      case SO.RCVBUF:
        value = intOption(o.rcvbuf);
        break;
      case SO.PASSCRED:
        value = intOption(o.passcred ? 1 : 0);
        break;
      case SO.RCVLOWAT:
        value = intOption(o.rcvlowat);
        break;
      case SO.SNDLOWAT:
        value = intOption(1);
        break;
      case SO.LINGER:
        value = o.linger;
        break;
      case SO.ACCEPTCONN:
        value = intOption((socket as { state?: string }).state === 'listening' ? 1 : 0);
        break;
      case SO.RCVTIMEO_OLD:
      case SO.RCVTIMEO_NEW:
        value = encodeTimeval(o.rcvtimeo);
        break;
      case SO.SNDTIMEO_OLD:
      case SO.SNDTIMEO_NEW:
        value = encodeTimeval(o.sndtimeo);
        break;
      case SO.PEERCRED: {
        const c = socket.peerCredentials() ?? { pid: 0, uid: -1 >>> 0, gid: -1 >>> 0 };
        value = new Uint8Array(new Uint32Array([c.pid, c.uid, c.gid]).buffer);
        break;
      }
      default:
        if (!REMEMBERED.has(name)) fail(E.ENOPROTOOPT);
        value = intOption(o.flag(name));
    }
  } else {
    value = socket.getProtocolOption(level, name);
  }
  const n = Math.min(room, value.length);
  if (n > 0) k.memory.writeBytes(valueAddr, value.subarray(0, n));
  k.memory.write32(lenAddr, n);
  return 0;
}

function setsockopt(
  k: LinuxKernel,
  fd: number,
  level: number,
  name: number,
  valueAddr: number,
  length: number,
): number {
  const { socket } = socketOf(k, fd);
  if (length < 0) fail(E.EINVAL);
  const value = valueAddr === 0 ? new Uint8Array(0) : k.memory.readBytes(valueAddr, Math.min(length, 256));
  if (level === SOL_SOCKET) {
    if (!socket.options.set(name, value)) fail(E.ENOPROTOOPT);
    return 0;
  }
  socket.setProtocolOption(level, name, value);
  return 0;
}

/**
 * recvmmsg without MSG_WAITFORONE blocks for each of its `count` messages. A wait runs the call
 * again from the start, so it cannot wait between messages once some were taken: it waits here
 * until all of them can be taken at once (or the socket's timeout passes: then it takes what
 * there is, as the kernel returns what came before the timeout).
 */
function awaitMessages(k: LinuxKernel, fd: number, count: number, flags: number): void {
  const { socket, file } = socketOf(k, fd);
  const nonblocking = (flags & MSG_DONTWAIT) !== 0 || (file.statusFlags & O_NONBLOCK) !== 0;
  if (nonblocking || flags & (MSG_WAITFORONE | MSG_PEEK) || count <= 1 || !socket.readyMessages) return;
  const ready = socket.readyMessages.bind(socket);
  const enough = () => ready() >= count;
  if (enough()) return;
  const outcome = k.block(
    k.deadline(socket.options.rcvtimeo),
    `a ${socket.name} that nothing can make ready`,
    k.signals.mask,
    enough,
    0n,
    socket.options.rcvtimeo === null ? RESUME_AFTER_STOP : FAIL_AFTER_STOP,
  );
  if (outcome === 'interrupted') fail(socket.options.rcvtimeo === null ? E.ERESTARTSYS : E.EINTR);
}

/** A message header of one buffer, as send/sendto/recv/recvfrom make one. */
function single(buf: number, len: number, name = 0, nameLength = 0): MessageHeader {
  return { name, nameLength, iov: [[buf, len]], control: 0, controlLength: 0 };
}

/** Registers the socket system calls. */
export function registerSocketSyscalls(k: LinuxKernel): void {
  k.register(SYS.socket, (k, a) => install(k, newSocket(k, int(a[0]), int(a[1]), int(a[2])), int(a[1])));
  k.register(SYS.socketpair, (k, a) => socketpair(k, int(a[0]), int(a[1]), int(a[2]), ptr(a[3])));
  k.register(SYS.bind, (k, a) => {
    const { socket } = socketOf(k, int(a[0]));
    socket.bind(k, readSocketAddress(k.memory, ptr(a[1]), int(a[2])));
    return 0;
  });
  k.register(SYS.listen, (k, a) => {
    socketOf(k, int(a[0])).socket.listen(k, int(a[1]));
    return 0;
  });
  k.register(SYS.accept, (k, a) => accept(k, int(a[0]), ptr(a[1]), ptr(a[2]), 0));
  k.register(SYS.accept4, (k, a) => accept(k, int(a[0]), ptr(a[1]), ptr(a[2]), int(a[3])));
  k.register(SYS.connect, (k, a) => connect(k, int(a[0]), ptr(a[1]), int(a[2])));
  k.register(SYS.getsockname, (k, a) => {
    writeSocketAddress(k.memory, ptr(a[1]), ptr(a[2]), socketOf(k, int(a[0])).socket.localAddress());
    return 0;
  });
  k.register(SYS.getpeername, (k, a) => {
    writeSocketAddress(k.memory, ptr(a[1]), ptr(a[2]), socketOf(k, int(a[0])).socket.peerAddress());
    return 0;
  });
  k.register(SYS.sendto, (k, a) =>
    sendmsg(k, int(a[0]), single(ptr(a[1]), ptr(a[2]), ptr(a[4]), int(a[5])), int(a[3])),
  );
  k.register(SYS.recvfrom, (k, a) => {
    const { socket, file } = socketOf(k, int(a[0]));
    const flags = int(a[3]);
    const m = receiveFrom(k, file, socket, ptr(a[2]), flags);
    if (m.data.length > 0) k.memory.writeBytes(ptr(a[1]), m.data);
    if (ptr(a[4]) !== 0) writeSocketAddress(k.memory, ptr(a[4]), ptr(a[5]), m.from);
    return flags & MSG_TRUNC && socket.type !== SOCK_STREAM ? m.length : m.data.length;
  });
  k.register(SYS.setsockopt, (k, a) => setsockopt(k, int(a[0]), int(a[1]), int(a[2]), ptr(a[3]), int(a[4])));
  k.register(SYS.getsockopt, (k, a) => getsockopt(k, int(a[0]), int(a[1]), int(a[2]), ptr(a[3]), ptr(a[4])));
  k.register(SYS.shutdown, (k, a) => {
    socketOf(k, int(a[0])).socket.shutdown(k, int(a[1]));
    return 0;
  });
  k.register(SYS.sendmsg, (k, a) => sendmsg(k, int(a[0]), readMessageHeader(k.memory, ptr(a[1])), int(a[2])));
  k.register(SYS.recvmsg, (k, a) =>
    recvmsg(k, int(a[0]), ptr(a[1]), readMessageHeader(k.memory, ptr(a[1])), int(a[2])),
  );
  // The vector forms: the first message may wait; after one has moved the rest do not, since a
  // wait would run the whole call again.
  k.register(SYS.sendmmsg, (k, a) => {
    const count = Math.min(ptr(a[2]), 1024);
    let done = 0;
    for (; done < count; done++) {
      const at = ptr(a[1]) + done * MMSGHDR_SIZE;
      const flags = int(a[3]) | (done > 0 ? MSG_DONTWAIT : 0);
      try {
        k.memory.write32(at + MSGHDR_SIZE, sendmsg(k, int(a[0]), readMessageHeader(k.memory, at), flags));
      } catch (error) {
        if (done === 0) throw error;
        break;
      }
    }
    return done;
  });
  k.register(SYS.recvmmsg, (k, a) => {
    const count = Math.min(ptr(a[2]), 1024);
    awaitMessages(k, int(a[0]), count, int(a[3]));
    let done = 0;
    for (; done < count; done++) {
      const at = ptr(a[1]) + done * MMSGHDR_SIZE;
      const flags = (int(a[3]) & ~MSG_WAITFORONE) | (done > 0 ? MSG_DONTWAIT : 0);
      try {
        k.memory.write32(at + MSGHDR_SIZE, recvmsg(k, int(a[0]), at, readMessageHeader(k.memory, at), flags));
      } catch (error) {
        if (done === 0) throw error;
        break;
      }
      if (int(a[3]) & MSG_PEEK) {
        done++;
        break;
      }
    }
    return done;
  });
}
