import { Ajv2020 } from 'ajv/dist/2020.js';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  MAX_SKILL_RESULTS,
  skillLookupResponse,
  skillRoutes,
} from '#functions/api/skill-routes.ts';
import { createHttpHandler } from '#functions/http/router.ts';
import { gatewayEvent, jsonBody, tableVerifier } from '#test/unit/http/http-test-kit.ts';

/** `GET /skills?q=`: the skill picker's lookup over the crosswalk subset. */

const handler = createHttpHandler(skillRoutes(), { tokenVerifier: tableVerifier({}) });
const validate = new Ajv2020({ strict: false }).compile(skillLookupResponse);

async function lookup(query: Record<string, string>) {
  const result = (await handler(
    gatewayEvent({ path: '/skills', query }),
  )) as APIGatewayProxyStructuredResultV2;
  return {
    status: result.statusCode,
    body: jsonBody(result) as { items: { key: string; label: string; crosswalk: string[] }[] },
  };
}

describe('GET /skills', () => {
  it('finds a skill by a word of its name, with the key search takes, without a token', async () => {
    const { status, body } = await lookup({ q: 'sql' });
    expect(status).toBe(200);
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    expect(body.items.map((i) => [i.key, i.label])).toEqual([
      ['ESCO:598de5b0-5b58-4ea7-8058-a4bc4d18c742', 'SQL'],
    ]);
  });

  it('names the crosswalk equivalents of an occupation', async () => {
    const { body } = await lookup({ q: 'data scientists' });
    const onet = body.items.find((i) => i.key === 'ONET:15-2051.00');
    expect(onet?.crosswalk).toContain('ESCO:258e46f9-0075-4a2e-adae-1ff0477e0f30');
  });

  it('needs every word, puts names starting with the query first, and caps the list', async () => {
    const { body } = await lookup({ q: 'data' });
    expect(body.items.length).toBeGreaterThan(1);
    expect(body.items[0]?.label.toLowerCase().startsWith('data')).toBe(true);
    expect((await lookup({ q: 'data zebra' })).body.items).toEqual([]);
    expect((await lookup({})).body.items.length).toBe(MAX_SKILL_RESULTS);
  });

  it('refuses an over-long query with a problem naming the parameter', async () => {
    const { status, body } = await lookup({ q: 'x'.repeat(101) });
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain('q');
  });
});
