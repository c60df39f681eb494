import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Builds fp-oracle.c for aarch64 and runs case lists through it under qemu-aarch64-static. */
export class FPOracle {
  private readonly dir = mkdtempSync(join(tmpdir(), 'arm64kit-fp-oracle-'));
  private readonly binary = join(this.dir, 'fp-oracle');

  constructor() {
    const source = join(dirname(fileURLToPath(import.meta.url)), 'fp-oracle.c');
    execFileSync('aarch64-linux-gnu-gcc', ['-static', '-O1', '-o', this.binary, source], { stdio: 'pipe' });
  }

  /** Each line "op fpcr a b c" (hex) gives [result, fpsr]. */
  run(lines: readonly string[]): [bigint, number][] {
    const out = execFileSync('qemu-aarch64-static', [this.binary], {
      input: `${lines.join('\n')}\n`,
      maxBuffer: 1 << 28,
    }).toString();
    const rows = out.trim().split('\n');
    if (rows.length !== lines.length)
      throw new Error(`oracle answered ${rows.length} of ${lines.length} cases`);
    return rows.map((row, i) => {
      const [r, s] = row.split(' ');
      if (r === 'unknown') throw new Error(`oracle does not know ${lines[i]}`);
      return [BigInt(`0x${r}`), Number.parseInt(s, 16)];
    });
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
