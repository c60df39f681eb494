/**
 * Typed errors of @arm64kit/docker. Every error has a stable `code` and the exit status
 * `docker run` would give for the same situation: 125 when the engine or this library
 * failed, 126 when the command cannot be invoked, 127 when it is not found.
 */
export type DockerErrorCode =
  | 'ENGINE_UNAVAILABLE'
  | 'ENGINE_ERROR'
  | 'BAD_INPUT'
  | 'BUILD_FAILED'
  | 'IMAGE_NOT_FOUND'
  | 'PLATFORM_MISMATCH'
  | 'CANNOT_INVOKE'
  | 'COMMAND_NOT_FOUND'
  | 'RUN_TIMEOUT'
  | 'ABORTED'
  | 'EMULATION_UNAVAILABLE';

export const EXIT_ENGINE_ERROR = 125;
export const EXIT_CANNOT_INVOKE = 126;
export const EXIT_NOT_FOUND = 127;
/** A run stopped by its timeout exits like coreutils `timeout`. */
export const EXIT_TIMEOUT = 124;
/** A run stopped by an AbortSignal (Ctrl-C) exits like a shell interrupted by SIGINT. */
export const EXIT_ABORTED = 130;

export class DockerError extends Error {
  readonly code: DockerErrorCode;
  readonly exitCode: number;

  constructor(code: DockerErrorCode, message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DockerError';
    this.code = code;
    this.exitCode = options.exitCode ?? EXIT_ENGINE_ERROR;
  }
}

/** No Docker engine answered at the address tried. */
export class EngineUnavailableError extends DockerError {
  readonly host: string;

  constructor(host: string, reason: string, cause?: unknown) {
    super(
      'ENGINE_UNAVAILABLE',
      `no Docker engine answers at ${host} (${reason}); start one, e.g. as root: dockerd --bridge=none --iptables=false &`,
      { cause },
    );
    this.name = 'EngineUnavailableError';
    this.host = host;
  }
}

export interface BuildStep {
  /** 1-based step number as the engine counts it. */
  number: number;
  total: number;
  /** The Dockerfile instruction, e.g. `RUN apt-get update`. */
  instruction: string;
}

/** A build the engine ended with an error; carries the failing step and what it printed. */
export class BuildFailedError extends DockerError {
  readonly step: BuildStep | undefined;
  /** What the failing step printed (its RUN output), without the engine's bookkeeping lines. */
  readonly output: string;
  /** The failing RUN command's exit status, when the engine reports one. */
  readonly commandExitCode: number | undefined;

  constructor(
    reason: string,
    step: BuildStep | undefined,
    output: string,
    commandExitCode: number | undefined,
  ) {
    const where = step ? ` at step ${step.number}/${step.total} (${step.instruction})` : '';
    const tail = output.trim() === '' ? '' : `\n${indent(lastLines(output, 20))}`;
    // A failed step is the build's own failure, not the engine's: exit 1, as docker build.
    super('BUILD_FAILED', `build failed${where}: ${reason}${tail}`, { exitCode: 1 });
    this.name = 'BuildFailedError';
    this.step = step;
    this.output = output;
    this.commandExitCode = commandExitCode;
  }
}

/** What a run had printed before it was stopped. */
export interface PartialOutput {
  stdout: string;
  stderr: string;
}

export class RunTimeoutError extends DockerError {
  readonly timeoutMs: number;
  readonly partial: PartialOutput;

  constructor(timeoutMs: number, partial: PartialOutput) {
    super('RUN_TIMEOUT', `the container ran longer than ${timeoutMs} ms and was killed and removed`, {
      exitCode: EXIT_TIMEOUT,
    });
    this.name = 'RunTimeoutError';
    this.timeoutMs = timeoutMs;
    this.partial = partial;
  }
}

export class RunAbortedError extends DockerError {
  readonly partial: PartialOutput;

  constructor(partial: PartialOutput) {
    super('ABORTED', 'the run was interrupted; its container was killed and removed', {
      exitCode: EXIT_ABORTED,
    });
    this.name = 'RunAbortedError';
    this.partial = partial;
  }
}

function lastLines(text: string, count: number): string {
  const lines = text.trimEnd().split('\n');
  return lines.slice(-count).join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  | ${line}`)
    .join('\n');
}

/** The message of whatever was thrown, for wrapping engine errors. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const json = (error as { json?: { message?: unknown } }).json;
    if (json && typeof json.message === 'string') return json.message;
    return error.message;
  }
  return String(error);
}

/** The HTTP status an engine API error carries (dockerode puts it on `statusCode`). */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
