import type { ErrorObject } from 'ajv';
import { CredstackError, type ErrorCode } from '#shared/core/errors.ts';
import { ServiceError, type ServiceErrorCode } from '#shared/domain/errors.ts';

/**
 * The one place where errors become HTTP responses: RFC 9457 problem details
 * (`application/problem+json`). Handlers and middleware throw; only this module picks a
 * status, and an unknown error never shows its message or stack to the caller.
 */

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * One offending part of a request: `pointer` (a JSON pointer into the body) for body fields,
 * `parameter` (its name) for path and query parameters.
 */
export interface ProblemField {
  readonly pointer?: string;
  readonly parameter?: string;
  readonly detail: string;
}

/** An RFC 9457 problem details object. */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly errors?: readonly ProblemField[];
}

/**
 * A protocol-level refusal that is not a use-case failure (405, 415): a status, a fixed
 * title and the headers the status calls for (`Allow`, `Accept`).
 *
 * @example
 * throw new HttpError(405, 'Method not allowed', 'POST is not allowed here', { allow: 'GET' });
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  readonly title: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    title: string,
    detail: string,
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.status = status;
    this.title = title;
    this.headers = headers;
  }
}

/**
 * A request that does not match its route's schemas; answered 400 with one entry per field.
 *
 * @example
 * throw new RequestValidationError('the request body is invalid', [{ pointer: '/name', detail: 'is required' }]);
 */
export class RequestValidationError extends Error {
  override readonly name = 'RequestValidationError';
  readonly fields: readonly ProblemField[];

  constructor(message: string, fields: readonly ProblemField[]) {
    super(message);
    this.fields = fields;
  }
}

const INTERNAL_DETAIL =
  'The request could not be processed. Quote the x-correlation-id response header when reporting this.';

/** Every code an error of the service can carry: the use cases' and the credential core's. */
export type ProblemCode = ServiceErrorCode | ErrorCode;

/** How one error code is answered. */
export interface ProblemKind {
  readonly status: number;
  readonly title: string;
  /**
   * The problem's `detail` in place of the error's message. Messages of failures whose inside
   * the caller must not see (a fetch's socket error, a misconfiguration) stay in the log; the
   * answer says only what kind of failure it was. Absent: the message is the detail.
   */
  readonly detail?: string;
}

/**
 * The one mapping from error codes to problems: every ServiceError code and every
 * CredstackError code has its status and title here, so an error that no handler translated
 * still answers what it is instead of a 500. Only the genuinely internal codes (a signing
 * failure, a broken configuration) are 500s. The problem type is derived from the code
 * ({@link problemType}); a 500 answers with the `internal` type whatever its code.
 */
export const PROBLEM_KINDS: Readonly<Record<ProblemCode, ProblemKind>> = {
  // The use cases' codes.
  VALIDATION: { status: 400, title: 'Invalid request' },
  UNAUTHENTICATED: { status: 401, title: 'Unauthenticated' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  CONFLICT: { status: 409, title: 'Conflict' },
  IDEMPOTENCY_MISMATCH: {
    status: 422,
    title: 'Idempotency key reused for a different request',
  },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  UNAVAILABLE: { status: 503, title: 'Service unavailable' },
  // The credential core's codes. Input the caller sent that the core refuses: 400 (malformed),
  // 413 (beyond a size limit), 422 (well-formed but not something the core can process).
  INPUT_TOO_LARGE: { status: 413, title: 'Input too large' },
  INPUT_TOO_DEEP: { status: 400, title: 'Input nested too deeply' },
  INPUT_MALFORMED: { status: 400, title: 'Malformed input' },
  UNSUPPORTED_FORMAT: { status: 422, title: 'Unsupported format' },
  BUILD_INVALID: { status: 400, title: 'Invalid credential input' },
  KEY_NOT_FOUND: { status: 422, title: 'Key not found' },
  KEY_UNSUPPORTED: { status: 422, title: 'Unsupported key' },
  DID_UNSUPPORTED: { status: 422, title: 'Unsupported DID' },
  CONTEXT_UNKNOWN: { status: 422, title: 'Unknown JSON-LD context' },
  WORK_BUDGET_EXCEEDED: { status: 422, title: 'Too costly to process' },
  // A document named by the input could not be had from elsewhere: the other server's fault.
  FETCH_REFUSED: {
    status: 422,
    title: 'Address not allowed',
    detail: 'The request names a document at an address this service may not fetch.',
  },
  FETCH_FAILED: {
    status: 502,
    title: 'Fetch failed',
    detail: 'A document the request depends on could not be fetched from its server.',
  },
  FETCH_TIMEOUT: {
    status: 504,
    title: 'Fetch timed out',
    detail: 'A document the request depends on took too long to fetch.',
  },
  FETCH_TOO_LARGE: {
    status: 502,
    title: 'Fetched document too large',
    detail: 'A document the request depends on is larger than this service reads.',
  },
  STATUS_LIST_INVALID: { status: 502, title: 'Invalid status list' },
  // A part of the function loaded on first need did not load: passing, like an outage.
  PART_UNAVAILABLE: {
    status: 503,
    title: 'Service unavailable',
    detail: 'A part of the service this request needs could not be loaded; retry later.',
  },
  // Genuinely internal: the service's own keys or configuration failed.
  SIGNING_FAILED: { status: 500, title: 'Internal server error', detail: INTERNAL_DETAIL },
  CONFIG_INVALID: { status: 500, title: 'Internal server error', detail: INTERNAL_DETAIL },
};

/**
 * Problem type URI of an error code: `urn:credstack:problem:not-found`.
 *
 * @example
 * problemType('FETCH_TIMEOUT'); // 'urn:credstack:problem:fetch-timeout'
 */
export function problemType(name: string): string {
  return `urn:credstack:problem:${name.toLowerCase().replaceAll('_', '-')}`;
}

/**
 * Seconds a client should wait before retrying a 503 (`Retry-After`, RFC 9110 §10.2.3): the
 * store's outages the service reports (throttling, a refused connection, a DynamoDB 5xx) are
 * ones the SDK already retried for about a second, so asking for a few more is honest.
 */
export const RETRY_AFTER_SECONDS = 5;

/** Most field entries a 400 lists; a hostile body could otherwise make the answer huge. */
export const MAX_PROBLEM_FIELDS = 50;

function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

function fieldDetail(error: ErrorObject): string {
  switch (error.keyword) {
    case 'required':
    case 'dependentRequired':
      return 'is required';
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return 'is not allowed';
    case 'enum':
      return `must be one of ${JSON.stringify(error.params.allowedValues)}`;
    default:
      return error.message ?? `fails ${error.keyword}`;
  }
}

/**
 * JSON pointers and details of Ajv errors; a missing or unexpected property is pointed at
 * itself rather than at the object that lacks or holds it.
 *
 * @example
 * ajvErrorsToFields(validate.errors ?? []); // [{ pointer: '/name', detail: 'is required' }]
 */
export function ajvErrorsToFields(
  errors: readonly ErrorObject[],
): { readonly pointer: string; readonly detail: string }[] {
  const seen = new Set<string>();
  const fields: { pointer: string; detail: string }[] = [];
  for (const error of errors) {
    const params = error.params as Record<string, unknown>;
    const child =
      params.missingProperty ??
      params.additionalProperty ??
      params.unevaluatedProperty ??
      params.propertyName;
    const pointer =
      typeof child === 'string'
        ? `${error.instancePath}/${escapePointerToken(child)}`
        : error.instancePath;
    const detail = fieldDetail(error);
    const key = `${pointer}\u0000${detail}`;
    if (seen.has(key)) continue;
    seen.add(key);
    fields.push({ pointer, detail });
    if (fields.length === MAX_PROBLEM_FIELDS) break;
  }
  return fields;
}

function isAjvValidationError(error: unknown): error is Error & { errors: ErrorObject[] } {
  return (
    error instanceof Error &&
    (error as { ajv?: unknown }).ajv === true &&
    Array.isArray((error as { errors?: unknown }).errors)
  );
}

/** A mapped error, ready to be serialised. */
export interface ProblemResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: ProblemDocument;
  /** True when the error was not one the service raises on purpose: log it, it is a bug. */
  readonly unexpected: boolean;
  /**
   * True when the log line should carry the error and its cause (a 500, or a 503 whose cause —
   * a refused connection, a DynamoDB message — the caller is never shown).
   */
  readonly logCause: boolean;
}

export interface ProblemOptions {
  /** The request path, reported as the problem's `instance`. */
  readonly instance: string;
  /** `WWW-Authenticate` value for a 401 (RFC 6750); `Bearer` when not given. */
  readonly challenge?: string;
}

function problem(
  status: number,
  type: string,
  title: string,
  detail: string,
  options: ProblemOptions,
  extra: { headers?: Readonly<Record<string, string>>; errors?: readonly ProblemField[] } = {},
): ProblemResponse {
  const headers: Record<string, string> = { 'content-type': PROBLEM_CONTENT_TYPE };
  for (const [name, value] of Object.entries(extra.headers ?? {}))
    headers[name.toLowerCase()] = value;
  if (status === 401) headers['www-authenticate'] = options.challenge ?? 'Bearer';
  const body: ProblemDocument = {
    type,
    title,
    status,
    detail,
    instance: options.instance,
    ...(extra.errors !== undefined && extra.errors.length > 0
      ? { errors: extra.errors.slice(0, MAX_PROBLEM_FIELDS) }
      : {}),
  };
  return { status, headers, body, unexpected: false, logCause: status >= 500 };
}

/**
 * Maps anything thrown while serving a request to its problem response: a ServiceError or a
 * CredstackError to its code's problem ({@link PROBLEM_KINDS}; a 503 with `Retry-After`),
 * its fields as the problem's `errors`, a validation error to 400 with its
 * fields, an HttpError to its status, and anything else to a 500 whose detail says nothing
 * about the error.
 *
 * @example
 * const { status, headers, body } = problemFor(error, { instance: event.rawPath });
 */
export function problemFor(error: unknown, options: ProblemOptions): ProblemResponse {
  if (error instanceof ServiceError || error instanceof CredstackError) {
    const kind = PROBLEM_KINDS[error.code];
    // An internal failure's answer does not tell which one it was.
    const internal = kind.status === 500;
    const mapped = problem(
      kind.status,
      problemType(internal ? 'INTERNAL' : error.code),
      kind.title,
      kind.detail ?? error.message,
      options,
      {
        errors: error.fields,
        // Every 503 is a passing condition (an outage, throttling): say when to come back.
        ...(kind.status === 503 ? { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } } : {}),
      },
    );
    // A 500 here is still a failure the service did not mean to have: log it as one.
    return internal ? { ...mapped, unexpected: true } : mapped;
  }
  if (error instanceof RequestValidationError) {
    return problem(
      400,
      problemType('VALIDATION'),
      PROBLEM_KINDS.VALIDATION.title,
      error.message,
      options,
      {
        errors: error.fields,
      },
    );
  }
  if (isAjvValidationError(error)) {
    return problem(
      400,
      problemType('VALIDATION'),
      PROBLEM_KINDS.VALIDATION.title,
      'the request is invalid',
      options,
      { errors: ajvErrorsToFields(error.errors) },
    );
  }
  if (error instanceof HttpError) {
    const name = error.title.toUpperCase().replaceAll(' ', '_');
    return problem(error.status, problemType(name), error.title, error.message, options, {
      headers: error.headers,
    });
  }
  return {
    ...problem(500, problemType('INTERNAL'), 'Internal server error', INTERNAL_DETAIL, options),
    unexpected: true,
  };
}

/** JSON Schema of a problem document, for the OpenAPI components. */
export const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details.',
  required: ['type', 'title', 'status', 'detail', 'instance'],
  properties: {
    type: { type: 'string', format: 'uri-reference' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 100, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['detail'],
        properties: {
          pointer: { type: 'string', description: 'JSON pointer into the request body.' },
          parameter: { type: 'string', description: 'Name of the path or query parameter.' },
          detail: { type: 'string' },
        },
      },
    },
  },
} as const;
