import type { GuestMemory } from '../memory/types.js';
import { E, fail } from './errno.js';
import { hostNet } from './host-builtins.js';

export const AF_UNSPEC = 0;
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;

/** sizeof(struct sockaddr_un): the family and 108 bytes of path. */
const SOCKADDR_UN_SIZE = 110;
const SOCKADDR_IN_SIZE = 16;
const SOCKADDR_IN6_SIZE = 28;
/** RFC 2133's sockaddr_in6 without sin6_scope_id, which the kernel still accepts. */
const SOCKADDR_IN6_SHORT = 24;
/** struct sockaddr_nl: family, pad, nl_pid, nl_groups. */
const SOCKADDR_NL_SIZE = 12;

/**
 * A socket address as the guest gives and gets it (the asm-generic layouts, the same on every
 * 64-bit architecture): a UNIX name (a path, an abstract name after a NUL, or none), or an
 * IPv4/IPv6 address and port in text form, as Node's net and dgram take them, or a netlink
 * port id and multicast groups.
 */
export type SocketAddress =
  | { readonly family: typeof AF_UNSPEC }
  | { readonly family: typeof AF_UNIX; readonly name: UnixName }
  | { readonly family: typeof AF_INET; readonly host: string; readonly port: number }
  | {
      readonly family: typeof AF_INET6;
      readonly host: string;
      readonly port: number;
      readonly flowinfo: number;
      readonly scope: number;
    }
  | { readonly family: typeof AF_NETLINK; readonly pid: number; readonly groups: number };

/** A UNIX socket's name: a path (bytes, no NUL), an abstract name (the bytes after the NUL), or unnamed. */
export type UnixName =
  | { readonly kind: 'path'; readonly path: Uint8Array }
  | { readonly kind: 'abstract'; readonly name: Uint8Array }
  | { readonly kind: 'unnamed' };

/**
 * Reads a sockaddr of `length` bytes: EINVAL for a length no address has, EAFNOSUPPORT for
 * families this kernel has no sockets of. The UNIX path is cut at its first NUL, as the kernel
 * cuts it (unix_mkname).
 */
export function readSocketAddress(memory: GuestMemory, addr: number, length: number): SocketAddress {
  if (length < 2 || length > 128) fail(E.EINVAL);
  const bytes = memory.readBytes(addr, length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const family = view.getUint16(0, true);
  switch (family) {
    case AF_UNSPEC:
      return { family };
    case AF_UNIX: {
      if (length > SOCKADDR_UN_SIZE) fail(E.EINVAL);
      const path = bytes.subarray(2);
      if (path.length === 0) return { family, name: { kind: 'unnamed' } };
      if (path[0] === 0) return { family, name: { kind: 'abstract', name: path.slice(1) } };
      const end = path.indexOf(0);
      return { family, name: { kind: 'path', path: path.slice(0, end < 0 ? path.length : end) } };
    }
    case AF_INET: {
      if (length < SOCKADDR_IN_SIZE) fail(E.EINVAL);
      return { family, port: view.getUint16(2, false), host: Array.from(bytes.subarray(4, 8)).join('.') };
    }
    case AF_INET6: {
      if (length < SOCKADDR_IN6_SHORT) fail(E.EINVAL);
      return {
        family,
        port: view.getUint16(2, false),
        flowinfo: view.getUint32(4, false),
        host: ipv6Text(bytes.subarray(8, 24)),
        scope: length >= SOCKADDR_IN6_SIZE ? view.getUint32(24, true) : 0,
      };
    }
    case AF_NETLINK: {
      if (length < SOCKADDR_NL_SIZE) fail(E.EINVAL);
      return { family, pid: view.getUint32(4, true), groups: view.getUint32(8, true) };
    }
    default:
      fail(E.EAFNOSUPPORT);
  }
}

/** The bytes of a sockaddr for `address`, as getsockname, accept and recvfrom give it. */
export function encodeSocketAddress(address: SocketAddress): Uint8Array {
  switch (address.family) {
    case AF_UNSPEC:
      return new Uint8Array(2);
    case AF_UNIX: {
      const name = address.name;
      const body =
        name.kind === 'path'
          ? [...name.path, 0] // the kernel counts the path's NUL in the length
          : name.kind === 'abstract'
            ? [0, ...name.name]
            : [];
      const out = new Uint8Array(2 + body.length);
      out[0] = AF_UNIX;
      out.set(body, 2);
      return out;
    }
    case AF_INET: {
      const out = new Uint8Array(SOCKADDR_IN_SIZE);
      const view = new DataView(out.buffer);
      view.setUint16(0, AF_INET, true);
      view.setUint16(2, address.port, false);
      out.set(address.host.split('.').map(Number), 4);
      return out;
    }
    case AF_INET6: {
      const out = new Uint8Array(SOCKADDR_IN6_SIZE);
      const view = new DataView(out.buffer);
      view.setUint16(0, AF_INET6, true);
      view.setUint16(2, address.port, false);
      view.setUint32(4, address.flowinfo, false);
      out.set(ipv6Bytes(address.host), 8);
      view.setUint32(24, address.scope, true);
      return out;
    }
    case AF_NETLINK: {
      const out = new Uint8Array(SOCKADDR_NL_SIZE);
      const view = new DataView(out.buffer);
      view.setUint16(0, AF_NETLINK, true);
      view.setUint32(4, address.pid, true);
      view.setUint32(8, address.groups, true);
      return out;
    }
  }
}

/**
 * Writes `address` to a (buffer, length) pair as the kernel's move_addr_to_user: at most the
 * buffer's length in bytes, and the address's full length to `*lengthAddr`. A null length
 * pointer writes nothing.
 */
export function writeSocketAddress(
  memory: GuestMemory,
  addr: number,
  lengthAddr: number,
  address: SocketAddress | null,
): void {
  if (lengthAddr === 0) return;
  const room = memory.read32(lengthAddr) | 0;
  if (room < 0) fail(E.EINVAL);
  const bytes = address === null ? new Uint8Array(0) : encodeSocketAddress(address);
  if (addr !== 0 && room > 0) memory.writeBytes(addr, bytes.subarray(0, Math.min(room, bytes.length)));
  memory.write32(lengthAddr, bytes.length);
}

/** An IPv6 address's 16 bytes as text (Node takes and gives the usual forms). */
function ipv6Text(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':');
}

/** The 16 bytes of an IPv6 address in any textual form Node gives (compressed, v4-mapped, or IPv4). */
export function ipv6Bytes(text: string): Uint8Array {
  const out = new Uint8Array(16);
  if (hostNet().isIPv4(text)) {
    out[10] = 0xff;
    out[11] = 0xff;
    out.set(text.split('.').map(Number), 12);
    return out;
  }
  let head = text.split('%')[0];
  let tail4: number[] = [];
  const lastColon = head.lastIndexOf(':');
  if (hostNet().isIPv4(head.slice(lastColon + 1))) {
    tail4 = head
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    head = `${head.slice(0, lastColon + 1)}0:0`;
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, null];
  const l = left ? left.split(':') : [];
  const r = right ? right.split(':') : [];
  const groups = right === null ? l : [...l, ...new Array(8 - l.length - r.length).fill('0'), ...r];
  groups.forEach((g, i) => {
    const v = Number.parseInt(g || '0', 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  if (tail4.length === 4) out.set(tail4, 12);
  return out;
}
