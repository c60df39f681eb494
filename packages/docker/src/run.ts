import { Writable } from 'node:stream';
import type Dockerode from 'dockerode';
import {
  DockerError,
  EXIT_CANNOT_INVOKE,
  EXIT_NOT_FOUND,
  messageOf,
  type PartialOutput,
  RunAbortedError,
  RunTimeoutError,
  statusOf,
} from './errors.js';
import { formatPlatform, parsePlatform } from './platform.js';

export interface RunOptions {
  /** Platform of the image to run, e.g. linux/arm64; the engine refuses an image of another one. */
  platform?: string;
  env?: Record<string, string>;
  /** Replaces the image's entrypoint; `[]` clears it. */
  entrypoint?: string | string[];
  /** host, none, or a network name. Default: the engine's default. */
  network?: string;
  workdir?: string;
  user?: string;
  /** Kill and remove the container when it runs longer; the run rejects with RunTimeoutError. */
  timeoutMs?: number;
  /** Aborting kills and removes the container; the run rejects with RunAbortedError. */
  signal?: AbortSignal;
  /** Receives output as it arrives, e.g. to pass it through to a terminal. */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  labels?: Record<string, string>;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** The program's exit status (128 + signal number when a signal ended it). */
  exitCode: number;
}

/** Every container this library creates carries this label, so leftovers can be found. */
export const RUN_LABEL = 'io.arm64kit.run';

/**
 * Runs `argv` in a new container of `image`, collects stdout and stderr separately, and
 * removes the container on every path: exit, engine error, timeout and abort.
 */
export async function runContainer(
  docker: Dockerode,
  image: string,
  argv: readonly string[],
  options: RunOptions = {},
  /** Engine settings this library's own containers need (capabilities, mounts); not public. */
  hostConfig: Dockerode.HostConfig = {},
): Promise<RunResult> {
  const platform = options.platform ? formatPlatform(parsePlatform(options.platform)) : undefined;
  if (options.timeoutMs !== undefined && !(options.timeoutMs > 0)) {
    throw new DockerError(
      'BAD_INPUT',
      `timeoutMs must be a positive number of milliseconds, not ${options.timeoutMs}`,
    );
  }
  const stdout = new Collector('stdout', options.onOutput);
  const stderr = new Collector('stderr', options.onOutput);
  const partial = (): PartialOutput => ({ stdout: stdout.text(), stderr: stderr.text() });
  if (options.signal?.aborted) throw new RunAbortedError(partial());

  const container = await create(docker, image, argv, options, platform, hostConfig);
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const drained = new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', () => resolve());
    });
    docker.modem.demuxStream(stream, stdout, stderr);

    try {
      await container.start();
    } catch (error) {
      throw startError(error);
    }

    const stop = await waitOrStop(container, options);
    if (stop === 'timeout' || stop === 'abort') {
      await container.kill().catch(() => undefined);
      await settle(drained, 2000);
      if (stop === 'timeout') throw new RunTimeoutError(options.timeoutMs ?? 0, partial());
      throw new RunAbortedError(partial());
    }
    await settle(drained, 5000);
    return { stdout: stdout.text(), stderr: stderr.text(), exitCode: stop.exitCode };
  } finally {
    await removeContainer(container);
  }
}

async function create(
  docker: Dockerode,
  image: string,
  argv: readonly string[],
  options: RunOptions,
  platform: string | undefined,
  hostConfig: Dockerode.HostConfig,
): Promise<Dockerode.Container> {
  const entrypoint =
    options.entrypoint === undefined
      ? undefined
      : typeof options.entrypoint === 'string'
        ? [options.entrypoint]
        : options.entrypoint;
  const body: Dockerode.ContainerCreateOptions = {
    Image: image,
    Cmd: [...argv],
    ...(entrypoint ? { Entrypoint: entrypoint } : {}),
    ...(options.env ? { Env: Object.entries(options.env).map(([key, value]) => `${key}=${value}`) } : {}),
    ...(options.workdir ? { WorkingDir: options.workdir } : {}),
    ...(options.user ? { User: options.user } : {}),
    Labels: { ...options.labels, [RUN_LABEL]: 'true' },
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    OpenStdin: false,
    HostConfig: { ...hostConfig, ...(options.network ? { NetworkMode: options.network } : {}) },
  };
  // Body and query are separate: the platform is a query parameter of the create endpoint.
  const request = {
    _query: platform ? { platform } : {},
    _body: body,
  } as unknown as Dockerode.ContainerCreateOptions;
  try {
    return await docker.createContainer(request);
  } catch (error) {
    const message = messageOf(error);
    // An engine that has the image for another platform tries to pull the right one, and
    // without a registry that ends in "not found": say what the image really is.
    const local = platform
      ? await docker
          .getImage(image)
          .inspect()
          .catch(() => undefined)
      : undefined;
    if (
      local &&
      platform &&
      `${local.Os}/${local.Architecture}` !== platform.split('/').slice(0, 2).join('/')
    ) {
      throw new DockerError(
        'PLATFORM_MISMATCH',
        `image ${image} is ${local.Os}/${local.Architecture}, not ${platform} (${message})`,
        { cause: error },
      );
    }
    if (statusOf(error) === 404) {
      throw new DockerError(
        'IMAGE_NOT_FOUND',
        `image ${image} is not on this engine (${message}); build or import it first`,
        {
          cause: error,
        },
      );
    }
    throw new DockerError('ENGINE_ERROR', `cannot create a container of ${image}: ${message}`, {
      cause: error,
    });
  }
}

type Stop = { exitCode: number } | 'timeout' | 'abort';

async function waitOrStop(container: Dockerode.Container, options: RunOptions): Promise<Stop> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const racers: Promise<Stop>[] = [
    container.wait().then(
      (result: { StatusCode: number }) => ({ exitCode: result.StatusCode }),
      (error: unknown) => {
        throw new DockerError(
          'ENGINE_ERROR',
          `lost the container while waiting for it: ${messageOf(error)}`,
          {
            cause: error,
          },
        );
      },
    ),
  ];
  if (options.timeoutMs !== undefined) {
    racers.push(new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), options.timeoutMs))));
  }
  const signal = options.signal;
  if (signal) {
    racers.push(
      new Promise((resolve) => {
        onAbort = () => resolve('abort');
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }),
    );
  }
  try {
    return await Promise.race(racers);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/** The exit statuses `docker run` gives when the engine cannot start the command. */
function startError(error: unknown): DockerError {
  const message = messageOf(error);
  if (/executable file not found|no such file or directory|cannot find the file/i.test(message)) {
    return new DockerError('COMMAND_NOT_FOUND', `command not found in the container: ${message}`, {
      exitCode: EXIT_NOT_FOUND,
      cause: error,
    });
  }
  if (/permission denied|is a directory/i.test(message)) {
    return new DockerError('CANNOT_INVOKE', `command cannot be invoked in the container: ${message}`, {
      exitCode: EXIT_CANNOT_INVOKE,
      cause: error,
    });
  }
  return new DockerError('ENGINE_ERROR', `the engine could not start the container: ${message}`, {
    cause: error,
  });
}

async function removeContainer(container: Dockerode.Container): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await container.remove({ force: true, v: true });
      return;
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) return;
      // 409: a removal is already in progress; wait for it to finish.
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function settle(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).finally(
    () => clearTimeout(timer),
  );
}

/** Keeps one demultiplexed stream's bytes and forwards them as they come. */
class Collector extends Writable {
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly which: 'stdout' | 'stderr',
    private readonly onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    this.onOutput?.(this.which, chunk);
    done();
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
