import { type ArgKind, asInt, errnoIn, hex } from './format.js';
import { peekBytes } from './guest-peek.js';
import { quote } from './quote.js';

/** IPv6 address text with the longest run of zero groups compressed (`::1`, `fe80::1`). */
function ipv6(b: Uint8Array): string {
  const groups = Array.from({ length: 8 }, (_, i) =>
    (((b[2 * i] as number) << 8) | (b[2 * i + 1] as number)).toString(16),
  );
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLength).join(':')}`;
}

/** A socket address of `length` bytes at `addr`: the families strace spells out, else its address. */
export function sockaddr(bytes: Uint8Array | null, addr: bigint): string {
  if (bytes === null || bytes.length < 2) return hex(addr);
  const d = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const family = d.getUint16(0, true);
  if (family === 1) {
    const path = bytes.subarray(2);
    if (path.length > 0 && path[0] === 0) return `{sa_family=AF_UNIX, sun_path=@${quote(path.subarray(1))}}`;
    const end = path.indexOf(0);
    return `{sa_family=AF_UNIX, sun_path=${quote(end < 0 ? path : path.subarray(0, end))}}`;
  }
  if (family === 2 && bytes.length >= 8) {
    const ip = Array.from(bytes.subarray(4, 8)).join('.');
    return `{sa_family=AF_INET, sin_port=htons(${d.getUint16(2, false)}), sin_addr=inet_addr("${ip}")}`;
  }
  if (family === 10 && bytes.length >= 28) {
    return (
      `{sa_family=AF_INET6, sin6_port=htons(${d.getUint16(2, false)}), sin6_flowinfo=htonl(${d.getUint32(4, false)}), ` +
      `inet_pton(AF_INET6, "${ipv6(bytes.subarray(8, 24))}", &sin6_addr), sin6_scope_id=${d.getUint32(24, true)}}`
    );
  }
  return hex(addr);
}

/** A socket address the program passes in (connect, bind, sendto), its length in `lengthArg`. */
export function inSockaddr(lengthArg: number): ArgKind {
  return {
    show: (v, c) => {
      if (v === 0n) return 'NULL';
      const length = asInt(c.args[lengthArg] ?? 0n);
      if (length <= 0 || length > 128) return hex(v);
      return sockaddr(peekBytes(c.memory, Number(v), length), v);
    },
  };
}

/** A socket address the call fills in (accept, getsockname): its length is in `*args[lengthArg]`. */
export function outSockaddr(lengthArg: number): ArgKind {
  return {
    exit: true,
    show: (v, c) => {
      if (v === 0n) return 'NULL';
      if (c.result === null || errnoIn(c.result) !== null) return hex(v);
      const lengthBytes = peekBytes(c.memory, Number(c.args[lengthArg] ?? 0n), 4);
      if (!lengthBytes || lengthBytes.length < 4) return hex(v);
      const length = new DataView(lengthBytes.buffer, lengthBytes.byteOffset).getInt32(0, true);
      if (length <= 0 || length > 128) return hex(v);
      return sockaddr(peekBytes(c.memory, Number(v), length), v);
    },
  };
}
