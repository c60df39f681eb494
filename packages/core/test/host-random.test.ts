import { describe, expect, it } from 'vitest';
import { fillRandom } from '../src/linux/host-random.js';

describe('fillRandom', () => {
  it('fills every byte of the buffer it is given, and returns it', () => {
    // 4 MiB: more than one read of /dev/urandom may return, so the loop must go on.
    const bytes = new Uint8Array(4 << 20);
    expect(fillRandom(bytes)).toBe(bytes);
    // A zero run of 4 KiB anywhere in 4 MiB of random bytes would mean a part was left unfilled.
    for (let page = 0; page < bytes.length; page += 4096) {
      expect(bytes.subarray(page, page + 4096).some((b) => b !== 0)).toBe(true);
    }
  });

  it('gives different bytes on each call', () => {
    const a = fillRandom(new Uint8Array(16));
    const b = fillRandom(new Uint8Array(16));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('fills an empty buffer without reading', () => {
    expect(fillRandom(new Uint8Array(0))).toHaveLength(0);
  });
});
