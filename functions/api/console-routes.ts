import type { BadgeImageType } from '#shared/credentials/bake/image-check.ts';
import type { CreateAchievementInput } from '#shared/domain/achievements.ts';
import {
  BADGE_IMAGE_TYPES,
  MAX_BADGE_IMAGE_BYTES,
  readUploadedImage,
  uploadBadgeImage,
} from '#shared/domain/badge-images.ts';
import {
  CREDENTIAL_STATES,
  type CredentialSearch,
  issuerDashboard,
  MAX_SEARCH_LIMIT,
  reviseAchievement,
  searchIssuerCredentials,
  updateIssuerProfile,
} from '#shared/domain/issuer-console.ts';
import { defineRoute, type JsonSchema, type RouteDefinition } from '../http/route.ts';
import type { ApiDeps } from './deps.ts';
import { documented } from './response-schema-names.ts';
import { achievementSchema, onboardIssuerSchema } from './schemas.ts';

const ADMINS = ['platform-admin', 'issuer-admin'] as const;

const { id: _id, ...profileProperties } = onboardIssuerSchema.properties;

/** The issuer's public profile: what onboarding took, without the id (which never changes). */
export const issuerProfileSchema = {
  type: 'object',
  required: ['name'],
  properties: profileProperties,
  additionalProperties: false,
  example: {
    name: 'Northfield College',
    url: 'https://northfield.example.edu',
    description: 'Evening and weekend courses in data and software.',
  },
} as const satisfies JsonSchema;

const str = { type: 'string' } as const;
const count = { type: 'integer', minimum: 0 } as const;

const credentialSummary: JsonSchema = {
  type: 'object',
  required: [
    'id',
    'achievementId',
    'achievementName',
    'recipient',
    'state',
    'statusPurpose',
    'issuedAt',
    'verifyUrl',
  ],
  properties: {
    id: str,
    achievementId: str,
    achievementName: str,
    recipient: { type: 'string', description: 'A DID/URL, or `hashed email`.' },
    learnerId: str,
    state: { enum: CREDENTIAL_STATES },
    stateReason: str,
    stateNote: { type: 'string', description: "The issuer admin's words for the state." },
    statusPurpose: { enum: ['revocation', 'suspension'] },
    issuedAt: str,
    pathwayId: str,
    verifyUrl: str,
  },
};

export const credentialSearchResponse: JsonSchema = {
  type: 'object',
  required: ['items', 'scanned', 'statusListMaxAgeSeconds'],
  properties: {
    items: { type: 'array', items: credentialSummary },
    cursor: { type: 'string', description: 'Present when more may follow: pass it back.' },
    scanned: { ...count, description: 'Credentials this request read.' },
    statusListMaxAgeSeconds: {
      ...count,
      description: 'How long a status list may be cached: the delay before a change shows.',
    },
  },
  example: {
    items: [
      {
        id: 'urn:uuid:8e0f3b57-6d2c-4d8e-a1b9-2f4c6a7d9e10',
        achievementId: '0b7f6c1e-3d0a-4a36-9d0e-5f6c2b1a8e41',
        achievementName: 'Data Cleaning and Preparation',
        recipient: 'hashed email',
        learnerId: 'ada',
        state: 'suspended',
        stateNote: 'Assessment under review',
        statusPurpose: 'suspension',
        issuedAt: '2026-03-14T09:30:00.000Z',
        verifyUrl:
          'https://credentials.example.org/credentials/urn%3Auuid%3A8e0f3b57-6d2c-4d8e-a1b9-2f4c6a7d9e10/verify',
      },
    ],
    scanned: 1,
    statusListMaxAgeSeconds: 60,
  },
};

const achievementCount = {
  achievementId: str,
  achievementName: str,
} as const;

export const dashboardResponse: JsonSchema = {
  type: 'object',
  required: [
    'issuerId',
    'totals',
    'issuedByMonth',
    'revocations',
    'pathwayCompletions',
    'imports',
    'complete',
  ],
  properties: {
    issuerId: str,
    totals: {
      type: 'object',
      required: ['issued', 'active', 'suspended', 'revoked'],
      properties: { issued: count, active: count, suspended: count, revoked: count },
    },
    issuedByMonth: {
      type: 'array',
      items: {
        type: 'object',
        required: ['month', 'achievementId', 'achievementName', 'issued'],
        properties: { month: str, ...achievementCount, issued: count },
      },
    },
    revocations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['achievementId', 'achievementName', 'revoked', 'suspended'],
        properties: { ...achievementCount, revoked: count, suspended: count },
      },
    },
    pathwayCompletions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['pathwayId', 'awarded', 'active', 'milestones'],
        properties: { pathwayId: str, awarded: count, active: count, milestones: count },
      },
    },
    imports: {
      type: 'object',
      required: ['citing', 'verified', 'read'],
      properties: { citing: count, verified: count, read: count },
    },
    complete: { type: 'boolean' },
  },
  example: {
    issuerId: 'northfield',
    totals: { issued: 3, active: 2, suspended: 0, revoked: 1 },
    issuedByMonth: [
      {
        month: '2026-03',
        achievementId: '0b7f6c1e-3d0a-4a36-9d0e-5f6c2b1a8e41',
        achievementName: 'Data Cleaning and Preparation',
        issued: 3,
      },
    ],
    revocations: [
      {
        achievementId: '0b7f6c1e-3d0a-4a36-9d0e-5f6c2b1a8e41',
        achievementName: 'Data Cleaning and Preparation',
        revoked: 1,
        suspended: 0,
      },
    ],
    pathwayCompletions: [
      { pathwayId: 'data-analyst-foundations', awarded: 1, active: 1, milestones: 1 },
    ],
    imports: { citing: 1, verified: 1, read: 4 },
    complete: true,
  },
};

/** The issuer console's routes: profile, achievement versions, credential search, dashboard. */
export function consoleRoutes({ ctx }: ApiDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: 'PUT',
      path: '/issuers/{issuerId}/profile',
      operationId: 'updateIssuerProfile',
      group: 'issuer-admin',
      summary: "Replace the issuer's public profile (name, URL, image, description)",
      description:
        'Credentials already issued keep the profile they were signed with; new ones carry this one.',
      tags: ['issuers'],
      auth: ADMINS,
      body: issuerProfileSchema,
      responses: {
        200: { description: 'The issuer with its keys', schema: documented('issuerResponse') },
        404: { description: 'No such issuer' },
      },
      handle: async (request) => ({
        status: 200,
        body: await updateIssuerProfile(
          ctx,
          request.principal,
          request.pathParams.issuerId,
          request.body,
        ),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/issuers/{issuerId}/achievements/{achievementId}/versions',
      operationId: 'reviseAchievement',
      group: 'issuer-admin',
      summary: 'Edit an achievement: its next version, a new achievement replacing it',
      description:
        'The version edited is never changed: credentials issued from it keep their definition. Only the newest version can be edited.',
      tags: ['achievements'],
      auth: ADMINS,
      body: achievementSchema,
      responses: {
        201: { description: 'The new version', schema: documented('achievementResponse') },
        404: { description: 'No such issuer or achievement' },
        409: { description: 'That version was already replaced' },
      },
      handle: async (request) => ({
        status: 201,
        body: await reviseAchievement(
          ctx,
          request.principal,
          request.pathParams.issuerId,
          request.pathParams.achievementId,
          request.body as CreateAchievementInput,
        ),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/issuers/{issuerId}/credentials',
      operationId: 'searchIssuerCredentials',
      group: 'issuer-admin',
      summary: "Search the issuer's credentials by recipient, achievement, date and status",
      tags: ['credentials'],
      auth: ADMINS,
      query: {
        type: 'object',
        properties: {
          recipient: {
            type: 'string',
            maxLength: 320,
            description:
              'An email address (checked against the salted hash), a DID/URL or a learner id.',
          },
          achievementId: { type: 'string', maxLength: 128 },
          from: { type: 'string', maxLength: 40, description: 'Issued on or after (YYYY-MM-DD).' },
          to: { type: 'string', maxLength: 40, description: 'Issued on or before (YYYY-MM-DD).' },
          status: { enum: CREDENTIAL_STATES },
          limit: { type: 'integer', minimum: 1, maximum: MAX_SEARCH_LIMIT },
          cursor: { type: 'string', maxLength: 4000 },
        },
      },
      responses: {
        200: { description: 'A page of matching credentials', schema: credentialSearchResponse },
        404: { description: 'No such issuer' },
      },
      handle: async (request) => ({
        status: 200,
        body: await searchIssuerCredentials(
          ctx,
          request.principal,
          request.pathParams.issuerId,
          request.query as CredentialSearch,
        ),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/issuers/{issuerId}/dashboard',
      operationId: 'getIssuerDashboard',
      group: 'issuer-admin',
      summary: 'Issued per achievement and month, revocations, pathway completions, imports',
      tags: ['issuers'],
      auth: ADMINS,
      responses: {
        200: { description: "The issuer's numbers", schema: dashboardResponse },
        404: { description: 'No such issuer' },
      },
      handle: async (request) => ({
        status: 200,
        body: await issuerDashboard(ctx, request.principal, request.pathParams.issuerId),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/issuers/{issuerId}/uploads',
      operationId: 'uploadBadgeImage',
      group: 'issuer-admin',
      summary: 'Upload a badge image (PNG or SVG, checked), served by the service',
      description: `At most ${MAX_BADGE_IMAGE_BYTES / 1024} KiB. A PNG must start with the PNG signature; an SVG must be well-formed UTF-8 with no script, event handler, foreignObject, style sheet or external reference. A refusal is a problem naming the reason.`,
      tags: ['achievements'],
      auth: ADMINS,
      body: {
        type: 'object',
        required: ['contentType', 'data'],
        properties: {
          contentType: { enum: BADGE_IMAGE_TYPES },
          data: {
            type: 'string',
            maxLength: Math.ceil((MAX_BADGE_IMAGE_BYTES * 4) / 3) + 1024,
            description: 'The image, base64.',
          },
        },
        additionalProperties: false,
        example: { contentType: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB…' },
      },
      responses: {
        201: {
          description: 'Where the image is served (use it as the achievement image)',
          schema: {
            type: 'object',
            required: ['url', 'name', 'contentType', 'size'],
            properties: {
              url: str,
              name: str,
              contentType: { enum: BADGE_IMAGE_TYPES },
              size: count,
            },
            example: {
              url: 'https://credentials.example.org/issuers/northfield/uploads/3f5a….png',
              name: '3f5a….png',
              contentType: 'image/png',
              size: 5120,
            },
          },
        },
        400: { description: 'Not a PNG or a safe SVG: the reason' },
        413: { description: 'Larger than the cap' },
      },
      handle: async (request) => ({
        status: 201,
        body: await uploadBadgeImage(
          ctx,
          request.principal,
          request.pathParams.issuerId,
          request.body as { contentType: BadgeImageType; data: string },
        ),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/issuers/{issuerId}/uploads/{uploadName}',
      operationId: 'getUploadedImage',
      group: 'public-read',
      summary: 'A badge image an issuer uploaded (public)',
      tags: ['achievements'],
      auth: 'public',
      responses: {
        200: {
          description: 'The image',
          contentType: 'image/png',
          schema: { type: 'string', description: 'The image bytes' },
          alternatives: [
            {
              contentType: 'image/svg+xml',
              schema: { type: 'string', description: 'The SVG' },
              example: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256">…</svg>',
            },
          ],
        },
        404: { description: 'No such image' },
      },
      handle: async (request) => {
        const image = await readUploadedImage(
          ctx,
          request.pathParams.issuerId,
          request.pathParams.uploadName,
        );
        return {
          status: 200,
          contentType: image.contentType,
          body:
            image.contentType === 'image/svg+xml'
              ? new TextDecoder().decode(image.bytes)
              : image.bytes,
          headers: {
            // The name is the content's hash: the bytes behind it never change.
            'cache-control': 'public, max-age=31536000, immutable',
            // Checked on upload; opened on its own, the image still may run and load nothing.
            'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
            'x-content-type-options': 'nosniff',
          },
        };
      },
    }),
  ];
}
