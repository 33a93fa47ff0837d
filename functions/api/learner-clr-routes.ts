import { exportLearnerClr } from '#shared/domain/learner-clr.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import type { ApiDeps } from './deps.ts';
import { LEARNER_READERS } from './learner-routes.ts';
import { PRIVATE_NO_STORE } from './private-pages.ts';
import { documented } from './response-schema-names.ts';

/**
 * All of a learner's credentials as one signed CLR 2.0 ClrCredential. Its own table: the
 * export signs (Data Integrity proofs need jsonld and its contexts), so it is served by the
 * issuance function, and the learners function stays small.
 *
 * @example
 * const routes = [...learnerClrRoutes({ ctx, verifier })];
 */
export function learnerClrRoutes({ ctx }: ApiDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/learners/{learnerId}/clr',
      operationId: 'exportLearnerClr',
      group: 'issuance',
      summary:
        "The learner's credentials as a CLR 2.0 ClrCredential, signed as a VC-JWT (revoked ones left out)",
      tags: ['learners'],
      auth: LEARNER_READERS,
      responses: {
        200: {
          description: 'The signed ClrCredential',
          contentType: 'application/vc+jwt',
          schema: documented('jwsText'),
        },
        403: { description: "Another learner's record" },
        404: { description: 'The learner has no credentials' },
      },
      handle: async (request) => {
        const { jwt } = await exportLearnerClr(
          ctx,
          request.principal,
          request.pathParams.learnerId,
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
