import { describe, expect, it } from 'vitest';
import {
  ConnectionError,
  ResponseError,
  TimeoutError,
} from '#shared/adapters/opensearch/client.ts';
import {
  candidateDocumentId,
  OpenSearchIndex,
} from '#shared/adapters/opensearch/opensearch-index.ts';
import { buildSearchBody } from '#shared/adapters/opensearch/query.ts';
import type { CandidateDocument, SearchQuery } from '#shared/domain/ports/search-index.ts';
import { validateSearchQuery } from '#shared/search/query-limits.ts';
import { ScriptedTransport } from './scripted-transport.ts';

const DOCUMENT: CandidateDocument = {
  tenantId: 'tenant 1',
  learnerId: 'learner:1',
  displayName: 'Ada',
  visibility: { employers: 'all' },
  badges: [
    {
      credentialId: 'urn:uuid:a1',
      verifyUrl: 'https://credstack.example/credentials/a1/verify',
      issuerId: 'did:web:x.example',
      issuerName: 'Issuer X',
      achievementId: 'urn:ach:a1',
      achievementName: 'Data Analysis',
      achievementType: 'Badge',
      skills: [{ key: 'ONET:15-2051.00', framework: 'ONET', code: '15-2051.00' }],
      issuedAt: '2026-05-01T00:00:00.000Z',
    },
  ],
  version: 7,
};

// The tenant-scoped id, URI-encoded again as a path segment.
const PATH = '/candidates/_doc/tenant%25201%3Alearner%253A1';

const QUERY: SearchQuery = {
  tenantId: 'tenant 1',
  employerId: 'employer-1',
  now: '2026-06-01T00:00:00.000Z',
  mustHave: ['ONET:15-2051.00'],
  niceToHave: [],
  filter: {},
  sort: 'relevance',
  size: 10,
  facets: false,
};

/** A failure as the client's transport reports it. */
function responseError(statusCode: number, body: unknown): ResponseError {
  return new ResponseError(statusCode, body);
}

const indexOn = (transport: ScriptedTransport, refresh?: 'wait_for') =>
  new OpenSearchIndex({ transport, index: 'candidates', ...(refresh ? { refresh } : {}) });

describe('candidateDocumentId', () => {
  it('scopes the learner by tenant so that no two pairs share an id', () => {
    expect(candidateDocumentId('tenant 1', 'learner:1')).toBe('tenant%201:learner%3A1');
    expect(candidateDocumentId('a:b', 'c')).not.toBe(candidateDocumentId('a', 'b:c'));
  });
});

describe('OpenSearchIndex writes', () => {
  it('upserts with the document version as an external version, a 409 being no error', async () => {
    const transport = new ScriptedTransport({ statusCode: 201, body: { result: 'created' } });

    await indexOn(transport, 'wait_for').upsert(DOCUMENT);

    expect(transport.calls).toEqual([
      {
        params: {
          method: 'PUT',
          path: PATH,
          querystring: { version: 7, version_type: 'external', refresh: 'wait_for' },
          body: { ...DOCUMENT, removed: false, visibleToAll: true },
        },
        options: { ignore: [409] },
      },
    ]);
  });

  it('marks a named employer list as not visible to all, and sends no refresh by default', async () => {
    const transport = new ScriptedTransport({ statusCode: 201, body: {} });
    const named = { ...DOCUMENT, visibility: { employers: ['all'] } };

    await indexOn(transport).upsert(named);

    expect(transport.calls[0]?.params.querystring).toEqual({
      version: 7,
      version_type: 'external',
    });
    expect(transport.calls[0]?.params.body).toMatchObject({ visibleToAll: false });
  });

  it('ignores a stale write the cluster refuses with a version conflict', async () => {
    const conflict = {
      statusCode: 409,
      body: { error: { type: 'version_conflict_engine_exception' }, status: 409 },
    };
    const transport = new ScriptedTransport(conflict);

    await expect(indexOn(transport).upsert(DOCUMENT)).resolves.toBeUndefined();
    await expect(indexOn(transport).remove('tenant 1', 'learner:1', 3)).resolves.toBeUndefined();
  });

  it('removes by writing a marker at the removal version, never a delete', async () => {
    const transport = new ScriptedTransport({ statusCode: 200, body: { result: 'updated' } });

    await indexOn(transport).remove('tenant 1', 'learner:1', 8);

    expect(transport.calls).toEqual([
      {
        params: {
          method: 'PUT',
          path: PATH,
          querystring: { version: 8, version_type: 'external' },
          body: {
            tenantId: 'tenant 1',
            learnerId: 'learner:1',
            version: 8,
            removed: true,
            visibleToAll: false,
          },
        },
        options: { ignore: [409] },
      },
    ]);
  });

  it('refuses a write without tenant, learner or a usable version, sending nothing', async () => {
    const transport = new ScriptedTransport({ statusCode: 201, body: {} });
    const index = indexOn(transport);

    for (const write of [
      () => index.upsert({ ...DOCUMENT, tenantId: '' }),
      () => index.upsert({ ...DOCUMENT, version: 1.5 }),
      () => index.remove('tenant 1', '', 1),
      () => index.remove('tenant 1', 'learner:1', -1),
    ]) {
      await expect(write()).rejects.toMatchObject({ code: 'INPUT_MALFORMED' });
    }
    expect(transport.calls).toEqual([]);
  });
});

describe('OpenSearchIndex.get', () => {
  it('returns the document as written, without the fields of the index', async () => {
    const source = { ...DOCUMENT, removed: false, visibleToAll: true };
    const transport = new ScriptedTransport({
      statusCode: 200,
      body: { _id: 'x', _version: 7, found: true, _source: source },
    });

    const stored = await indexOn(transport).get('tenant 1', 'learner:1');

    expect(stored).toStrictEqual(DOCUMENT);
    expect(transport.calls).toEqual([
      { params: { method: 'GET', path: PATH }, options: { ignore: [404] } },
    ]);
  });

  it('returns undefined for an absent document and for a removal marker', async () => {
    const absent = new ScriptedTransport({ statusCode: 404, body: { found: false } });
    const marker = new ScriptedTransport({
      statusCode: 200,
      body: {
        found: true,
        _source: { tenantId: 'tenant 1', learnerId: 'learner:1', removed: true },
      },
    });

    expect(await indexOn(absent).get('tenant 1', 'learner:1')).toBeUndefined();
    expect(await indexOn(marker).get('tenant 1', 'learner:1')).toBeUndefined();
  });

  it('fails when the index itself is missing, rather than reporting no document', async () => {
    const transport = new ScriptedTransport({
      statusCode: 404,
      body: { error: { type: 'index_not_found_exception', reason: 'no such index [candidates]' } },
    });

    await expect(indexOn(transport).get('tenant 1', 'learner:1')).rejects.toMatchObject({
      code: 'FETCH_FAILED',
      message:
        'search index: get failed with status 404: index_not_found_exception (no such index [candidates])',
    });
  });
});

describe('OpenSearchIndex.search', () => {
  it('posts the body built from the validated query and reads the response', async () => {
    const transport = new ScriptedTransport({
      statusCode: 200,
      body: {
        hits: {
          total: { value: 1, relation: 'eq' },
          hits: [
            {
              _source: { learnerId: 'learner:1', displayName: 'Ada' },
              sort: [0.9, 'learner:1'],
              inner_hits: {},
            },
          ],
        },
      },
    });
    // Duplicates are dropped by validation before the body is built.
    const query = { ...QUERY, mustHave: ['ONET:15-2051.00', 'ONET:15-2051.00'] };

    const result = await indexOn(transport).search(query);

    expect(transport.calls).toEqual([
      {
        params: {
          method: 'POST',
          path: '/candidates/_search',
          body: buildSearchBody(validateSearchQuery(query)),
        },
      },
    ]);
    expect(transport.calls[0]?.params.body?.query).toMatchObject({
      bool: { filter: expect.arrayContaining([{ term: { tenantId: 'tenant 1' } }]) },
    });
    expect(result.total).toBe(1);
    expect(result.hits.map((hit) => hit.learnerId)).toEqual(['learner:1']);
  });

  it('refuses a query over the limits or with a foreign cursor before sending anything', async () => {
    const transport = new ScriptedTransport({ statusCode: 200, body: {} });
    const index = indexOn(transport);

    await expect(index.search({ ...QUERY, size: 101 })).rejects.toMatchObject({
      code: 'INPUT_TOO_LARGE',
    });
    await expect(index.search({ ...QUERY, after: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({
      code: 'INPUT_MALFORMED',
    });
    expect(transport.calls).toEqual([]);
  });
});

describe('OpenSearchIndex transport failures', () => {
  it('maps cluster errors to FETCH_FAILED with the cause kept', async () => {
    const error = responseError(400, {
      error: { type: 'search_phase_execution_exception', reason: 'all shards failed' },
      status: 400,
    });
    const transport = new ScriptedTransport(error);

    const failure = await indexOn(transport)
      .search(QUERY)
      .catch((e: unknown) => e);

    expect(failure).toMatchObject({
      name: 'CredstackError',
      code: 'FETCH_FAILED',
      message:
        'search index: search failed with status 400: search_phase_execution_exception (all shards failed)',
      cause: error,
    });
  });

  it('maps a timeout to FETCH_TIMEOUT and a refused connection to FETCH_FAILED', async () => {
    const timeout = new ScriptedTransport(new TimeoutError('no answer within 10000 ms'));
    const refused = new ScriptedTransport(new ConnectionError('connect ECONNREFUSED 10.0.0.1:443'));

    await expect(indexOn(timeout).upsert(DOCUMENT)).rejects.toMatchObject({
      code: 'FETCH_TIMEOUT',
      message: 'search index: write timed out',
    });
    await expect(indexOn(refused).get('tenant 1', 'learner:1')).rejects.toMatchObject({
      code: 'FETCH_FAILED',
      message: 'search index: get failed: connect ECONNREFUSED 10.0.0.1:443',
    });
  });

  it('refuses an index name OpenSearch would refuse', () => {
    const transport = new ScriptedTransport({ statusCode: 200, body: {} });

    for (const index of ['Candidates', '_candidates', 'a/b', '']) {
      expect(() => new OpenSearchIndex({ transport, index })).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID' }),
      );
    }
  });
});
