import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';

/** A port on 127.0.0.1 that nothing listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A long-running program (a server) the test started; `stop` always ends it. */
export interface RunningServer {
  /** What it wrote to stderr so far (latin1), e.g. a server's request log. */
  stderr(): string;
  stop(): Promise<void>;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * Starts argv and waits until 127.0.0.1:port accepts a TCP connection (the probe connection
 * is closed without a request). Fails with the program's stderr when it exits first or takes
 * longer than `timeoutMs`; the process is killed then too.
 */
export async function startServer(
  argv: readonly string[],
  port: number,
  timeoutMs: number,
): Promise<RunningServer> {
  const child: ChildProcess = spawn(argv[0], argv.slice(1), {
    cwd: '/',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const err: Buffer[] = [];
  child.stderr?.on('data', (b: Buffer) => err.push(b));
  let exited: string | null = null;
  const closed = new Promise<void>((resolve) =>
    child.on('close', (code, signal) => {
      exited = `exited (${signal ?? code})`;
      resolve();
    }),
  );
  const stderr = () => Buffer.concat(err).toString('latin1');
  const stop = async () => {
    if (exited === null) child.kill('SIGKILL');
    await closed;
  };
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (exited !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`server ${argv.join(' ')} ${exited ?? 'did not listen in time'}:\n${stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { stderr, stop };
}
