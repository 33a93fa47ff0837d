import { ID_SCHEMA } from '#shared/core/ids.ts';
import { ISO_DURATION_PATTERN } from './duration.ts';
import { NODE_KINDS, PATHWAY_FORMAT } from './rule-types.ts';

const id = { type: 'string', minLength: 1, maxLength: 512 } as const;
// The pathway's own id and its issuer's are path parameters of the API: the service's id grammar.
const key = ID_SCHEMA;
// Fragments used by several node kinds are `$defs` reached by `$ref`: compiled with Ajv's
// `inlineRefs: false` (pathways/rule-validator.ts), each becomes one function the node kinds
// share, instead of a copy per kind in the code generated for Lambda bundles.
const label = { $ref: '#/$defs/label' } as const;
/** A requirement in people's words, shown in evidence, explanations and next steps. */
const title = { $ref: '#/$defs/title' } as const;
const constraints = {
  minResult: { $ref: '#/$defs/minResult' },
  issuers: { $ref: '#/$defs/issuers' },
  within: { $ref: '#/$defs/within' },
  before: label,
} as const;
const children = { type: 'array', minItems: 1, items: { $ref: '#/$defs/node' } } as const;

/**
 * The published JSON Schema (2020-12) of a `credstack-pathway/1` document. Each node carries
 * exactly one kind key; `if`/`then` per kind keeps Ajv's errors on the branch that applies.
 *
 * @example
 * new Ajv2020().compile(PATHWAY_SCHEMA);
 */
export const PATHWAY_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:credstack:schema:pathway:1',
  title: 'credstack pathway rule',
  type: 'object',
  required: ['format', 'id', 'version', 'name', 'issuerId', 'root'],
  additionalProperties: false,
  properties: {
    format: { const: PATHWAY_FORMAT },
    id: key,
    version: { anyOf: [id, { type: 'integer', minimum: 1 }] },
    name: { type: 'string', minLength: 1, maxLength: 500 },
    description: { type: 'string', minLength: 1, maxLength: 4000 },
    issuerId: key,
    root: { $ref: '#/$defs/node' },
    policy: {
      type: 'object',
      required: ['onLapse'],
      additionalProperties: false,
      properties: { onLapse: { enum: ['suspend', 'revoke'] } },
    },
  },
  $defs: {
    label: { type: 'string', minLength: 1, maxLength: 200 },
    title: { type: 'string', minLength: 1, maxLength: 300 },
    minResult: {
      type: 'object',
      required: ['atLeast'],
      additionalProperties: false,
      properties: {
        resultDescription: id,
        atLeast: { type: 'string', minLength: 1 },
        levels: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } },
      },
    },
    issuers: {
      oneOf: [
        {
          type: 'object',
          required: ['anyOf'],
          additionalProperties: false,
          properties: { anyOf: { type: 'array', minItems: 1, items: id } },
        },
        {
          type: 'object',
          required: ['trustList'],
          additionalProperties: false,
          properties: { trustList: id },
        },
      ],
    },
    within: { type: 'string', pattern: ISO_DURATION_PATTERN },
    node: {
      type: 'object',
      oneOf: NODE_KINDS.map((k) => ({ required: [k] })),
      // biome-ignore lint/suspicious/noThenProperty: `then` is JSON Schema's if/then keyword.
      allOf: NODE_KINDS.map((k) => ({ if: { required: [k] }, then: { $ref: `#/$defs/${k}` } })),
    },
    allOf: {
      type: 'object',
      additionalProperties: false,
      properties: { allOf: children, label, title, milestone: id },
    },
    anyOf: {
      type: 'object',
      additionalProperties: false,
      properties: { anyOf: children, label, title, milestone: id },
    },
    nOf: {
      type: 'object',
      additionalProperties: false,
      properties: {
        nOf: {
          type: 'object',
          required: ['n', 'of'],
          additionalProperties: false,
          properties: { n: { type: 'integer', minimum: 1 }, of: children },
        },
        label,
        title,
        milestone: id,
      },
    },
    achievement: {
      type: 'object',
      additionalProperties: false,
      properties: {
        achievement: id,
        alternatives: { type: 'array', uniqueItems: true, items: id },
        label,
        title,
        ...constraints,
      },
    },
    skill: {
      type: 'object',
      additionalProperties: false,
      properties: {
        skill: {
          type: 'object',
          required: ['framework', 'code'],
          additionalProperties: false,
          properties: { framework: id, code: id },
        },
        label,
        title,
        ...constraints,
      },
    },
    pathway: {
      type: 'object',
      additionalProperties: false,
      properties: { pathway: id, label, title, ...constraints },
    },
    credits: {
      type: 'object',
      additionalProperties: false,
      properties: {
        credits: {
          type: 'object',
          required: ['atLeast'],
          additionalProperties: false,
          properties: {
            atLeast: { type: 'number', exclusiveMinimum: 0 },
            of: { $ref: '#/$defs/node' },
          },
        },
        label,
        title,
        milestone: id,
        ...constraints,
      },
    },
  },
} as const;
