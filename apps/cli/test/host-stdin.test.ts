import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram, QEMU } from '@arm64kit/test-programs';
import { available } from '@arm64kit/vitest-config/prerequisites';
import { suiteTempDir } from '@arm64kit/vitest-config/suite-temp-dir';
import { describe, expect, it } from 'vitest';
import { BIN, runPrerequisites } from './cli-run-helpers.js';

/**
 * Runs `command` with stdin the read end of a pipe (a FIFO, as a shell pipeline gives one) that
 * gets "hello" only after the program printed its last tick, once every guest thread waits: a
 * program whose waiting read of the pipe stopped its other threads or processes never prints it
 * (it is killed after `patienceMs`), and a poll that no data wakes times out.
 */
function feedAfterLastTick(
  fifo: string,
  command: string,
  args: string[],
  patienceMs: number,
): Promise<string> {
  // Opened for writing first (O_RDWR does not wait for a reader), so the read end opens at once.
  let writer = openSync(fifo, constants.O_RDWR);
  const reader = openSync(fifo, constants.O_RDONLY);
  return new Promise<string>((resolve, reject) => {
    const child = spawn(command, args, { stdio: [reader, 'pipe', 'inherit'] });
    let stdout = '';
    let fed = false;
    const giveUp = setTimeout(() => child.kill('SIGKILL'), patienceMs);
    child.stdout?.on('data', (d) => {
      stdout += d;
      if (!fed && stdout.includes('tick 4\n')) {
        fed = true;
        // Later than the last tick's sleep: every guest thread waits when the bytes come.
        setTimeout(() => {
          if (writer < 0) return; // the program has ended already
          writeSync(writer, 'hello\n');
          closeSync(writer);
          writer = -1;
        }, 300);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(giveUp);
      resolve(`${stdout}exit ${code}\n`);
    });
  }).finally(() => {
    closeSync(reader);
    if (writer >= 0) closeSync(writer);
    writer = -1;
  });
}

describe.runIf(available('arm64kit run with a host pipe for stdin', runPrerequisites()))(
  'a read of a host pipe blocks only the guest thread that reads it',
  { timeout: 120_000 },
  () => {
    const scratch = suiteTempDir('arm64kit-host-stdin-');

    it.each([[[]], [['fork']], [['poll']], [['fork', 'poll']]])(
      'arguments %j: the other thread or process goes on, as under qemu',
      async (args) => {
        const fifo = join(scratch(), `fifo-${args.join('-') || 'plain'}`);
        expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
        const binary = buildProgram('stdin-thread');
        const qemu = await feedAfterLastTick(fifo, QEMU, [binary, ...args], 30_000);
        expect(qemu).toContain('reader got 6 bytes: hello\nthen 0 (end of file)\n');
        expect(qemu).toContain('done\nexit 0\n');
        const kit = await feedAfterLastTick(fifo, 'node', [BIN, 'run', binary, ...args], 60_000);
        expect(kit).toBe(qemu);
      },
    );
  },
);
