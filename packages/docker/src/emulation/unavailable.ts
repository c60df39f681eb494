import { DockerError } from '../errors.js';

/** Emulation cannot be set up (or put back) the way asked. */
export function unavailable(message: string, cause?: unknown): DockerError {
  return new DockerError('EMULATION_UNAVAILABLE', message, { cause });
}
