/** An error a library raised on purpose: it has a stable `code` and a message meant for users. */
export interface TypedError extends Error {
  code: string;
  exitCode?: number;
}

export function isTypedError(error: unknown): error is TypedError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

/** The one line a typed error becomes on stderr. */
export function typedErrorLine(error: TypedError): string {
  return `arm64kit: ${error.message}`;
}
