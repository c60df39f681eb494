import { describe, expect, it } from 'vitest';
import { GuestFault, PagedMemory, PROT_EXEC, PROT_READ, PROT_WRITE } from '../src/index.js';
import { fetchParcel } from '../src/memory/parcel.js';

function faultAddress(f: () => unknown): bigint | null {
  try {
    f();
    return null;
  } catch (error) {
    if (error instanceof GuestFault && error.access === 'execute') return error.address;
    throw error;
  }
}

describe('16-bit instruction parcels', () => {
  it('reads each half of a word little-endian and marks the page as code', () => {
    const m = new PagedMemory({ initialBytes: 1 << 20 });
    const code = m.map(0x400000, 4096, PROT_READ | PROT_EXEC | PROT_WRITE, true);
    m.write32(code, 0x12345678);
    const changes: number[] = [];
    m.onCodeChange = (first) => changes.push(first);
    expect(fetchParcel(m, BigInt(code))).toBe(0x5678);
    expect(fetchParcel(m, BigInt(code + 2))).toBe(0x1234);
    m.write16(code + 2, 1);
    expect(changes).toEqual([code / 4096]);
  });

  it('faults at the parcel address for odd, unmapped or non-executable code', () => {
    const m = new PagedMemory({ initialBytes: 1 << 20 });
    const data = m.map(0x400000, 4096, PROT_READ | PROT_WRITE, true);
    const code = m.map(0x500000, 4096, PROT_READ | PROT_EXEC, true);
    expect(faultAddress(() => fetchParcel(m, BigInt(code + 1)))).toBe(BigInt(code + 1));
    expect(faultAddress(() => fetchParcel(m, BigInt(data + 2)))).toBe(BigInt(data + 2));
    expect(faultAddress(() => fetchParcel(m, 0x700002n))).toBe(0x700002n);
  });
});
