import { randomUUID } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openSearchTransport } from '#shared/adapters/opensearch/client.ts';
import { ensureCandidateIndex } from '#shared/adapters/opensearch/ensure-index.ts';
import { CANDIDATE_INDEX_MAPPINGS } from '#shared/adapters/opensearch/mapping.ts';
import { OpenSearchIndex } from '#shared/adapters/opensearch/opensearch-index.ts';

/**
 * What the adapter assumes of the engine beyond the search contract, checked on the tier's
 * cluster: the deploy-time step is idempotent (also when two deployments race), the mapping the
 * engine holds is the one sent (nothing dynamic crept in), and a missing index is an error
 * rather than "no document".
 */

const region = process.env.OPENSEARCH_AWS_REGION;
const service = process.env.OPENSEARCH_AWS_SERVICE === 'aoss' ? 'aoss' : 'es';
// Signed like the contract suite when the tier runs against an AWS endpoint.
const transport = openSearchTransport({
  url: inject('opensearchUrl'),
  ...(region && !inject('opensearchLocal')
    ? { aws: { region, service, credentials: defaultProvider() } }
    : {}),
});
const created: string[] = [];
const newIndexName = () => {
  const name = `credstack-engine-${randomUUID()}`;
  created.push(name);
  return name;
};

// How the engine writes back what it was sent: `dynamic` as a string, `copy_to` as a list,
// and the default date format left out.
const DEFAULT_DATE_FORMAT = 'strict_date_optional_time||epoch_millis';
function asTheEngineHoldsIt(value: unknown, key = ''): unknown {
  if (key === 'dynamic') return String(value);
  if (key === 'copy_to') return typeof value === 'string' ? [value] : value;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k, v]) => !(k === 'format' && v === DEFAULT_DATE_FORMAT))
      .map(([k, v]) => [k, asTheEngineHoldsIt(v, k)]),
  );
}

afterAll(async () => {
  for (const name of created)
    await transport.request({ method: 'DELETE', path: `/${name}` }, { ignore: [404] });
});

describe('the candidate index on the engine', () => {
  it('is created once and updated after, also when two deployments race', async () => {
    const name = newIndexName();
    const raced = await Promise.all([
      ensureCandidateIndex(transport, name),
      ensureCandidateIndex(transport, name),
    ]);
    const again = await ensureCandidateIndex(transport, name);

    expect(raced.sort()).toEqual(['created', 'updated']);
    expect(again).toBe('updated');
  });

  it('holds exactly the mapping sent, and keeps unmapped fields out of the index', async () => {
    const name = newIndexName();
    await ensureCandidateIndex(transport, name);
    const index = new OpenSearchIndex({ transport, index: name, refresh: 'wait_for' });
    await index.upsert({
      tenantId: 't',
      learnerId: 'ada',
      displayName: 'Ada',
      version: 1,
      visibility: { employers: 'all' },
      badges: [],
      // A field no release maps yet: kept in _source, never indexed.
      futureField: 'x',
    } as never);

    const response = await transport.request({ method: 'GET', path: `/${name}/_mapping` });
    const held = (response.body as Record<string, { mappings: unknown }>)[name]?.mappings;
    const byUnmapped = await transport.request({
      method: 'POST',
      path: `/${name}/_count`,
      body: { query: { term: { futureField: 'x' } } },
    });

    expect(held).toEqual(asTheEngineHoldsIt(CANDIDATE_INDEX_MAPPINGS));
    expect(await index.get('t', 'ada')).toMatchObject({ futureField: 'x' });
    expect((byUnmapped.body as { count: number }).count).toBe(0);
  });

  it('fails a read on a missing index instead of reporting no document', async () => {
    const index = new OpenSearchIndex({ transport, index: `credstack-missing-${randomUUID()}` });

    await expect(index.get('t', 'ada')).rejects.toMatchObject({ name: 'CredstackError' });
  });
});
