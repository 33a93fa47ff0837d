import { listLearnerCredentials } from '#shared/domain/learners.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import type { ApiDeps } from './deps.ts';
import { CURSOR_QUERY, privatePageHandler } from './private-pages.ts';
import { documented } from './response-schema-names.ts';

/** Learners and platform admins; the use cases narrow a learner to their own data. */
export const LEARNER_READERS = ['learner', 'platform-admin'] as const;

/**
 * A learner's wallet: their credentials (the signed CLR 2.0 of them all is in
 * learner-clr-routes.ts, served by the function that signs).
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
      group: 'learners',
      summary: "A learner's credentials, newest first, with links to their public pages",
      tags: ['learners'],
      auth: LEARNER_READERS,
      query: CURSOR_QUERY,
      responses: {
        200: { description: 'A page of credentials', schema: documented('learnerCredentialPage') },
        403: { description: "Another learner's credentials" },
      },
      handle: privatePageHandler(ctx, listLearnerCredentials, 'learnerId'),
    }),
  ];
}
