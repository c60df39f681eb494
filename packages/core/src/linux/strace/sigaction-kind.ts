import { SA_FLAGS } from './flag-names.js';
import { type ArgKind, errnoIn, flagSet, hex, peekU64, sigsetText } from './format.js';

const SA_RESTORER = 0x04000000;

/**
 * `struct sigaction` as strace shows it: `{sa_handler=SIG_IGN, sa_mask=[INT], sa_flags=SA_RESTART}`
 * (and sa_restorer when SA_RESTORER is set). `withRestorer`: the architecture's struct has the
 * sa_restorer field (32 bytes, as on aarch64; riscv64's has none). `exit`: the old action, which
 * the call writes.
 */
export function sigactionKind(withRestorer: boolean, exit: boolean): ArgKind {
  return {
    exit,
    show: (v, c) => {
      if (v === 0n) return 'NULL';
      if (exit && (c.result === null || errnoIn(c.result) !== null)) return hex(v);
      const handler = peekU64(c.memory, v);
      const flags = peekU64(c.memory, v + 8n);
      const restorer = withRestorer ? peekU64(c.memory, v + 16n) : 0n;
      const mask = peekU64(c.memory, v + (withRestorer ? 24n : 16n));
      if (handler === null || flags === null || restorer === null || mask === null) return hex(v);
      const shownHandler = handler === 0n ? 'SIG_DFL' : handler === 1n ? 'SIG_IGN' : hex(handler);
      const f = Number(flags & 0xffffffffn);
      const parts = [
        `sa_handler=${shownHandler}`,
        `sa_mask=${sigsetText(mask)}`,
        `sa_flags=${flagSet(SA_FLAGS, f, '0')}`,
      ];
      if (f & SA_RESTORER) parts.push(`sa_restorer=${hex(restorer)}`);
      return `{${parts.join(', ')}}`;
    },
  };
}
