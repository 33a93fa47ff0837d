import { randomUUID } from 'node:crypto';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type Logger, structuredLogger } from '../observability.ts';
import { openRequestState, requestState } from './request-state.ts';

/**
 * Correlation ids and the one structured log line per request. The line carries method,
 * route template, status, duration and correlation id; never headers, tokens or bodies.
 */

export type HttpMiddleware = MiddlewareObj<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2
>;
type HttpMiddyRequest = Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

export type { Logger } from '../observability.ts';

/** The entry written for every request (a type alias, so it is a `Record` for {@link Logger}). */
export type RequestLogLine = {
  readonly level: 'info' | 'error';
  readonly message: 'request';
  readonly method: string;
  /** The matched path template, or null when no route matched. */
  readonly route: string | null;
  readonly status: number;
  readonly durationMs: number;
  readonly correlationId: string;
  /**
   * Only for a 5xx: what the error was (for a 503, also its cause: the refused connection or
   * the store's message the response does not show), for whoever operates this.
   */
  readonly error?: {
    readonly name: string;
    readonly message: string;
    readonly stack?: string;
    readonly cause?: string;
  };
};

/**
 * The default logger of the HTTP layer: the process's structured logger, one line of JSON per
 * entry (CloudWatch parses it as is), with the service name and, in Lambda, the
 * function's context.
 *
 * @example
 * const logger = createJsonLogger();
 */
export function createJsonLogger(): Logger {
  return structuredLogger();
}

export const CORRELATION_HEADER = 'x-correlation-id';

// A caller-chosen id goes into logs and a response header: only a short, plain token is taken.
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The correlation id of a request: the caller's `x-correlation-id` when it is a plain token of
 * at most 128 characters, else API Gateway's request id, else a fresh UUID.
 *
 * @example
 * correlationIdOf(event); // 'c0ffee-…'
 */
export function correlationIdOf(event: APIGatewayProxyEventV2): string {
  const given = event.headers?.[CORRELATION_HEADER];
  if (given !== undefined && CORRELATION_ID.test(given)) return given;
  const requestId = event.requestContext?.requestId;
  if (requestId !== undefined && CORRELATION_ID.test(requestId)) return requestId;
  return randomUUID();
}

function lowerCaseHeaders(
  headers: APIGatewayProxyEventV2['headers'] | undefined,
): Record<string, string> {
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (value !== undefined) lower[name.toLowerCase()] = value;
  return lower;
}

function stampResponse(request: HttpMiddyRequest): void {
  const response = request.response;
  if (response === undefined || response === null) return;
  const { correlationId } = requestState(request.event);
  request.response = {
    ...response,
    headers: {
      ...response.headers,
      [CORRELATION_HEADER]: correlationId,
      'x-content-type-options': 'nosniff',
    },
  };
}

/**
 * First in the chain: opens the request state with its correlation id and start time, and
 * stamps the id on every response, errors included.
 *
 * @example
 * middy(handler).use(correlationId());
 */
export function correlationId(
  now: () => number = performance.now.bind(performance),
): HttpMiddleware {
  return {
    before: (request) => {
      // A copy, so concurrent invocations with one event object keep separate states; header
      // names in lower case, as API Gateway sends them, whoever built the event.
      request.event = { ...request.event, headers: lowerCaseHeaders(request.event.headers) };
      openRequestState(request.event, {
        startedAt: now(),
        correlationId: correlationIdOf(request.event),
      });
    },
    after: stampResponse,
    onError: stampResponse,
  };
}

function describeUnexpected(error: unknown): NonNullable<RequestLogLine['error']> {
  if (error instanceof Error) {
    const cause = error.cause;
    return {
      name: error.name,
      message: error.message,
      ...(error.stack === undefined ? {} : { stack: error.stack }),
      ...(cause === undefined
        ? {}
        : { cause: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause) }),
    };
  }
  return { name: typeof error, message: String(error) };
}

/**
 * Writes the request's log line once its response is known (after the error mapper for
 * failures, which it must therefore precede in the chain).
 *
 * @example
 * middy(handler).use(correlationId()).use(requestLogger(logger)).use(errorHandler());
 */
export function requestLogger(
  logger: Logger,
  now: () => number = performance.now.bind(performance),
): HttpMiddleware {
  const write = (request: HttpMiddyRequest) => {
    const state = requestState(request.event);
    const status = request.response?.statusCode ?? 500;
    const line: RequestLogLine = {
      level: status >= 500 ? 'error' : 'info',
      message: 'request',
      method: request.event.requestContext?.http?.method ?? 'UNKNOWN',
      route: state.route?.definition.path ?? null,
      status,
      durationMs: Math.round((now() - state.startedAt) * 1000) / 1000,
      correlationId: state.correlationId,
      ...(state.unexpected === undefined ? {} : { error: describeUnexpected(state.unexpected) }),
    };
    logger.log(line);
  };
  return { after: write, onError: write };
}
