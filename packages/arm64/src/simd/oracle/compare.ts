import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Executor, runProgram } from '@arm64kit/core';
import { aarch64 } from '../../arch.js';

/** What an oracle program printed under qemu-aarch64-static and under arm64kit. */
export interface OracleRun {
  expected: string[];
  actual: string[];
  exitCode: number;
  report: string | null;
  /** Instruction texts (lines without their hash) whose results differ. */
  differing: string[];
}

/**
 * Builds an oracle C program (one "HASH instruction" line per instruction) with the cross compiler,
 * runs it under qemu-aarch64-static and under arm64kit (on `executor`, else the default), and pairs
 * the lines up.
 */
export function runOracle(source: string, march: string, executor?: Executor): OracleRun {
  const dir = mkdtempSync(join(tmpdir(), 'arm64kit-oracle-'));
  try {
    const binary = join(dir, 'oracle');
    execFileSync('aarch64-linux-gnu-gcc', ['-static', '-O1', `-march=${march}`, '-o', binary, source], {
      stdio: 'pipe',
    });
    const expected = execFileSync('qemu-aarch64-static', [binary]).toString().trim().split('\n');
    const outPath = join(dir, 'out.txt');
    const fd = openSync(outPath, 'w');
    let result: ReturnType<typeof runProgram>;
    try {
      result = runProgram({
        arch: aarch64,
        path: binary,
        argv: [binary],
        stdout: fd,
        timeoutMs: 100_000,
        ...(executor ? { executor } : {}),
      });
    } finally {
      closeSync(fd);
    }
    const actual = readFileSync(outPath, 'utf8').trim().split('\n');
    const differing = expected.filter((line, i) => actual[i] !== line).map((line) => line.slice(17));
    return { expected, actual, exitCode: result.exitCode, report: result.report ?? null, differing };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
