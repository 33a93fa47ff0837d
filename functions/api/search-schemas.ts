import { CONSENT_LIMITS } from '#shared/domain/consent.ts';
import { ID_SCHEMA } from '#shared/domain/ids.ts';
import { MAX_IMPORT_BASE64_CHARS, MAX_IMPORT_BYTES } from '#shared/domain/imports.ts';
import { SEARCH_SORTS } from '#shared/domain/ports/search-index.ts';
import { SEARCH_LIMITS } from '#shared/search/query-limits.ts';
import type { JsonSchema } from '../http/route.ts';

/**
 * Request schemas of employer search, consent and imports (JSON Schema 2020-12). The caps are
 * the ones the search engines enforce (shared/search/query-limits.ts), so an absurd page or
 * query is refused here with a pointer to the field, before anything runs.
 */

const skillList = (maxItems: number) =>
  ({
    type: 'array',
    maxItems,
    items: { type: 'string', minLength: 1, maxLength: SEARCH_LIMITS.maxSkillKeyLength },
  }) as const;

const values = {
  type: 'array',
  maxItems: SEARCH_LIMITS.maxFilterValues,
  items: { type: 'string', minLength: 1, maxLength: 2048 },
} as const;

/** `POST /candidates/search` and `/candidates/export`. */
export const searchSchema = {
  type: 'object',
  properties: {
    mustHave: {
      ...skillList(SEARCH_LIMITS.maxMustHave),
      description:
        'Skills every candidate must prove, each by a badge passing the filter: ONET:<SOC code>, ESCO:<concept>, an ESCO concept URI or an O*NET OnLine link.',
    },
    niceToHave: {
      ...skillList(SEARCH_LIMITS.maxNiceToHave),
      description: 'Skills that rank a candidate higher, one point each.',
    },
    atLeast: {
      type: 'object',
      required: ['n', 'of'],
      properties: {
        n: { type: 'integer', minimum: 1, maximum: SEARCH_LIMITS.maxAtLeastOf },
        of: skillList(SEARCH_LIMITS.maxAtLeastOf),
      },
      additionalProperties: false,
    },
    filter: {
      type: 'object',
      description: 'What a badge must be to count for a skill.',
      properties: {
        issuers: { ...values, description: "Issuer DIDs or URLs, or a hosted issuer's id." },
        issuerTiers: values,
        issuedAfter: { type: 'string', format: 'date-time' },
        minResultLevel: { type: 'number', minimum: 0, maximum: 100 },
        achievementTypes: values,
      },
      additionalProperties: false,
    },
    text: { type: 'string', maxLength: SEARCH_LIMITS.maxTextLength },
    sort: { enum: [...SEARCH_SORTS] },
    size: { type: 'integer', minimum: 1, maximum: SEARCH_LIMITS.maxSize },
    after: { type: 'string', minLength: 1, maxLength: SEARCH_LIMITS.maxCursorLength },
    facets: { type: 'boolean' },
  },
  additionalProperties: false,
  example: {
    mustHave: ['ONET:15-2051.00'],
    niceToHave: ['ESCO:http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d'],
    filter: { issuedAfter: '2024-01-01T00:00:00Z' },
    sort: 'relevance',
    size: 10,
    facets: true,
  },
} as const satisfies JsonSchema;

/** `PUT /learners/{learnerId}/consent`. */
export const consentSchema = {
  type: 'object',
  required: ['displayName', 'employers'],
  properties: {
    displayName: { type: 'string', minLength: 1, maxLength: CONSENT_LIMITS.maxDisplayName },
    employers: {
      oneOf: [
        { const: 'all' },
        {
          type: 'array',
          minItems: 1,
          maxItems: CONSENT_LIMITS.maxEmployers,
          // Employer ids, as the employer's token names them (credstack:employer_id).
          items: ID_SCHEMA,
        },
      ],
    },
    until: { type: 'string', format: 'date-time' },
  },
  additionalProperties: false,
  example: { displayName: 'Ada L.', employers: 'all', until: '2027-12-31T23:59:59Z' },
} as const satisfies JsonSchema;

/** `POST /learners/{learnerId}/imports`: exactly one of the three. */
export const importSchema = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  properties: {
    credential: {
      description: 'The credential: a JSON object with an embedded proof, or a compact JWS.',
      oneOf: [{ type: 'object' }, { type: 'string', minLength: 1, maxLength: MAX_IMPORT_BYTES }],
    },
    file: {
      description: 'A credential file as base64: JSON, a VC-JWT, or a baked PNG or SVG.',
      type: 'string',
      minLength: 4,
      maxLength: MAX_IMPORT_BASE64_CHARS,
    },
    url: {
      description: 'An https URL serving the credential in any of those formats.',
      type: 'string',
      format: 'uri',
      maxLength: 2048,
    },
  },
  additionalProperties: false,
  example: { url: 'https://badges.example.com/credentials/42.json' },
} as const satisfies JsonSchema;

/** `PUT /tenants/{tenantId}/search-settings`. */
export const searchSettingsSchema = {
  type: 'object',
  required: ['issuerTiers'],
  properties: {
    issuerTiers: {
      type: 'object',
      description: "Trust tier per issuer (its DID or URL, or a hosted issuer's id).",
      maxProperties: 1000,
      propertyNames: { minLength: 1, maxLength: 2048 },
      additionalProperties: { type: 'string', minLength: 1, maxLength: 100 },
    },
  },
  additionalProperties: false,
  example: {
    issuerTiers: { 'did:web:credentials.example.org:issuers:northfield': 'accredited' },
  },
} as const satisfies JsonSchema;
