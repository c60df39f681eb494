import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { buildGoProgram, buildProgram, GO, QEMU, RISCV64_TARGET } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { BIN, runPrerequisites } from './cli-run-helpers.js';

interface Ran {
  stdout: string;
  stderr: string;
  status: number | null;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Ran {
  const r = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 240_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** `arm64kit run` with one CPU worker beside the kernel's thread. */
function onWorkers(program: string, args: string[], flags: string[] = []): Ran {
  return run(process.execPath, [BIN, 'run', ...flags, program, ...args], { ARM64KIT_CPU_WORKERS: '1' });
}

/** The guest instructions that ran on CPU workers, from --stats (the share below rounds to 0.1%). */
function workerInstructions(stderr: string): number {
  const ran = /CPU workers: 1 started, \d+ runs, (\d+) instructions/.exec(stderr);
  if (ran === null) throw new Error(`no CPU worker statistics in:\n${stderr}`);
  return Number(ran[1]);
}

/** The share of the run's instructions that ran on CPU workers, from --stats. */
function workerShare(stderr: string): number {
  const share = /CPU workers: 1 started, \d+ runs, \d+ instructions \(([\d.]+)%\)/.exec(stderr);
  if (share === null) throw new Error(`no CPU worker statistics in:\n${stderr}`);
  return Number(share[1]);
}

describe.runIf(available('arm64kit run with CPU workers', runPrerequisites()))(
  'guest threads on CPU workers (ARM64KIT_CPU_WORKERS)',
  () => {
    it('runs a CPU-bound thread on the worker, with the output qemu gives', () => {
      const program = buildProgram('parallel-work');
      const ours = onWorkers(program, ['2', '2048'], ['--stats']);
      const theirs = run(QEMU, [program, '2', '2048']);
      expect(ours.status).toBe(0);
      expect(ours.stdout).toBe(theirs.stdout);
      // Two threads with equal work: the worker's share is far from nothing (about half once it
      // takes the thread; it starts when the need has lasted 0.1 s, and takes threads once loaded).
      expect(workerShare(ours.stderr)).toBeGreaterThan(20);
    });

    it('keeps exclusives, LSE atomics, 16-byte pairs, mutexes and barriers exact across host threads', () => {
      const program = buildProgram('atomics-stress');
      const ours = onWorkers(program, ['100000'], ['--stats']);
      const theirs = run(QEMU, [program, '100000']);
      expect(ours.status).toBe(0);
      expect(ours.stdout).toBe(theirs.stdout);
      expect(ours.stdout).toContain('pair 400000 1200000 (expected 400000 1200000)');
      expect(workerInstructions(ours.stderr)).toBeGreaterThan(0);
    });

    // Rounds that keep each executor busy for a few seconds: the worker starts once the need for
    // one has lasted 0.1 s and takes threads once loaded, which a loaded machine makes slower.
    it.each([
      ['reference', '20000'],
      ['threaded', '40000'],
      ['compiled', '100000'],
      ['wasm', '100000'],
    ])('keeps the counts exact with threads on two cores on the %s executor too', (executor, rounds) => {
      const program = buildProgram('atomics-stress');
      const ours = onWorkers(program, [rounds], ['--stats', '--executor', executor]);
      const theirs = run(QEMU, [program, rounds]);
      expect(ours.status).toBe(0);
      expect(ours.stdout).toBe(theirs.stdout);
      expect(workerInstructions(ours.stderr)).toBeGreaterThan(0);
    });

    it('runs code one thread rewrites on another thread, after its ISB, as qemu does (a JIT)', () => {
      const program = buildProgram('code-threads');
      const ours = onWorkers(program, ['300'], ['--stats']);
      const theirs = run(QEMU, [program, '300']);
      expect(ours.status).toBe(0);
      expect(ours.stdout).toBe(theirs.stdout);
      expect(ours.stdout).toContain('in place: 300 rounds, 0 stale');
      expect(workerInstructions(ours.stderr)).toBeGreaterThan(0);
    });

    it('ends the whole process at exit_group while other threads spin on the worker', () => {
      const program = buildProgram('atomics-stress');
      const ours = onWorkers(program, ['exit']);
      const theirs = run(QEMU, [program, 'exit']);
      expect(ours.status).toBe(3);
      expect(ours.stdout).toBe(theirs.stdout);
    });

    it('passes futexes, joins and thread exits between the worker and the kernel thread', () => {
      const program = buildProgram('threads');
      const ours = onWorkers(program, ['1000000']);
      const theirs = run(QEMU, [program, '1000000']);
      expect(ours.status).toBe(theirs.status);
      expect(ours.stdout).toBe(theirs.stdout);
    });

    it.runIf(available('Go on CPU workers', commandProblem(GO, 'golang-go')))(
      'runs a Go program whose goroutines share two threads (heap above 4 GiB) as qemu does',
      () => {
        const program = buildGoProgram('concurrency');
        for (const args of [[], ['exit']]) {
          const env = { GOMAXPROCS: '2' };
          const ours = run(process.execPath, [BIN, 'run', program, ...args], {
            ...env,
            ARM64KIT_CPU_WORKERS: '1',
          });
          const theirs = run(QEMU, [program, ...args], env);
          expect(ours.status).toBe(theirs.status);
          expect(ours.stdout).toBe(theirs.stdout);
        }
      },
    );

    it.runIf(available('riscv64 on CPU workers', commandProblem(RISCV64_TARGET.cc, 'gcc-riscv64-linux-gnu')))(
      'runs riscv64 threads there too (LR/SC and AMOs exact)',
      () => {
        const program = buildProgram('atomics-stress', { target: RISCV64_TARGET });
        const ours = onWorkers(program, ['50000']);
        const theirs = run(RISCV64_TARGET.qemu, [program, '50000']);
        expect(ours.status).toBe(0);
        expect(ours.stdout).toBe(theirs.stdout);
      },
    );

    it('uses one fewer worker than the host has processors by default, and none for one thread', () => {
      const program = buildProgram('parallel-work');
      const expected = Math.min(3, availableParallelism() - 1);
      // Long enough (about a second) for the worker to start and take the second thread.
      const threaded = run(process.execPath, [BIN, 'run', '--stats', program, '2', '1024']);
      const single = run(process.execPath, [BIN, 'run', '--stats', program, '1', '1024']);
      expect(threaded.stdout).toBe(single.stdout);
      if (expected === 0) {
        expect(threaded.stderr).not.toContain('CPU workers');
        return;
      }
      expect(threaded.stderr).toMatch(/CPU workers: 1 started, [1-9]\d* runs/);
      // A process runs on shared memory (and may use workers) only once it has a second thread.
      expect(single.stderr).toContain('CPU workers: 0 started, 0 runs, 0 instructions');
      const off = run(process.execPath, [BIN, 'run', '--stats', program, '2', '1024'], {
        ARM64KIT_CPU_WORKERS: '0',
      });
      expect(off.stdout).toBe(single.stdout);
      expect(off.stderr).not.toContain('CPU workers');
    });

    it('refuses a worker count it cannot use, with one line and status 125', () => {
      const program = buildProgram('parallel-work');
      for (const value of ['9', '-1', 'two', '1.5']) {
        const ours = run(process.execPath, [BIN, 'run', program, '1', '1'], { ARM64KIT_CPU_WORKERS: value });
        expect(ours.status).toBe(125);
        expect(ours.stdout).toBe('');
        expect(ours.stderr).toBe(
          `arm64kit: ARM64KIT_CPU_WORKERS must be a whole number from 0 to 3 (got ${JSON.stringify(value)})\n`,
        );
      }
    });
  },
);
