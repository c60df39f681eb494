import { Command, Errors } from '@oclif/core';
import { errorJson, isTypedError, typedErrorLine } from './typed-error.js';

/** Exit codes mirror `docker run`: 125 tool error, 126 cannot invoke, 127 not found. */
export const EXIT_TOOL_ERROR = 125;

/**
 * Base for every arm64kit command: data goes to stdout (or `--json`), messages to stderr,
 * and a typed library error becomes one clear line and an exit code, never a stack trace.
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  /** Writes a progress or status message to stderr, never into data output. */
  protected note(message: string): void {
    if (!this.jsonEnabled()) process.stderr.write(`${message}\n`);
  }

  /** Fails with one line when the command needs root and is not run as root. */
  protected requireRoot(action: string): void {
    if (process.getuid?.() !== 0) {
      // A typed error, so catch() prints it as one line (oclif's own error adds a "Code:" line).
      throw Object.assign(new Error(`${action} needs root: run it as root or with sudo`), {
        code: 'EPERM',
        exitCode: 1,
      });
    }
  }

  protected override async catch(
    error: Error & { exitCode?: number; oclif?: { exit?: number } },
  ): Promise<unknown> {
    if (error instanceof Errors.ExitError || error.oclif?.exit !== undefined) throw error;
    if (isTypedError(error)) {
      const exit = error.exitCode ?? 1;
      if (this.jsonEnabled()) {
        this.logJson({ error: errorJson(error) });
        this.exit(exit);
      }
      this.logToStderr(typedErrorLine(error));
      this.exit(exit);
    }
    return super.catch(error);
  }
}
