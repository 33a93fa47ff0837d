/**
 * Errors of the service layer. Use cases throw these; the HTTP layer maps every code (these
 * and the credential core's) to an RFC 9457 problem type and status in exactly one place
 * (functions/http/problem.ts), so a handler never chooses a status code itself.
 */
export const SERVICE_ERROR_CODES = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'IDEMPOTENCY_MISMATCH',
  'PAYLOAD_TOO_LARGE',
  'UNAVAILABLE',
] as const;

export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];

/** One offending field of a request: a JSON pointer into the body and what is wrong. */
export interface FieldProblem {
  readonly pointer: string;
  readonly detail: string;
}

/**
 * A failure the caller can act on. `pointer` names the part of the request at fault when the
 * message is about that one part (a JSON pointer into the body, the message then reading
 * `pointer: detail`); `fields` lists every offending part.
 *
 * @example
 * throw new ServiceError('NOT_FOUND', `no achievement ${id} for issuer ${issuerId}`);
 * throw new ServiceError('VALIDATION', '/definition/name: is required', {
 *   fields: [{ pointer: '/definition/name', detail: 'is required' }],
 * });
 */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  readonly code: ServiceErrorCode;
  readonly pointer?: string;
  readonly fields: readonly FieldProblem[];

  constructor(
    code: ServiceErrorCode,
    message: string,
    options?: { cause?: unknown; pointer?: string; fields?: readonly FieldProblem[] },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.fields = options?.fields ?? [];
    if (options?.pointer !== undefined) this.pointer = options.pointer;
  }
}
