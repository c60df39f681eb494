import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmulatorError, GuestTimeoutError, runProgramAsync } from '@arm64kit/core';
import { tinyElf } from '@arm64kit/test-programs';
import { suiteTempDir } from '@arm64kit/vitest-config/suite-temp-dir';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aarch64 } from '../src/index.js';

/** The seed every run starts from: a failure names its batch and file, and reruns the same. */
const SEED = 0x16;
const BATCHES = 10;
const PER_BATCH = 1_000;
/**
 * The memory bound: the test process's resident set after each batch. A run maps at most a
 * 1 GiB image span, so files that made the loader read or keep what they claim would pass it.
 */
const RSS_BOUND = 1.5 * 2 ** 30;
/** A mutant that loops for ever is a guest doing what it was told; it is stopped here. */
const GUEST_LIMIT_MS = 2_000;

/** mulberry32: small, seedable, the same sequence on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Well-formed starting points: a plain program, one with an interpreter, one with two segments. */
const SEEDS = [
  tinyElf(),
  tinyElf({ interp: Buffer.from('/lib/ld-linux-aarch64.so.1\0') }),
  tinyElf({ loads: 2, memsz: 0x3000 }),
];

/** A mutant: a few bytes changed (mostly in the headers), sometimes cut short or extended. */
function mutant(next: () => number): Buffer {
  const base = SEEDS[Math.floor(next() * SEEDS.length)];
  let bytes = Buffer.from(base);
  const edits = 1 + Math.floor(next() * 8);
  for (let i = 0; i < edits; i++) {
    const inHeaders = next() < 0.8;
    const at = Math.floor(next() * (inHeaders ? Math.min(bytes.length, 64 + 56 * 3) : bytes.length));
    const kind = next();
    if (kind < 0.6) bytes[at] = Math.floor(next() * 256);
    else if (kind < 0.8) bytes[at] ^= 1 << Math.floor(next() * 8);
    else bytes[at] = [0, 0xff, 0x7f, 0x80][Math.floor(next() * 4)];
  }
  const shape = next();
  if (shape < 0.05) bytes = bytes.subarray(0, Math.floor(next() * bytes.length));
  else if (shape < 0.1) bytes = Buffer.concat([bytes, Buffer.alloc(Math.floor(next() * 8192))]);
  return bytes;
}

type Outcome = 'refused' | 'exited' | 'signalled' | 'still running';

describe('the loader and emulator on mutated ELF files', () => {
  const scratch = suiteTempDir('arm64kit-elf-fuzz-');
  // Opened before the tests, not while collecting: a suite whose tests are all filtered out runs
  // no hooks, and would leave it open.
  let devNull = -1;
  beforeAll(() => {
    devNull = openSync('/dev/null', 'r+');
  });
  afterAll(() => {
    if (devNull >= 0) closeSync(devNull);
  });

  /** Runs one file; every way it may end is named, anything else fails the test. */
  async function outcome(path: string, what: string): Promise<Outcome> {
    try {
      // Asynchronous, so the test worker keeps answering the runner between runs.
      const result = await runProgramAsync({
        arch: aarch64,
        path,
        stdin: devNull,
        stdout: devNull,
        stderr: devNull,
        timeoutMs: GUEST_LIMIT_MS,
      });
      if (result.report === undefined) return 'exited';
      expect(result.report, what).not.toContain('\n');
      return 'signalled';
    } catch (error) {
      if (error instanceof GuestTimeoutError) return 'still running';
      // A refusal is a typed error with one line of message; an EmulatorError is a bug.
      expect(error, what).not.toBeInstanceOf(EmulatorError);
      const { code, message } = error as { code?: unknown; message?: unknown };
      expect(typeof code, `${what}: ${String(error)}`).toBe('string');
      expect(
        typeof message === 'string' && message.length > 0 && !message.includes('\n'),
        `${what}: ${JSON.stringify(message)} ${String(code)}`,
      ).toBe(true);
      return 'refused';
    }
  }

  for (let batch = 0; batch < BATCHES; batch++) {
    it(`batch ${batch + 1} of ${BATCHES}: ${PER_BATCH} files end as a refusal, an exit or a signal`, {
      timeout: 300_000,
    }, async () => {
      const next = random(SEED * 1_000_003 + batch);
      const counts: Record<Outcome, number> = { refused: 0, exited: 0, signalled: 0, 'still running': 0 };
      const path = join(scratch(), `mutant-${batch}`);
      for (let i = 0; i < PER_BATCH; i++) {
        writeFileSync(path, mutant(next), { mode: 0o755 });
        counts[await outcome(path, `seed ${SEED} batch ${batch} file ${i}`)]++;
        // A timer turn now and then, so the worker's messages to the runner are not held up.
        if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      expect(counts.refused + counts.exited + counts.signalled + counts['still running']).toBe(PER_BATCH);
      // Both kinds of file are exercised: some are refused, some run.
      expect(counts.refused).toBeGreaterThan(0);
      expect(counts.exited + counts.signalled).toBeGreaterThan(0);
      expect(process.memoryUsage().rss).toBeLessThan(RSS_BOUND);
    });
  }
});
