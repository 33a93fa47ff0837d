import type { ErrorObject } from 'ajv';
import {
  SERVICE_ERROR_STATUS,
  ServiceError,
  type ServiceErrorCode,
} from '#shared/service/errors.ts';

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

const SERVICE_TITLES: Readonly<Record<ServiceErrorCode, string>> = {
  VALIDATION: 'Invalid request',
  UNAUTHENTICATED: 'Unauthenticated',
  FORBIDDEN: 'Forbidden',
  NOT_FOUND: 'Not found',
  CONFLICT: 'Conflict',
  IDEMPOTENCY_MISMATCH: 'Idempotency key reused for a different request',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  UNAVAILABLE: 'Service unavailable',
};

/** Problem type URI of a service error code: `urn:credstack:problem:not-found`. */
function problemType(name: string): string {
  return `urn:credstack:problem:${name.toLowerCase().replaceAll('_', '-')}`;
}

const INTERNAL_DETAIL =
  'The request could not be processed. Quote the x-correlation-id response header when reporting this.';

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
 * Maps anything thrown while serving a request to its problem response: a ServiceError to
 * its code's status (UNAVAILABLE: 503 with `Retry-After`), a validation error to 400 with its
 * fields, an HttpError to its status, and anything else to a 500 whose detail says nothing
 * about the error.
 *
 * @example
 * const { status, headers, body } = problemFor(error, { instance: event.rawPath });
 */
export function problemFor(error: unknown, options: ProblemOptions): ProblemResponse {
  if (error instanceof ServiceError) {
    return problem(
      SERVICE_ERROR_STATUS[error.code],
      problemType(error.code),
      SERVICE_TITLES[error.code],
      error.message,
      options,
      {
        errors: error.fields,
        // Every 503 is a passing condition (an outage, throttling): say when to come back.
        ...(error.code === 'UNAVAILABLE'
          ? { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } }
          : {}),
      },
    );
  }
  if (error instanceof RequestValidationError) {
    return problem(
      400,
      problemType('VALIDATION'),
      SERVICE_TITLES.VALIDATION,
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
      SERVICE_TITLES.VALIDATION,
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
