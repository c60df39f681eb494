import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MULTI_LETTER_EXTENSIONS, SINGLE_LETTER_EXTENSIONS } from '../../src/isa.js';

/** binutils' RISC-V disassembler, the reference the decode-table test compares against. */
export const OBJDUMP = 'riscv64-linux-gnu-objdump';
/** Its assembler and objcopy make the ELF that tells objdump which extensions exist. */
export const AS = 'riscv64-linux-gnu-as';
export const OBJCOPY = 'riscv64-linux-gnu-objcopy';

/**
 * The package's extension set as binutils' -march. Zicntr is left out of it: the counters are
 * CSR reads, which binutils decodes as Zicsr, and binutils 2.40 refuses the name.
 */
export const MARCH = [
  `rv64${SINGLE_LETTER_EXTENSIONS}`,
  ...MULTI_LETTER_EXTENSIONS.filter((e) => e !== 'zicntr'),
].join('_');

/**
 * Disassembles raw little-endian instructions (all 2 or all 4 bytes long) in one objdump run and
 * maps each to the text objdump prints for it, e.g. `add\ta0,a1,a0` or `.4byte\t0x...`.
 *
 * objdump of a raw binary decodes with a default extension set of its own choosing; an ELF's
 * `.riscv.attributes` names the set exactly. So the bytes go into `.text` of an object assembled
 * with `-march=<march>` (the 20191213 ISA spec, where Zicsr and Zifencei are extensions of their
 * own), and the symbols are stripped: the assembler marks `.incbin` bytes as data with a `$d`
 * mapping symbol, which objdump would honour by printing `.word`. `-M no-aliases` gives the
 * canonical instruction (so `c.nop`, not `nop`), and -z shows runs of zeros too.
 */
export function objdump(values: readonly number[], width: 2 | 4, march: string): Map<number, string> {
  const dir = mkdtempSync(join(tmpdir(), 'arm64kit-rv-objdump-'));
  try {
    const bytes = Buffer.alloc(values.length * width);
    values.forEach((v, i) => {
      if (width === 4) bytes.writeUInt32LE(v >>> 0, i * 4);
      else bytes.writeUInt16LE(v & 0xffff, i * 2);
    });
    writeFileSync(join(dir, 'code.bin'), bytes);
    writeFileSync(join(dir, 'code.s'), '.text\n.incbin "code.bin"\n');
    const run = (cmd: string, args: string[]) =>
      execFileSync(cmd, args, { cwd: dir, encoding: 'utf8', maxBuffer: 512 << 20 });
    run(AS, ['-misa-spec=20191213', `-march=${march}`, '-o', 'code.o', 'code.s']);
    run(OBJCOPY, ['--strip-all', 'code.o', 'stripped.o']);
    const out = run(OBJDUMP, ['-d', '-z', '-M', 'no-aliases', 'stripped.o']);
    const byValue = new Map<number, string>();
    const digits = width * 2;
    for (const line of out.split('\n')) {
      const m = /^\s*[0-9a-f]+:\s+([0-9a-f]+)\s+(.*)$/.exec(line);
      if (m && m[1].length === digits) byValue.set(Number.parseInt(m[1], 16), m[2].trim());
    }
    return byValue;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
