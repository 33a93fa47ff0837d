import { exportLearnerClr, listLearnerCredentials } from '#shared/service/learners.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { type ApiDeps, principalOf } from './deps.ts';
import { CURSOR_QUERY, PRIVATE_NO_STORE, privatePageHandler } from './private-pages.ts';
import { jwsText, learnerCredentialPage } from './response-schemas.ts';

/** Learners and platform admins; the use cases narrow a learner to their own data. */
const LEARNER_READERS = ['learner', 'platform-admin'] as const;

/**
 * A learner's wallet: their credentials, and all of them as a signed CLR 2.0.
 *
 * @example
 * const routes = [...learnerRoutes({ ctx, verifier })];
 */
export function learnerRoutes({ ctx }: ApiDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/learners/{learnerId}/credentials',
      operationId: 'listLearnerCredentials',
      summary: "A learner's credentials, newest first, with links to their public pages",
      tags: ['learners'],
      auth: LEARNER_READERS,
      query: CURSOR_QUERY,
      responses: {
        200: { description: 'A page of credentials', schema: learnerCredentialPage },
        403: { description: "Another learner's credentials" },
      },
      handle: privatePageHandler(ctx, listLearnerCredentials, 'learnerId'),
    }),
    defineRoute({
      method: 'GET',
      path: '/learners/{learnerId}/clr',
      operationId: 'exportLearnerClr',
      summary:
        "The learner's credentials as a CLR 2.0 ClrCredential, signed as a VC-JWT (revoked ones left out)",
      tags: ['learners'],
      auth: LEARNER_READERS,
      responses: {
        200: {
          description: 'The signed ClrCredential',
          contentType: 'application/vc+jwt',
          schema: jwsText,
        },
        403: { description: "Another learner's record" },
        404: { description: 'The learner has no credentials' },
      },
      handle: async (request) => {
        const { jwt } = await exportLearnerClr(
          ctx,
          principalOf(request),
          request.pathParams.learnerId ?? '',
        );
        return {
          status: 200,
          contentType: 'application/vc+jwt',
          headers: PRIVATE_NO_STORE,
          body: jwt,
        };
      },
    }),
  ];
}
