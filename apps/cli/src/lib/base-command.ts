import { Command, Errors } from '@oclif/core';

/** Exit codes mirror `docker run`: 125 tool error, 126 cannot invoke, 127 not found. */
export const EXIT_TOOL_ERROR = 125;

/** An error a library raised on purpose: it has a stable `code` and a message meant for users. */
interface TypedError extends Error {
  code: string;
  exitCode?: number;
  /** Where in the input the error is, when the library says (binfmt's parser does). */
  field?: string;
  rule?: string;
  column?: number;
  line?: number;
}

/** The JSON form of a typed error: code and message, and where it is when the library says. */
export function errorJson(error: TypedError): Record<string, string | number> {
  const json: Record<string, string | number> = { code: error.code, message: error.message };
  for (const key of ['field', 'rule', 'column', 'line'] as const) {
    const value = error[key];
    if (typeof value === 'string' || typeof value === 'number') json[key] = value;
  }
  return json;
}

function isTypedError(error: unknown): error is TypedError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

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
      this.logToStderr(`arm64kit: ${error.message}`);
      this.exit(exit);
    }
    return super.catch(error);
  }
}
