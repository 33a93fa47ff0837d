import { describe, expect, it } from 'vitest';
import { credentialStore, issuerStore } from '#functions/dynamo-stores.ts';
import { dynamoContextWith } from '#functions/service-context.ts';
import type { DynamoDocuments } from '#shared/adapters/dynamodb/documents.ts';
import { DynamoIssuerStore } from '#shared/adapters/dynamodb/issuer-store.ts';
import type { KeyVault } from '#shared/domain/ports/repositories.ts';

// No call reaches the table in these tests: each operation only has to exist.
const unreached = async () => {
  throw new Error('the table is not reached in this test');
};
const documents = Object.fromEntries(
  ['get', 'put', 'update', 'delete', 'query', 'batchGet', 'batchWrite', 'transactWrite'].map(
    (operation) => [operation, unreached],
  ),
) as unknown as DynamoDocuments;

const options = {
  documents,
  tableName: 'credstack-test',
  vault: {} as KeyVault,
  baseUrl: 'https://api.example.org/',
  clock: { now: () => new Date(0) },
};

describe('a service context with some stores', () => {
  it('builds the stores given', () => {
    const ctx = dynamoContextWith(options, { issuers: issuerStore, credentials: credentialStore });

    expect(ctx.issuers).toBeInstanceOf(DynamoIssuerStore);
    expect(ctx.baseUrl).toBe('https://api.example.org');
  });

  it('fails every call to a store not given, naming it', async () => {
    const ctx = dynamoContextWith(options, { issuers: issuerStore });

    await expect(async () => ctx.batchJobs.get('job-1')).rejects.toThrow(
      'the batchJobs store is not wired into this function',
    );
    expect(() => ctx.consents.get('ada', 'default')).toThrow('the consents store is not wired');
  });

  it('can be awaited without calling the stand-in', async () => {
    const ctx = dynamoContextWith(options, {});

    await expect(Promise.resolve(ctx.imports)).resolves.toBe(ctx.imports);
  });
});
