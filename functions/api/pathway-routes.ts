import { ServiceError } from '#shared/domain/errors.ts';
import { checkPathwayDraft, previewPathwayDraft } from '#shared/domain/pathway-drafts.ts';
import { pathwayJobStatus } from '#shared/domain/pathway-jobs.ts';
import {
  getPublicPathwayVersion,
  getPublishedPathway,
  learnerProgress,
  listIssuerPathways,
  pathwayWhatIf,
  publishPathway,
  savePathway,
} from '#shared/domain/pathways.ts';
import { defineRoute, type JsonSchema, type RouteDefinition } from '../http/route.ts';
import type { ApiDeps } from './deps.ts';
import { PATHWAY_EXAMPLE } from './pathway-example.ts';
import { documented } from './response-schema-names.ts';

const ADMINS = ['platform-admin', 'issuer-admin'] as const;
const LEARNER_READERS = ['learner', 'platform-admin'] as const;

// The rule document is checked by validatePathway, whose errors point into the rule; the
// route schema only insists on an object so those pointers stay the ones reported.
const pathwayBody: JsonSchema = { type: 'object', example: PATHWAY_EXAMPLE };

const whatIfBody = {
  type: 'object',
  required: ['achievements'],
  properties: {
    achievements: {
      type: 'array',
      maxItems: 100,
      items: { type: 'string', minLength: 1, maxLength: 512 },
    },
  },
  additionalProperties: false,
  example: { achievements: ['0b7f6c1e-3d0a-4a36-9d0e-5f6c2b1a8e41'] },
} as const satisfies JsonSchema;

/** `POST …/pathways/validate`: what a save of this draft would refuse, node by node. */
const draftCheckResponse: JsonSchema = {
  type: 'object',
  required: ['valid', 'problems'],
  properties: {
    valid: { type: 'boolean' },
    problems: {
      type: 'array',
      items: {
        type: 'object',
        required: ['pointer', 'detail'],
        properties: {
          pointer: { type: 'string', description: 'JSON pointer into the draft' },
          detail: { type: 'string' },
        },
      },
    },
  },
  example: {
    valid: false,
    problems: [{ pointer: '/root/allOf/1', detail: 'unknown achievement "sql-101"' }],
  },
};

const draftPreviewBody = {
  type: 'object',
  required: ['pathway', 'achievements'],
  properties: {
    pathway: { type: 'object', description: 'The draft, as a save would take it' },
    achievements: {
      type: 'array',
      maxItems: 100,
      description: "The sample learner's achievements (the issuer's ids), as if issued now",
      items: { type: 'string', minLength: 1, maxLength: 512 },
    },
  },
  additionalProperties: false,
  example: { pathway: PATHWAY_EXAMPLE, achievements: ['0b7f6c1e-3d0a-4a36-9d0e-5f6c2b1a8e41'] },
} as const satisfies JsonSchema;

const draftPreviewResponse: JsonSchema = {
  type: 'object',
  required: ['satisfied', 'progress', 'explanation'],
  properties: {
    satisfied: { type: 'boolean' },
    progress: { type: 'number', minimum: 0, maximum: 100 },
    explanation: {
      type: 'object',
      description: 'Per-node results ("k of N", what counted), each node at its JSON pointer',
    },
  },
  example: {
    satisfied: false,
    progress: 67,
    explanation: {
      path: '/root',
      kind: 'allOf',
      satisfied: false,
      kOfN: { have: 2, need: 3 },
      progress: 67,
    },
  },
};

function versionParam(value: string): number {
  if (!/^[1-9][0-9]{0,8}$/.test(value)) {
    throw new ServiceError('NOT_FOUND', `no pathway version ${value}`);
  }
  return Number(value);
}

/**
 * Pathways: issuers save versions and publish one; anyone reads the published definition;
 * learners see their progress and try what-if scenarios.
 *
 * @example
 * const routes = [...pathwayRoutes({ ctx, verifier })];
 */
export function pathwayRoutes({ ctx }: ApiDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/issuers/{issuerId}/pathways',
      operationId: 'savePathway',
      group: 'issuer-admin',
      summary: 'Save a pathway rule (credstack-pathway/1) as its next version',
      tags: ['pathways'],
      auth: ADMINS,
      body: pathwayBody,
      responses: {
        201: { description: 'The stored version', schema: documented('pathwayVersionResponse') },
        400: { description: 'Invalid rule: each problem with a JSON pointer into it' },
        409: { description: 'Another save took the version first' },
      },
      handle: async (request) => ({
        status: 201,
        body: await savePathway(ctx, request.principal, request.pathParams.issuerId, request.body),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/issuers/{issuerId}/pathways/validate',
      operationId: 'validatePathway',
      group: 'issuer-admin',
      summary: 'Check a pathway draft as a save would, storing nothing',
      description:
        'The same checks as `POST /issuers/{issuerId}/pathways`; a draft with problems answers 200 with each problem at its JSON pointer.',
      tags: ['pathways'],
      auth: ADMINS,
      body: pathwayBody,
      responses: {
        200: { description: 'valid, or the problems', schema: draftCheckResponse },
      },
      handle: async (request) => ({
        status: 200,
        body: await checkPathwayDraft(
          ctx,
          request.principal,
          request.pathParams.issuerId,
          request.body,
        ),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/issuers/{issuerId}/pathways/preview',
      operationId: 'previewPathway',
      group: 'issuer-admin',
      summary: 'Evaluate a pathway draft for a sample learner holding some achievements',
      description:
        "The evaluation learners' progress and what-if use, over hypothetical credentials issued now; nothing is written. 400 when the draft is invalid.",
      tags: ['pathways'],
      auth: ADMINS,
      body: draftPreviewBody,
      responses: {
        200: { description: "The sample learner's result", schema: draftPreviewResponse },
        400: { description: 'Invalid draft or unknown achievement' },
      },
      handle: async (request) => {
        const body = request.body;
        return {
          status: 200,
          body: await previewPathwayDraft(
            ctx,
            request.principal,
            request.pathParams.issuerId,
            body.pathway,
            body.achievements,
          ),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/issuers/{issuerId}/pathways',
      operationId: 'listIssuerPathways',
      group: 'public-read',
      summary:
        "An issuer's pathways: the published ones; with the issuer admin's token, drafts too",
      tags: ['pathways'],
      auth: 'public',
      identifiesCaller: true,
      responses: {
        200: {
          description: '`items`: id, name, published and (for its admins) latest version',
          schema: documented('issuerPathwaysResponse'),
        },
        404: { description: 'No such issuer' },
      },
      handle: async (request) => ({
        status: 200,
        // What an admin sees differs from what the public sees: never cache it shared.
        headers: { 'cache-control': 'private, no-store' },
        body: {
          items: await listIssuerPathways(ctx, request.pathParams.issuerId, request.principal),
        },
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/issuers/{issuerId}/pathways/{pathwayId}/versions/{version}/publish',
      operationId: 'publishPathway',
      group: 'issuer-admin',
      summary: 'Publish a version: learners are evaluated against it from now on',
      tags: ['pathways'],
      auth: ADMINS,
      responses: {
        200: {
          description:
            'The published version, with `evaluationJob`: the retroactive evaluation of every learner who could qualify',
          schema: documented('publishedResponse'),
        },
        404: { description: 'No such version' },
      },
      handle: async (request) => ({
        status: 200,
        body: await publishPathway(
          ctx,
          request.principal,
          request.pathParams.issuerId,
          request.pathParams.pathwayId,
          versionParam(request.pathParams.version),
        ),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/issuers/{issuerId}/pathways/{pathwayId}',
      operationId: 'getPublishedPathway',
      group: 'public-read',
      summary: 'The published version of a pathway (public)',
      tags: ['pathways'],
      auth: 'public',
      responses: {
        200: { description: 'The published version', schema: documented('pathwayVersionResponse') },
        404: { description: 'No published version' },
      },
      handle: async (request) => ({
        status: 200,
        body: await getPublishedPathway(
          ctx,
          request.pathParams.issuerId,
          request.pathParams.pathwayId,
        ),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/issuers/{issuerId}/pathways/{pathwayId}/versions/{version}',
      operationId: 'getPathwayVersion',
      group: 'public-read',
      summary:
        'A version of a pathway once published (public: awards cite it); drafts for the issuer admin',
      tags: ['pathways'],
      auth: 'public',
      identifiesCaller: true,
      responses: {
        200: { description: 'The version', schema: documented('pathwayVersionResponse') },
        404: { description: 'No such public version' },
      },
      handle: async (request) => ({
        status: 200,
        ...(request.principal === undefined
          ? {}
          : { headers: { 'cache-control': 'private, no-store' } }),
        body: await getPublicPathwayVersion(
          ctx,
          request.pathParams.issuerId,
          request.pathParams.pathwayId,
          versionParam(request.pathParams.version),
          request.principal,
        ),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/issuers/{issuerId}/pathway-jobs/{jobId}',
      operationId: 'getPathwayJob',
      group: 'issuer-admin',
      summary: 'Progress of a retroactive pathway evaluation job',
      tags: ['pathways'],
      auth: ADMINS,
      responses: {
        200: {
          description: 'The job: state, learners, evaluated, awarded',
          schema: documented('pathwayJobResponse'),
        },
        404: { description: 'No such job for this issuer' },
      },
      handle: async (request) => ({
        status: 200,
        body: await pathwayJobStatus(
          ctx,
          request.principal,
          request.pathParams.issuerId,
          request.pathParams.jobId,
        ),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/learners/{learnerId}/pathways',
      operationId: 'learnerPathwayProgress',
      group: 'learners',
      summary: "A learner's progress on published pathways, with explanations and next steps",
      tags: ['pathways', 'learners'],
      auth: LEARNER_READERS,
      responses: {
        200: { description: 'Progress per pathway', schema: documented('progressResponse') },
        403: { description: "Another learner's progress" },
      },
      handle: async (request) => ({
        status: 200,
        headers: { 'cache-control': 'private, no-store' },
        body: {
          items: await learnerProgress(ctx, request.principal, request.pathParams.learnerId),
        },
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/learners/{learnerId}/pathways/{issuerId}/{pathwayId}/what-if',
      operationId: 'pathwayWhatIf',
      group: 'learners',
      summary: 'Evaluate a published pathway as if the learner held more achievements',
      tags: ['pathways', 'learners'],
      auth: LEARNER_READERS,
      body: whatIfBody,
      responses: {
        200: {
          description: 'The hypothetical evaluation; nothing is written',
          schema: documented('whatIfResponse'),
        },
        403: { description: "Another learner's progress" },
        404: { description: 'No published pathway' },
      },
      handle: async (request) => ({
        status: 200,
        headers: { 'cache-control': 'private, no-store' },
        body: await pathwayWhatIf(
          ctx,
          request.principal,
          request.pathParams.learnerId,
          request.pathParams.issuerId,
          request.pathParams.pathwayId,
          request.body.achievements,
        ),
      }),
    }),
  ];
}
