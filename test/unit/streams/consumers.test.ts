import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { Logger } from '#functions/observability.ts';
import { batchJobsHandler } from '#functions/streams/batch-jobs.ts';
import { pathwayEventsHandler, pathwayJobsHandler } from '#functions/streams/pathway-events.ts';
import type { MemoryServiceContext } from '#shared/adapters/memory/context.ts';
import { createBatch } from '#shared/domain/batches.ts';
import { issueCredential } from '#shared/domain/issuance.ts';
import { publishPathway, savePathway } from '#shared/domain/pathways.ts';
import type { CredentialRecord } from '#shared/domain/records/records.ts';
import { ADMIN, memoryService, seedIssuer, useVaultDir } from '#test/support/memory-service.ts';

/**
 * The stream consumers on the in-memory service: each reports exactly the records whose work
 * failed, logs why, and does the rest of the batch.
 */

const vaultDir = useVaultDir();
let issuers = 0;

function collecting(): Logger & { entries: Record<string, unknown>[] } {
  const entries: Record<string, unknown>[] = [];
  return { entries, log: (entry) => entries.push({ ...entry }) };
}

function keysRecord(pk: string, sk: string, sequence: string): DynamoDBRecord {
  return {
    eventName: 'INSERT',
    dynamodb: { Keys: { PK: { S: pk }, SK: { S: sk } }, SequenceNumber: sequence },
  };
}

function credentialInsert(record: CredentialRecord, sequence: string): DynamoDBRecord {
  const keys = { PK: `CRED#${record.id}`, SK: 'CRED' };
  return {
    eventName: 'INSERT',
    dynamodb: {
      Keys: marshall(keys) as never,
      NewImage: marshall({ ...keys, ...record }, { removeUndefinedValues: true }) as never,
      SequenceNumber: sequence,
    },
  };
}

/** `ctx` with `listByLearner` failing for `learnerId`, counting the listings per learner. */
function failingListing(ctx: MemoryServiceContext, learnerId: string) {
  const listings = new Map<string, number>();
  const credentials = new Proxy(ctx.credentials, {
    get(target, property) {
      if (property === 'listByLearner')
        return async (learner: string, ...rest: unknown[]) => {
          listings.set(learner, (listings.get(learner) ?? 0) + 1);
          if (learner === learnerId) throw new Error('listing refused', { cause: 'throttled' });
          return (target.listByLearner as (...args: unknown[]) => unknown)(learner, ...rest);
        };
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { ctx: { ...ctx, credentials }, listings };
}

async function pathwayService() {
  const ctx = memoryService(vaultDir());
  issuers += 1;
  const issuerId = `consumers-${issuers}`;
  const ids = (await seedIssuer(ctx, issuerId, ['A', 'B'])) as Record<'A' | 'B', string>;
  await savePathway(ctx, ADMIN, issuerId, {
    format: 'credstack-pathway/1',
    version: 1,
    id: 'foundations',
    name: 'Foundations',
    root: { allOf: [{ achievement: ids.A }, { achievement: ids.B }] },
  });
  await publishPathway(ctx, ADMIN, issuerId, 'foundations', 1);
  const issue = async (achievementId: string, learnerId: string) =>
    (
      await issueCredential(ctx, ADMIN, {
        issuerId,
        achievementId,
        recipient: { id: `did:example:${learnerId}` },
        learnerId,
      })
    ).record;
  return { ctx, ids, issue };
}

const awardsOf = async (ctx: MemoryServiceContext, learnerId: string) =>
  (await ctx.credentials.listByLearner(learnerId)).items.filter((r) => r.award !== undefined);

describe('the batch jobs consumer', () => {
  it('runs new jobs, ignores other items and reports only the job that failed, with its cause', async () => {
    const ctx = memoryService(vaultDir());
    issuers += 1;
    const issuerId = `consumers-${issuers}`;
    const ids = await seedIssuer(ctx, issuerId, ['SQL']);
    const job = await createBatch(ctx, ADMIN, issuerId, {
      achievementId: ids.SQL as string,
      recipients: [{ id: 'did:example:ada' }, { id: 'did:example:grace' }],
    });
    const logger = collecting();

    const response = await batchJobsHandler(ctx, { logger })({
      Records: [
        keysRecord('JOB#missing', 'META', '10'),
        keysRecord(`JOB#${job.id}`, 'R#000000', '11'),
        keysRecord(`JOB#${job.id}`, 'META', '12'),
      ],
    });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '10' }] });
    expect(await ctx.batchJobs.get(job.id)).toMatchObject({ state: 'done', issued: 2 });
    expect(logger.entries).toHaveLength(1);
    expect(logger.entries[0]).toMatchObject({
      level: 'error',
      consumer: 'batch-jobs',
      sequenceNumber: '10',
      error: { code: 'NOT_FOUND', message: 'no batch job missing' },
    });
  });
});

describe('the pathway events consumer', () => {
  it('re-evaluates each learner once per batch and reports every record of the learner that failed', async () => {
    const { ctx, ids, issue } = await pathwayService();
    const adaA = await issue(ids.A, 'ada');
    const adaB = await issue(ids.B, 'ada');
    const graceA = await issue(ids.A, 'grace');
    const graceB = await issue(ids.B, 'grace');
    const { ctx: faulty, listings } = failingListing(ctx, 'grace');
    const logger = collecting();

    const response = await pathwayEventsHandler(faulty, { logger })({
      Records: [
        credentialInsert(adaA, '1'),
        credentialInsert(graceA, '2'),
        credentialInsert(adaB, '3'),
        credentialInsert(graceB, '4'),
      ],
    });

    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: '2' }, { itemIdentifier: '4' }],
    });
    expect(Object.fromEntries(listings)).toEqual({ ada: 1, grace: 1 });
    expect(await awardsOf(ctx, 'ada')).toHaveLength(1);
    expect(await awardsOf(ctx, 'grace')).toEqual([]);
    expect(logger.entries.map((entry) => entry.sequenceNumber)).toEqual(['2', '4']);
    expect(logger.entries[0]).toMatchObject({
      consumer: 'pathway-events',
      error: { message: 'listing refused', cause: 'throttled' },
    });

    // The stream delivers grace's records again; this time her listing answers.
    const redelivered = await pathwayEventsHandler(ctx, { logger })({
      Records: [credentialInsert(graceA, '2'), credentialInsert(graceB, '4')],
    });
    expect(redelivered).toEqual({ batchItemFailures: [] });
    expect(await awardsOf(ctx, 'grace')).toHaveLength(1);
  });
});

describe('the pathway jobs consumer', () => {
  it('runs a new job, ignores updates of it and reports a job that cannot run', async () => {
    const { ctx, ids, issue } = await pathwayService();
    await issue(ids.A, 'lin');
    await issue(ids.B, 'lin');
    const [job] = await ctx.pathwayJobs.listOpen();
    const logger = collecting();
    if (job === undefined) throw new Error('publishing queues an evaluation job');

    const response = await pathwayJobsHandler(ctx, { logger })({
      Records: [
        { ...keysRecord(`PWJOB#${job.id}`, 'META', '20'), eventName: 'MODIFY' },
        keysRecord(`PWJOB#${job.id}`, 'META', '21'),
        keysRecord('PWJOB#missing', 'META', '22'),
      ],
    });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '22' }] });
    expect(await awardsOf(ctx, 'lin')).toHaveLength(1);
    expect(logger.entries).toEqual([
      expect.objectContaining({ consumer: 'pathway-jobs', sequenceNumber: '22' }),
    ]);
  });
});
