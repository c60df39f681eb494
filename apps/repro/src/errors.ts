/** Why a repro could not run; the CLI prints the message and exits with `exitCode`. */
export type ReproErrorCode = 'PROGRAMS_MISSING' | 'BACKEND_UNAVAILABLE' | 'BAD_INPUT' | 'BACKEND_FAILED';

/**
 * A repro error: the backend could not run (exit 125, like `docker run`'s tool errors).
 * It never means the scenario misbehaved; that is a verdict in the report, not an error.
 */
export class ReproError extends Error {
  readonly exitCode = 125;
  constructor(
    readonly code: ReproErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ReproError';
  }
}
