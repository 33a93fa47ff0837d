import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Logger } from '#functions/http/logging.ts';
import type { TokenVerifier } from '#shared/adapters/oidc/token-verifier.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import type { Principal } from '#shared/domain/principal.ts';

/** Builders shared by the HTTP layer's unit tests. */

export interface EventInput {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly requestId?: string;
}

/** An API Gateway HTTP API (payload 2.0) event, as the gateway would send it. */
export function gatewayEvent(input: EventInput): APIGatewayProxyEventV2 {
  const method = input.method ?? 'GET';
  const rawQueryString = new URLSearchParams(input.query ?? {}).toString();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: input.path,
    rawQueryString,
    headers: input.headers ?? {},
    ...(input.query === undefined ? {} : { queryStringParameters: input.query }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.org',
      domainPrefix: 'api',
      http: {
        method,
        path: input.path,
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.1',
        userAgent: 'test',
      },
      requestId: input.requestId ?? 'gw-request-1',
      routeKey: '$default',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 1767225600000,
    },
    ...(input.body === undefined ? {} : { body: input.body }),
    isBase64Encoded: input.isBase64Encoded ?? false,
  };
}

/** A verifier that knows a fixed set of tokens and counts its calls. */
export function tableVerifier(principals: Record<string, Principal>): TokenVerifier & {
  calls: number;
} {
  const verifier = {
    calls: 0,
    async verify(token: string): Promise<Principal> {
      verifier.calls += 1;
      const principal = principals[token];
      if (principal === undefined) throw new ServiceError('UNAUTHENTICATED', 'unknown token');
      return principal;
    },
  };
  return verifier;
}

/** A logger that keeps what it is given. */
export function collectingLogger(): Logger & { entries: Record<string, unknown>[] } {
  const entries: Record<string, unknown>[] = [];
  return { entries, log: (entry) => entries.push({ ...entry }) };
}

/** The parsed JSON body of a result. */
export function jsonBody(result: APIGatewayProxyStructuredResultV2): unknown {
  return JSON.parse(result.body ?? '');
}

export const ADMIN: Principal = { subject: 'admin-1', roles: ['platform-admin'] };
export const ISSUER_ADMIN: Principal = {
  subject: 'ia-1',
  roles: ['issuer-admin'],
  issuerId: 'northfield',
};
export const LEARNER: Principal = { subject: 'l-1', roles: ['learner'], learnerId: 'l-1' };
export const NOBODY: Principal = { subject: 'n-1', roles: [] };
