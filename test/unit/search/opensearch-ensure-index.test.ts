import { describe, expect, it } from 'vitest';
import { ResponseError } from '#shared/adapters/opensearch/client.ts';
import { ensureCandidateIndex } from '#shared/adapters/opensearch/ensure-index.ts';
import {
  CANDIDATE_INDEX_MAPPINGS,
  CANDIDATE_INDEX_SETTINGS,
} from '#shared/adapters/opensearch/mapping.ts';
import { ScriptedTransport } from './scripted-transport.ts';

const HEAD = { params: { method: 'HEAD', path: '/candidates' }, options: { ignore: [404] } };
const MAPPING = {
  params: { method: 'PUT', path: '/candidates/_mapping', body: CANDIDATE_INDEX_MAPPINGS },
};

describe('ensureCandidateIndex', () => {
  it('creates an absent index with its settings and explicit mapping', async () => {
    const transport = new ScriptedTransport(
      { statusCode: 404, body: false },
      { statusCode: 200, body: { acknowledged: true } },
    );

    const outcome = await ensureCandidateIndex(transport, 'candidates');

    expect(outcome).toBe('created');
    expect(transport.calls).toEqual([
      HEAD,
      {
        params: {
          method: 'PUT',
          path: '/candidates',
          body: { settings: CANDIDATE_INDEX_SETTINGS, mappings: CANDIDATE_INDEX_MAPPINGS },
        },
        options: { ignore: [400] },
      },
    ]);
  });

  it('re-applies the mapping to an existing index', async () => {
    const transport = new ScriptedTransport(
      { statusCode: 200, body: true },
      { statusCode: 200, body: { acknowledged: true } },
    );

    const outcome = await ensureCandidateIndex(transport, 'candidates');

    expect(outcome).toBe('updated');
    expect(transport.calls).toEqual([HEAD, MAPPING]);
  });

  it('treats an index created meanwhile by another run as existing', async () => {
    const transport = new ScriptedTransport(
      { statusCode: 404, body: false },
      { statusCode: 400, body: { error: { type: 'resource_already_exists_exception' } } },
      { statusCode: 200, body: { acknowledged: true } },
    );

    const outcome = await ensureCandidateIndex(transport, 'candidates');

    expect(outcome).toBe('updated');
    expect(transport.calls.at(-1)).toEqual(MAPPING);
  });

  it('fails on any other refusal, naming the cluster reason', async () => {
    const badSettings = new ScriptedTransport(
      { statusCode: 404, body: false },
      {
        statusCode: 400,
        body: { error: { type: 'illegal_argument_exception', reason: 'unknown setting' } },
      },
    );
    const conflict = new ResponseError(400, {
      error: { type: 'illegal_argument_exception', reason: 'mapper [x] cannot be changed' },
    });
    const badMapping = new ScriptedTransport({ statusCode: 200, body: true }, conflict);

    await expect(ensureCandidateIndex(badSettings, 'candidates')).rejects.toMatchObject({
      code: 'FETCH_FAILED',
      message:
        'search index: index creation failed with status 400: illegal_argument_exception (unknown setting)',
    });
    await expect(ensureCandidateIndex(badMapping, 'candidates')).rejects.toMatchObject({
      code: 'FETCH_FAILED',
      message:
        'search index: mapping update failed with status 400: illegal_argument_exception (mapper [x] cannot be changed)',
    });
  });

  it('refuses an invalid index name before any request', async () => {
    const transport = new ScriptedTransport({ statusCode: 200, body: true });

    await expect(ensureCandidateIndex(transport, 'Candidates')).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    expect(transport.calls).toEqual([]);
  });
});
