import { describe, expect, it } from 'vitest';
import { type RecencyLinks, RecencyList } from '../src/exec/recency-list.js';

interface Item extends RecencyLinks<Item> {
  readonly id: number;
}

function items(n: number): Item[] {
  return Array.from({ length: n }, (_, id) => ({ id, older: null, newer: null }));
}

/** The list's order, least recent first, walked through the links. */
function order(list: RecencyList<Item>): number[] {
  const ids: number[] = [];
  for (let it = list.oldest; it !== null; it = it.newer) ids.push(it.id);
  return ids;
}

describe('RecencyList', () => {
  it('keeps items in order of last use and takes out any of them', () => {
    const list = new RecencyList<Item>();
    const [a, b, c] = items(3);
    list.touch(a);
    list.touch(b);
    list.touch(c);
    list.touch(a);
    expect(order(list)).toEqual([1, 2, 0]);
    list.remove(c);
    list.remove(c);
    expect(order(list)).toEqual([1, 0]);
    expect(list.has(c)).toBe(false);
    list.remove(b);
    list.remove(a);
    expect(list.oldest).toBeNull();
    expect(list.has(a)).toBe(false);
  });

  it('agrees with an array kept in order of use over many random operations', () => {
    const list = new RecencyList<Item>();
    const all = items(40);
    const model: number[] = [];
    let seed = 12345;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 8;
    };
    for (let step = 0; step < 20_000; step++) {
      const item = all[next() % all.length];
      const at = model.indexOf(item.id);
      if (next() % 3 === 0) {
        list.remove(item);
        if (at >= 0) model.splice(at, 1);
      } else {
        list.touch(item);
        if (at >= 0) model.splice(at, 1);
        model.push(item.id);
      }
      expect(list.oldest?.id ?? null).toBe(model[0] ?? null);
      expect(list.has(item)).toBe(model.includes(item.id));
    }
    expect(order(list)).toEqual(model);
  });
});
