import { describe, expect, it } from 'vitest';
import {
  applyRoleMappings,
  candidateIndexRoleMappings,
} from '#shared/adapters/opensearch/security-mappings.ts';
import { ScriptedTransport } from './scripted-transport.ts';

const SEARCH_API = 'arn:aws:iam::123456789012:role/credstack-prod-apisearch-ServiceRole';
const IMPORTS = 'arn:aws:iam::123456789012:role/credstack-prod-imports-ServiceRole';
const INDEXER = 'arn:aws:iam::123456789012:role/credstack-prod-searchindexer-ServiceRole';

const READER_ROLE = {
  cluster_permissions: [],
  index_permissions: [{ index_patterns: ['candidates'], allowed_actions: ['read', 'search'] }],
};
const WRITER_ROLE = {
  cluster_permissions: [],
  index_permissions: [
    { index_patterns: ['candidates'], allowed_actions: ['index', 'write', 'delete'] },
  ],
};

describe('candidateIndexRoleMappings', () => {
  it('scopes a reader and a writer role to the index, mapping the granted IAM roles', () => {
    const mappings = candidateIndexRoleMappings('candidates', {
      readers: [SEARCH_API],
      writers: [INDEXER],
    });

    expect(mappings).toEqual([
      {
        role: 'credstack-candidates-reader',
        definition: READER_ROLE,
        mapping: { backend_roles: [SEARCH_API], hosts: [], users: [] },
      },
      {
        role: 'credstack-candidates-writer',
        definition: WRITER_ROLE,
        mapping: { backend_roles: [INDEXER], hosts: [], users: [] },
      },
    ]);
  });

  it('deduplicates and sorts the ARNs, so grant order never changes a body', () => {
    const [reader] = candidateIndexRoleMappings('candidates', {
      readers: [IMPORTS, SEARCH_API, IMPORTS],
      writers: [],
    });

    expect(reader?.mapping.backend_roles).toEqual([SEARCH_API, IMPORTS]);
  });

  it('keeps a level nobody holds, with no backend role, so a revoked grant is unmapped', () => {
    const [, writer] = candidateIndexRoleMappings('candidates', {
      readers: [SEARCH_API],
      writers: [],
    });

    expect(writer?.mapping).toEqual({ backend_roles: [], hosts: [], users: [] });
  });

  it('accepts role ARNs with a path and in other partitions', () => {
    const arns = [
      'arn:aws:iam::123456789012:role/service-role/credstack-indexer',
      'arn:aws-cn:iam::123456789012:role/credstack-indexer',
      'arn:aws-us-gov:iam::123456789012:role/credstack-indexer',
    ];

    const [, writer] = candidateIndexRoleMappings('candidates', { readers: [], writers: arns });

    expect(writer?.mapping.backend_roles).toEqual([...arns].sort());
  });

  it('refuses anything that is not an IAM role ARN, naming each', () => {
    expect(() =>
      candidateIndexRoleMappings('candidates', {
        readers: ['arn:aws:iam::123456789012:user/alice', '*'],
        writers: [INDEXER],
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message:
          'search role mapping: readers must be IAM role ARNs: "arn:aws:iam::123456789012:user/alice", "*"',
      }),
    );
  });

  it('refuses an invalid index name', () => {
    expect(() =>
      candidateIndexRoleMappings('Candidates', { readers: [], writers: [INDEXER] }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('applyRoleMappings', () => {
  it('writes each role, then its mapping, through the security plugin REST API', async () => {
    const transport = new ScriptedTransport({ statusCode: 200, body: { status: 'OK' } });
    const mappings = candidateIndexRoleMappings('candidates', {
      readers: [SEARCH_API],
      writers: [INDEXER],
    });

    const roles = await applyRoleMappings(transport, mappings);

    expect(roles).toEqual(['credstack-candidates-reader', 'credstack-candidates-writer']);
    expect(transport.calls).toEqual([
      {
        params: {
          method: 'PUT',
          path: '/_plugins/_security/api/roles/credstack-candidates-reader',
          body: READER_ROLE,
        },
      },
      {
        params: {
          method: 'PUT',
          path: '/_plugins/_security/api/rolesmapping/credstack-candidates-reader',
          body: { backend_roles: [SEARCH_API], hosts: [], users: [] },
        },
      },
      {
        params: {
          method: 'PUT',
          path: '/_plugins/_security/api/roles/credstack-candidates-writer',
          body: WRITER_ROLE,
        },
      },
      {
        params: {
          method: 'PUT',
          path: '/_plugins/_security/api/rolesmapping/credstack-candidates-writer',
          body: { backend_roles: [INDEXER], hosts: [], users: [] },
        },
      },
    ]);
  });

  it('is idempotent: a second run, created or not, sends the very same requests', async () => {
    const first = new ScriptedTransport({ statusCode: 201, body: { status: 'CREATED' } });
    const second = new ScriptedTransport({ statusCode: 200, body: { status: 'OK' } });
    const mappings = candidateIndexRoleMappings('candidates', {
      readers: [SEARCH_API],
      writers: [INDEXER],
    });

    await applyRoleMappings(first, mappings);
    await applyRoleMappings(second, mappings);

    expect(second.calls).toEqual(first.calls);
  });

  it('stops at the first refusal, naming the role, so no mapping points at a missing role', async () => {
    const conflict = Object.assign(new Error('Response Error'), {
      name: 'ResponseError',
      statusCode: 400,
      body: { error: { type: 'status_exception', reason: 'Resource is reserved' } },
    });
    const transport = new ScriptedTransport(conflict);
    const mappings = candidateIndexRoleMappings('candidates', {
      readers: [SEARCH_API],
      writers: [INDEXER],
    });

    await expect(applyRoleMappings(transport, mappings)).rejects.toMatchObject({
      code: 'FETCH_FAILED',
      message:
        'search index: role credstack-candidates-reader failed with status 400: status_exception (Resource is reserved)',
    });
    expect(transport.calls).toHaveLength(1);
  });
});
