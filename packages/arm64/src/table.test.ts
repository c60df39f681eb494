import { describe, expect, it } from 'vitest';
import { insertField } from './decode/pattern.js';
import { a64Forms, a64Table } from './table.js';

/** xorshift32: a fixed seed, so a failure names an encoding that fails again on the next run. */
function random32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>>= 0);
  };
}

describe('the AArch64 decode table', () => {
  it('builds: no two forms claim one encoding unless one is declared more specific', () => {
    expect(a64Table().overlapProblems()).toEqual([]);
    expect(a64Table().forms.length).toBe(a64Forms.length);
  });

  it('decodes encodings generated from every pattern back to that pattern (or to a form declared more specific)', () => {
    const table = a64Table();
    const next = random32(0x5eed);
    const failures: string[] = [];
    for (const compiled of table.forms) {
      const name = compiled.form.name;
      for (let run = 0; run < 256; run++) {
        // The pattern's fixed bits; random values in every field and every ignored bit.
        let word = (compiled.value | (next() & ~compiled.mask)) >>> 0;
        const values = compiled.fields.map((f) => next() % 2 ** f.width);
        compiled.fields.forEach((f, i) => {
          word = insertField(word, f, values[i]);
        });
        const found = table.decode(word);
        const hex = `0x${word.toString(16).padStart(8, '0')}`;
        if (found === undefined) failures.push(`${name}: ${hex} decodes to nothing`);
        else if (found.form.name !== name) {
          if (!table.isPreferredOver(found.form.name, name))
            failures.push(`${name}: ${hex} decodes to ${found.form.name}`);
        } else {
          compiled.fields.forEach((f, i) => {
            if (found.fields[f.name] !== values[i]) failures.push(`${name}: ${hex} field ${f.name} wrong`);
          });
        }
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
  });
});
