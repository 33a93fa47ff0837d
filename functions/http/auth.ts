import type { TokenVerifier } from '#shared/adapters/oidc/token-verifier.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import { requireRole } from '#shared/domain/principal.ts';
import type { HttpMiddleware } from './logging.ts';
import { requestState } from './request-state.ts';

/**
 * Authentication and the route's role check, before any handler runs: no token → 401 with a
 * bare `Bearer` challenge, a bad one → 401 `invalid_token` (RFC 6750 §3), a token without
 * one of the route's roles → 403.
 */

// RFC 6750 §2.1 b64token, after a case-insensitive scheme name.
const BEARER = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)[ ]*$/i;

const INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"';

/**
 * Verifies the bearer token of a non-public route and checks its roles; the principal lands
 * in the request state.
 *
 * @example
 * middy(handler).use(authenticate(createJwtTokenVerifier({ issuer, audience, jwks })));
 */
export function authenticate(verifier: TokenVerifier): HttpMiddleware {
  return {
    before: async (request) => {
      const state = requestState(request.event);
      const auth = state.route?.definition.auth;
      if (auth === undefined) return;
      const header = request.event.headers?.authorization;
      if (auth === 'public') {
        // A public route that shows its caller more (an issuer admin's drafts) reads a valid
        // bearer token; a missing or bad one leaves the request anonymous. Others ignore it.
        if (state.route?.definition.identifiesCaller !== true) return;
        const token = header === undefined ? undefined : BEARER.exec(header)?.[1];
        if (token !== undefined)
          state.principal = await verifier.verify(token).catch(() => undefined);
        return;
      }
      if (header === undefined || header.trim() === '') {
        state.challenge = 'Bearer';
        throw new ServiceError('UNAUTHENTICATED', 'this operation needs a bearer token');
      }
      const token = BEARER.exec(header)?.[1];
      if (token === undefined) {
        state.challenge = 'Bearer';
        throw new ServiceError('UNAUTHENTICATED', 'the Authorization header is not a bearer token');
      }
      try {
        state.principal = await verifier.verify(token);
      } catch (error) {
        if (error instanceof ServiceError && error.code === 'UNAUTHENTICATED')
          state.challenge = INVALID_TOKEN_CHALLENGE;
        throw error;
      }
      requireRole(state.principal, auth);
    },
  };
}
