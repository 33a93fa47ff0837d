import { createRemoteJWKSet } from 'jose';
import { CachingFetcher } from '#shared/fetch/caching-fetcher.ts';
import { HttpsFetcher } from '#shared/fetch/https-fetcher.ts';
import { createJwtTokenVerifier } from '#shared/service/token-verifier.ts';
import { appRoutes } from '../api/app.ts';
import { serviceConfig } from '../config.ts';
import { createHttpHandler, type HttpLambdaHandler } from '../http/router.ts';
import { serviceVerifier } from '../service-context.ts';
import { awsServiceRuntime } from './aws-context.ts';

/**
 * The HTTP API Lambda's composition root: everything is built once per cold start, here at
 * module scope, and reused by every invocation the execution environment serves. The local
 * runtime (local/start.ts) wires the same routes with DynamoDB Local, key files and a dev
 * token issuer; nothing below depends on which of the two runs it.
 */

const config = serviceConfig();
const { ctx, health } = awsServiceRuntime(config);
// Only the service's own documents are answered locally (from its data); everything else is
// fetched over HTTPS with the address policy, and cached for the environment's lifetime.
const verifier = serviceVerifier(ctx, new CachingFetcher(new HttpsFetcher()));
// jose fetches the JWKS on first use and again on an unknown kid (rate-limited), not per request.
const tokenVerifier = createJwtTokenVerifier({
  issuer: config.oidcIssuer,
  audience: config.oidcAudience,
  jwks: createRemoteJWKSet(new URL(config.oidcJwksUrl)),
});

/** API Gateway HTTP API (payload 2.0) entry point. */
export const handler: HttpLambdaHandler = createHttpHandler(
  appRoutes({ ctx, verifier }, { health }),
  { tokenVerifier },
);
