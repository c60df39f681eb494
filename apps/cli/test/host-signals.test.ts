import { spawn } from 'node:child_process';
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

/** Runs `command` with descriptor 0 closed (not /dev/null: closed) by a shell hop. */
function withStdinClosed(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', 'exec <&-; exec "$@"', 'sh', command, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.on('error', reject);
    child.on('close', () => resolve(stdout));
  });
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

    it('keeps a descriptor the host closed closed: read(0) is EBADF, as under qemu', async () => {
      const program = buildProgram('host-signals');
      const ours = await withStdinClosed(process.execPath, [BIN, 'run', program, 'stdio']);
      const theirs = await withStdinClosed(QEMU, [program, 'stdio']);
      expect(ours).toBe(theirs);
      expect(ours).toBe('read(0): -1 EBADF\nwrite(2): 0 \n');
    });
  },
);
