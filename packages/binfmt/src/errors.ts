/** The part of a registration (or file) an error is about. */
export type BinfmtField =
  | 'line'
  | 'delimiter'
  | 'name'
  | 'type'
  | 'offset'
  | 'magic'
  | 'mask'
  | 'extension'
  | 'interpreter'
  | 'flags'
  | 'status'
  | 'entry'
  | 'preset'
  | 'host';

export interface BinfmtErrorDetails {
  /** The field the problem is in, when there is one. */
  field?: BinfmtField;
  /** A stable, machine-readable name for the rule that was broken, e.g. `mask-length`. */
  rule?: string;
  /** 1-based column in the input (characters for strings, bytes for byte input). */
  column?: number;
  /** 1-based line number, for multi-line inputs (status files, systemd and Debian files). */
  line?: number;
  /** Process exit code a CLI should use for this error. */
  exitCode?: number;
  cause?: unknown;
}

/**
 * Every failure in @arm64kit/binfmt. `code` is the errno name the kernel would give
 * (EINVAL, EEXIST, ENAMETOOLONG, ENOENT, EPERM...) or a library-specific code
 * (EBADSTATUS, EBADFORMAT, ENOPRESET, ENOTMOUNTED, EILSEQ, ERESTORE).
 */
export class BinfmtError extends Error {
  readonly code: string;
  readonly field?: BinfmtField;
  readonly rule?: string;
  readonly column?: number;
  readonly line?: number;
  readonly exitCode?: number;

  constructor(code: string, message: string, details: BinfmtErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'BinfmtError';
    this.code = code;
    this.field = details.field;
    this.rule = details.rule;
    this.column = details.column;
    this.line = details.line;
    this.exitCode = details.exitCode;
  }
}

export function isBinfmtError(error: unknown): error is BinfmtError {
  return error instanceof BinfmtError;
}
