/** An error a library raised on purpose: it has a stable `code` and a message meant for users. */
export interface TypedError extends Error {
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

export function isTypedError(error: unknown): error is TypedError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

/** The one line a typed error becomes on stderr. */
export function typedErrorLine(error: TypedError): string {
  return `arm64kit: ${error.message}`;
}
