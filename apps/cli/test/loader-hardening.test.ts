import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram, QEMU, TINY_EXIT_STATUS, tinyElf } from '@arm64kit/test-programs';
import { available } from '@arm64kit/vitest-config/prerequisites';
import { suiteTempDir } from '@arm64kit/vitest-config/suite-temp-dir';
import { describe, expect, it } from 'vitest';
import { CLI_ROOT, runPrerequisites } from './cli-run-helpers.js';

const RUNNER = join(CLI_ROOT, 'test/peak-memory-runner.mjs');
/**
 * The memory bound of every run here: a few times what `arm64kit run` of a small program
 * takes (~100 MiB), far below what reading a 2 GiB file or a device without end would take.
 */
const PEAK_BOUND_KIB = 512 * 1024;

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

function collect(command: string, args: string[], extraFd: boolean): Promise<Outcome & { peakKiB: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe', ...(extraFd ? ['pipe' as const] : [])],
    });
    let stdout = '';
    let stderr = '';
    let peak = '';
    child.stdout?.on('data', (d) => {
      stdout += d;
    });
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    child.stdio[3]?.on('data', (d) => {
      peak += d;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr, peakKiB: Number(peak) }));
  });
}

/** `arm64kit run ARGS` in a child process, with its peak memory. */
const arm64kit = (args: string[]) => collect(process.execPath, [RUNNER, 'run', ...args], true);
const qemu = (args: string[]) => collect(QEMU, args, false);

describe.runIf(available('loader hardening', runPrerequisites()))(
  'the loader on hostile files',
  { timeout: 120_000 },
  () => {
    const scratch = suiteTempDir('arm64kit-loader-');
    const file = (name: string, bytes: Uint8Array) => {
      const path = join(scratch(), name);
      writeFileSync(path, bytes, { mode: 0o755 });
      return path;
    };

    it.each(['/dev/zero', '/dev/urandom'])(
      'refuses a PT_INTERP naming %s in one line, as qemu does, reading nothing from it',
      async (device) => {
        const program = file(`interp-${device.slice(5)}`, tinyElf({ interp: Buffer.from(`${device}\0`) }));
        const ours = await arm64kit([program]);
        expect([ours.status, ours.stdout, ours.stderr]).toEqual([
          126,
          '',
          `arm64kit: cannot run ${device}: not a regular file\n`,
        ]);
        expect(ours.peakKiB).toBeGreaterThan(0);
        expect(ours.peakKiB).toBeLessThan(PEAK_BOUND_KIB);
        const theirs = await qemu([program]);
        expect(theirs.status).not.toBe(0);
        expect(theirs.stderr.trim().split('\n')).toHaveLength(1);
      },
    );

    it('stops a PT_INTERP path at its first NUL, as the kernel and qemu do', async () => {
      // The "interpreter" is a static program: it runs, and shows the argv the kernel passed on.
      const interpreter = buildProgram('argv');
      const program = file('interp-nul', tinyElf({ interp: Buffer.from(`${interpreter}\0not-a-path\0`) }));
      const ours = await arm64kit([program, 'one']);
      const theirs = await qemu([program, 'one']);
      expect([ours.status, ours.stdout, ours.stderr]).toEqual([theirs.status, theirs.stdout, theirs.stderr]);
      expect(ours.stdout).toContain('1th argv: one');
    });

    it.each([
      ['2 GiB - 1', 2 ** 31 - 1],
      ['3 GiB', 3 * 2 ** 30],
    ])(
      'runs a program padded to a sparse %s file, reading only its headers and segments',
      async (_, size) => {
        const program = join(scratch(), `sparse-${size}`);
        copyFileSync(buildProgram('argv'), program);
        chmodSync(program, 0o755);
        truncateSync(program, size);
        const ours = await arm64kit([program, 'x']);
        const theirs = await qemu([program, 'x']);
        expect([ours.status, ours.stdout, ours.stderr]).toEqual([
          theirs.status,
          theirs.stdout,
          theirs.stderr,
        ]);
        expect(ours.status).toBe(0);
        expect(ours.peakKiB).toBeLessThan(PEAK_BOUND_KIB);
        rmSync(program);
      },
    );

    // qemu-aarch64-static itself crashes on this file (SIGSEGV in qemu, not in the guest), so the
    // expectation is the kernel's: the later mappings replace the earlier ones and the code runs.
    // Each page is mapped once however many segments cover it; the runner's timeout bounds it.
    it('maps 1,024 overlapping 1 GiB PT_LOADs once, not once per segment', { timeout: 30_000 }, async () => {
      const program = file('overlapping', tinyElf({ loads: 1024, memsz: 2 ** 30 }));
      const ours = await arm64kit([program]);
      expect([ours.status, ours.stdout, ours.stderr]).toEqual([TINY_EXIT_STATUS, '', '']);
      expect(ours.peakKiB).toBeLessThan(PEAK_BOUND_KIB);
    });
  },
);
