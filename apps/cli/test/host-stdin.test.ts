import { spawn } from 'node:child_process';
import { buildProgram, QEMU } from '@arm64kit/test-programs';
import { available } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { BIN, runPrerequisites } from './cli-run-helpers.js';

/**
 * Runs `command` with a pipe for stdin that gets "hello" only after the program printed its last
 * tick: a program whose waiting read of that pipe stopped its other threads or processes never
 * prints it, and the run is ended after `patienceMs`.
 */
function feedAfterLastTick(command: string, args: string[], patienceMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    let fed = false;
    const giveUp = setTimeout(() => child.kill('SIGKILL'), patienceMs);
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!fed && stdout.includes('tick 4\n')) {
        fed = true;
        child.stdin.end('hello\n');
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(giveUp);
      resolve(`${stdout}exit ${code}\n`);
    });
  });
}

describe.runIf(available('arm64kit run with a host pipe for stdin', runPrerequisites()))(
  'a read of a host pipe blocks only the guest thread that reads it',
  { timeout: 120_000 },
  () => {
    it.each([[[]], [['fork']]])(
      'arguments %j: the other thread or process goes on, as under qemu',
      async (args) => {
        const binary = buildProgram('stdin-thread');
        const qemu = await feedAfterLastTick(QEMU, [binary, ...args], 30_000);
        expect(qemu).toContain('reader got 6 bytes: hello\nthen 0 (end of file)\n');
        expect(qemu).toContain('done\nexit 0\n');
        const kit = await feedAfterLastTick('node', [BIN, 'run', binary, ...args], 60_000);
        expect(kit).toBe(qemu);
      },
    );
  },
);
