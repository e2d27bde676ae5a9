/** An error answer of the API: `{ error: { code, message, details? } }` with its HTTP status. */
export class ApiError extends Error {
  constructor(
    /** The HTTP status, e.g. 404. */
    readonly status: number,
    /** The error code, e.g. `not_found` (`http_error` when the body carried none). */
    readonly code: string,
    message: string,
    /** The error's details, e.g. `{ issues: [{ path, message }] }` for `invalid_input`. */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorAnswer {
  error?: { code?: string; message?: string; details?: unknown };
}

/** The {@link ApiError} of an error answer `res` whose body is `text`, from its JSON when it has one. */
export function apiErrorOf(res: Response, text: string): ApiError {
  let err: ErrorAnswer['error'];
  try {
    err = (JSON.parse(text) as ErrorAnswer | null)?.error;
  } catch {
    err = undefined;
  }
  return new ApiError(
    res.status,
    err?.code ?? 'http_error',
    err?.message ?? res.statusText,
    err?.details,
  );
}
