import { EMPLOYER_LIST_LIMITS } from '#shared/domain/employer-lists.ts';
import type { JsonSchema } from '../http/route.ts';
import { searchSchema } from './search-schemas.ts';

/**
 * Request and response schemas (JSON Schema 2020-12) of an employer's own lists: the
 * shortlist with notes and saved searches. Responses stay open objects, as elsewhere.
 */

const AT = '2026-03-14T09:30:00.000Z';
const str = { type: 'string' } as const;
const instant = { type: 'string', description: 'An ISO-8601 instant.' } as const;
const cursor = {
  type: 'string',
  description: 'Present when more items follow: pass it back as `cursor`.',
} as const;

/** `PUT /employers/{employerId}/shortlist/{learnerId}`. */
export const shortlistSchema = {
  type: 'object',
  required: ['note'],
  properties: {
    note: {
      type: 'string',
      maxLength: EMPLOYER_LIST_LIMITS.maxNote,
      description: 'Your note on the candidate (empty for none); only your organisation sees it.',
    },
  },
  additionalProperties: false,
  example: { note: 'Strong SQL; call back after the 20th.' },
} as const satisfies JsonSchema;

/** `POST /employers/{employerId}/saved-searches`: a name and the search as `/candidates/search` takes it. */
export const saveSearchSchema = {
  type: 'object',
  required: ['name', 'query'],
  properties: {
    name: {
      type: 'string',
      minLength: 1,
      maxLength: EMPLOYER_LIST_LIMITS.maxName,
      pattern: '\\S',
    },
    query: {
      ...searchSchema,
      description: 'The search; its paging (`after`, `size`, `facets`) is not kept.',
    },
  },
  additionalProperties: false,
  example: {
    name: 'Data analysts',
    query: { mustHave: ['ONET:15-2051.00'], filter: { minResultLevel: 60 } },
  },
} as const satisfies JsonSchema;

const shortlistEntryExample = {
  learnerId: 'ada',
  displayName: 'Ada L.',
  note: 'Strong SQL; call back after the 20th.',
  addedAt: AT,
  updatedAt: AT,
};

export const shortlistEntryResponse: JsonSchema = {
  type: 'object',
  required: ['learnerId', 'displayName', 'note', 'addedAt', 'updatedAt'],
  properties: {
    learnerId: str,
    displayName: str,
    note: str,
    addedAt: instant,
    updatedAt: instant,
  },
  example: shortlistEntryExample,
};

export const shortlistPage: JsonSchema = {
  type: 'object',
  required: ['items'],
  description:
    'Shortlisted candidates who let you find them now; the others are left out while they do not.',
  properties: { items: { type: 'array', items: shortlistEntryResponse }, cursor },
  example: { items: [shortlistEntryExample] },
};

const savedSearchExample = {
  id: '4b1d9c1e-6f0a-4c8e-9a3b-2d7e5f1c0a92',
  name: 'Data analysts',
  query: { mustHave: ['ONET:15-2051.00'] },
  createdAt: AT,
  lastSeenAt: AT,
  newMatches: 2,
};

export const savedSearchResponse: JsonSchema = {
  type: 'object',
  required: ['id', 'name', 'query', 'createdAt', 'lastSeenAt', 'newMatches'],
  properties: {
    id: str,
    name: str,
    query: { type: 'object' },
    createdAt: instant,
    lastSeenAt: instant,
    newMatches: {
      type: 'integer',
      minimum: 0,
      description:
        'Consenting candidates it matches now that it did not match when you last looked.',
    },
  },
  example: savedSearchExample,
};

export const savedSearchPage: JsonSchema = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: savedSearchResponse }, cursor },
  example: { items: [savedSearchExample] },
};
