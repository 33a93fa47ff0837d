import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '#functions/config.ts';
import { awsServiceRuntime } from '#functions/lambda/aws-context.ts';
import { type FakeDynamoDb, startFakeDynamoDb } from '#test/support/fake-dynamodb.ts';

const ENV = {
  TABLE_NAME: 'credstack-test',
  BASE_URL: 'https://api.example.org',
  OIDC_ISSUER: 'https://id.example.org',
  OIDC_AUDIENCE: 'credstack-api',
  STAGE: 'test',
  KMS_ALIAS_PREFIX: 'acme/credstack',
  AWS_REGION: 'eu-west-1',
};

// The function's DynamoDB client is the SDK-free one: it reaches this endpoint over HTTP.
let dynamodb: FakeDynamoDb;
beforeAll(async () => {
  dynamodb = await startFakeDynamoDb();
});
afterAll(async () => {
  await dynamodb.close();
});
const kms = mockClient(KMSClient);

function insert(pk: string, sk: string, sequenceNumber: string): DynamoDBRecord {
  return {
    eventName: 'INSERT',
    dynamodb: { Keys: { PK: { S: pk }, SK: { S: sk } }, SequenceNumber: sequenceNumber },
  };
}

beforeEach(() => {
  dynamodb.reset();
  kms.reset();
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamodb.endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the batch jobs Lambda root', () => {
  async function coldStart() {
    for (const [name, value] of Object.entries(ENV)) vi.stubEnv(name, value);
    vi.resetModules();
    const { handler } = await import('#functions/lambda/batch-jobs.ts');
    return handler;
  }

  it('ignores records that are not new batch jobs', async () => {
    const handler = await coldStart();
    const event: DynamoDBStreamEvent = {
      Records: [insert('CRED#urn:uuid:1', 'CRED', '100'), insert('JOB#j1', 'R#000001', '101')],
    };

    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(dynamodb.requests).toHaveLength(0);
  });

  it('reports a job whose processing fails as a batch item failure, read from the configured table', async () => {
    dynamodb.answer('GetItem', {
      status: 500,
      body: { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'oops' },
    });
    // One attempt: the SDK-free client would retry a 500 (AWS_MAX_ATTEMPTS, as the SDK reads it).
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
    const handler = await coldStart();
    const event: DynamoDBStreamEvent = { Records: [insert('JOB#j1', 'META', '200')] };

    expect(await handler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: '200' }] });
    expect(dynamodb.requests[0]?.operation).toBe('GetItem');
    expect(dynamodb.requests[0]?.body.TableName).toBe('credstack-test');
  });
});

describe('awsServiceRuntime', () => {
  it('creates issuer keys in KMS under the configured alias prefix, tagged with the stage', async () => {
    const arn = 'arn:aws:kms:eu-west-1:111122223333:key/k1';
    kms.on(CreateKeyCommand).resolves({ KeyMetadata: { KeyId: 'k1', Arn: arn } });
    kms.on(CreateAliasCommand).resolves({});
    const { ctx } = awsServiceRuntime(loadConfig(ENV));

    const { keyRef } = await ctx.vault.createKey('northfield', 'ES256');

    expect(keyRef).toBe(arn);
    expect(kms.commandCalls(CreateKeyCommand)[0]?.args[0].input.Tags).toEqual([
      { TagKey: 'credstack:issuer', TagValue: 'northfield' },
      { TagKey: 'credstack:stage', TagValue: 'test' },
    ]);
    expect(kms.commandCalls(CreateAliasCommand)[0]?.args[0].input.AliasName).toMatch(
      /^alias\/acme\/credstack\/northfield\/es256-\d{8}T\d{9}Z$/,
    );
  });

  it('serves the configured base URL', () => {
    const { ctx } = awsServiceRuntime(loadConfig(ENV));

    expect(ctx.baseUrl).toBe('https://api.example.org');
  });
});
