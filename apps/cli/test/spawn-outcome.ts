import { spawn } from 'node:child_process';

/** What a program printed and how it ended, its output kept byte for byte (latin1). */
export interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface ExecuteOptions {
  /** Host directory to run in; default `/`. */
  cwd?: string;
  /** The whole environment; default this process's. */
  env?: Readonly<Record<string, string>>;
}

/** Runs argv with `stdin` as its standard input and collects its outcome. */
export function execute(argv: readonly string[], stdin = '', options: ExecuteOptions = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd ?? '/',
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (status) =>
      resolve({
        status,
        stdout: Buffer.concat(out).toString('latin1'),
        stderr: Buffer.concat(err).toString('latin1'),
      }),
    );
    child.stdin.end(stdin);
  });
}
