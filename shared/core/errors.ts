/**
 * Error codes the credential core can raise. A stable union lets callers (the CLI, the HTTP
 * error mapper) branch on `code` instead of parsing messages.
 */
export const ERROR_CODES = [
  'INPUT_TOO_LARGE',
  'INPUT_TOO_DEEP',
  'INPUT_MALFORMED',
  'UNSUPPORTED_FORMAT',
  'FETCH_REFUSED',
  'FETCH_FAILED',
  'FETCH_TIMEOUT',
  'FETCH_TOO_LARGE',
  'KEY_NOT_FOUND',
  'KEY_UNSUPPORTED',
  'DID_UNSUPPORTED',
  'CONTEXT_UNKNOWN',
  'SIGNING_FAILED',
  'BUILD_INVALID',
  'STATUS_LIST_INVALID',
  'CONFIG_INVALID',
  // A verification hit one of its work limits (values, array entries, terms, time,
  // canonicalization work): see verify/work-budget.ts.
  'WORK_BUDGET_EXCEEDED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * The one error type of the credential core.
 *
 * @example
 * throw new CredstackError('KEY_NOT_FOUND', `no key ${kid} in the issuer's JWKS`);
 */
export class CredstackError extends Error {
  override readonly name = 'CredstackError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True when `error` is a {@link CredstackError}, optionally with the given code. */
export function isCredstackError(error: unknown, code?: ErrorCode): error is CredstackError {
  return error instanceof CredstackError && (code === undefined || error.code === code);
}

/** A message fit for a report line, whatever was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
