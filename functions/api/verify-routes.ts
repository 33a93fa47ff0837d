import { verifyCredential } from '#shared/domain/verification.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import type { ApiDeps } from './deps.ts';
import { documented } from './response-schema-names.ts';
import { verifySchema } from './schemas.ts';

/**
 * The W3C VC-API verifier operation, apart from the issuer's (credential-routes.ts): the
 * verification function serves it without bundling issuance, status changes and batch awards.
 *
 * @example
 * const routes = verifyRoutes({ ctx, verifier });
 */
export function verifyRoutes({ verifier }: ApiDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/credentials/verify',
      operationId: 'verifyCredential',
      group: 'verification',
      summary: 'Verify any Open Badges 3.0 credential (VC-API); anyone may call it',
      tags: ['credentials'],
      auth: 'public',
      body: verifySchema,
      opaqueBody: true,
      responses: {
        200: {
          description: 'checks, warnings, errors and the full report',
          schema: documented('verifyResponse'),
        },
      },
      handle: async (request) => {
        const body = request.body;
        return {
          status: 200,
          body: await verifyCredential(verifier, body.verifiableCredential, {
            requireIssuerBinding: body.options?.requireIssuerBinding === true,
          }),
        };
      },
    }),
  ];
}
