import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '#functions/config.ts';
import { awsServiceRuntime } from '#functions/lambda/aws-context.ts';

const ENV = {
  TABLE_NAME: 'credstack-test',
  BASE_URL: 'https://api.example.org',
  OIDC_ISSUER: 'https://id.example.org',
  OIDC_AUDIENCE: 'credstack-api',
  STAGE: 'test',
  KMS_ALIAS_PREFIX: 'acme/credstack',
  AWS_REGION: 'eu-west-1',
};

const dynamodb = mockClient(DynamoDBClient);
const documents = mockClient(DynamoDBDocumentClient);
const kms = mockClient(KMSClient);

function insert(pk: string, sk: string, sequenceNumber: string): DynamoDBRecord {
  return {
    eventName: 'INSERT',
    dynamodb: { Keys: { PK: { S: pk }, SK: { S: sk } }, SequenceNumber: sequenceNumber },
  };
}

beforeEach(() => {
  dynamodb.reset();
  documents.reset();
  kms.reset();
});

describe('the batch jobs Lambda root', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

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
    expect(documents.calls()).toHaveLength(0);
  });

  it('reports a job whose processing fails as a batch item failure, read from the configured table', async () => {
    documents.on(GetCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    const handler = await coldStart();
    const event: DynamoDBStreamEvent = { Records: [insert('JOB#j1', 'META', '200')] };

    expect(await handler(event)).toEqual({ batchItemFailures: [{ itemIdentifier: '200' }] });
    expect(documents.commandCalls(GetCommand)[0]?.args[0].input.TableName).toBe('credstack-test');
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
