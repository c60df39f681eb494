import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RISCV64_TARGET, runUnderEmulator } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess } from './support/in-process.js';

/**
 * /proc/cpuinfo as a riscv64 guest reads it. qemu-riscv64-static shows the host's file, so there
 * is no oracle to compare with byte for byte: the test holds the text to the kernel's format
 * (arch/riscv/kernel/cpu.c) and to what the guest learns elsewhere, AT_HWCAP and the CPU count.
 */

/** The lines the kernel prints for each hart, in its order. */
const KEYS = ['processor', 'hart', 'isa', 'mmu', 'mvendorid', 'marchid', 'mimpid', 'hart isa'];

describe.runIf(
  available('riscv64 /proc/cpuinfo', commandProblem(RISCV64_TARGET.cc, 'gcc-riscv64-linux-gnu')),
)('riscv64 /proc/cpuinfo', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'arm64kit-rv-cpuinfo-'));
  });
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('is the kernel format, one block per CPU, naming the extensions AT_HWCAP advertises', async () => {
    const binary = join(dir, 'cpuinfo');
    const source = fileURLToPath(new URL('./fixtures/cpuinfo.c', import.meta.url));
    execFileSync(RISCV64_TARGET.cc, ['-static', '-O2', '-o', binary, source]);
    const { stdout, stderr, status } = await runUnderEmulator(binary, inProcess());
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    const [hwcapLine, cpusLine, ...rest] = stdout.split('\n');
    const hwcap = BigInt(`0x${hwcapLine.replace('hwcap ', '')}`);
    const cpus = Number(cpusLine.replace('cpus ', ''));
    const text = rest.join('\n');
    // Every block ends with an empty line, as seq_file output of c_show does.
    expect(text.endsWith('\n\n')).toBe(true);
    const blocks = text.trimEnd().split('\n\n');
    expect(blocks).toHaveLength(cpus);
    blocks.forEach((block, n) => {
      const fields = block.split('\n').map((line) => {
        const m = /^([a-z ]+?)\t+: (.*)$/.exec(line);
        expect(m, line).not.toBeNull();
        return [m?.[1], m?.[2]] as [string, string];
      });
      expect(fields.map(([k]) => k)).toEqual(KEYS);
      const value = Object.fromEntries(fields);
      expect(value.processor).toBe(String(n));
      expect(value.hart).toBe(String(n));
      expect(value.mmu).toMatch(/^sv(39|48|57)$/);
      for (const id of ['mvendorid', 'marchid', 'mimpid']) expect(value[id]).toMatch(/^0x[0-9a-f]+$/);
      // Tabs as the kernel's seq_printf formats put them.
      expect(block.split('\n')[1]).toBe(`hart\t\t: ${n}`);
      expect(block.split('\n')[7]).toMatch(/^hart isa\t: /);
      // The ISA string: rv64, the single-letter extensions, then multi-letter ones after '_'.
      const isa = /^rv64([a-z]+)((?:_z[a-z]+)*)$/.exec(value.isa);
      expect(isa, value.isa).not.toBeNull();
      const letters = [...(isa?.[1] ?? '')];
      const fromHwcap = [...'abcdefghijklmnopqrstuvwxyz'].filter((_, bit) => (hwcap >> BigInt(bit)) & 1n);
      expect(new Set(letters)).toEqual(new Set(fromHwcap));
      // Multi-letter extensions, in the kernel's (canonical) order: zi* before zb*.
      expect(isa?.[2]).toBe('_zicntr_zicsr_zifencei_zba_zbb');
      expect(value['hart isa']).toBe(value.isa);
    });
    // I, M, A, F, D, C: RV64GC less the Zicsr/Zifencei that its letter G implies.
    expect(blocks[0]).toContain('isa\t\t: rv64imafdc_');
  });
});
