import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { compileRoute } from '#functions/http/validate.ts';
import { PATHWAY_SCHEMA } from '#pathways/rule-schema.ts';
import {
  achievementCredentialSchema,
  endorsementCredentialSchema,
} from '#shared/credentials/model/ob3-schema.ts';
import { appRouteTable } from '../../../infra/api-routes.ts';

/**
 * The service's schemas are checked against their JSON Schema meta-schema here, once, rather
 * than in every cold start: the validators compile with `validateSchema: false`, which spares
 * each Ajv instance the compilation of the meta-schema itself (tens of milliseconds per
 * process). The schemas are code, so a test sees every one a function can ever compile.
 */

function metaProblems(ajv: Ajv2019 | Ajv2020, schema: object): string {
  return ajv.validateSchema(schema) ? '' : ajv.errorsText(ajv.errors);
}

describe('schemas against their meta-schema', () => {
  it('every route body and query schema is valid JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false });
    const problems: Record<string, string> = {};
    let checked = 0;
    for (const route of appRouteTable()) {
      for (const [part, schema] of [
        ['body', route.body],
        ['query', route.query],
      ] as const) {
        if (schema === undefined) continue;
        checked += 1;
        const problem = metaProblems(ajv, schema);
        if (problem !== '') problems[`${route.operationId} ${part}`] = problem;
      }
    }

    expect(problems).toEqual({});
    expect(checked).toBeGreaterThan(20);
  });

  it("every route of the table compiles with the service's Ajv options", () => {
    // The deployed functions compile a route's schemas on its first request: a schema Ajv
    // refuses would only show there, so every one is compiled here.
    const refused: string[] = [];
    for (const route of appRouteTable()) {
      try {
        compileRoute(route);
      } catch (error) {
        refused.push(`${route.operationId}: ${String((error as Error).cause ?? error)}`);
      }
    }

    expect(refused).toEqual([]);
  });

  it('the Open Badges schemas, both forms, are valid JSON Schema 2019-09', () => {
    const ajv = new Ajv2019({ strict: false });
    for (const variant of ['plain', 'linked-data'] as const) {
      expect(metaProblems(ajv, achievementCredentialSchema(variant)), variant).toBe('');
      expect(metaProblems(ajv, endorsementCredentialSchema(variant)), variant).toBe('');
    }
  });

  it('the pathway rule schema is valid JSON Schema 2020-12', () => {
    expect(metaProblems(new Ajv2020({ strict: false }), PATHWAY_SCHEMA)).toBe('');
  });

  it('refuses a schema the meta-schema rejects', () => {
    const ajv = new Ajv2020({ strict: false });

    expect(metaProblems(ajv, { type: 'objekt' })).toContain('data/type');
    expect(metaProblems(ajv, { properties: { a: { minLength: -1 } } })).not.toBe('');
  });
});
