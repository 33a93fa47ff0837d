import { KMSClient } from '@aws-sdk/client-kms';
import { GetObjectCommand, type GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HttpLambdaHandler } from '#functions/http/router.ts';
import { type FakeDynamoDb, startFakeDynamoDb } from '#test/support/fake-dynamodb.ts';
import { gatewayEvent, jsonBody } from '#test/unit/http/http-test-kit.ts';

const ENV = {
  TABLE_NAME: 'credstack-test',
  BASE_URL: 'https://api.example.org',
  OIDC_ISSUER: 'https://id.example.org',
  OIDC_AUDIENCE: 'credstack-api',
  STAGE: 'test',
  AWS_REGION: 'eu-west-1',
};

// The functions' DynamoDB client is the SDK-free one: it reaches this endpoint over HTTP.
let dynamodb: FakeDynamoDb;
beforeAll(async () => {
  dynamodb = await startFakeDynamoDb();
});
afterAll(async () => {
  await dynamodb.close();
});
const kms = mockClient(KMSClient);
const s3 = mockClient(S3Client);

const ROOTS = {
  system: () => import('#functions/lambda/api-system.ts'),
  publicRead: () => import('#functions/lambda/api-public-read.ts'),
  issuerAdmin: () => import('#functions/lambda/api-issuer-admin.ts'),
} as const;

/**
 * A cold start of one API function (the API is deployed as one function per route group):
 * its root module evaluated afresh with `env` as the Lambda environment.
 */
async function coldStart(root: keyof typeof ROOTS, env: Record<string, string | undefined> = ENV) {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamodb.endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
  vi.resetModules();
  const { handler } = await ROOTS[root]();
  return handler as HttpLambdaHandler;
}

describe('the API Lambda roots', () => {
  beforeEach(() => {
    dynamodb.reset();
    kms.reset();
    s3.reset();
    // The request log line goes to stdout; it is not what these tests look at.
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('answers GET /health with 200 when DescribeTable finds the table active', async () => {
    dynamodb.answer('DescribeTable', { body: { Table: { TableStatus: 'ACTIVE' } } });
    const handler = await coldStart('system');

    const result = await handler(gatewayEvent({ path: '/health' }));

    expect(result.statusCode).toBe(200);
    expect(jsonBody(result)).toEqual({ status: 'ok' });
    expect(dynamodb.requests.map(({ operation, body }) => ({ operation, body }))).toEqual([
      { operation: 'DescribeTable', body: { TableName: 'credstack-test' } },
    ]);
    // Signed with the execution role's credentials from the environment, for its region.
    expect(dynamodb.requests[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, /,
    );
  });

  it('answers GET /health with 503 problem+json when DescribeTable fails', async () => {
    dynamodb.answer('DescribeTable', {
      status: 400,
      body: {
        __type: 'com.amazon.coral.service#AccessDeniedException',
        message: 'AccessDenied: not authorized to perform dynamodb:DescribeTable',
      },
    });
    const handler = await coldStart('system');

    const result = await handler(gatewayEvent({ path: '/health' }));

    expect(result.statusCode).toBe(503);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.stringify(jsonBody(result))).not.toContain('AccessDenied');
  });

  it('answers GET /health with 503 while the table is being deleted', async () => {
    dynamodb.answer('DescribeTable', { body: { Table: { TableStatus: 'DELETING' } } });
    const handler = await coldStart('system');

    const result = await handler(gatewayEvent({ path: '/health' }));

    expect(result.statusCode).toBe(503);
    expect(jsonBody(result)).toMatchObject({ status: 503, detail: 'the table is not available' });
  });

  it('answers 404 problem+json for the DID document of an issuer the table does not hold', async () => {
    const handler = await coldStart('publicRead');

    const result = await handler(gatewayEvent({ path: '/issuers/x/did.json' }));

    expect(result.statusCode).toBe(404);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(jsonBody(result)).toMatchObject({ status: 404 });
    const get = dynamodb.requests.find((request) => request.operation === 'GetItem')?.body;
    expect(get?.TableName).toBe('credstack-test');
    expect(get?.Key).toEqual({ PK: { S: 'ISSUER#x' }, SK: { S: 'PROFILE' } });
  });

  it('answers POST /issuers without a bearer token with 401 and touches no AWS service', async () => {
    const handler = await coldStart('issuerAdmin');

    const result = await handler(
      gatewayEvent({
        method: 'POST',
        path: '/issuers',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'acme', name: 'Acme' }),
      }),
    );

    expect(result.statusCode).toBe(401);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(dynamodb.requests).toHaveLength(0);
    expect(kms.calls()).toHaveLength(0);
  });

  it('refuses a malformed bearer token with 401 through the OIDC verifier', async () => {
    const handler = await coldStart('issuerAdmin');

    const result = await handler(
      gatewayEvent({
        method: 'POST',
        path: '/issuers',
        headers: { authorization: 'Bearer not-a-jwt', 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'acme', name: 'Acme' }),
      }),
    );

    expect(result.statusCode).toBe(401);
    expect(jsonBody(result)).toMatchObject({ status: 401, detail: 'the token is malformed' });
  });

  it('describes the configured base URL in its OpenAPI document', async () => {
    const handler = await coldStart('system');

    const result = await handler(gatewayEvent({ path: '/openapi.json' }));

    expect(result.statusCode).toBe(200);
    expect(jsonBody(result)).toMatchObject({ servers: [{ url: 'https://api.example.org' }] });
  });

  it('serves an uploaded image from the bucket IMAGE_BUCKET names', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const name = `${'ab'.repeat(32)}.png`;
    s3.on(GetObjectCommand).resolves({
      Body: { transformToByteArray: async () => png } as unknown as GetObjectCommandOutput['Body'],
      ContentType: 'image/png',
    });
    const handler = await coldStart('publicRead', { ...ENV, IMAGE_BUCKET: 'credstack-images' });

    const result = await handler(gatewayEvent({ path: `/issuers/acme/uploads/${name}` }));

    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toBe('image/png');
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'credstack-images',
      Key: `images/acme/${name}`,
    });
  });

  it('answers 404 for an uploaded image, asking no bucket, when IMAGE_BUCKET is unset', async () => {
    const handler = await coldStart('publicRead');

    const result = await handler(
      gatewayEvent({ path: `/issuers/acme/uploads/${'ab'.repeat(32)}.png` }),
    );

    expect(result.statusCode).toBe(404);
    expect(s3.calls()).toHaveLength(0);
  });

  it('fails its cold start naming a missing variable', async () => {
    await expect(coldStart('issuerAdmin', { ...ENV, TABLE_NAME: undefined })).rejects.toThrow(
      'invalid configuration: TABLE_NAME is not set',
    );
  });
});
