import type { HostAddress, HostLink } from './host-interfaces.js';

/** struct nlmsghdr: length, type, flags, sequence number, port id. */
export const NLMSG_HDRLEN = 16;
export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
/** Types below this are netlink's own control messages. */
export const NLMSG_MIN_TYPE = 0x10;

export const NLM_F = {
  REQUEST: 0x1,
  MULTI: 0x2,
  ACK: 0x4,
  DUMP: 0x300,
  /** In an acknowledgement: the request's payload was left out. */
  CAPPED: 0x100,
} as const;

export const RTM = {
  NEWLINK: 16,
  GETLINK: 18,
  NEWADDR: 20,
  GETADDR: 22,
} as const;

const IFLA = {
  ADDRESS: 1,
  BROADCAST: 2,
  IFNAME: 3,
  MTU: 4,
  STATS: 7,
  TXQLEN: 13,
  OPERSTATE: 16,
  LINKMODE: 17,
  STATS64: 23,
  GROUP: 27,
  CARRIER: 33,
} as const;

const IFA = {
  ADDRESS: 1,
  LOCAL: 2,
  LABEL: 3,
  BROADCAST: 4,
  CACHEINFO: 6,
  FLAGS: 8,
} as const;

export interface MessageHeader {
  readonly length: number;
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
  readonly pid: number;
}

export function align4(n: number): number {
  return (n + 3) & ~3;
}

export function readHeader(bytes: Uint8Array, at: number): MessageHeader {
  const v = new DataView(bytes.buffer, bytes.byteOffset + at, NLMSG_HDRLEN);
  return {
    length: v.getUint32(0, true),
    type: v.getUint16(4, true),
    flags: v.getUint16(6, true),
    seq: v.getUint32(8, true),
    pid: v.getUint32(12, true),
  };
}

/** Builds one netlink message: a header, a fixed body, then rtattr attributes. */
class MessageBuilder {
  private readonly parts: Uint8Array[] = [];
  private length = NLMSG_HDRLEN;

  constructor(
    private readonly type: number,
    private readonly flags: number,
    private readonly seq: number,
    private readonly pid: number,
  ) {}

  raw(bytes: Uint8Array): this {
    const padded = new Uint8Array(align4(bytes.length));
    padded.set(bytes);
    this.parts.push(padded);
    this.length += padded.length;
    return this;
  }

  attribute(type: number, data: Uint8Array): this {
    const out = new Uint8Array(4 + data.length);
    const v = new DataView(out.buffer);
    v.setUint16(0, 4 + data.length, true);
    v.setUint16(2, type, true);
    out.set(data, 4);
    return this.raw(out);
  }

  u8(type: number, value: number): this {
    return this.attribute(type, new Uint8Array([value]));
  }

  u32(type: number, value: number): this {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, value >>> 0, true);
    return this.attribute(type, out);
  }

  string(type: number, text: string): this {
    const bytes = new TextEncoder().encode(text);
    const out = new Uint8Array(bytes.length + 1);
    out.set(bytes);
    return this.attribute(type, out);
  }

  build(): Uint8Array {
    const out = new Uint8Array(this.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, this.length, true);
    v.setUint16(4, this.type, true);
    v.setUint16(6, this.flags, true);
    v.setUint32(8, this.seq >>> 0, true);
    v.setUint32(12, this.pid >>> 0, true);
    let at = NLMSG_HDRLEN;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** Who a reply goes to: the request's sequence number, the requester's port id. */
export interface ReplyTo {
  readonly seq: number;
  readonly pid: number;
}

function statistics(values: readonly bigint[], bytes: 4 | 8): Uint8Array {
  const out = new Uint8Array(values.length * bytes);
  const v = new DataView(out.buffer);
  values.forEach((n, i) => {
    if (bytes === 8) v.setBigUint64(8 * i, n, true);
    else v.setUint32(4 * i, Number(n & 0xffffffffn), true);
  });
  return out;
}

/** RTM_NEWLINK for `link` (ifinfomsg, then the attributes rtnl_fill_ifinfo gives first). */
export function linkMessage(link: HostLink, to: ReplyTo, flags: number): Uint8Array {
  const info = new Uint8Array(16);
  const v = new DataView(info.buffer);
  v.setUint16(2, link.type, true);
  v.setInt32(4, link.index, true);
  v.setUint32(8, link.flags, true);
  const m = new MessageBuilder(RTM.NEWLINK, flags, to.seq, to.pid)
    .raw(info)
    .string(IFLA.IFNAME, link.name)
    .u32(IFLA.TXQLEN, link.txqlen)
    .u8(IFLA.OPERSTATE, link.operstate)
    .u8(IFLA.LINKMODE, link.linkmode)
    .u32(IFLA.MTU, link.mtu)
    .u32(IFLA.GROUP, link.group);
  if (link.carrier !== null) m.u8(IFLA.CARRIER, link.carrier);
  if (link.address.length > 0)
    m.attribute(IFLA.ADDRESS, link.address).attribute(IFLA.BROADCAST, link.broadcast);
  return m
    .attribute(IFLA.STATS64, statistics(link.stats, 8))
    .attribute(IFLA.STATS, statistics(link.stats, 4))
    .build();
}

/** RTM_NEWADDR for `address` (ifaddrmsg, then the attributes inet_fill_ifaddr or inet6_fill_ifaddr give). */
export function addressMessage(address: HostAddress, to: ReplyTo, flags: number): Uint8Array {
  const head = new Uint8Array(8);
  const v = new DataView(head.buffer);
  head[0] = address.family;
  head[1] = address.prefixlen;
  head[2] = address.flags & 0xff;
  head[3] = address.scope;
  v.setUint32(4, address.index, true);
  // struct ifa_cacheinfo: preferred and valid lifetimes (forever), created and updated stamps.
  const cache = new Uint8Array(16);
  new DataView(cache.buffer).setUint32(0, 0xffffffff, true);
  new DataView(cache.buffer).setUint32(4, 0xffffffff, true);
  const m = new MessageBuilder(RTM.NEWADDR, flags, to.seq, to.pid)
    .raw(head)
    .attribute(IFA.ADDRESS, address.address);
  if (address.family === 2) {
    m.attribute(IFA.LOCAL, address.address);
    if (address.broadcast) m.attribute(IFA.BROADCAST, address.broadcast);
    if (address.label) m.string(IFA.LABEL, address.label);
    return m.u32(IFA.FLAGS, address.flags).attribute(IFA.CACHEINFO, cache).build();
  }
  return m.attribute(IFA.CACHEINFO, cache).u32(IFA.FLAGS, address.flags).build();
}

/** NLMSG_DONE ending a dump: its payload is the dump's result (0). */
export function doneMessage(to: ReplyTo): Uint8Array {
  return new MessageBuilder(NLMSG_DONE, NLM_F.MULTI, to.seq, to.pid).raw(new Uint8Array(4)).build();
}

/**
 * NLMSG_ERROR answering `request`: the negative errno (0 acknowledges), then the request —
 * whole for an error, its header alone for an acknowledgement or under NETLINK_CAP_ACK
 * (NLM_F_CAPPED), as netlink_ack.
 */
export function errorMessage(errno: number, request: Uint8Array, pid: number, capAck = false): Uint8Array {
  const header = readHeader(request, 0);
  const capped = errno === 0 || capAck;
  const echoed = capped ? request.subarray(0, NLMSG_HDRLEN) : request.subarray(0, header.length);
  const body = new Uint8Array(4 + echoed.length);
  new DataView(body.buffer).setInt32(0, -errno, true);
  body.set(echoed, 4);
  return new MessageBuilder(NLMSG_ERROR, capped ? NLM_F.CAPPED : 0, header.seq, pid).raw(body).build();
}
