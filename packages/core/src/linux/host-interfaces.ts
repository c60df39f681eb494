import { readdirSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { AF_INET, AF_INET6, ipv6Bytes } from './socket-address.js';

/** The interface flags the kernel computes from the device's state (dev_get_flags). */
export const IFF = {
  UP: 0x1,
  BROADCAST: 0x2,
  LOOPBACK: 0x8,
  RUNNING: 0x40,
  LOWER_UP: 0x10000,
  DORMANT: 0x20000,
} as const;

/** The interface statistics, in struct rtnl_link_stats order (the names /sys/class/net/X/statistics uses). */
export const LINK_STATISTICS = [
  'rx_packets',
  'tx_packets',
  'rx_bytes',
  'tx_bytes',
  'rx_errors',
  'tx_errors',
  'rx_dropped',
  'tx_dropped',
  'multicast',
  'collisions',
  'rx_length_errors',
  'rx_over_errors',
  'rx_crc_errors',
  'rx_frame_errors',
  'rx_fifo_errors',
  'rx_missed_errors',
  'tx_aborted_errors',
  'tx_carrier_errors',
  'tx_fifo_errors',
  'tx_heartbeat_errors',
  'tx_window_errors',
  'rx_compressed',
  'tx_compressed',
  'rx_nohandler',
] as const;

/** IF_OPER_* by the name /sys/class/net/X/operstate shows. */
const OPERSTATES: Readonly<Record<string, number>> = {
  unknown: 0,
  notpresent: 1,
  down: 2,
  lowerlayerdown: 3,
  testing: 4,
  dormant: 5,
  up: 6,
};

/** A network interface of the host, as RTM_NEWLINK describes it. */
export interface HostLink {
  readonly index: number;
  readonly name: string;
  /** ifi_flags: the device's flags with RUNNING, LOWER_UP and DORMANT from its state. */
  readonly flags: number;
  /** ARPHRD_* */
  readonly type: number;
  readonly mtu: number;
  readonly txqlen: number;
  readonly operstate: number;
  readonly linkmode: number;
  readonly group: number;
  readonly carrier: number | null;
  readonly address: Uint8Array;
  readonly broadcast: Uint8Array;
  readonly stats: readonly bigint[];
}

/** An address of a host interface, as RTM_NEWADDR describes it. */
export interface HostAddress {
  readonly family: typeof AF_INET | typeof AF_INET6;
  readonly index: number;
  readonly prefixlen: number;
  /** IFA_F_* */
  readonly flags: number;
  /** RT_SCOPE_* */
  readonly scope: number;
  readonly address: Uint8Array;
  /** IPv4: the broadcast address, when the interface broadcasts. */
  readonly broadcast: Uint8Array | null;
  /** IPv4: the label (the interface's name, or an alias such as eth0:1). */
  readonly label: string | null;
}

const SYS_CLASS_NET = '/sys/class/net';
const IFA_F_PERMANENT = 0x80;
const RT_SCOPE_UNIVERSE = 0;
const RT_SCOPE_SITE = 200;
const RT_SCOPE_LINK = 253;
const RT_SCOPE_HOST = 254;

function attribute(name: string, file: string): string | null {
  try {
    return readFileSync(`${SYS_CLASS_NET}/${name}/${file}`, 'latin1').trim();
  } catch {
    return null; // absent, or unreadable in this state (carrier of a device that is down)
  }
}

function number(name: string, file: string, fallback = 0): number {
  const text = attribute(name, file);
  if (text === null) return fallback;
  const n = Number(text);
  return Number.isFinite(n) ? n : fallback;
}

function hardwareAddress(text: string | null, length: number): Uint8Array {
  const out = new Uint8Array(length);
  (text ?? '').split(':').forEach((part, i) => {
    if (i < length) out[i] = Number.parseInt(part, 16) || 0;
  });
  return out;
}

function readLink(name: string): HostLink | null {
  const index = number(name, 'ifindex', -1);
  if (index <= 0) return null;
  const raw = Number(attribute(name, 'flags') ?? 0);
  const carrier = attribute(name, 'carrier');
  const operstate = OPERSTATES[attribute(name, 'operstate') ?? 'unknown'] ?? 0;
  let flags = raw & ~(IFF.RUNNING | IFF.LOWER_UP | IFF.DORMANT);
  if (raw & IFF.UP) {
    if (operstate === OPERSTATES.up || operstate === OPERSTATES.unknown) flags |= IFF.RUNNING;
    if (carrier === '1') flags |= IFF.LOWER_UP;
    if (attribute(name, 'dormant') === '1') flags |= IFF.DORMANT;
  }
  const addressLength = number(name, 'addr_len');
  return {
    index,
    name,
    flags,
    type: number(name, 'type'),
    mtu: number(name, 'mtu'),
    txqlen: number(name, 'tx_queue_len'),
    operstate,
    linkmode: number(name, 'link_mode'),
    group: number(name, 'netdev_group'),
    carrier: carrier === null ? null : Number(carrier),
    address: hardwareAddress(attribute(name, 'address'), addressLength),
    broadcast: hardwareAddress(attribute(name, 'broadcast'), addressLength),
    stats: LINK_STATISTICS.map((s) => {
      const text = attribute(name, `statistics/${s}`);
      return text !== null && /^\d+$/.test(text) ? BigInt(text) : 0n;
    }),
  };
}

/** The host's interfaces, by index, from /sys/class/net (every interface, up or down). */
export function hostLinks(): HostLink[] {
  let names: string[];
  try {
    names = readdirSync(SYS_CLASS_NET);
  } catch {
    return [];
  }
  return names
    .map(readLink)
    .filter((l): l is HostLink => l !== null)
    .sort((a, b) => a.index - b.index);
}

function ipv4Bytes(text: string): Uint8Array {
  return new Uint8Array(text.split('.').map(Number));
}

function prefixOf(cidr: string | null): number {
  return Number(cidr?.split('/')[1] ?? 0);
}

/**
 * The IPv4 addresses (Node's view of getifaddrs: interfaces that are up) and the IPv6 ones
 * (/proc/net/if_inet6, which has the kernel's scope and flags, else Node's view too), all
 * IPv4 addresses before IPv6 ones, as a dump of every family gives them.
 */
export function hostAddresses(links: readonly HostLink[]): HostAddress[] {
  const byName = new Map(links.map((l) => [l.name, l]));
  const v4: HostAddress[] = [];
  const v6fromNode: HostAddress[] = [];
  for (const [label, entries] of Object.entries(networkInterfaces())) {
    const link = byName.get(label.split(':')[0]);
    if (!link) continue;
    for (const e of entries ?? []) {
      const prefixlen = prefixOf(e.cidr);
      if (e.family === 'IPv4') {
        const address = ipv4Bytes(e.address);
        let broadcast: Uint8Array | null = null;
        if (link.flags & IFF.BROADCAST && prefixlen < 31) {
          const mask = ipv4Bytes(e.netmask);
          broadcast = address.map((b, i) => b | (~mask[i] & 0xff));
        }
        v4.push({
          family: AF_INET,
          index: link.index,
          prefixlen,
          flags: IFA_F_PERMANENT,
          scope: address[0] === 127 ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE,
          address,
          broadcast,
          label,
        });
      } else {
        const address = ipv6Bytes(e.address);
        const scope =
          e.address === '::1'
            ? RT_SCOPE_HOST
            : address[0] === 0xfe && (address[1] & 0xc0) === 0x80
              ? RT_SCOPE_LINK
              : RT_SCOPE_UNIVERSE;
        v6fromNode.push({
          family: AF_INET6,
          index: link.index,
          prefixlen,
          flags: IFA_F_PERMANENT,
          scope,
          address,
          broadcast: null,
          label: null,
        });
      }
    }
  }
  v4.sort((a, b) => a.index - b.index);
  return [...v4, ...(procIpv6Addresses() ?? v6fromNode.sort((a, b) => a.index - b.index))];
}

/** /proc/net/if_inet6: address, index, prefix length, scope (IPV6_ADDR_*), flags, name. */
function procIpv6Addresses(): HostAddress[] | null {
  let text: string;
  try {
    text = readFileSync('/proc/net/if_inet6', 'latin1');
  } catch {
    return null;
  }
  const out: HostAddress[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6 || f[0].length !== 32) continue;
    const address = new Uint8Array(16);
    for (let i = 0; i < 16; i++) address[i] = Number.parseInt(f[0].slice(2 * i, 2 * i + 2), 16);
    const scopeBits = Number.parseInt(f[3], 16);
    const scope =
      scopeBits & 0x10
        ? RT_SCOPE_HOST
        : scopeBits & 0x20
          ? RT_SCOPE_LINK
          : scopeBits & 0x40
            ? RT_SCOPE_SITE
            : RT_SCOPE_UNIVERSE;
    out.push({
      family: AF_INET6,
      index: Number.parseInt(f[1], 16),
      prefixlen: Number.parseInt(f[2], 16),
      flags: Number.parseInt(f[4], 16),
      scope,
      address,
      broadcast: null,
      label: null,
    });
  }
  return out.sort((a, b) => a.index - b.index);
}

/** An interface's index by name (a scope such as "eth0" in fe80::1%eth0), or 0. */
export function interfaceIndex(name: string): number {
  if (/^\d+$/.test(name)) return Number(name);
  return number(name, 'ifindex', 0);
}
