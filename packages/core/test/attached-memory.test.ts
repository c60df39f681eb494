import { describe, expect, it } from 'vitest';
import { KernelNeeded, PagedMemory } from '../src/memory/paged-memory.js';
import { PROT_READ, PROT_WRITE } from '../src/memory/types.js';
import { GuestFault } from '../src/signals.js';

const RW = PROT_READ | PROT_WRITE;
const PAGE = 4096;
const GIB4 = 2 ** 32;

/**
 * A read through a CPU worker's view: the value, 'kernel' where only the kernel's thread may go
 * on, 'fault' where the guest faults (the worker sends the thread back for both).
 */
function viewRead(view: PagedMemory, addr: number): bigint | 'kernel' | 'fault' {
  try {
    return view.load64((addr % GIB4) | 0, Math.floor(addr / GIB4));
  } catch (error) {
    if (error instanceof KernelNeeded) return 'kernel';
    if (error instanceof GuestFault) return 'fault';
    throw error;
  }
}

function viewWrite(view: PagedMemory, addr: number, value: bigint): 'done' | 'kernel' {
  try {
    view.store64((addr % GIB4) | 0, Math.floor(addr / GIB4), value);
    return 'done';
  } catch (error) {
    if (error instanceof KernelNeeded) return 'kernel';
    throw error;
  }
}

/** A deterministic stream of numbers in [0, n). */
function randoms(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

describe("a CPU worker's view of a shared memory (PagedMemory.attach)", () => {
  it('reads and writes the pages the kernel thread backed, below and above 4 GiB, and sends the rest back', () => {
    const memory = new PagedMemory({ shared: true });
    const view = PagedMemory.attach(memory.wasm);
    const low = memory.map(0, 16 * PAGE, RW, false);
    const high = memory.map(0, 100e9, RW, false);
    expect(high).toBeGreaterThanOrEqual(GIB4);
    memory.write64(low, 7n);
    memory.write64(high + 5 * PAGE, 9n);
    expect(viewRead(view, low)).toBe(7n);
    expect(viewRead(view, high + 5 * PAGE)).toBe(9n);
    // Never touched: the kernel's thread backs them.
    expect(viewRead(view, low + PAGE)).toBe('kernel');
    expect(viewRead(view, high + 6 * PAGE)).toBe('kernel');
    // What the view writes, the kernel's thread reads.
    expect(viewWrite(view, high + 5 * PAGE + 8, 11n)).toBe('done');
    expect(memory.read64(high + 5 * PAGE + 8)).toBe(11n);
    // Read-only now: a store goes back (where the kernel's thread faults it).
    memory.protect(high, PAGE * 8, PROT_READ);
    expect(viewWrite(view, high + 5 * PAGE, 1n)).toBe('kernel');
    expect(viewRead(view, high + 5 * PAGE)).toBe(9n);
    // Unmapped: gone for the view too.
    memory.unmap(high, PAGE * 8);
    expect(viewRead(view, high + 5 * PAGE)).toBe('kernel');
    expect(viewRead(view, unmappedLow(memory))).toBe('fault');
  });

  it('finds every touched high page after many touches, unmaps and a grown memory, as the kernel thread does', () => {
    const memory = new PagedMemory({ shared: true, initialBytes: 8 * 1024 * 1024 });
    const view = PagedMemory.attach(memory.wasm);
    const base = memory.map(0, 2 ** 36, RW, false);
    const next = randoms(12345);
    const live = new Map<number, bigint>();
    for (let step = 0; step < 6000; step++) {
      const page = next(20000);
      const addr = base + page * PAGE;
      if (next(5) === 0 && live.has(page)) {
        memory.unmap(addr, PAGE);
        memory.map(addr, PAGE, RW, true);
        live.delete(page);
      } else {
        const value = BigInt(step + 1);
        memory.write64(addr, value);
        live.set(page, value);
      }
    }
    expect(memory.buffer.byteLength).toBeGreaterThan(8 * 1024 * 1024); // it grew under the view
    for (let page = 0; page < 20000; page++) {
      const expected = live.get(page) ?? 'kernel';
      expect(viewRead(view, base + page * PAGE)).toBe(expected);
    }
  });

  it("is copied by fork: a view of the child's memory finds the child's pages", () => {
    const memory = new PagedMemory({ shared: true });
    const high = memory.map(0, 1e9, RW, false);
    memory.write64(high, 5n);
    const child = memory.fork();
    child.write64(high, 6n);
    child.write64(high + PAGE, 8n);
    expect(viewRead(PagedMemory.attach(child.wasm), high)).toBe(6n);
    expect(viewRead(PagedMemory.attach(child.wasm), high + PAGE)).toBe(8n);
    expect(viewRead(PagedMemory.attach(memory.wasm), high)).toBe(5n);
    expect(viewRead(PagedMemory.attach(memory.wasm), high + PAGE)).toBe('kernel');
  });

  it('makes 16-byte compare-and-exchanges all or nothing', () => {
    const memory = new PagedMemory({ shared: true });
    const at = BigInt(memory.map(0, PAGE, RW, false));
    memory.write64(Number(at), 1n);
    memory.write64(Number(at) + 8, 2n);
    expect(memory.compareExchangePair(at, 1n, 3n, 10n, 20n)).toEqual([1n, 2n]);
    expect([memory.read64(Number(at)), memory.read64(Number(at) + 8)]).toEqual([1n, 2n]);
    expect(memory.compareExchangePair(at, 1n, 2n, 10n, 20n)).toEqual([1n, 2n]);
    expect([memory.read64(Number(at)), memory.read64(Number(at) + 8)]).toEqual([10n, 20n]);
  });
});

/** An address below 4 GiB that nothing maps. */
function unmappedLow(memory: PagedMemory): number {
  for (let addr = 0x10000; ; addr += PAGE) if (!memory.isMapped(addr, PAGE)) return addr;
}
