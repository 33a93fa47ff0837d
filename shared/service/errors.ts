/**
 * Errors of the service layer. Use cases throw these; the HTTP layer maps them to RFC 9457
 * problem+json in exactly one place (functions/http/problem.ts), so a handler never chooses a
 * status code itself.
 */
export const SERVICE_ERROR_STATUS = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  IDEMPOTENCY_MISMATCH: 422,
  PAYLOAD_TOO_LARGE: 413,
  UNAVAILABLE: 503,
} as const;

export type ServiceErrorCode = keyof typeof SERVICE_ERROR_STATUS;

/** One offending field of a request: a JSON pointer into the body and what is wrong. */
export interface FieldProblem {
  readonly pointer: string;
  readonly detail: string;
}

/**
 * A failure the caller can act on.
 *
 * @example
 * throw new ServiceError('NOT_FOUND', `no achievement ${id} for issuer ${issuerId}`);
 */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  readonly code: ServiceErrorCode;
  readonly fields: readonly FieldProblem[];

  constructor(
    code: ServiceErrorCode,
    message: string,
    options?: { cause?: unknown; fields?: readonly FieldProblem[] },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.fields = options?.fields ?? [];
  }
}
