import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Observed } from './backend.js';

export interface RunOptions {
  env: Record<string, string>;
  timeoutMs?: number;
}

/**
 * Runs a process to completion and captures its output. A program killed by a signal
 * reports 128 + the signal number, as a shell does; a timeout kills it (SIGKILL).
 */
export function runCommand(file: string, args: string[], options: RunOptions): Promise<Observed> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const signalNumber = signal === null ? 0 : constants.signals[signal];
      resolve({
        exitCode: code ?? 128 + signalNumber,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}
