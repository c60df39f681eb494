import { describe, expect, it } from 'vitest';
import { rvcTable, rvTable } from './table.js';

describe('riscv64 decode tables', () => {
  it('have no two rows claiming one encoding without a preference', () => {
    expect(rvTable().overlapProblems()).toEqual([]);
    expect(rvcTable().overlapProblems()).toEqual([]);
  });

  it('decode known words', () => {
    expect(rvTable().decode(0x00a58533)?.form.name).toBe('ADD'); // add a0, a1, a0
    expect(rvTable().decode(0x00000073)?.form.name).toBe('ECALL');
    expect(rvcTable().decode(0x8082)?.form.name).toBe('C_JR'); // ret
    expect(rvcTable().decode(0x9002)?.form.name).toBe('C_EBREAK');
    expect(rvcTable().decode(0x852e)?.form.name).toBe('C_MV'); // mv a0, a1
  });

  it('expand compressed forms to the 32-bit instruction they stand for', () => {
    const expand = (parcel: number) => rvcTable().lookup(parcel)?.form.handler(parcel);
    expect(expand(0x8082)).toBe(0x00008067); // ret = jalr x0, 0(ra)
    expect(expand(0x4515)).toBe(0x00500513); // c.li a0, 5 = addi a0, x0, 5
    expect(expand(0x1141)).toBe(0xff010113); // c.addi sp, -16
    expect(expand(0xe406)).toBe(0x00113423); // c.sdsp ra, 8(sp) = sd ra, 8(sp)
    expect(expand(0x0000)).toBeUndefined(); // the defined-illegal parcel
  });
});
