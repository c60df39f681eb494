import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** binutils' aarch64 disassembler, the reference the decoder tests compare against. */
export const OBJDUMP = 'aarch64-linux-gnu-objdump';

/**
 * Disassembles raw little-endian instruction words in one objdump run (one process per word
 * would take minutes) and maps each word to the text objdump prints for it, e.g.
 * `and\tw0, w0, #0x1` or `.inst\t0x... ; undefined`. -z shows runs of zero words too, which
 * objdump otherwise folds into `...`.
 */
export function objdump(words: readonly number[]): Map<number, string> {
  const dir = mkdtempSync(join(tmpdir(), 'arm64kit-objdump-'));
  try {
    const file = join(dir, 'words.bin');
    const bytes = Buffer.alloc(words.length * 4);
    words.forEach((w, i) => {
      bytes.writeUInt32LE(w >>> 0, i * 4);
    });
    writeFileSync(file, bytes);
    const out = execFileSync(OBJDUMP, ['-D', '-z', '-b', 'binary', '-m', 'aarch64', file], {
      encoding: 'utf8',
      // Tens of thousands of words give several megabytes of listing.
      maxBuffer: 256 << 20,
    });
    const byWord = new Map<number, string>();
    for (const line of out.split('\n')) {
      const m = /^\s*[0-9a-f]+:\s+([0-9a-f]{8})\s+(.*)$/.exec(line);
      if (m) byWord.set(Number.parseInt(m[1], 16), m[2].trim());
    }
    return byWord;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
