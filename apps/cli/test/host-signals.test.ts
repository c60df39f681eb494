import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { buildProgram, QEMU } from '@arm64kit/test-programs';
import { available } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { BIN, runPrerequisites } from './cli-run-helpers.js';

interface Ended {
  status: number;
  stdout: string;
}

/**
 * Starts `command`, waits for the program to print "ready", sends the real signal `signal` to
 * the spawned process, and returns its exit status as a shell shows it (128 + N when killed).
 */
function signalled(command: string, args: string[], signal: NodeJS.Signals): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let sent = false;
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!sent && stdout.includes('ready\n')) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('error', reject);
    child.on('close', (code, killedBy) =>
      resolve({
        status: code ?? 128 + (killedBy === 'SIGINT' ? 2 : killedBy === 'SIGTERM' ? 15 : 0),
        stdout,
      }),
    );
  });
}

/**
 * Runs `command` with descriptor 0 /dev/null opened for reading and writing, as Python's
 * subprocess.DEVNULL and a shell's `<>/dev/null` give it.
 */
function withStdinDevNull(command: string, args: string[]): Promise<string> {
  const devNull = openSync('/dev/null', 'r+');
  return new Promise<string>((resolve, reject) => {
    const child = spawn(command, args, { stdio: [devNull, 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout?.on('data', (d) => {
      stdout += d;
    });
    child.on('error', reject);
    child.on('close', () => resolve(stdout));
  }).finally(() => closeSync(devNull));
}

describe.runIf(available('arm64kit run and host signals', runPrerequisites()))(
  'arm64kit run between the host and the guest',
  { timeout: 120_000 },
  () => {
    it.each([
      ['SIGINT', 'handle', 42, 'ready\nhandled 2\n'],
      ['SIGTERM', 'handle', 55, 'ready\nhandled 15\n'],
      ['SIGINT', 'default', 130, 'ready\n'],
      ['SIGTERM', 'default', 143, 'ready\n'],
    ] as const)(
      'forwards %s to a guest that does "%s", ending as qemu ends',
      async (signal, mode, status, out) => {
        const program = buildProgram('host-signals');
        const ours = await signalled(process.execPath, [BIN, 'run', program, mode], signal);
        const theirs = await signalled(QEMU, [program, mode], signal);
        expect(ours).toEqual({ status, stdout: out });
        expect(theirs).toEqual({ status, stdout: out });
      },
    );

    it('gives the guest an open /dev/null on descriptor 0 when the host has one, as qemu does', async () => {
      const program = buildProgram('host-signals');
      const ours = await withStdinDevNull(process.execPath, [BIN, 'run', program, 'stdio']);
      const theirs = await withStdinDevNull(QEMU, [program, 'stdio']);
      expect(ours).toBe(theirs);
      expect(ours).toBe(
        'read(0): 0 \nwrite(2): 0 \nfstat(0): char 1:3\nF_GETFL(0): O_RDWR\n/proc/self/fd/0: /dev/null\n',
      );
    });
  },
);
