import { describe, expect, it } from 'vitest';
import { GuestFault, PagedMemory, PROT_READ, PROT_WRITE } from '../src/index.js';

const BASE = 0x10000;
const RW = PROT_READ | PROT_WRITE;

describe('PagedMemory atomics', () => {
  it('compare-and-exchange stores only when memory holds the expected value, at every size', () => {
    const m = new PagedMemory();
    m.map(BASE, 4096, RW, true);
    for (const size of [1, 2, 4, 8] as const) {
      const addr = BigInt(BASE + 64 * size);
      const top = size === 8 ? 0xfedcba9876543210n : (1n << BigInt(8 * size)) - 2n;
      m.write64(Number(addr), 0n);
      expect(m.compareExchange(addr, 1n, top, size)).toBe(0n); // fails: memory holds 0
      expect(m.read64(Number(addr))).toBe(0n);
      expect(m.compareExchange(addr, 0n, top, size)).toBe(0n);
      expect(m.read64(Number(addr))).toBe(top);
      // The expected value is compared modulo the access width, as the W forms of CAS do.
      const garbage = size === 8 ? 0n : 1n << 40n;
      expect(m.compareExchange(addr, top | garbage, 5n, size)).toBe(top);
      expect(m.read64(Number(addr))).toBe(5n);
    }
  });

  it('applies each LSE operation and returns the old value, with signed and unsigned min/max', () => {
    const m = new PagedMemory();
    m.map(BASE, 4096, RW, true);
    const cases: [Parameters<PagedMemory['atomicUpdate']>[0], bigint, bigint, 1 | 2 | 4 | 8, bigint][] = [
      ['add', 0xffn, 1n, 1, 0n],
      ['add', 0xffffffffffffffffn, 2n, 8, 1n],
      ['clr', 0xf0f0n, 0x00ffn, 2, 0xf000n],
      ['eor', 0xffn, 0x0fn, 4, 0xf0n],
      ['set', 0x100n, 0x1n, 8, 0x101n],
      ['swp', 7n, 9n, 4, 9n],
      ['smax', 0xffn, 1n, 1, 1n], // -1 < 1
      ['umax', 0xffn, 1n, 1, 0xffn],
      ['smin', 0x80000000n, 5n, 4, 0x80000000n],
      ['umin', 0x80000000n, 5n, 4, 5n],
      ['smax', 0x8000000000000000n, 3n, 8, 3n],
      ['umin', 0x8000000000000000n, 3n, 8, 3n],
    ];
    for (const [op, start, operand, size, after] of cases) {
      m.write64(BASE, 0n);
      if (size === 8) m.write64(BASE, start);
      else if (size === 4) m.write32(BASE, Number(start));
      else if (size === 2) m.write16(BASE, Number(start));
      else m.write8(BASE, Number(start));
      expect(m.atomicUpdate(op, BigInt(BASE), operand, size), `${op}${size}`).toBe(start);
      expect(m.read64(BASE), `${op}${size}`).toBe(after);
    }
  });

  it('faults on a read-only page and keeps memory unchanged; misaligned accesses still apply', () => {
    const m = new PagedMemory();
    m.map(BASE, 4096, PROT_READ, true);
    expect(() => m.compareExchange(BigInt(BASE), 0n, 1n, 4)).toThrow(GuestFault);
    expect(() => m.atomicUpdate('add', BigInt(BASE), 1n, 8)).toThrow(GuestFault);
    m.protect(BASE, 4096, RW);
    expect(m.atomicUpdate('add', BigInt(BASE + 3), 0x101n, 4)).toBe(0n);
    expect(m.read32(BASE + 3)).toBe(0x101);
    expect(m.compareExchange(BigInt(BASE + 3), 0x101n, 7n, 4)).toBe(0x101n);
    expect(m.read32(BASE + 3)).toBe(7);
  });

  it('can live in a shared memory, which forks stay in, grows with valid views, and keeps its atomics', () => {
    const m = new PagedMemory({ shared: true, initialBytes: 0 });
    expect(m.buffer).toBeInstanceOf(SharedArrayBuffer);
    const before = m.buffer.byteLength;
    const addr = m.map(0, 64 * 1024 * 1024, RW, false);
    // Touched, its pages need more than the memory holds: it grows.
    for (let page = 0; page < 64 * 1024 * 1024; page += 4096) m.write8(addr + page, 0);
    expect(m.buffer.byteLength).toBeGreaterThan(before);
    expect(m.atomicUpdate('add', BigInt(addr + 64 * 1024 * 1024 - 8), 41n, 8)).toBe(0n);
    expect(m.atomicUpdate('add', BigInt(addr + 64 * 1024 * 1024 - 8), 1n, 8)).toBe(41n);
    const child = m.fork();
    expect(child.shared).toBe(true);
    expect(child.read64(addr + 64 * 1024 * 1024 - 8)).toBe(42n);
  });
});
