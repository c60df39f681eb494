import { E, fail } from './errno.js';
import { intOption } from './socket.js';
import { AF_INET6 } from './socket-address.js';

export const SOL_IP = 0;
export const SOL_IPV6 = 41;
export const SOL_UDP = 17;

/** IPPROTO_IP option numbers. */
export const IP = {
  TOS: 1,
  TTL: 2,
  HDRINCL: 3,
  RECVOPTS: 6,
  RETOPTS: 7,
  PKTINFO: 8,
  MTU_DISCOVER: 10,
  RECVERR: 11,
  RECVTTL: 12,
  RECVTOS: 13,
  MTU: 14,
  FREEBIND: 15,
  PASSSEC: 18,
  TRANSPARENT: 19,
  RECVORIGDSTADDR: 20,
  BIND_ADDRESS_NO_PORT: 24,
  RECVFRAGSIZE: 25,
  MULTICAST_TTL: 33,
  MULTICAST_LOOP: 34,
  MULTICAST_ALL: 49,
} as const;

/** IPPROTO_IPV6 option numbers. */
export const IPV6 = {
  UNICAST_HOPS: 16,
  MULTICAST_IF: 17,
  MULTICAST_HOPS: 18,
  MULTICAST_LOOP: 19,
  MTU_DISCOVER: 23,
  MTU: 24,
  RECVERR: 25,
  V6ONLY: 26,
  MULTICAST_ALL: 29,
  RECVPKTINFO: 49,
  RECVHOPLIMIT: 51,
  RECVRTHDR: 56,
  RECVTCLASS: 66,
  TCLASS: 67,
  DONTFRAG: 62,
  AUTOFLOWLABEL: 70,
  TRANSPARENT: 75,
  FREEBIND: 78,
} as const;

/** SOL_UDP option numbers. */
const UDP = { CORK: 1, SEGMENT: 103, GRO: 104 } as const;

/** The kernel's defaults for what reads back as the route's or the system's value. */
const DEFAULT_TTL = 64;
const IP_PMTUDISC_WANT = 1;

/**
 * How one option is kept: its initial value, the values setsockopt accepts (others are
 * EINVAL), what a stored value reads back as, and whether it is a flag (stored as 0 or 1).
 */
interface OptionRule {
  readonly initial: number;
  readonly flag?: boolean;
  readonly valid?: (v: number) => boolean;
  readonly read?: (stored: number) => number;
}

const flag: OptionRule = { initial: 0, flag: true };
const flagOn: OptionRule = { initial: 1, flag: true };
const hops = (defaultValue: number): OptionRule => ({
  initial: -1,
  valid: (v) => v >= -1 && v <= 255,
  read: (v) => (v < 0 ? defaultValue : v),
});

/** IPPROTO_IP options of a UDP socket (do_ip_setsockopt / do_ip_getsockopt). */
const IP_RULES: ReadonlyMap<number, OptionRule> = new Map<number, OptionRule>([
  [IP.TOS, { initial: 0, read: (v) => v & 0xff }],
  [
    IP.TTL,
    { initial: -1, valid: (v) => v === -1 || (v >= 1 && v <= 255), read: (v) => (v < 0 ? DEFAULT_TTL : v) },
  ],
  [IP.RECVOPTS, flag],
  [IP.RETOPTS, flag],
  [IP.PKTINFO, flag],
  [IP.MTU_DISCOVER, { initial: IP_PMTUDISC_WANT, valid: (v) => v >= 0 && v <= 5 }],
  [IP.RECVERR, flag],
  [IP.RECVTTL, flag],
  [IP.RECVTOS, flag],
  [IP.FREEBIND, flag],
  [IP.PASSSEC, flag],
  [IP.TRANSPARENT, flag],
  [IP.RECVORIGDSTADDR, flag],
  [IP.BIND_ADDRESS_NO_PORT, flag],
  [IP.RECVFRAGSIZE, flag],
  [IP.MULTICAST_TTL, { initial: 1, valid: (v) => v >= -1 && v <= 255, read: (v) => (v < 0 ? 1 : v) }],
  [IP.MULTICAST_LOOP, flagOn],
  [IP.MULTICAST_ALL, flagOn],
]);

/** IPPROTO_IPV6 options of a UDP socket (do_ipv6_setsockopt / do_ipv6_getsockopt). */
const IPV6_RULES: ReadonlyMap<number, OptionRule> = new Map<number, OptionRule>([
  [IPV6.UNICAST_HOPS, hops(DEFAULT_TTL)],
  [IPV6.MULTICAST_IF, { initial: 0 }],
  [IPV6.MULTICAST_HOPS, hops(1)],
  [IPV6.MULTICAST_LOOP, { initial: 1, valid: (v) => v === 0 || v === 1 }],
  [IPV6.MTU_DISCOVER, { initial: IP_PMTUDISC_WANT, valid: (v) => v >= 0 && v <= 5 }],
  [IPV6.RECVERR, flag],
  [IPV6.V6ONLY, flag],
  [IPV6.MULTICAST_ALL, flagOn],
  [IPV6.RECVPKTINFO, flag],
  [IPV6.RECVHOPLIMIT, flag],
  [IPV6.RECVRTHDR, flag],
  [IPV6.RECVTCLASS, flag],
  [IPV6.TCLASS, { initial: -1, valid: (v) => v >= -1 && v <= 255, read: (v) => Math.max(v, 0) }],
  [IPV6.DONTFRAG, flag],
  [IPV6.AUTOFLOWLABEL, flagOn],
  [IPV6.TRANSPARENT, flag],
  [IPV6.FREEBIND, flag],
]);

const UDP_RULES: ReadonlyMap<number, OptionRule> = new Map<number, OptionRule>([
  [UDP.CORK, flag],
  [UDP.SEGMENT, { initial: 0, valid: (v) => v >= 0 && v <= 0xffff }],
  [UDP.GRO, flag],
]);

/**
 * The IPPROTO_IP, IPPROTO_IPV6 and SOL_UDP options of a UDP socket, kept as the kernel keeps
 * them and read back with the kernel's defaults (IP_TTL 64 until set, IP_MULTICAST_TTL 1…).
 * An IPv4 socket has no IPv6 level; an IPv6 socket has both (the IPv4 one for mapped traffic).
 * Unknown options are ENOPROTOOPT. The socket applies what the host can apply (`changed`).
 */
export class InetOptions {
  private readonly values = new Map<string, number>();

  constructor(private readonly domain: number) {}

  /** `reading`: getsockopt, which an IPv4 socket answers EOPNOTSUPP for another level (do_ip_getsockopt). */
  private rule(level: number, name: number, reading = false): OptionRule {
    const rules =
      level === SOL_IP
        ? IP_RULES
        : level === SOL_IPV6 && this.domain === AF_INET6
          ? IPV6_RULES
          : level === SOL_UDP
            ? UDP_RULES
            : null;
    if (rules === null && reading && this.domain !== AF_INET6) fail(E.EOPNOTSUPP);
    const rule = rules?.get(name);
    if (!rule) fail(E.ENOPROTOOPT);
    return rule;
  }

  /** The value as getsockopt reads it. */
  value(level: number, name: number): number {
    const rule = this.rule(level, name, true);
    const stored = this.values.get(`${level}:${name}`) ?? rule.initial;
    return rule.read ? rule.read(stored) : stored;
  }

  get(level: number, name: number): Uint8Array {
    return intOption(this.value(level, name));
  }

  /**
   * setsockopt: the IPv4 level takes an int or a single byte (no bytes means 0), the IPv6 and
   * UDP levels a whole int (EINVAL otherwise). Returns the value as it reads back.
   */
  set(level: number, name: number, bytes: Uint8Array): number {
    const rule = this.rule(level, name);
    let v: number;
    if (bytes.length >= 4) v = new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0, true);
    else if (level === SOL_IP) v = bytes.length > 0 ? bytes[0] : 0;
    else fail(E.EINVAL);
    if (rule.flag) v = v ? 1 : 0;
    else if (rule.valid && !rule.valid(v)) fail(E.EINVAL);
    this.values.set(`${level}:${name}`, v);
    return this.value(level, name);
  }
}
