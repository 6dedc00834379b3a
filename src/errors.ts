/**
 * The one error table of luckyfive: each code has an exit code (CLI), an HTTP status (`serve`)
 * and a default message. Core code throws {@link LuckyError} with a code and `path: problem`
 * details; only `src/cli/main.ts` turns it into an exit code and only the server's error
 * handler turns it into a response. The README's table is checked against this one by a test.
 */
export const ERROR_TABLE = {
  E_INTERNAL: { exit: 1, http: 500, message: 'internal error' },
  E_USAGE: { exit: 2, http: 400, message: 'invalid command line' },
  E_INPUT_INVALID: { exit: 2, http: 400, message: 'invalid input' },
  E_RECIPE_INVALID: { exit: 2, http: 400, message: 'invalid recipe' },
  E_RANGE_INVALID: { exit: 2, http: 400, message: 'invalid contest range' },
  E_NOT_FOUND: { exit: 3, http: 404, message: 'not found' },
  E_DATA_INVALID: { exit: 4, http: 422, message: 'bad or unreadable data' },
  E_DATA_MISSING: { exit: 4, http: 409, message: 'required data is missing' },
  E_CONFLICT: { exit: 4, http: 409, message: 'conflicts with stored data' },
  E_BUDGET_EXCEEDED: { exit: 4, http: 409, message: 'would overspend an active budget' },
  E_BOOKS_UNSOUND: { exit: 4, http: 409, message: 'the books do not balance' },
  E_SCHEMA_TOO_NEW: { exit: 4, http: 500, message: 'database was written by a newer luckyfive' },
  E_BUSY: { exit: 5, http: 409, message: 'busy or locked by another process' },
  E_CELLS_FAILED: { exit: 6, http: 500, message: 'completed with failed cells' },
  E_UNAUTHORIZED: { exit: 7, http: 401, message: 'authentication required' },
  E_FORBIDDEN: { exit: 7, http: 403, message: 'not allowed for this role' },
  E_RATE_LIMITED: { exit: 5, http: 429, message: 'too many requests' },
  E_PAYLOAD_TOO_LARGE: { exit: 2, http: 413, message: 'request body too large' },
  E_NOT_CONFIGURED: { exit: 2, http: 501, message: 'not configured on this server' },
  E_INTERRUPTED: { exit: 130, http: 503, message: 'interrupted' },
  E_DISK_FULL: { exit: 8, http: 507, message: 'the disk is full' },
  E_QUEUE_DOWN: { exit: 9, http: 503, message: 'the run queue (Redis) is unreachable' },
} as const satisfies Record<string, { exit: number; http: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_TABLE;

/** The one error class: a code from {@link ERROR_TABLE}, a message and `path: problem` details. */
export class LuckyError extends Error {
  readonly code: ErrorCode;
  readonly details: string[];

  constructor(code: ErrorCode, message?: string, details: string[] = [], options?: { cause?: unknown }) {
    super(message ?? ERROR_TABLE[code].message, options);
    this.name = 'LuckyError';
    this.code = code;
    this.details = details;
  }

  get exitCode(): number {
    return ERROR_TABLE[this.code].exit;
  }

  get httpStatus(): number {
    return ERROR_TABLE[this.code].http;
  }
}

export function isLuckyError(e: unknown): e is LuckyError {
  return e instanceof LuckyError;
}

/** Formats zod-like issues as `path: problem` lines. */
export function formatIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string[] {
  return issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`);
}
