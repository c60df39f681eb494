import { describe, expect, it } from 'vitest';
import { PagedMemory, PROT_EXEC, PROT_READ, PROT_WRITE } from '../src/index.js';
import { fault } from './helpers.js';

const RW = PROT_READ | PROT_WRITE;

describe('PagedMemory', () => {
  it('maps zeroed pages, reads and writes every size little-endian, across page boundaries', () => {
    const m = new PagedMemory({ initialBytes: 1 << 20 });
    const base = m.map(0x10000, 2 * 4096, RW, true);
    expect(m.read64(base)).toBe(0n);
    const edge = base + 4096 - 3;
    m.write64(edge, 0x0102030405060708n);
    expect(m.read64(edge)).toBe(0x0102030405060708n);
    expect(m.read8(edge)).toBe(8);
    expect(m.read16(edge + 1)).toBe(0x0607);
    expect(m.read32(edge + 2)).toBe(0x03040506);
    expect(m.readBytes(edge, 8)).toEqual(Uint8Array.from([8, 7, 6, 5, 4, 3, 2, 1]));
    m.writeBytes(base + 4000, new Uint8Array(200).fill(7));
    expect(m.readBytes(base + 4095, 2)).toEqual(Uint8Array.from([7, 7]));
  });

  it('a fork copies every mapping, backed or not, and its contents, and nothing else', () => {
    const m = new PagedMemory({ initialBytes: 1 << 20 });
    const low = m.map(0x10000, 4096, RW, true);
    const high = m.map(0xf0000000, 3 * 4096, PROT_READ, true); // a chunk of the page table far from `low`
    const lazy = m.map(0x80000000, 4096, RW, false); // mapped, never touched: no host page yet
    m.write64(low + 8, 0x1122334455667788n);
    m.poke(high + 4096, Uint8Array.of(9, 8, 7));
    const child = m.fork();
    expect(child.read64(low + 8)).toBe(0x1122334455667788n);
    expect(child.readBytes(high + 4096, 3)).toEqual(Uint8Array.of(9, 8, 7));
    expect(fault(() => child.write8(high, 1))).toEqual({ address: BigInt(high), access: 'write' });
    expect(child.read32(lazy)).toBe(0);
    child.write32(lazy, 5);
    expect(m.read32(lazy)).toBe(0); // the copies are apart from here on
    expect(fault(() => child.read8(0x40000000))).toEqual({ address: 0x40000000n, access: 'read' });
    // A mapping the child makes next to nothing of the parent's is its own.
    const later = child.map(0x50000000, 4096, RW, true);
    child.write8(later, 3);
    expect(fault(() => m.read8(later))).toEqual({ address: BigInt(later), access: 'read' });
    expect(child.fork().read8(later)).toBe(3);
  });

  it('faults with the exact address on unmapped, protected and out-of-range accesses', () => {
    const m = new PagedMemory({ initialBytes: 1 << 20 });
    const base = m.map(0x20000, 4096, PROT_READ, true);
    expect(fault(() => m.read8(0))).toEqual({ address: 0n, access: 'read' });
    expect(fault(() => m.write32(base + 12, 1))).toEqual({ address: BigInt(base + 12), access: 'write' });
    expect(fault(() => m.load64(0x1234, 0x10))).toEqual({ address: 0x1000001234n, access: 'read' });
    // A crossing access faults on the first byte that is not mapped.
    expect(fault(() => m.read64(base + 4092))).toEqual({ address: BigInt(base + 4096), access: 'read' });
    expect(m.protect(base, 4096, RW)).toBe(true);
    m.write32(base + 12, 5);
    expect(m.read32(base + 12)).toBe(5);
    m.unmap(base, 4096);
    expect(fault(() => m.read8(base))).not.toBeNull();
    expect(m.protect(base, 4096, RW)).toBe(false);
  });

  it('reports writes to pages holding lifted code, once per marking', () => {
    const m = new PagedMemory({ initialBytes: 1 << 20 });
    const code = m.map(0x400000, 4096, PROT_READ | PROT_EXEC | PROT_WRITE, true);
    const changes: [number, number][] = [];
    m.onCodeChange = (first, count) => changes.push([first, count]);
    m.write32(code, 0xd503201f);
    expect(changes).toEqual([]);
    expect(m.fetch32(BigInt(code))).toBe(0xd503201f);
    m.write32(code + 8, 1);
    m.write32(code + 12, 2);
    expect(changes).toEqual([[code / 4096, 1]]);
    m.fetch32(BigInt(code));
    m.unmap(code, 4096);
    expect(changes).toEqual([
      [code / 4096, 1],
      [code / 4096, 1],
    ]);
    expect(fault(() => m.fetch32(BigInt(code)))).toEqual({ address: BigInt(code), access: 'execute' });
  });

  it('places non-fixed mappings top-down without overlap and honours free hints', () => {
    const m = new PagedMemory({ initialBytes: 1 << 20 });
    const a = m.map(0, 3 * 4096, RW, false);
    const b = m.map(0, 4096, RW, false);
    expect(b + 4096).toBeLessThanOrEqual(a);
    expect(m.map(0x5000000, 4096, RW, false)).toBe(0x5000000);
    expect(m.map(0x5000000, 4096, RW, false)).not.toBe(0x5000000);
  });

  it('places large mappings in a mostly empty address space around the few pages in use', () => {
    const m = new PagedMemory({ initialBytes: 1 << 20 });
    const lone = m.map(0x80000000, 4096, RW, true); // alone in its part of the page table
    const overlaps = (a: number, bytes: number) => a < lone + 4096 && lone < a + bytes;
    for (const bytes of [0x10000000, 0x40000000, 0x70000000]) {
      const a = m.map(0, bytes, RW, false);
      expect([bytes, overlaps(a, bytes)]).toEqual([bytes, false]);
      m.unmap(a, bytes);
    }
    // 8 GiB fits nowhere below 4 GiB: it goes above.
    expect(m.map(0, 2 ** 33, 0, false)).toBeGreaterThanOrEqual(2 ** 32);
  });

  it('reuses unmapped ranges: map/unmap rounds of varying sizes keep address space and host pages flat', () => {
    const m = new PagedMemory({ initialBytes: 1 << 20 });
    const live = m.map(0, 4096, RW, false); // something that stays, as a program's own mappings do
    let lowest = Number.POSITIVE_INFINITY;
    let bytesAfterFirstRounds = 0;
    for (let i = 0; i < 100_000; i++) {
      const pages = 1 + ((i * 7919) % 64); // 4 KiB to 256 KiB
      const a = m.map(0, pages * 4096, RW, false);
      m.write8(a + pages * 4096 - 1, 1);
      m.unmap(a, pages * 4096);
      lowest = Math.min(lowest, a);
      if (i === 1000) bytesAfterFirstRounds = m.buffer.byteLength;
    }
    // Never more than one mapping's worth below the live one, and no new host memory.
    expect(live - lowest).toBeLessThanOrEqual(64 * 4096);
    expect(m.buffer.byteLength).toBe(bytesAfterFirstRounds);
    // A hole left between two live mappings is found again by a mapping that fits it.
    const x = m.map(0, 4 * 4096, RW, false);
    const y = m.map(0, 4096, RW, false);
    m.unmap(x, 4 * 4096);
    m.map(0, 64 * 4096, RW, false);
    expect(m.map(0, 2 * 4096, RW, false)).toBeGreaterThan(y);
  });

  it('grows and shrinks the program break like brk(2)', () => {
    const m = new PagedMemory({ initialBytes: 1 << 20 });
    m.setBrkBase(0x600000);
    expect(m.brk(0)).toBe(0x600000);
    expect(m.brk(0x600010)).toBe(0x600010);
    m.write8(0x600fff, 1);
    expect(m.brk(0x603000)).toBe(0x603000);
    m.write8(0x602fff, 1);
    expect(m.brk(0x600000)).toBe(0x600000);
    expect(fault(() => m.read8(0x600000))).not.toBeNull();
    expect(m.brk(0x500000)).toBe(0x600000);
  });

  it('keeps typed-array views valid when the wasm memory grows', () => {
    const m = new PagedMemory({ initialBytes: 64 * 1024 });
    let grew = 0;
    m.onGrow(() => grew++);
    const big = m.map(0, 8 << 20, RW, false);
    // Pages get host memory on first touch: touching every page grows the memory many times.
    for (let page = 0; page < 2048; page++) m.write32(big + page * 4096, page);
    m.write64(big + (8 << 20) - 8, 42n);
    expect(m.read64(big + (8 << 20) - 8)).toBe(42n);
    for (let page = 0; page < 2048; page++) expect(m.read32(big + page * 4096)).toBe(page);
    expect(grew).toBeGreaterThan(0);
  });

  it('backs a mapped page with host memory on its first permitted access only', () => {
    const m = new PagedMemory();
    const before = m.hostPagesInUse;
    const at = m.map(0, 1 << 20, RW, false);
    expect(m.hostPagesInUse).toBe(before);
    expect(m.read8(at + 4096)).toBe(0); // a read backs the page too (zeroed)
    m.write8(at + 3 * 4096, 7);
    expect(m.hostPagesInUse).toBe(before + 2);
    expect(m.protectionAt(at)).toBe(RW);
    m.protect(at, 4096, PROT_READ);
    expect(fault(() => m.write8(at, 1))).not.toBeNull(); // a write the protection refuses backs nothing
    expect(m.hostPagesInUse).toBe(before + 2);
    m.discard(at, 1 << 20); // MADV_DONTNEED gives the host pages back; they read as zero again
    expect(m.hostPagesInUse).toBe(before);
    expect(m.read8(at + 3 * 4096)).toBe(0);
  });
});
