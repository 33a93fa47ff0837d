import { noteDiagnostic } from './diagnostics.ts';

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
  // canonicalization work): see credentials/verify/work-budget.ts.
  'WORK_BUDGET_EXCEEDED',
  // A part of the service loaded on first need (a code chunk of a Lambda bundle) could not be
  // loaded: the request is not served, and a later one tries the load again.
  'PART_UNAVAILABLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One offending part of an input: a JSON pointer into it and what is wrong there. */
export interface ErrorField {
  readonly pointer: string;
  readonly detail: string;
}

export interface CredstackErrorOptions {
  readonly cause?: unknown;
  /**
   * JSON pointer into the input of the call that failed (the builder's input, a search
   * query) when one part of it is at fault; `''` names the input as a whole.
   */
  readonly pointer?: string;
  /** Every offending part; defaults to none. */
  readonly fields?: readonly ErrorField[];
  /** The HTTP status another server answered, on a FETCH_FAILED for a non-2xx answer. */
  readonly httpStatus?: number;
}

/**
 * The one error type of the credential core. It carries what a caller needs to answer
 * without reading the message: a stable `code`, the `pointer` of the part of the input at
 * fault and the offending `fields`.
 *
 * @example
 * throw new CredstackError('KEY_NOT_FOUND', `no key ${kid} in the issuer's JWKS`);
 * throw new CredstackError('BUILD_INVALID', '/achievement/name: is required', {
 *   pointer: '/achievement/name',
 *   fields: [{ pointer: '/achievement/name', detail: 'is required' }],
 * });
 */
export class CredstackError extends Error {
  override readonly name = 'CredstackError';
  readonly code: ErrorCode;
  readonly pointer?: string;
  readonly fields: readonly ErrorField[];
  readonly httpStatus?: number;

  constructor(code: ErrorCode, message: string, options?: CredstackErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options?.pointer !== undefined) this.pointer = options.pointer;
    if (options?.httpStatus !== undefined) this.httpStatus = options.httpStatus;
    this.fields = options?.fields ?? [];
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

// Failures of documents that were fetched but are wrong: their messages are about the document
// (a missing key, a malformed list) and written by the core itself, so a report may show them.
const DOCUMENT_CODES: ReadonlySet<ErrorCode> = new Set([
  'INPUT_TOO_LARGE',
  'INPUT_TOO_DEEP',
  'INPUT_MALFORMED',
  'UNSUPPORTED_FORMAT',
  'KEY_NOT_FOUND',
  'KEY_UNSUPPORTED',
  'DID_UNSUPPORTED',
  'CONTEXT_UNKNOWN',
  'STATUS_LIST_INVALID',
]);

/**
 * A failure to obtain `subject` (`'the key'`, `'the status list'`) phrased for a public
 * verification report. A report is shown to anyone, so a fetch that failed says only that it
 * could not be fetched (with the HTTP status, or that it timed out, was too large or was
 * refused), never the socket error behind it (`connect ECONNREFUSED 10.0.0.7:443`), and a
 * failure that is not the document's fault (the service's own store, a bug) says the same;
 * the detail goes to the log with the request's correlation id (diagnostics.ts). A document that was fetched but is wrong is described
 * by `describe(message)`, its message being the core's own.
 *
 * @example
 * reportReason(error, 'the key', (message) => `the signing key could not be obtained: ${message}`);
 * // 'the key could not be fetched (HTTP 404)'
 */
export function reportReason(
  error: unknown,
  subject: string,
  describe: (message: string) => string,
): string {
  if (error instanceof CredstackError && DOCUMENT_CODES.has(error.code))
    return describe(error.message);
  const fetchFailed = `${subject} could not be fetched`;
  noteDiagnostic(fetchFailed, error);
  if (!(error instanceof CredstackError)) return fetchFailed;
  switch (error.code) {
    case 'FETCH_TIMEOUT':
      return `${fetchFailed} (it took too long)`;
    case 'FETCH_TOO_LARGE':
      return `${fetchFailed} (the response is too large)`;
    case 'FETCH_REFUSED':
      return `${fetchFailed} (its address is not one this verifier may reach)`;
    default:
      return error.httpStatus === undefined
        ? fetchFailed
        : `${fetchFailed} (HTTP ${error.httpStatus})`;
  }
}
