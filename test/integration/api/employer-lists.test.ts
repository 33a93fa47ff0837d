import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EMPLOYER_ID, DEMO_OTHER_EMPLOYER_ID, seedDemoTenant } from '#local/seed.ts';
import { useService } from '#test/support/service-harness.ts';

/**
 * An employer's shortlist and saved searches over HTTP on the demo tenant, the stream feeding
 * the indexer as `npm start` runs it. Ada lets every employer find her, Katherine only the
 * demo employer, Grace never consented.
 */

const service = useService({ streams: true });

const DATA_SCIENTISTS = 'ONET:15-2051.00';
const ACME = `/employers/${DEMO_EMPLOYER_ID}`;
const tokens = {} as Record<'acme' | 'globex' | 'katherine', string>;

beforeAll(async () => {
  const h = service();
  const sign = h.tokens.sign.bind(h.tokens);
  tokens.acme = await sign({ sub: 'u-acme', roles: ['employer'], employerId: DEMO_EMPLOYER_ID });
  tokens.globex = await sign({
    sub: 'u-globex',
    roles: ['employer'],
    employerId: DEMO_OTHER_EMPLOYER_ID,
  });
  tokens.katherine = await sign({ sub: 'u-k', roles: ['learner'], learnerId: 'katherine' });
  await seedDemoTenant(h.ctx);
  await h.drained();
}, 180_000);

const call = (method: string, path: string, body?: unknown, token = tokens.acme) =>
  service().call(method, path, { token, ...(body === undefined ? {} : { body }) });

describe('employer lists over HTTP', () => {
  it('refuses what is not a candidate, another employer and a bad body, storing nothing', async () => {
    const grace = await call('PUT', `${ACME}/shortlist/grace`, { note: '' });
    const other = await call('GET', `${ACME}/shortlist`, undefined, tokens.globex);
    const noNote = await call('PUT', `${ACME}/shortlist/ada`, { notes: 'x' });
    const badSearch = await call('POST', `${ACME}/saved-searches`, {
      name: 'Bad',
      query: { mustHave: ['not a skill'] },
    });
    const blankName = await call('POST', `${ACME}/saved-searches`, { name: ' ', query: {} });

    expect(grace.status).toBe(404);
    expect(other.status).toBe(403);
    expect(noNote.status).toBe(400);
    expect(noNote.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(badSearch.status).toBe(400);
    expect(JSON.stringify(badSearch.body)).toContain('/query/mustHave/0');
    expect(blankName.status).toBe(400);
    expect((await call('GET', `${ACME}/shortlist`)).body.items).toEqual([]);
    expect((await call('GET', `${ACME}/saved-searches`)).body.items).toEqual([]);
  });

  it('keeps a shortlist with notes and a saved search, and drops a learner who withdraws from both', async () => {
    const saved = await call('POST', `${ACME}/saved-searches`, {
      name: 'Data scientists',
      query: { mustHave: [DATA_SCIENTISTS], size: 5 },
    });
    const ada = await call('PUT', `${ACME}/shortlist/ada`, { note: '=1+1, "great" SQL' });
    const katherine = await call('PUT', `${ACME}/shortlist/katherine`, { note: 'call back' });
    const listed = await call('GET', `${ACME}/shortlist`);
    const csv = await call('GET', `${ACME}/shortlist.csv`);

    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ name: 'Data scientists', newMatches: 0 });
    expect(saved.body.query).toEqual({ mustHave: [DATA_SCIENTISTS] });
    expect([ada.status, katherine.status]).toEqual([200, 200]);
    expect(listed.body.items.map((e: { learnerId: string }) => e.learnerId)).toEqual([
      'ada',
      'katherine',
    ]);
    expect(listed.headers.get('cache-control')).toBe('private, no-store');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toContain('shortlist.csv');
    const rows = (csv.body as string).split('\r\n');
    expect(rows[0]).toBe('learnerId,displayName,note,addedAt,badges,verifyUrls');
    expect(rows[1]).toMatch(/^ada,Ada L\.,"'=1\+1, ""great"" SQL",/);
    expect(rows[2]).toMatch(/^katherine,Katherine J\.,call back,/);
    expect(rows[2]).toContain('/verify');

    const withdrawn = await call(
      'DELETE',
      '/learners/katherine/consent',
      undefined,
      tokens.katherine,
    );
    expect(withdrawn.status).toBe(200);
    const after = await call('GET', `${ACME}/shortlist`);
    const csvAfter = await call('GET', `${ACME}/shortlist.csv`);
    expect(after.body.items.map((e: { learnerId: string }) => e.learnerId)).toEqual(['ada']);
    expect(csvAfter.body).not.toContain('katherine');
    expect(csvAfter.body).not.toContain('Katherine');
    expect(await call('PUT', `${ACME}/shortlist/katherine`, { note: 'again' })).toMatchObject({
      status: 404,
    });

    // Katherine consents again: she is a new match of the saved search, and back on the list.
    const again = await call(
      'PUT',
      '/learners/katherine/consent',
      { displayName: 'Katherine J.', employers: [DEMO_EMPLOYER_ID] },
      tokens.katherine,
    );
    expect(again.status).toBe(200);
    const searches = await call('GET', `${ACME}/saved-searches`);
    const seen = await call('POST', `${ACME}/saved-searches/${saved.body.id}/seen`);
    const afterSeen = await call('GET', `${ACME}/saved-searches`);
    // Saved before she withdrew, Katherine was seen then: she is not new.
    expect(searches.body.items).toEqual([
      expect.objectContaining({ id: saved.body.id, newMatches: 0 }),
    ]);
    expect(seen.body.newMatches).toBe(0);
    expect(afterSeen.body.items[0].lastSeenAt).toBe(seen.body.lastSeenAt);
    expect((await call('GET', `${ACME}/shortlist`)).body.items).toHaveLength(2);

    expect((await call('DELETE', `${ACME}/shortlist/ada`)).status).toBe(204);
    expect((await call('DELETE', `${ACME}/shortlist/ada`)).status).toBe(404);
    expect((await call('DELETE', `${ACME}/saved-searches/${saved.body.id}`)).status).toBe(204);
    expect((await call('GET', `${ACME}/saved-searches`)).body.items).toEqual([]);
  });
});
