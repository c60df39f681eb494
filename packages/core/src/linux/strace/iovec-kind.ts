import { type ArgKind, asInt, buffer, errnoIn, hex, peekU64 } from './format.js';
import { STRING_LIMIT } from './quote.js';

/**
 * An array of `struct iovec` (readv, writev) as strace shows it:
 * `[{iov_base="hello", iov_len=5}, ...]`, its count in argument `countArg`. Written buffers
 * (`exit`) show only the bytes the call returned, spread over the vectors in order.
 */
export function iovecKind(countArg: number, exit: boolean): ArgKind {
  return {
    exit,
    show: (v, c) => {
      if (v === 0n) return 'NULL';
      if (exit && (c.result === null || errnoIn(c.result) !== null)) return hex(v);
      const count = asInt(c.args[countArg] ?? 0n);
      if (count < 0 || count > 1024) return hex(v);
      let left = exit ? Number(c.result) : Number.POSITIVE_INFINITY;
      const shown: string[] = [];
      for (let i = 0; i < Math.min(count, STRING_LIMIT); i++) {
        const base = peekU64(c.memory, v + BigInt(16 * i));
        const length = peekU64(c.memory, v + BigInt(16 * i + 8));
        if (base === null || length === null) return hex(v);
        const bytes = Math.min(Number(length), left);
        left -= bytes;
        shown.push(`{iov_base=${buffer(c.memory, base, bytes)}, iov_len=${length}}`);
      }
      return `[${shown.join(', ')}${count > STRING_LIMIT ? ', ...' : ''}]`;
    },
  };
}
