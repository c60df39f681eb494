import { E, fail } from './errno.js';
import { type HostLink, hostAddresses, hostLinks } from './host-interfaces.js';
import type { LinuxKernel } from './kernel.js';
import type { Socket } from './socket.js';
import { AF_INET } from './socket-address.js';

const FIONREAD = 0x541b;
const SIOCOUTQ = 0x5411;
const SIOC = {
  GIFNAME: 0x8910,
  GIFCONF: 0x8912,
  GIFFLAGS: 0x8913,
  GIFADDR: 0x8915,
  GIFBRDADDR: 0x8919,
  GIFNETMASK: 0x891b,
  GIFMTU: 0x8921,
  GIFHWADDR: 0x8927,
  GIFINDEX: 0x8933,
  GIFTXQLEN: 0x8942,
} as const;
/** struct ifreq: the name (IFNAMSIZ) and a 24-byte union. */
const IFREQ_SIZE = 40;
const IFNAMSIZ = 16;

/** The NUL-terminated interface name at the start of an ifreq (an alias's ":N" kept). */
function requestName(bytes: Uint8Array): string {
  const name = bytes.subarray(0, IFNAMSIZ - 1);
  const end = name.indexOf(0);
  return new TextDecoder('latin1').decode(end < 0 ? name : name.subarray(0, end));
}

function linkNamed(name: string): HostLink {
  const device = name.split(':')[0];
  const link = hostLinks().find((l) => l.name === device);
  if (!link) fail(E.ENODEV);
  return link;
}

function sockaddrIn(address: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  out[0] = AF_INET;
  out.set(address, 4);
  return out;
}

function maskOf(prefix: number): Uint8Array {
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) out[i] = (0xff << (8 - Math.max(0, Math.min(8, prefix - 8 * i)))) & 0xff;
  return out;
}

/**
 * ioctl on a socket: FIONREAD and SIOCOUTQ where the socket answers them, and the interface
 * requests every socket family passes to the network devices (dev_ioctl, dev_ifconf; the
 * address ones only on AF_INET sockets, as devinet_ioctl), from the host's interfaces.
 */
export function socketIoctl(k: LinuxKernel, socket: Socket, request: number, arg: number): number {
  const m = k.memory;
  if (request === FIONREAD || request === SIOCOUTQ) {
    if (!socket.pendingBytes) fail(E.ENOTTY);
    m.write32(arg, request === FIONREAD ? socket.pendingBytes() : 0);
    return 0;
  }
  if (request === SIOC.GIFCONF) return interfaceList(k, arg);
  const inet = socket.domain === AF_INET;
  const known = (Object.values(SIOC) as number[]).includes(request);
  const addressRequest =
    request === SIOC.GIFADDR || request === SIOC.GIFBRDADDR || request === SIOC.GIFNETMASK;
  if (!known || (addressRequest && !inet)) fail(E.ENOTTY);
  const req = m.readBytes(arg, IFREQ_SIZE);
  const view = new DataView(req.buffer, req.byteOffset, IFREQ_SIZE);
  const answer = (bytes: Uint8Array) => m.writeBytes(arg + IFNAMSIZ, bytes);
  const int = (v: number) => {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setInt32(0, v, true);
    answer(out);
  };
  if (request === SIOC.GIFNAME) {
    const index = view.getInt32(IFNAMSIZ, true);
    const link = hostLinks().find((l) => l.index === index);
    if (!link) fail(E.ENODEV);
    const name = new Uint8Array(IFNAMSIZ);
    name.set(new TextEncoder().encode(link.name).subarray(0, IFNAMSIZ - 1));
    m.writeBytes(arg, name);
    return 0;
  }
  const name = requestName(req);
  const link = linkNamed(name);
  switch (request) {
    case SIOC.GIFINDEX:
      int(link.index);
      return 0;
    case SIOC.GIFFLAGS:
      answer(new Uint8Array([link.flags & 0xff, (link.flags >> 8) & 0xff]));
      return 0;
    case SIOC.GIFMTU:
      int(link.mtu);
      return 0;
    case SIOC.GIFTXQLEN:
      int(link.txqlen);
      return 0;
    case SIOC.GIFHWADDR: {
      const out = new Uint8Array(16);
      new DataView(out.buffer).setUint16(0, link.type, true);
      out.set(link.address.subarray(0, 14), 2);
      answer(out);
      return 0;
    }
  }
  // SIOCGIFADDR and friends: the IPv4 address whose label is the name given.
  const address = hostAddresses([link]).find((a) => a.family === AF_INET && a.label === name);
  if (!address) fail(E.EADDRNOTAVAIL);
  if (request === SIOC.GIFADDR) answer(sockaddrIn(address.address));
  else if (request === SIOC.GIFNETMASK) answer(sockaddrIn(maskOf(address.prefixlen)));
  else answer(sockaddrIn(address.broadcast ?? new Uint8Array(4)));
  return 0;
}

/** SIOCGIFCONF: an ifreq per IPv4 address (by label), or with no buffer the length they need. */
function interfaceList(k: LinuxKernel, arg: number): number {
  const m = k.memory;
  const room = m.read32(arg) | 0;
  const buffer = Number(m.read64(arg + 8));
  const addresses = hostAddresses(hostLinks()).filter((a) => a.family === AF_INET);
  if (buffer === 0) {
    m.write32(arg, addresses.length * IFREQ_SIZE);
    return 0;
  }
  let used = 0;
  for (const a of addresses) {
    if (used + IFREQ_SIZE > room) break;
    const req = new Uint8Array(IFREQ_SIZE);
    req.set(new TextEncoder().encode(a.label ?? '').subarray(0, IFNAMSIZ - 1));
    req.set(sockaddrIn(a.address), IFNAMSIZ);
    m.writeBytes(buffer + used, req);
    used += IFREQ_SIZE;
  }
  m.write32(arg, used);
  return 0;
}
