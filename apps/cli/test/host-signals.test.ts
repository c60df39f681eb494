import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { buildProgram, QEMU } from '@arm64kit/test-programs';
import { available } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { BIN, runPrerequisites } from './cli-run-helpers.js';

interface Ended {
  /** The exit status, or null when the process ended by a signal. */
  code: number | null;
  /** The signal that ended the process, or null when it exited. */
  killedBy: NodeJS.Signals | null;
  stdout: string;
}

/**
 * Starts `command`, waits for the program to print "ready", sends the real signal `signal` to
 * the spawned process, and returns how it ended.
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
    child.on('close', (code, killedBy) => resolve({ code, killedBy, stdout }));
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
      ['SIGINT', 'handle', { code: 42, killedBy: null, stdout: 'ready\nhandled 2\n' }],
      ['SIGTERM', 'handle', { code: 55, killedBy: null, stdout: 'ready\nhandled 15\n' }],
      // Ended by the signal itself, not by an exit status of 130 or 143: a shell running a script
      // stops the script when its foreground child died of SIGINT, and only then.
      ['SIGINT', 'default', { code: null, killedBy: 'SIGINT', stdout: 'ready\n' }],
      ['SIGTERM', 'default', { code: null, killedBy: 'SIGTERM', stdout: 'ready\n' }],
    ] as const)('forwards %s to a guest that does "%s", ending as qemu ends', async (signal, mode, ended) => {
      const program = buildProgram('host-signals');
      const ours = await signalled(process.execPath, [BIN, 'run', program, mode], signal);
      const theirs = await signalled(QEMU, [program, mode], signal);
      expect(ours).toEqual(ended);
      expect(theirs).toEqual(ended);
    });

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
