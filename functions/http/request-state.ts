import type { ValidateFunction } from 'ajv';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Principal } from '#shared/domain/principal.ts';
import type { RouteDefinition } from './route.ts';

/**
 * What the middleware chain learns about one request, handed from step to step. It is kept
 * beside the event (keyed by the event object) so the event API Gateway sent stays as sent.
 */

/** A route with its validators, compiled once when the handler is created. */
export interface CompiledRoute {
  readonly definition: RouteDefinition;
  readonly validateBody?: ValidateFunction;
  readonly validateQuery?: ValidateFunction;
}

export interface RequestState {
  readonly startedAt: number;
  readonly correlationId: string;
  route?: CompiledRoute;
  pathParams: Readonly<Record<string, string>>;
  query: Readonly<Record<string, unknown>>;
  body: unknown;
  rawBody?: string;
  principal?: Principal;
  /** `WWW-Authenticate` challenge for a 401, set by authentication. */
  challenge?: string;
  /** The error behind a 5xx, kept for the log line only. */
  unexpected?: unknown;
}

const states = new WeakMap<APIGatewayProxyEventV2, RequestState>();

/**
 * Starts the state of a request.
 *
 * @example
 * openRequestState(event, { startedAt: performance.now(), correlationId });
 */
export function openRequestState(
  event: APIGatewayProxyEventV2,
  start: { readonly startedAt: number; readonly correlationId: string },
): RequestState {
  const state: RequestState = { ...start, pathParams: {}, query: {}, body: undefined };
  states.set(event, state);
  return state;
}

/**
 * The state of a request whose chain has started; throws if the chain was assembled without
 * the correlation step (a wiring bug).
 *
 * @example
 * const { correlationId } = requestState(request.event);
 */
export function requestState(event: APIGatewayProxyEventV2): RequestState {
  const state = states.get(event);
  if (state === undefined) throw new Error('the request state was not opened');
  return state;
}
