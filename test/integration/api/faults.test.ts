import { InternalServerError } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchJobsHandler } from '#functions/streams/batch-jobs.ts';
import { LocalKeyVault } from '#shared/adapters/key-files/local-key-vault.ts';
import { CredstackError } from '#shared/core/errors.ts';
import type { Signer } from '#shared/credentials/crypto/signer.ts';
import type { CredentialRepository, KeyVault } from '#shared/domain/ports/repositories.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';
import type { CredentialRecord } from '#shared/domain/records/records.ts';
import { allPages } from '#test/support/pages.ts';
import { useService } from '#test/support/service-harness.ts';

/**
 * The service when its dependencies fail: a key vault whose signatures fail on chosen calls,
 * and a table write that fails once. Nothing half-done may remain: no credential for a
 * recipient reported failed, no recipient issued twice, no idempotency key left claimed.
 */

/** Which signatures fail, counted from the last `failWhen`. */
class SignatureFaults {
  calls = 0;
  #failWhen: (call: number) => boolean = () => false;

  failWhen(predicate: (call: number) => boolean): void {
    this.calls = 0;
    this.#failWhen = predicate;
  }

  /** Counts a signature; true when it is to fail. */
  next(): boolean {
    this.calls += 1;
    return this.#failWhen(this.calls);
  }
}

/** A vault whose signers throw SIGNING_FAILED when `faults` says so, as KMS might. */
function failingVault(inner: KeyVault, faults: SignatureFaults): KeyVault {
  const wrap = (signer: Signer): Signer => ({
    algorithm: signer.algorithm,
    keyRef: signer.keyRef,
    publicJwk: () => signer.publicJwk(),
    async sign(data) {
      if (faults.next())
        throw new CredstackError(
          'SIGNING_FAILED',
          `injected: KMS refused signature ${faults.calls} with key ${signer.keyRef}`,
        );
      return signer.sign(data);
    },
  });
  return {
    async createKey(issuerId, algorithm) {
      const { keyRef, signer } = await inner.createKey(issuerId, algorithm);
      return { keyRef, signer: wrap(signer) };
    },
    async signerFor(keyRef, algorithm) {
      return wrap(await inner.signerFor(keyRef, algorithm));
    },
  };
}

/**
 * The repository with `create` failing on its `failOn`-th call: before anything is written,
 * or (`afterWrite`) after the write succeeded, as when only the answer is lost.
 */
function failingCreate(
  inner: CredentialRepository,
  failOn: number,
  afterWrite = false,
): CredentialRepository {
  let calls = 0;
  return {
    async create(record) {
      calls += 1;
      if (calls === failOn) {
        if (afterWrite) await inner.create(record);
        throw new InternalServerError({
          message: 'injected: internal server error',
          $metadata: { httpStatusCode: 500 },
        });
      }
      return inner.create(record);
    },
    get: (id) => inner.get(id),
    listByIssuer: (issuerId, cursor) => inner.listByIssuer(issuerId, cursor),
    listByLearner: (learnerId, cursor) => inner.listByLearner(learnerId, cursor),
    setState: (id, change) => inner.setState(id, change),
    syncStatusBit: (id, state, status) => inner.syncStatusBit(id, state, status),
  };
}

const faults = new SignatureFaults();
const service = useService({ vault: (dir) => failingVault(new LocalKeyVault({ dir }), faults) });

let admin: string;

beforeAll(async () => {
  admin = await service().tokens.sign({ sub: 'platform', roles: ['platform-admin'] });
}, 30_000);

async function onboard(issuerId: string): Promise<string> {
  const { call } = service();
  faults.failWhen(() => false);
  const issuer = await call('POST', '/issuers', {
    token: admin,
    body: { id: issuerId, name: `${issuerId} Academy` },
  });
  const achievement = await call('POST', `/issuers/${issuerId}/achievements`, {
    token: admin,
    body: {
      definition: {
        name: 'Incident Response',
        description: 'Triages and resolves production incidents.',
        criteria: { narrative: 'Led a game-day exercise.' },
      },
    },
  });
  expect([issuer.status, achievement.status]).toEqual([201, 201]);
  return achievement.body.id as string;
}

/** Queues a batch of `count` DID recipients; returns the job id and the stream record. */
async function queueBatch(issuerId: string, achievementId: string, count: number) {
  const created = await service().call('POST', `/issuers/${issuerId}/batches`, {
    token: admin,
    body: {
      achievementId,
      recipients: Array.from({ length: count }, (_, i) => ({ id: `did:example:${issuerId}-${i}` })),
    },
  });
  expect(created.status).toBe(202);
  const jobId = created.body.id as string;
  const record = {
    eventName: 'INSERT',
    dynamodb: { Keys: { PK: { S: `JOB#${jobId}` }, SK: { S: 'META' } }, SequenceNumber: '1' },
  };
  return { jobId, event: { Records: [record] } as never };
}

/** The job, its recipients and the issuer's stored credentials, as they are now. */
async function snapshot(ctx: ServiceContext, jobId: string, issuerId: string) {
  const job = await ctx.batchJobs.get(jobId);
  const recipients = await allPages((cursor) => ctx.batchJobs.recipients(jobId, cursor));
  const stored = await allPages((cursor) => ctx.credentials.listByIssuer(issuerId, cursor));
  stored.sort((a, b) => a.id.localeCompare(b.id));
  return { job, recipients, stored };
}

/** How many stored credentials each recipient DID has. */
function credentialsPerRecipient(stored: readonly CredentialRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of stored) {
    const id = record.recipient.id ?? '';
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

describe('batch awards under signing faults', () => {
  it('records every third recipient failed with its reason, issues the rest once, and ignores a replay', async () => {
    const { ctx } = service();
    const achievementId = await onboard('sigfault');
    const { jobId, event } = await queueBatch('sigfault', achievementId, 12);

    faults.failWhen((call) => call % 3 === 0);
    const response = await batchJobsHandler(ctx)(event);
    const signatures = faults.calls;
    const after = await snapshot(ctx, jobId, 'sigfault');
    faults.failWhen(() => false);
    const replay = await batchJobsHandler(ctx)(event);
    const afterReplay = await snapshot(ctx, jobId, 'sigfault');

    expect(response).toEqual({ batchItemFailures: [] });
    expect(signatures).toBe(12);
    expect(after.job).toMatchObject({ state: 'done', total: 12, issued: 8, failed: 4 });
    const failed = after.recipients.filter((recipient) => recipient.state === 'failed');
    const issued = after.recipients.filter((recipient) => recipient.state === 'issued');
    expect([failed.length, issued.length]).toEqual([4, 8]);
    for (const recipient of failed) {
      expect(recipient.error).toMatch(/^injected: KMS refused signature \d+ with key sigfault\//);
      expect(recipient.credentialId ?? null).toBeNull();
    }
    const perRecipient = credentialsPerRecipient(after.stored);
    expect(failed.map((recipient) => perRecipient.get(recipient.recipient.id ?? ''))).toEqual(
      Array(4).fill(undefined),
    );
    expect(issued.map((recipient) => perRecipient.get(recipient.recipient.id ?? ''))).toEqual(
      Array(8).fill(1),
    );
    expect(after.stored.map((record) => record.id)).toEqual(
      issued.map((recipient) => recipient.credentialId).sort(),
    );
    expect(replay).toEqual({ batchItemFailures: [] });
    expect(afterReplay).toEqual(after);
  });
});

describe('POST /credentials/issue under a signing fault', () => {
  it('answers 500 with a generic detail, stores nothing, and releases the Idempotency-Key', async () => {
    const { call, ctx } = service();
    const achievementId = await onboard('onefault');
    const request = {
      token: admin,
      headers: { 'idempotency-key': 'award-onefault-1' },
      body: {
        credential: {
          issuer: 'onefault',
          credentialSubject: { email: 'sam@mail.example', achievement: { id: achievementId } },
        },
      },
    };

    faults.failWhen(() => true);
    const failed = await call('POST', '/credentials/issue', request);
    const storedAfterFault = await ctx.credentials.listByIssuer('onefault');
    faults.failWhen(() => false);
    const retried = await call('POST', '/credentials/issue', request);
    const storedAfterRetry = await ctx.credentials.listByIssuer('onefault');

    expect(failed.status).toBe(500);
    expect(failed.headers.get('content-type')).toBe('application/problem+json');
    expect(failed.body).toEqual({
      type: 'urn:credstack:problem:internal',
      title: 'Internal server error',
      status: 500,
      detail:
        'The request could not be processed. Quote the x-correlation-id response header when reporting this.',
      instance: '/credentials/issue',
    });
    expect(storedAfterFault.items).toEqual([]);
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(storedAfterRetry.items.map((record) => record.id)).toEqual([retried.body.id]);
  });
});

describe('batch awards under a DynamoDB fault', () => {
  it('records the recipient whose write failed as failed, and issues nobody twice, even on replay', async () => {
    const { ctx } = service();
    const achievementId = await onboard('dbfault');
    const { jobId, event } = await queueBatch('dbfault', achievementId, 12);
    const faulty: ServiceContext = { ...ctx, credentials: failingCreate(ctx.credentials, 5) };

    const response = await batchJobsHandler(faulty)(event);
    const after = await snapshot(ctx, jobId, 'dbfault');
    const replay = await batchJobsHandler(ctx)(event);
    const afterReplay = await snapshot(ctx, jobId, 'dbfault');

    expect(response).toEqual({ batchItemFailures: [] });
    expect(after.job).toMatchObject({ state: 'done', total: 12, issued: 11, failed: 1 });
    const failed = after.recipients.filter((recipient) => recipient.state === 'failed');
    expect(failed.map((recipient) => recipient.error)).toEqual(['injected: internal server error']);
    const perRecipient = credentialsPerRecipient(after.stored);
    expect(perRecipient.get(failed[0]?.recipient.id ?? '')).toBeUndefined();
    expect([perRecipient.size, Math.max(...perRecipient.values())]).toEqual([11, 1]);
    expect(replay).toEqual({ batchItemFailures: [] });
    expect(afterReplay).toEqual(after);
  });

  it('records a recipient as issued when the write succeeded but its answer was lost', async () => {
    const { ctx } = service();
    const achievementId = await onboard('lostreply');
    const { jobId, event } = await queueBatch('lostreply', achievementId, 6);
    const faulty: ServiceContext = { ...ctx, credentials: failingCreate(ctx.credentials, 3, true) };

    await batchJobsHandler(faulty)(event);
    const after = await snapshot(ctx, jobId, 'lostreply');

    expect(after.job).toMatchObject({ state: 'done', total: 6, issued: 6, failed: 0 });
    const perRecipient = credentialsPerRecipient(after.stored);
    expect([perRecipient.size, Math.max(...perRecipient.values())]).toEqual([6, 1]);
    expect(
      after.recipients.filter(
        (recipient) => recipient.credentialId === undefined || recipient.error !== undefined,
      ),
    ).toEqual([]);
  });
});
