import { crosswalkConcept, equivalentSkills, skillKey } from '#shared/search/crosswalk.ts';
import { CROSSWALK_CONCEPTS } from '#shared/search/crosswalk-data.ts';
import { ok } from '../http/responses.ts';
import { defineRoute, type JsonSchema, type RouteDefinition } from '../http/route.ts';

/**
 * `GET /skills?q=`: the skills and occupations search understands, by name, for a skill picker
 * (the web app's employer search). Public: it reveals the crosswalk subset, nothing of anyone.
 */

export const MAX_SKILL_RESULTS = 20;
/**
 * Named equivalents per suggestion: enough for a picker to show what a pick also matches while
 * the response stays small; `crosswalk` still lists every equivalent key.
 */
export const MAX_NAMED_EQUIVALENTS = 3;

const skillItem: JsonSchema = {
  type: 'object',
  required: ['key', 'label', 'framework', 'kind', 'crosswalk', 'equivalents'],
  additionalProperties: false,
  properties: {
    key: { type: 'string', description: 'The skill key a search takes (`ONET:…`, `ESCO:…`).' },
    label: { type: 'string' },
    framework: { enum: ['ONET', 'ESCO'] },
    kind: { enum: ['occupation', 'skill'] },
    crosswalk: {
      type: 'array',
      description: 'Keys of the other framework a search treats as the same.',
      items: { type: 'string' },
    },
    equivalents: {
      type: 'array',
      maxItems: MAX_NAMED_EQUIVALENTS,
      description:
        'The first crosswalk equivalents with their names, for a picker to show; `crosswalk` has them all.',
      items: {
        type: 'object',
        required: ['key', 'label'],
        additionalProperties: false,
        properties: { key: { type: 'string' }, label: { type: 'string' } },
      },
    },
  },
};

export const skillLookupResponse: JsonSchema = {
  type: 'object',
  required: ['items'],
  additionalProperties: false,
  properties: { items: { type: 'array', maxItems: MAX_SKILL_RESULTS, items: skillItem } },
  example: {
    items: [
      {
        key: 'ESCO:598de5b0-5b58-4ea7-8058-a4bc4d18c742',
        label: 'SQL',
        framework: 'ESCO',
        kind: 'skill',
        crosswalk: [],
        equivalents: [],
      },
      {
        key: 'ONET:15-2051.00',
        label: 'Data Scientists',
        framework: 'ONET',
        kind: 'occupation',
        crosswalk: ['ESCO:258e46f9-0075-4a2e-adae-1ff0477e0f30'],
        equivalents: [
          { key: 'ESCO:258e46f9-0075-4a2e-adae-1ff0477e0f30', label: 'data scientist' },
        ],
      },
    ],
  },
};

/** Concepts whose name or key contains every word of `q`, names starting with it first. */
export function lookupSkills(q: string) {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const all = CROSSWALK_CONCEPTS.map((concept) => {
    const key = skillKey(concept.framework, concept.code);
    const crosswalk = equivalentSkills(key).map((e) => e.key);
    return {
      key,
      label: concept.name,
      framework: concept.framework,
      kind: concept.kind,
      crosswalk,
      // Every equivalent is a bundled concept, so each has a name; the key stands in otherwise.
      equivalents: crosswalk
        .slice(0, MAX_NAMED_EQUIVALENTS)
        .map((k) => ({ key: k, label: crosswalkConcept(k)?.name ?? k })),
    };
  });
  const matching = all.filter((item) => {
    const text = `${item.label} ${item.key}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
  const first = words.join(' ');
  matching.sort(
    (a, b) =>
      Number(b.label.toLowerCase().startsWith(first)) -
        Number(a.label.toLowerCase().startsWith(first)) || a.label.localeCompare(b.label),
  );
  return matching.slice(0, MAX_SKILL_RESULTS);
}

export function skillRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/skills',
      operationId: 'lookupSkills',
      group: 'public-read',
      summary: 'Skills and occupations search understands, by name (for a skill picker)',
      tags: ['search'],
      auth: 'public',
      query: {
        type: 'object',
        properties: {
          q: {
            type: 'string',
            maxLength: 100,
            description: 'Words the name or key contains; empty lists the first ones.',
          },
        },
      },
      responses: { 200: { description: 'Up to 20 matching skills', schema: skillLookupResponse } },
      handle: async (request) => {
        const q = typeof request.query.q === 'string' ? request.query.q : '';
        return ok(
          { items: lookupSkills(q) },
          { headers: { 'cache-control': 'public, max-age=3600' } },
        );
      },
    }),
  ];
}
