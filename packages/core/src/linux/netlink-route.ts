import { E } from './errno.js';
import { type HostLink, hostAddresses, hostLinks } from './host-interfaces.js';
import {
  addressMessage,
  align4,
  linkMessage,
  NLM_F,
  NLMSG_HDRLEN,
  type ReplyTo,
  RTM,
  readHeader,
} from './netlink-messages.js';
import { AF_INET, AF_INET6 } from './socket-address.js';

/** The highest rtnetlink message type (RTM_MAX); above it every request is EOPNOTSUPP. */
const RTM_MAX = 123;
const IFLA_IFNAME = 3;
/** sizeof(struct ifinfomsg) */
const IFINFOMSG_SIZE = 16;

/** What one rtnetlink request comes to: a dump to stream, messages to queue, or an errno. */
export type RouteAnswer =
  | { readonly kind: 'dump'; readonly messages: Uint8Array[] }
  | { readonly kind: 'reply'; readonly messages: Uint8Array[] }
  | { readonly kind: 'error'; readonly errno: number }
  | { readonly kind: 'none' };

/**
 * Answers one NETLINK_ROUTE request (rtnetlink_rcv_msg) from the host's interfaces: dumps of
 * RTM_GETLINK and RTM_GETADDR, and RTM_GETLINK of one interface. The guest is answered as a
 * process without CAP_NET_ADMIN (it cannot change the host's network): requests that would
 * change something are EPERM; other requests, and types no rtnetlink handler has, EOPNOTSUPP.
 */
export function routeRequest(request: Uint8Array, to: ReplyTo): RouteAnswer {
  const header = readHeader(request, 0);
  if (header.type > RTM_MAX) return { kind: 'error', errno: E.EOPNOTSUPP };
  const payload = request.subarray(NLMSG_HDRLEN, header.length);
  if (payload.length < 1) return { kind: 'none' }; // shorter than struct rtgenmsg: ignored
  const kind = (header.type - RTM.NEWLINK) & 3;
  if (kind !== 2) return { kind: 'error', errno: E.EPERM };
  const family = payload[0];
  const dump = (header.flags & NLM_F.DUMP) !== 0;
  if (header.type === RTM.GETLINK && dump) {
    return { kind: 'dump', messages: hostLinks().map((l) => linkMessage(l, to, NLM_F.MULTI)) };
  }
  if (header.type === RTM.GETLINK) return oneLink(payload, to);
  if (header.type === RTM.GETADDR && dump) {
    const wanted = family === AF_INET || family === AF_INET6 ? family : null;
    const addresses = hostAddresses(hostLinks()).filter((a) => wanted === null || a.family === wanted);
    return { kind: 'dump', messages: addresses.map((a) => addressMessage(a, to, NLM_F.MULTI)) };
  }
  return { kind: 'error', errno: E.EOPNOTSUPP };
}

/** RTM_GETLINK without NLM_F_DUMP: the interface named by ifi_index, else by IFLA_IFNAME. */
function oneLink(payload: Uint8Array, to: ReplyTo): RouteAnswer {
  if (payload.length < IFINFOMSG_SIZE) return { kind: 'error', errno: E.EINVAL };
  const index = new DataView(payload.buffer, payload.byteOffset + 4, 4).getInt32(0, true);
  let match: ((l: HostLink) => boolean) | null = index > 0 ? (l) => l.index === index : null;
  if (match === null) {
    const name = attributeText(payload.subarray(IFINFOMSG_SIZE), IFLA_IFNAME);
    if (name === null) return { kind: 'error', errno: E.EINVAL };
    match = (l) => l.name === name;
  }
  const link = hostLinks().find(match);
  if (!link) return { kind: 'error', errno: E.ENODEV };
  return { kind: 'reply', messages: [linkMessage(link, to, 0)] };
}

/** The text of the first attribute of `type` (NUL-terminated), or null. */
function attributeText(attributes: Uint8Array, type: number): string | null {
  const view = new DataView(attributes.buffer, attributes.byteOffset, attributes.length);
  for (let at = 0; at + 4 <= attributes.length; ) {
    const length = view.getUint16(at, true);
    if (length < 4 || at + length > attributes.length) return null;
    if (view.getUint16(at + 2, true) === type) {
      const data = attributes.subarray(at + 4, at + length);
      const end = data.indexOf(0);
      return new TextDecoder().decode(end < 0 ? data : data.subarray(0, end));
    }
    at += align4(length);
  }
  return null;
}
