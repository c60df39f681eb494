import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, openSync, readlinkSync, writeSync } from 'node:fs';
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

/**
 * Runs `command` as a Node parent runs a child with `stdio: 'pipe'`: stdin is one end of a socket
 * pair. "hello" comes (and the other end closes) only after the program printed its last tick, once
 * every guest thread waits; with `feed` false nothing comes and stdin stays open while the program
 * runs. Returns what it printed, its status, and what its descriptor 0 was.
 */
function feedSocketAfterLastTick(
  command: string,
  args: string[],
  feed: boolean,
  patienceMs: number,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    let stdin = 'unknown';
    try {
      stdin = readlinkSync(`/proc/${child.pid}/fd/0`).replace(/:\[\d+\]$/, '');
    } catch {}
    let stdout = '';
    let fed = false;
    const giveUp = setTimeout(() => child.kill('SIGKILL'), patienceMs);
    child.stdout?.on('data', (d) => {
      stdout += d;
      if (feed && !fed && stdout.includes('tick 4\n')) {
        fed = true;
        // Written, then closed (not only shut down), so that the end's poll says POLLHUP on
        // the kernel whenever it comes.
        setTimeout(() => child.stdin?.write('hello\n', () => child.stdin?.destroy()), 300);
      }
    });
    child.stdin?.on('error', () => {}); // the program may be gone when the bytes come
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(giveUp);
      child.stdin?.destroy();
      resolve(`stdin ${stdin}\n${stdout}exit ${code}\n`);
    });
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

describe.runIf(available('arm64kit run with a host socket for stdin', runPrerequisites()))(
  'a read of a host socket (stdin from a Node parent) blocks only the guest thread that reads it',
  { timeout: 120_000 },
  () => {
    it.each([[[]], [['fork']], [['poll']]])(
      'arguments %j: the other thread or process goes on, as under qemu',
      async (args) => {
        const binary = buildProgram('stdin-thread');
        const qemu = await feedSocketAfterLastTick(QEMU, [binary, ...args], true, 30_000);
        expect(qemu).toMatch(/^stdin socket\n/);
        expect(qemu).toContain('reader got 6 bytes: hello\nthen 0 (end of file)\n');
        expect(qemu).toContain('done\nexit 0\n');
        const kit = await feedSocketAfterLastTick('node', [BIN, 'run', binary, ...args], true, 60_000);
        expect(kit).toBe(qemu);
      },
    );

    // The reader's read is still waiting on the host when the process ends: arm64kit must end
    // then too, not when the parent writes or closes the socket some day.
    it('a program that ends while a thread still reads the socket ends at once, as under qemu', async () => {
      const binary = buildProgram('stdin-thread');
      const qemu = await feedSocketAfterLastTick(QEMU, [binary, 'leave'], false, 30_000);
      expect(qemu).toBe('stdin socket\ntick 0\ntick 1\ntick 2\ntick 3\ntick 4\ndone\nexit 0\n');
      const kit = await feedSocketAfterLastTick('node', [BIN, 'run', binary, 'leave'], false, 30_000);
      expect(kit).toBe(qemu);
    });
  },
);
