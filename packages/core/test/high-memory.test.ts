import { describe, expect, it } from 'vitest';
import { IrBuilder, PROT_EXEC, PROT_READ, PROT_WRITE } from '../src/index.js';
import { BACKENDS, execute, fault, freshCpu } from './helpers.js';

const RW = PROT_READ | PROT_WRITE;
const GIB4 = 2 ** 32;
const PAGE = 4096;

describe('guest memory above 4 GiB', () => {
  it('a 100 GB reservation costs host memory only for the pages touched, and gives it back', () => {
    const { memory: m } = freshCpu();
    const hostBytes = m.buffer.byteLength;
    const inUse = m.hostPagesInUse;
    const size = 100e9;
    const base = m.map(0, size, RW, false);
    expect(base).toBeGreaterThanOrEqual(GIB4);
    expect(base + size).toBeLessThanOrEqual(2 ** 48);
    expect(m.isMapped(base, size, RW)).toBe(true);
    expect(m.protect(base, size, RW)).toBe(true);
    const last = base + Math.ceil(size / PAGE) * PAGE - 8;
    const middle = base + Math.floor(size / 2 / PAGE) * PAGE + 100;
    expect(m.read64(base)).toBe(0n);
    m.write64(base, 0x1111n);
    m.write64(last, 0x2222n);
    m.write32(middle, 0x3333);
    expect([m.read64(base), m.read64(last), m.read32(middle), m.read32(middle + 4)]).toEqual([
      0x1111n,
      0x2222n,
      0x3333,
      0,
    ]);
    expect(m.hostPagesInUse - inUse).toBe(3);
    expect(m.buffer.byteLength).toBe(hostBytes);
    m.unmap(base, size);
    expect(m.hostPagesInUse).toBe(inUse);
    expect(fault(() => m.read8(middle))).toEqual({ address: BigInt(middle), access: 'read' });
    // The host pages come back: touching another page reuses them, the wasm memory stays put.
    const again = m.map(0, size, RW, false);
    m.write8(again + 12345 * PAGE, 1);
    expect(m.read8(again + 12345 * PAGE)).toBe(1);
    expect(m.buffer.byteLength).toBe(hostBytes);
  });

  it('places small mappings below 4 GiB even with a high hint, and honours fixed high addresses', () => {
    const { memory: m } = freshCpu();
    expect(m.map(0x4000000000, PAGE, RW, false)).toBeLessThan(GIB4);
    const fixed = 0x7f0000000000;
    expect(m.map(fixed, 2 * PAGE, RW, true)).toBe(fixed);
    expect(m.isFree(fixed, PAGE)).toBe(false);
    expect(m.map(fixed, 100e9, RW, false)).not.toBe(fixed); // taken: a hint only
    m.write32(fixed + PAGE - 2, 0xaabbccdd); // crosses two high pages
    expect(m.read32(fixed + PAGE - 2)).toBe(0xaabbccdd);
    expect(m.read16(fixed + PAGE)).toBe(0xaabb);
    expect(fault(() => m.read8(fixed + 2 * PAGE))).toEqual({
      address: BigInt(fixed + 2 * PAGE),
      access: 'read',
    });
    expect(fault(() => m.load8(0, 1 << 16))).toEqual({ address: 1n << 48n, access: 'read' });
    expect(() => m.map(2 ** 48 - PAGE, 2 * PAGE, RW, true)).toThrow(/beyond the guest address space/);
  });

  it('accesses straddling 4 GiB split across the flat table and the high region', () => {
    const { memory: m } = freshCpu();
    m.map(GIB4 - PAGE, 2 * PAGE, RW, true);
    m.write64(GIB4 - 4, 0x0807060504030201n);
    expect(m.read64(GIB4 - 4)).toBe(0x0807060504030201n);
    expect(m.read8(GIB4)).toBe(5);
    expect(m.read16(GIB4 - 1)).toBe(0x0504);
    expect(m.read32(GIB4 - 2)).toBe(0x06050403);
    m.write32(GIB4 - 1, 0xdeadbeef);
    expect(m.readBytes(GIB4 - 1, 4)).toEqual(Uint8Array.from([0xef, 0xbe, 0xad, 0xde]));
    const out = new Int32Array(2);
    m.load64Into(-4, 0, out, 0);
    expect(out[1] >>> 0).toBe(0x08deadbe);
    m.unmap(GIB4, PAGE);
    expect(fault(() => m.read64(GIB4 - 4))).toEqual({ address: BigInt(GIB4), access: 'read' });
  });

  it('mprotect, MADV_DONTNEED-style discard and protections of high pages', () => {
    const { memory: m } = freshCpu();
    const base = 0x1000000000;
    m.map(base, 4 * PAGE, RW, true);
    m.write8(base + PAGE, 7);
    expect(m.protect(base + PAGE, PAGE, PROT_READ)).toBe(true);
    expect(m.protectionAt(base + PAGE)).toBe(PROT_READ);
    expect(m.read8(base + PAGE)).toBe(7);
    expect(fault(() => m.write8(base + PAGE + 3, 1))).toEqual({
      address: BigInt(base + PAGE + 3),
      access: 'write',
    });
    expect(fault(() => m.write8(base + 2 * PAGE, 1))).toBeNull(); // its neighbour stays writable
    expect(m.protect(base, 8 * PAGE, RW)).toBe(false); // part of the range is not mapped
    expect(m.protectionAt(base)).toBe(RW);
    const before = m.hostPagesInUse;
    m.discard(base, 4 * PAGE);
    expect(m.hostPagesInUse).toBe(before - 2);
    expect(m.read8(base + PAGE)).toBe(0);
    m.protect(base, 4 * PAGE, 0);
    expect(fault(() => m.read8(base))).toEqual({ address: BigInt(base), access: 'read' });
    expect(m.isMapped(base, 4 * PAGE)).toBe(true);
  });

  it('a fork copies high pages: the child sees the parent data, and each side writes its own copy', () => {
    const { memory: parent } = freshCpu();
    const base = 0x7f0000000000;
    parent.map(base, 2 * PAGE, RW, true);
    parent.write64(base + 8, 42n);
    const child = parent.fork();
    expect(child.read64(base + 8)).toBe(42n);
    child.write64(base + 8, 43n);
    child.write8(base + PAGE, 9); // first touched in the child
    expect(parent.read64(base + 8)).toBe(42n);
    expect(parent.read8(base + PAGE)).toBe(0);
    expect(child.read8(base + PAGE)).toBe(9);
  });

  it('code above 4 GiB is fetched and its writes reported by high page number', () => {
    const { memory: m } = freshCpu();
    const code = 0x5000000000;
    m.map(code, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC, true);
    m.write32(code + 4, 0xd503201f);
    expect(m.canFetch(BigInt(code + 4))).toBe(true);
    expect(m.fetch32(BigInt(code + 4))).toBe(0xd503201f);
    const changes: [number, number][] = [];
    m.onCodeChange = (first, count) => changes.push([first, count]);
    m.write8(code, 1);
    m.write8(code, 2); // reported once per marking
    expect(changes).toEqual([[code / PAGE, 1]]);
    m.fetch32(BigInt(code));
    m.unmap(code, PAGE);
    expect(changes).toEqual([
      [code / PAGE, 1],
      [code / PAGE, 1],
    ]);
    expect(m.canFetch(BigInt(code))).toBe(false);
  });
});

describe('every executor reaches memory above 4 GiB and across it through the slow path', () => {
  // r2 = load64(r0); store32(r0 + 2, r1); r3 = load8(r0 + 12) sign-extended.
  const b = new IrBuilder(0x1000n);
  b.insn(0x1000n, 0);
  b.setReg(2, b.load(b.getReg(0), 8, false));
  b.store(b.add(b.getReg(0), 2n), b.getReg(1), 4);
  b.setReg(3, b.load(b.add(b.getReg(0), 12n), 1, true));
  b.jump(0x1004n);
  const block = b.finish();

  for (const backend of BACKENDS) {
    it(backend, () => {
      const { cpu, memory } = freshCpu();
      // Across two high pages, and across 4 GiB: the 8-byte load and the 4-byte store both cross.
      for (const at of [0x7f0000000ffc, GIB4 - 4]) {
        memory.map(Math.floor(at / PAGE) * PAGE, 2 * PAGE, RW, true);
        memory.write64(at, 0x8877665544332211n);
        memory.write8(at + 12, 0x80);
        cpu.regs[0] = BigInt(at);
        cpu.regs[1] = 0xcafef00dn;
        expect(execute(backend, block, cpu, memory)).toBe(0);
        expect(cpu.regs[2]).toBe(0x8877665544332211n);
        expect(memory.read32(at + 2)).toBe(0xcafef00d);
        expect(cpu.regs[3]).toBe(0xffffffffffffff80n);
      }
      cpu.regs[0] = 0x7f0000004000n;
      expect(() => execute(backend, block, cpu, memory)).toThrowError(
        expect.objectContaining({ signal: 'SIGSEGV', address: 0x7f0000004000n, access: 'read' }),
      );
    });
  }
});
