import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signRequest } from '#shared/adapters/aws/sigv4.ts';
import {
  cancellationCodes,
  isConditionFailure,
  isStoreUnavailable,
  throwAsServiceError,
  transact,
} from '#shared/adapters/dynamodb/errors.ts';
import { liteDynamoDb } from '#shared/adapters/dynamodb/lite/documents.ts';
import { DynamoDbServiceError } from '#shared/adapters/dynamodb/lite/transport.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import { type FakeDynamoDb, startFakeDynamoDb } from '#test/support/fake-dynamodb.ts';
import { NodeSha256 } from '#test/support/node-sha256.ts';

/**
 * The SDK-free DynamoDB client the deployed functions use (shared/adapters/dynamodb/lite/):
 * Signature V4 against AWS's published test vectors and against the SDK's own signer, the
 * wire format of requests and answers, the SDK's error names and fields, and which failures
 * are sent again. The store suites run on it too (the `integration-lite` project).
 */

// AWS's SigV4 test suite: credentials, scope and time of every vector.
const VECTOR_SCOPE = {
  region: 'us-east-1',
  service: 'service',
  credentials: {
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  },
  date: new Date('2015-08-30T12:36:00Z'),
};

describe('signRequest (Signature V4)', () => {
  it.each([
    ['get-vanilla', 'GET', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
    ['post-vanilla', 'POST', '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'],
  ])('signs the %s vector of the AWS test suite as published', (_, method, signature) => {
    const headers = signRequest(
      { method, host: 'example.amazonaws.com', path: '/', headers: {}, body: '' },
      VECTOR_SCOPE,
    );

    expect(headers['x-amz-date']).toBe('20150830T123600Z');
    expect(headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`,
    );
  });

  it('signs a DynamoDB call with a session token exactly as the SDK signer does', async () => {
    const credentials = {
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'c2VjcmV0LWtleS1mb3ItdGVzdHM',
      sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//token+with/slashes==',
    };
    const body = JSON.stringify({ TableName: 'credstack', Key: { PK: { S: 'ISSUER#x' } } });
    const date = new Date('2026-12-07T10:11:12Z');
    const ours = signRequest(
      {
        method: 'POST',
        host: 'dynamodb.eu-west-1.amazonaws.com',
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.GetItem',
        },
        body,
      },
      { region: 'eu-west-1', service: 'dynamodb', credentials, date },
    );
    // Without the optional x-amz-content-sha256 header, which DynamoDB does not need.
    const sdk = (await new SignatureV4({
      credentials,
      region: 'eu-west-1',
      service: 'dynamodb',
      sha256: NodeSha256,
      applyChecksum: false,
    }).sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: 'dynamodb.eu-west-1.amazonaws.com',
        path: '/',
        query: {},
        headers: {
          host: 'dynamodb.eu-west-1.amazonaws.com',
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.GetItem',
        },
        body,
      } as never,
      { signingDate: date },
    )) as unknown as { headers: Record<string, string> };

    expect(ours.authorization).toContain(
      'SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,',
    );
    expect(ours.authorization).toBe(sdk.headers.authorization);
    expect(ours['x-amz-security-token']).toBe(credentials.sessionToken);
  });
});

describe('liteDynamoDb', () => {
  let fake: FakeDynamoDb;
  beforeAll(async () => {
    fake = await startFakeDynamoDb();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
  });

  const client = (options: { maxAttempts?: number } = {}) =>
    liteDynamoDb({
      endpoint: fake.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
      baseDelayMs: 1,
      throttlingBaseDelayMs: 1,
      ...options,
    });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error,
    );
  const error = (name: string, fields: Record<string, unknown> = {}) => ({
    status: 400,
    body: { __type: `com.amazonaws.dynamodb.v20120810#${name}`, message: `${name}!`, ...fields },
  });

  it('posts the JSON 1.0 protocol, items converted to attribute values and back', async () => {
    fake.answer('PutItem', { body: {} });
    fake.answer('GetItem', {
      body: {
        Item: {
          PK: { S: 'A' },
          n: { N: '42' },
          tags: { SS: ['x', 'y'] },
          raw: { B: Buffer.from([1, 2, 255]).toString('base64') },
          nested: { M: { list: { L: [{ BOOL: true }, { NULL: true }] } } },
        },
      },
    });
    const documents = client();

    await documents.put({
      TableName: 't',
      Item: { PK: 'A', n: 42, gone: undefined, set: new Set([3, 1]), raw: new Uint8Array([7]) },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    const { Item } = await documents.get({
      TableName: 't',
      Key: { PK: 'A' },
      ConsistentRead: true,
    });

    const [put, get] = fake.requests;
    expect(put?.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(put?.headers['x-amz-target']).toBe('DynamoDB_20120810.PutItem');
    expect(put?.body).toEqual({
      TableName: 't',
      Item: { PK: { S: 'A' }, n: { N: '42' }, set: { NS: ['3', '1'] }, raw: { B: 'Bw==' } },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    expect(get?.body).toEqual({ TableName: 't', Key: { PK: { S: 'A' } }, ConsistentRead: true });
    expect(Item).toEqual({
      PK: 'A',
      n: 42,
      tags: new Set(['x', 'y']),
      raw: new Uint8Array([1, 2, 255]),
      nested: { list: [true, null] },
    });
  });

  it('converts the keys and items of batch and transaction calls, and adds a request token', async () => {
    fake.answer('BatchWriteItem', {
      body: { UnprocessedItems: { t: [{ DeleteRequest: { Key: { PK: { S: 'B' } } } }] } },
    });
    fake.answer('BatchGetItem', {
      body: {
        Responses: { t: [{ PK: { S: 'A' } }] },
        UnprocessedKeys: { t: { Keys: [{ PK: { S: 'C' } }], ConsistentRead: true } },
      },
    });
    fake.answer('TransactWriteItems', { body: {} });
    const documents = client();

    const written = await documents.batchWrite({
      RequestItems: {
        t: [{ PutRequest: { Item: { PK: 'A' } } }, { DeleteRequest: { Key: { PK: 'B' } } }],
      },
    });
    const read = await documents.batchGet({
      RequestItems: { t: { Keys: [{ PK: 'A' }, { PK: 'C' }], ConsistentRead: true } },
    });
    await documents.transactWrite({
      TransactItems: [
        { Put: { TableName: 't', Item: { PK: 'A' } } },
        {
          Update: {
            TableName: 't',
            Key: { PK: 'B' },
            UpdateExpression: 'ADD c :one',
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
      ],
    });

    expect(written.UnprocessedItems).toEqual({ t: [{ DeleteRequest: { Key: { PK: 'B' } } }] });
    expect(read.Responses).toEqual({ t: [{ PK: 'A' }] });
    expect(read.UnprocessedKeys).toEqual({ t: { Keys: [{ PK: 'C' }], ConsistentRead: true } });
    const [batchWrite, batchGet, transaction] = fake.requests;
    expect(batchWrite?.body).toEqual({
      RequestItems: {
        t: [
          { PutRequest: { Item: { PK: { S: 'A' } } } },
          { DeleteRequest: { Key: { PK: { S: 'B' } } } },
        ],
      },
    });
    expect(batchGet?.body).toEqual({
      RequestItems: { t: { Keys: [{ PK: { S: 'A' } }, { PK: { S: 'C' } }], ConsistentRead: true } },
    });
    expect(transaction?.body).toMatchObject({
      TransactItems: [
        { Put: { TableName: 't', Item: { PK: { S: 'A' } } } },
        {
          Update: {
            Key: { PK: { S: 'B' } },
            ExpressionAttributeValues: { ':one': { N: '1' } },
          },
        },
      ],
    });
    expect(transaction?.body.ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('fails a failed condition with the SDK error name, its fields, and sends it once', async () => {
    fake.answer(
      'UpdateItem',
      error('ConditionalCheckFailedException', { Item: { n: { N: '3' } } }),
    );
    const documents = client();

    const caught = await failure(
      documents.update({
        TableName: 't',
        Key: { PK: 'A' },
        UpdateExpression: 'ADD n :one',
        ConditionExpression: 'n < :most',
        ExpressionAttributeValues: { ':one': 1, ':most': 3 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );

    expect(fake.requests).toHaveLength(1);
    expect(caught).toBeInstanceOf(DynamoDbServiceError);
    expect(caught).toMatchObject({
      name: 'ConditionalCheckFailedException',
      message: 'ConditionalCheckFailedException!',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, requestId: 'fake-1', attempts: 1 },
      // In wire form, as the SDK leaves the item of a failure.
      Item: { n: { N: '3' } },
    });
    expect(isConditionFailure(caught)).toBe(true);
    expect(isStoreUnavailable(caught)).toBe(false);
    expect(() => throwAsServiceError(caught, 'taken')).toThrow(
      expect.objectContaining({ code: 'CONFLICT', message: 'taken' }),
    );
  });

  it('fails a cancelled transaction with its cancellation reasons, sent once', async () => {
    fake.answer(
      'TransactWriteItems',
      error('TransactionCanceledException', {
        Message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
        CancellationReasons: [
          { Code: 'None' },
          { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
        ],
      }),
    );
    const documents = client();

    const caught = await failure(
      transact(documents, { TransactItems: [{ Put: { TableName: 't', Item: { PK: 'A' } } }] }),
    );

    expect(fake.requests).toHaveLength(1);
    expect(caught).toMatchObject({ name: 'TransactionCanceledException', $fault: 'client' });
    expect(cancellationCodes(caught)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(() => throwAsServiceError(caught, 'exists')).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
  });

  it.each([
    ['a ValidationException', error('ValidationException')],
    ['an AccessDeniedException', error('AccessDeniedException')],
    ['a ResourceNotFoundException', error('ResourceNotFoundException')],
  ])('never sends a request again after %s', async (_, answer) => {
    fake.answer('GetItem', answer);

    const caught = await failure(client().get({ TableName: 't', Key: { PK: 'A' } }));

    expect(fake.requests).toHaveLength(1);
    expect(caught).toBeInstanceOf(DynamoDbServiceError);
  });

  it.each([
    ['throttling', error('ProvisionedThroughputExceededException')],
    ['a 500', { status: 500, body: { __type: 'InternalServerError', message: 'oops' } }],
    ['a 503 that is not JSON', { status: 503, body: '<html>Service Unavailable</html>' }],
    ['a dropped connection', { reset: true } as const],
  ])('sends a request again after %s, and answers once it succeeds', async (_, answer) => {
    fake.answer('GetItem', answer, answer, { body: { Item: { PK: { S: 'A' } } } });

    const { Item } = await client().get({ TableName: 't', Key: { PK: 'A' } });

    expect(Item).toEqual({ PK: 'A' });
    expect(fake.requests.map((request) => request.operation)).toEqual([
      'GetItem',
      'GetItem',
      'GetItem',
    ]);
    // Each attempt signed afresh, with the same body.
    expect(new Set(fake.requests.map((request) => JSON.stringify(request.body))).size).toBe(1);
  });

  it('gives up after its attempts with the last failure, which the stores call an outage', async () => {
    const throttled = error('ThrottlingException');
    fake.answer('Query', throttled, throttled, throttled, { body: {} });

    const caught = await failure(
      client({ maxAttempts: 3 }).query({ TableName: 't', KeyConditionExpression: 'PK = :pk' }),
    );

    expect(fake.requests).toHaveLength(3);
    expect(caught).toMatchObject({
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400, attempts: 3 },
    });
    expect(isStoreUnavailable(caught)).toBe(true);
    expect(() => throwAsServiceError(caught, 'x')).toThrow(ServiceError);
  });

  it('keeps one request token over the attempts of a transaction', async () => {
    fake.answer('TransactWriteItems', { status: 500, body: { __type: 'InternalServerError' } });

    await client().transactWrite({
      TransactItems: [{ Put: { TableName: 't', Item: { PK: 'A' } } }],
    });

    const tokens = fake.requests.map((request) => request.body.ClientRequestToken);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toBe(tokens[1]);
  });

  it('reads region, endpoint and credentials from the Lambda environment, token included', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_REGION: 'eu-central-1',
      AWS_ENDPOINT_URL_DYNAMODB: fake.endpoint,
      AWS_ACCESS_KEY_ID: 'ASIAENV',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'session-token',
    });
    try {
      const { Table } = await (async () => {
        fake.answer('DescribeTable', { body: { Table: { TableStatus: 'ACTIVE' } } });
        return liteDynamoDb().describeTable({ TableName: 't' });
      })();

      expect(Table?.TableStatus).toBe('ACTIVE');
      const [request] = fake.requests;
      expect(request?.headers['x-amz-security-token']).toBe('session-token');
      expect(request?.headers.authorization).toMatch(
        /Credential=ASIAENV\/\d{8}\/eu-central-1\/dynamodb\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,/,
      );
    } finally {
      process.env = saved;
    }
  });
});
