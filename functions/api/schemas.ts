import { ID_SCHEMA } from '#shared/domain/ids.ts';
import type { JsonSchema } from '../http/route.ts';

/**
 * Request and response schemas (JSON Schema 2020-12). The same objects validate requests and
 * describe them in /openapi.json, so the documentation cannot drift from what is enforced.
 */

const text = (maxLength = 2000) => ({ type: 'string', minLength: 1, maxLength }) as const;
const uri = {
  type: 'string',
  minLength: 3,
  maxLength: 2048,
  pattern: '^[A-Za-z][A-Za-z0-9+.-]*:',
} as const;

export const alignmentSchema = {
  type: 'object',
  required: ['targetName', 'targetUrl'],
  properties: {
    targetName: text(500),
    targetUrl: uri,
    targetCode: text(200),
    targetDescription: text(),
    targetFramework: text(200),
    targetType: text(100),
  },
  additionalProperties: false,
} as const satisfies JsonSchema;

export const onboardIssuerSchema = {
  type: 'object',
  required: ['id', 'name'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$' },
    name: text(300),
    url: uri,
    email: { type: 'string', format: 'email', maxLength: 320 },
    description: text(),
    image: uri,
  },
  additionalProperties: false,
  example: {
    id: 'northfield',
    name: 'Northfield College',
    url: 'https://northfield.example.edu',
    email: 'registrar@northfield.example.edu',
  },
} as const satisfies JsonSchema;

export const achievementSchema = {
  type: 'object',
  required: ['definition'],
  properties: {
    definition: {
      type: 'object',
      required: ['name', 'description', 'criteria'],
      properties: {
        name: text(300),
        description: text(),
        criteria: {
          type: 'object',
          properties: { id: uri, narrative: text(10_000) },
          additionalProperties: false,
          minProperties: 1,
        },
        image: {
          oneOf: [
            uri,
            {
              type: 'object',
              required: ['id'],
              properties: { id: uri, caption: text(300) },
              additionalProperties: false,
            },
          ],
        },
        achievementType: text(100),
        alignment: { type: 'array', maxItems: 50, items: alignmentSchema },
        resultDescription: { type: 'array', maxItems: 20, items: { type: 'object' } },
        creditsAvailable: { type: 'number', minimum: 0, maximum: 1000 },
        tag: { type: 'array', maxItems: 50, items: text(100) },
        fieldOfStudy: text(300),
        humanCode: text(100),
        specialization: text(300),
        version: text(50),
        inLanguage: text(35),
      },
      additionalProperties: false,
    },
    proofFormat: { enum: ['vc-jwt', 'eddsa-rdfc-2022'] },
    algorithm: { enum: ['ES256', 'RS256'] },
    statusPurpose: { enum: ['revocation', 'suspension'] },
  },
  additionalProperties: false,
  example: {
    definition: {
      name: 'Data Cleaning and Preparation',
      description: 'Prepares raw data for analysis: missing values, outliers, tidy tables.',
      criteria: { narrative: 'Cleaned three real data sets and documented each step.' },
      achievementType: 'Badge',
      alignment: [
        {
          targetName: 'Data Scientists',
          targetUrl: 'https://www.onetonline.org/link/summary/15-2051.00',
          targetFramework: 'O*NET-SOC',
          targetCode: '15-2051.00',
        },
      ],
      creditsAvailable: 2,
    },
    proofFormat: 'vc-jwt',
    algorithm: 'ES256',
  },
} as const satisfies JsonSchema;

const recipient = {
  type: 'object',
  properties: {
    id: uri,
    email: { type: 'string', format: 'email', maxLength: 320 },
    learnerId: ID_SCHEMA,
  },
  additionalProperties: false,
} as const;

/** VC-API `POST /credentials/issue`: an unsigned credential template the service completes. */
export const issueSchema = {
  type: 'object',
  required: ['credential'],
  properties: {
    credential: {
      type: 'object',
      required: ['issuer', 'credentialSubject'],
      properties: {
        issuer: {
          oneOf: [text(300), { type: 'object', required: ['id'], properties: { id: text(300) } }],
        },
        credentialSubject: {
          type: 'object',
          required: ['achievement'],
          properties: {
            id: uri,
            email: { type: 'string', format: 'email', maxLength: 320 },
            achievement: { type: 'object', required: ['id'], properties: { id: text(2048) } },
            result: { type: 'array', maxItems: 20, items: { type: 'object' } },
            creditsEarned: { type: 'number', minimum: 0, maximum: 1000 },
          },
        },
        validFrom: { type: 'string', format: 'date-time' },
        validUntil: { type: 'string', format: 'date-time' },
        awardedDate: { type: 'string', format: 'date-time' },
        evidence: { type: 'array', maxItems: 20, items: { type: 'object' } },
      },
    },
    options: {
      type: 'object',
      properties: { learnerId: ID_SCHEMA },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
  example: {
    credential: {
      issuer: 'northfield',
      credentialSubject: {
        email: 'new.learner@mail.example',
        achievement: { id: '0b7f6c1e-3d0a-4a36-9d0e-5f6c2b1a8e41' },
      },
    },
    options: { learnerId: 'ada' },
  },
} as const satisfies JsonSchema;

/** VC-API `POST /credentials/verify`. */
export const verifySchema = {
  type: 'object',
  required: ['verifiableCredential'],
  properties: {
    verifiableCredential: { oneOf: [{ type: 'object' }, { type: 'string', maxLength: 2_000_000 }] },
    // Other VC-API verify options (challenge, domain, …) are accepted and have no effect.
    options: {
      type: 'object',
      properties: {
        requireIssuerBinding: {
          type: 'boolean',
          description:
            'Fail verification (verified: false, a failed key check) when the signing key is not bound to the issuer; by default that is a top-level issuerBinding warning',
        },
      },
    },
  },
  additionalProperties: false,
  example: {
    verifiableCredential:
      'eyJhbGciOiJFUzI1NiIsImtpZCI6ImtleS0xIiwidHlwIjoidmMrand0In0.eyJpc3MiOiJkaWQ6d2ViOi4uLiJ9.c2lnbmF0dXJl',
  },
} as const satisfies JsonSchema;

/** VC-API `POST /credentials/status`. */
export const statusSchema = {
  type: 'object',
  required: ['credentialId', 'credentialStatus'],
  properties: {
    credentialId: ID_SCHEMA,
    credentialStatus: {
      type: 'array',
      minItems: 1,
      maxItems: 1,
      items: {
        type: 'object',
        required: ['status'],
        properties: {
          type: { const: 'BitstringStatusListCredential' },
          status: { enum: ['revoked', 'suspended', 'active'] },
        },
        additionalProperties: false,
      },
    },
    reason: {
      ...text(500),
      description: "The issuer's words for a revocation or suspension, shown in the console.",
    },
  },
  additionalProperties: false,
  example: {
    credentialId: 'urn:uuid:8e0f3b57-6d2c-4d8e-a1b9-2f4c6a7d9e10',
    credentialStatus: [{ type: 'BitstringStatusListCredential', status: 'revoked' }],
  },
} as const satisfies JsonSchema;

/** A CSV award: the recipients file as base64 (its bytes, so its encoding can be checked). */
export const csvBatchSchema = {
  type: 'object',
  required: ['achievementId', 'file'],
  properties: {
    achievementId: ID_SCHEMA,
    file: {
      type: 'string',
      minLength: 1,
      // The request body is capped at 1 MiB: about 750 KB of CSV.
      maxLength: 1_040_000,
      pattern: '^[A-Za-z0-9+/]*={0,2}$',
      description:
        'The CSV file, base64-encoded: a header row naming an `email` and/or a `did` column (optionally `learnerId`), then one recipient per row (UTF-8, at most 10,000 rows)',
    },
  },
  additionalProperties: false,
  example: {
    achievementId: '0b7f6c1e-3d0a-4a36-9d0e-5f6c2b1a8e41',
    file: 'ZW1haWwKZ3JhY2UubGVhcm5lckBtYWlsLmV4YW1wbGUK',
  },
} as const satisfies JsonSchema;

export const batchSchema = {
  type: 'object',
  required: ['achievementId', 'recipients'],
  properties: {
    achievementId: ID_SCHEMA,
    recipients: { type: 'array', minItems: 1, maxItems: 10_000, items: recipient },
  },
  additionalProperties: false,
  example: {
    achievementId: '0b7f6c1e-3d0a-4a36-9d0e-5f6c2b1a8e41',
    recipients: [
      { email: 'grace.learner@mail.example', learnerId: 'grace' },
      { email: 'alan@mail.example' },
    ],
  },
} as const satisfies JsonSchema;
