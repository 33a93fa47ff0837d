import type { CdkCustomResourceEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadSearchConfig } from '#functions/config.ts';
import { CANDIDATE_INDEX_MAPPINGS } from '#shared/adapters/opensearch/mapping.ts';
import { candidateIndexRoleMappings } from '#shared/adapters/opensearch/security-mappings.ts';
import { ScriptedTransport } from './scripted-transport.ts';

const ENV = {
  SEARCH_ENDPOINT: 'https://search-credstack.eu-west-1.es.amazonaws.com',
  SEARCH_INDEX: 'candidates-v1',
  AWS_REGION: 'eu-west-1',
};

/** The search setup root evaluated afresh with `env` as the Lambda environment. */
async function coldStart(env: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  return import('#functions/lambda/search-setup.ts');
}

const READER = 'arn:aws:iam::123456789012:role/credstack-dev-apisearch-ServiceRole';
const WRITER = 'arn:aws:iam::123456789012:role/credstack-dev-searchindexer-ServiceRole';

/** The step's properties as the stack sets them. */
const DOMAIN = { Search: 'domain', ReaderRoleArns: [READER], WriterRoleArns: [WRITER] };

function event(
  requestType: 'Create' | 'Update' | 'Delete',
  properties: Record<string, unknown> = DOMAIN,
): CdkCustomResourceEvent {
  const common = {
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
    ResponseURL: 'https://cloudformation.example/response',
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/credstack/1',
    RequestId: 'request-1',
    LogicalResourceId: 'CandidateIndex',
    ResourceType: 'Custom::CandidateIndex',
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
      ...properties,
    },
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  if (requestType === 'Update')
    return {
      ...common,
      RequestType: 'Update',
      PhysicalResourceId: 'candidates-v1',
      OldResourceProperties: common.ResourceProperties,
    };
  return { ...common, RequestType: 'Delete', PhysicalResourceId: 'candidates-v0' };
}

describe('the search setup custom resource', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('ensures the index, then maps the granted roles, on Create and Update of a domain', async () => {
    const { searchSetupHandler } = await coldStart(ENV);
    const transport = new ScriptedTransport(
      { statusCode: 200, body: true },
      { statusCode: 200, body: { acknowledged: true } },
    );
    const onEvent = searchSetupHandler({ transport, index: 'candidates-v1' });

    const created = await onEvent(event('Create'));
    const updated = await onEvent(event('Update'));

    const response = {
      PhysicalResourceId: 'candidates-v1',
      Data: {
        IndexName: 'candidates-v1',
        Outcome: 'updated',
        MappedRoles: 'credstack-candidates-v1-reader,credstack-candidates-v1-writer',
      },
    };
    const requests = [
      'HEAD /candidates-v1',
      'PUT /candidates-v1/_mapping',
      'PUT /_plugins/_security/api/roles/credstack-candidates-v1-reader',
      'PUT /_plugins/_security/api/rolesmapping/credstack-candidates-v1-reader',
      'PUT /_plugins/_security/api/roles/credstack-candidates-v1-writer',
      'PUT /_plugins/_security/api/rolesmapping/credstack-candidates-v1-writer',
    ];
    expect(created).toEqual(response);
    expect(updated).toEqual(response);
    expect(transport.calls.map((call) => `${call.params.method} ${call.params.path}`)).toEqual([
      ...requests,
      ...requests,
    ]);
    expect(transport.calls[1]?.params.body).toEqual(CANDIDATE_INDEX_MAPPINGS);
    const [reader, writer] = candidateIndexRoleMappings('candidates-v1', {
      readers: [READER],
      writers: [WRITER],
    });
    expect(transport.calls.slice(2, 6).map((call) => call.params.body)).toEqual([
      reader?.definition,
      { backend_roles: [READER], hosts: [], users: [] },
      writer?.definition,
      { backend_roles: [WRITER], hosts: [], users: [] },
    ]);
  });

  it('maps no role on a Serverless collection, whose data access policy grants the roles', async () => {
    const { searchSetupHandler } = await coldStart(ENV);
    const transport = new ScriptedTransport(
      { statusCode: 404, body: false },
      { statusCode: 200, body: { acknowledged: true } },
    );

    const created = await searchSetupHandler({ transport, index: 'candidates-v1' })(
      event('Create', { ...DOMAIN, Search: 'serverless' }),
    );

    expect(created).toEqual({
      PhysicalResourceId: 'candidates-v1',
      Data: { IndexName: 'candidates-v1', Outcome: 'created', MappedRoles: '' },
    });
    expect(transport.calls.map((call) => `${call.params.method} ${call.params.path}`)).toEqual([
      'HEAD /candidates-v1',
      'PUT /candidates-v1',
    ]);
  });

  it('fails before any request when the properties are not what the stack sets', async () => {
    const { searchSetupHandler } = await coldStart(ENV);
    const transport = new ScriptedTransport({ statusCode: 200, body: true });
    const onEvent = searchSetupHandler({ transport, index: 'candidates-v1' });

    await expect(onEvent(event('Create', { ...DOMAIN, Search: 'cluster' }))).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'search setup: the Search property must be domain or serverless: "cluster"',
    });
    await expect(
      onEvent(event('Update', { ...DOMAIN, WriterRoleArns: 'arn:aws:iam::123456789012:role/x' })),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'search setup: WriterRoleArns must be a list',
    });
    await expect(
      onEvent(event('Create', { ...DOMAIN, ReaderRoleArns: ['arn:aws:iam::123456789012:user/x'] })),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message:
        'search role mapping: readers must be IAM role ARNs: "arn:aws:iam::123456789012:user/x"',
    });
    expect(transport.calls).toEqual([]);
  });

  it('fails the deployment when the cluster refuses a role, naming the role', async () => {
    const { searchSetupHandler } = await coldStart(ENV);
    const forbidden = Object.assign(new Error('Response Error'), {
      name: 'ResponseError',
      statusCode: 403,
      body: { error: { type: 'security_exception', reason: 'no permissions for [restapi]' } },
    });
    const transport = new ScriptedTransport(
      { statusCode: 200, body: true },
      { statusCode: 200, body: { acknowledged: true } },
      forbidden,
    );

    await expect(
      searchSetupHandler({ transport, index: 'candidates-v1' })(event('Create')),
    ).rejects.toMatchObject({
      code: 'FETCH_FAILED',
      message:
        'search index: role credstack-candidates-v1-reader failed with status 403: security_exception (no permissions for [restapi])',
    });
    expect(transport.calls).toHaveLength(3);
  });

  it('leaves the index alone on Delete', async () => {
    const { searchSetupHandler } = await coldStart(ENV);
    const transport = new ScriptedTransport({ statusCode: 200, body: true });

    const deleted = await searchSetupHandler({ transport, index: 'candidates-v1' })(
      event('Delete'),
    );

    expect(deleted).toEqual({ PhysicalResourceId: 'candidates-v0' });
    expect(transport.calls).toEqual([]);
  });

  it('fails the cold start when the endpoint or region is missing', async () => {
    await expect(coldStart({ SEARCH_ENDPOINT: '', AWS_REGION: '' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'invalid configuration: SEARCH_ENDPOINT is not set; AWS_REGION is not set',
    });
  });
});

describe('loadSearchConfig', () => {
  it('defaults the index to candidates and the signing service to es', () => {
    const config = loadSearchConfig({
      SEARCH_ENDPOINT: ENV.SEARCH_ENDPOINT,
      AWS_REGION: 'eu-west-1',
    });

    expect(config).toEqual({
      endpoint: ENV.SEARCH_ENDPOINT,
      index: 'candidates',
      service: 'es',
      region: 'eu-west-1',
    });
  });

  it('names every invalid variable at once', () => {
    expect(() =>
      loadSearchConfig({
        SEARCH_ENDPOINT: 'http://search.example',
        SEARCH_INDEX: 'Candidates',
        SEARCH_SERVICE: 'opensearch',
        AWS_REGION: 'europe',
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message:
          'invalid configuration: SEARCH_ENDPOINT must be an https URL without credentials: "http://search.example"; ' +
          'SEARCH_INDEX is not an OpenSearch index name: "Candidates"; ' +
          'SEARCH_SERVICE must be es or aoss: "opensearch"; AWS_REGION is not a region: "europe"',
      }),
    );
  });
});
