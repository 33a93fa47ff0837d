import middy, { type MiddyHandlerObject } from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context as LambdaContext,
} from 'aws-lambda';
import type { TokenVerifier } from '#shared/adapters/oidc/token-verifier.ts';
import { withDiagnostics } from '#shared/core/diagnostics.ts';
import { ID_RULE, isId } from '#shared/domain/ids.ts';
import { authenticate } from './auth.ts';
import { bodyParser } from './body-parser.ts';
import { errorHandler } from './error-handler.ts';
import {
  correlationId,
  createJsonLogger,
  type HttpMiddleware,
  type Logger,
  requestLogger,
} from './logging.ts';
import { type ProblemField, RequestValidationError } from './problem.ts';
import { requestState } from './request-state.ts';
import {
  checkRouteTable,
  type HttpMethod,
  type HttpRequest,
  type HttpResult,
  type RouteContext,
  type RouteDefinition,
} from './route.ts';
import { createRouteMatcher, type RouteMatcher } from './route-matcher.ts';
import { compileRoute, requestValidator, type SchemaCompilation } from './validate.ts';

/**
 * The Lambda entry for a route table behind an API Gateway HTTP API (payload 2.0): one middy
 * chain — correlation id, log line, error mapper, routing, body, authentication, validation —
 * in front of the matched route's handler.
 */

/** A handler API Gateway (or the local bridge) can call; the Lambda context is optional. */
export type HttpLambdaHandler = (
  event: APIGatewayProxyEventV2,
  context?: LambdaContext,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface HttpHandlerDeps {
  readonly tokenVerifier: TokenVerifier;
  /** Default: one JSON line per request on stdout. */
  readonly logger?: Logger;
  /** Largest request body accepted (default 1 MiB); larger ones get 413. */
  readonly maxBodyBytes?: number;
  /** When route schemas compile (default `eager`, at build; see {@link SchemaCompilation}). */
  readonly schemaCompilation?: SchemaCompilation;
}

function routing(match: RouteMatcher): HttpMiddleware {
  return {
    before: (request) => {
      const state = requestState(request.event);
      const { route, pathParams } = match(
        request.event.requestContext?.http?.method ?? '',
        request.event.rawPath ?? '/',
      );
      state.route = route;
      state.pathParams = pathParams;
      state.query = { ...request.event.queryStringParameters };
      checkPathParams(pathParams);
    },
  };
}

/**
 * Every path parameter of every route is an id (shared/domain/ids.ts): refused here, before
 * authentication and before any store call, so an id DynamoDB cannot key (too long, odd
 * characters) is a 400 naming the parameter rather than a failure deep in a store.
 */
function checkPathParams(pathParams: Readonly<Record<string, string>>): void {
  const fields: ProblemField[] = [];
  for (const [name, value] of Object.entries(pathParams))
    if (!isId(value)) fields.push({ parameter: name, detail: ID_RULE });
  if (fields.length > 0) throw new RequestValidationError('the path names an invalid id', fields);
}

function contentTypeOf(result: HttpResult, fallback: string): string {
  return result.contentType ?? fallback;
}

/**
 * Serialises a handler's result for API Gateway: JSON by default, text for a string, base64
 * for bytes. Throws TypeError for a status outside 100–599 or a body JSON cannot express.
 *
 * @example
 * toGatewayResult({ status: 200, body: png, contentType: 'image/png' }); // isBase64Encoded: true
 */
export function toGatewayResult(result: HttpResult): APIGatewayProxyStructuredResultV2 {
  const { status } = result;
  if (!Number.isInteger(status) || status < 100 || status > 599)
    throw new TypeError(`a handler answered the invalid status ${status}`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = value;
  const { body } = result;
  if (body === undefined || status === 204 || status === 304) {
    if (result.contentType !== undefined) headers['content-type'] = result.contentType;
    return { statusCode: status, headers, isBase64Encoded: false };
  }
  if (body instanceof Uint8Array) {
    headers['content-type'] = contentTypeOf(result, 'application/octet-stream');
    return {
      statusCode: status,
      headers,
      body: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64'),
      isBase64Encoded: true,
    };
  }
  if (typeof body === 'string') {
    headers['content-type'] = contentTypeOf(result, 'text/plain; charset=utf-8');
    return { statusCode: status, headers, body, isBase64Encoded: false };
  }
  const json = JSON.stringify(body);
  if (json === undefined) throw new TypeError('a handler answered a body JSON cannot express');
  headers['content-type'] = contentTypeOf(result, 'application/json');
  return { statusCode: status, headers, body: json, isBase64Encoded: false };
}

const NEVER_ABORTED = new AbortController().signal;

/** The handler step: runs the matched route; `logger` receives its diagnostics. */
const dispatcher =
  (logger: Logger) =>
  async (
    event: APIGatewayProxyEventV2,
    context: LambdaContext,
    options?: MiddyHandlerObject,
  ): Promise<APIGatewayProxyStructuredResultV2> =>
    dispatch(event, context, logger, options);

async function dispatch(
  event: APIGatewayProxyEventV2,
  context: LambdaContext,
  logger: Logger,
  options?: MiddyHandlerObject,
): Promise<APIGatewayProxyStructuredResultV2> {
  const state = requestState(event);
  const route = state.route;
  if (route === undefined) throw new Error('the router ran without a matched route');
  const request: HttpRequest = {
    method: route.definition.method as HttpMethod,
    path: event.rawPath,
    pathParams: state.pathParams,
    query: state.query,
    headers: event.headers as Record<string, string>,
    body: state.body,
    ...(state.rawBody === undefined ? {} : { rawBody: state.rawBody }),
    ...(state.principal === undefined ? {} : { principal: state.principal }),
    correlationId: state.correlationId,
  };
  // Outside Lambda (bridge, tests) middy substitutes an empty object for the context.
  const isLambda = typeof context?.getRemainingTimeInMillis === 'function';
  const routeContext: RouteContext = {
    signal: options?.signal ?? NEVER_ABORTED,
    ...(isLambda ? { lambdaContext: context } : {}),
  };
  // Details a handler keeps out of its answer (a report's unreachable key) are logged with
  // this request's correlation id.
  const result = await withDiagnostics(
    { correlationId: state.correlationId, log: (entry) => logger.log(entry) },
    () => route.definition.handle(request, routeContext),
  );
  return toGatewayResult(result);
}

/**
 * Builds the Lambda handler of a route table. Schemas compile and the table is checked
 * (duplicate paths, operationIds) here, so a bad table fails at cold start.
 *
 * @example
 * export const handler = createHttpHandler([...issuerRoutes(context), ...systemRoutes(system)], {
 *   tokenVerifier: createJwtTokenVerifier({ issuer, audience, jwks }),
 * });
 */
export function createHttpHandler(
  routes: readonly RouteDefinition[],
  deps: HttpHandlerDeps,
): HttpLambdaHandler {
  checkRouteTable(routes);
  const match = createRouteMatcher(
    routes.map((route) => compileRoute(route, deps.schemaCompilation)),
  );
  const logger = deps.logger ?? createJsonLogger();
  const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(
    dispatcher(logger),
  )
    .use(correlationId())
    .use(requestLogger(logger))
    .use(errorHandler())
    .use(routing(match))
    .use(bodyParser(deps.maxBodyBytes === undefined ? {} : { maxBytes: deps.maxBodyBytes }))
    .use(authenticate(deps.tokenVerifier))
    .use(requestValidator());
  return (event, context) => handler(event, context ?? ({} as LambdaContext));
}
