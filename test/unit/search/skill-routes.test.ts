import { Ajv2020 } from 'ajv/dist/2020.js';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  lookupSkills,
  MAX_NAMED_EQUIVALENTS,
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
    body: jsonBody(result) as {
      items: {
        key: string;
        label: string;
        crosswalk: string[];
        equivalents: { key: string; label: string }[];
      }[];
    },
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

  it('names the equivalents both ways, for the picker to show what a pick also matches', async () => {
    const { body } = await lookup({ q: 'data scientist' });
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    const onet = body.items.find((i) => i.key === 'ONET:15-2051.00');
    expect(onet?.equivalents).toEqual([
      { key: 'ESCO:258e46f9-0075-4a2e-adae-1ff0477e0f30', label: 'data scientist' },
    ]);
    const esco = body.items.find((i) => i.key === 'ESCO:258e46f9-0075-4a2e-adae-1ff0477e0f30');
    expect(esco?.equivalents).toEqual([{ key: 'ONET:15-2051.00', label: 'Data Scientists' }]);
    // Statisticians has two ESCO equivalents: both named, in the order `crosswalk` lists them.
    const statisticians = (await lookup({ q: 'statisticians' })).body.items[0];
    expect(statisticians?.equivalents.map((e) => e.label)).toEqual(['statistician', 'demographer']);
    expect(statisticians?.equivalents.map((e) => e.key)).toEqual(statisticians?.crosswalk);
    // An ESCO skill has no O*NET counterpart in the subset: nothing named, nothing invented.
    const sql = (await lookup({ q: 'sql' })).body.items[0];
    expect(sql?.crosswalk).toEqual([]);
    expect(sql?.equivalents).toEqual([]);
  });

  it('names at most a few equivalents per suggestion, each one of its crosswalk keys', () => {
    for (const item of lookupSkills('')) {
      expect(item.equivalents.length).toBeLessThanOrEqual(MAX_NAMED_EQUIVALENTS);
      expect(item.equivalents.length).toBe(Math.min(item.crosswalk.length, MAX_NAMED_EQUIVALENTS));
      for (const e of item.equivalents) expect(item.crosswalk).toContain(e.key);
    }
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
