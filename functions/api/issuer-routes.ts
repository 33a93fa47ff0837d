import type { SigningAlgorithm } from '#shared/credentials/crypto/signer.ts';
import {
  type CreateAchievementInput,
  createAchievement,
  listAchievements,
} from '#shared/domain/achievements.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import {
  getIssuer,
  ISSUER_ALGORITHMS,
  listIssuers,
  onboardIssuer,
  rotateKey,
} from '#shared/domain/issuers.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import type { ApiDeps } from './deps.ts';
import { CURSOR_QUERY, PRIVATE_NO_STORE } from './private-pages.ts';
import { documented } from './response-schema-names.ts';
import { achievementSchema, onboardIssuerSchema } from './schemas.ts';

const ADMINS = ['platform-admin', 'issuer-admin'] as const;

/** Issuer onboarding, keys and achievements. */
export function issuerRoutes({ ctx }: ApiDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/issuers',
      operationId: 'onboardIssuer',
      group: 'issuer-admin',
      summary: 'Onboard an issuer: a did:web identity and one signing key per algorithm',
      tags: ['issuers'],
      auth: ['platform-admin'],
      body: onboardIssuerSchema,
      responses: {
        201: { description: 'The issuer, its DID and keys', schema: documented('issuerResponse') },
        409: { description: 'The id is taken' },
      },
      handle: async (request) => ({
        status: 201,
        body: await onboardIssuer(ctx, request.principal, request.body),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/issuers',
      operationId: 'listIssuers',
      group: 'issuer-admin',
      summary: 'Every issuer on the platform, a page at a time (platform admins)',
      tags: ['issuers'],
      auth: ['platform-admin'],
      query: CURSOR_QUERY,
      responses: {
        200: { description: 'A page of issuers', schema: documented('issuerPage') },
      },
      handle: async (request) => ({
        status: 200,
        headers: PRIVATE_NO_STORE,
        body: await listIssuers(ctx, request.principal, request.query.cursor as string | undefined),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/issuers/{issuerId}',
      operationId: 'getIssuer',
      group: 'issuer-admin',
      summary: 'An issuer with its keys',
      tags: ['issuers'],
      auth: ADMINS,
      responses: {
        200: { description: 'The issuer', schema: documented('issuerResponse') },
        404: { description: 'No such issuer' },
      },
      handle: async (request) => ({
        status: 200,
        body: await getIssuer(ctx, request.principal, request.pathParams.issuerId),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/issuers/{issuerId}/keys/{algorithm}/rotate',
      operationId: 'rotateIssuerKey',
      group: 'issuer-admin',
      summary: 'Replace the active key for an algorithm; the old key stays published',
      tags: ['issuers'],
      auth: ADMINS,
      responses: {
        200: { description: 'The issuer with its keys', schema: documented('issuerResponse') },
        404: { description: 'No such issuer, or an algorithm it has no key for' },
      },
      handle: async (request) => {
        const algorithm = request.pathParams.algorithm as SigningAlgorithm;
        if (!ISSUER_ALGORITHMS.includes(algorithm))
          throw new ServiceError('NOT_FOUND', `no algorithm ${algorithm}`);
        return {
          status: 200,
          body: await rotateKey(ctx, request.principal, request.pathParams.issuerId, algorithm),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/issuers/{issuerId}/achievements',
      operationId: 'createAchievement',
      group: 'issuer-admin',
      summary: 'Define an achievement (badge class) with skill alignments',
      tags: ['achievements'],
      auth: ADMINS,
      body: achievementSchema,
      responses: {
        201: { description: 'The achievement', schema: documented('achievementResponse') },
        404: { description: 'No such issuer' },
      },
      handle: async (request) => {
        const { definition, ...options } = request.body;
        return {
          status: 201,
          body: await createAchievement(ctx, request.principal, request.pathParams.issuerId, {
            ...options,
            // The schema proves the shape; the vocabularies (achievementType's terms, a
            // result description's type) are checked by createAchievement's sample build,
            // which answers 400 naming the field: the schema cannot say them as types.
            definition: definition as CreateAchievementInput['definition'],
          }),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/issuers/{issuerId}/achievements',
      operationId: 'listAchievements',
      group: 'public-read',
      summary: "An issuer's achievements (public)",
      tags: ['achievements'],
      auth: 'public',
      query: { type: 'object', properties: { cursor: { type: 'string', maxLength: 2000 } } },
      responses: {
        200: { description: 'A page of achievements', schema: documented('achievementPage') },
        404: { description: 'No such issuer' },
      },
      handle: async (request) => ({
        status: 200,
        body: await listAchievements(
          ctx,
          request.pathParams.issuerId,
          request.query.cursor as string | undefined,
        ),
      }),
    }),
  ];
}
