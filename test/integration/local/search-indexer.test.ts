import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SILENT_LOGGER } from '#functions/observability.ts';
import { dynamoServiceContext } from '#functions/service-context.ts';
import { searchIndexerHandler } from '#functions/streams/search-indexer.ts';
import { LocalKeyVault } from '#shared/adapters/key-files/local-key-vault.ts';
import { systemClock } from '#shared/core/clock.ts';
import { createAchievement } from '#shared/domain/achievements.ts';
import { reindexLearner } from '#shared/domain/candidate-index.ts';
import { giveConsent, withdrawConsent } from '#shared/domain/consent.ts';
import { issueCredential } from '#shared/domain/issuance.ts';
import { onboardIssuer } from '#shared/domain/issuers.ts';
import type { CandidateDocument, SearchIndex } from '#shared/domain/ports/search-index.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';
import type { Principal } from '#shared/domain/principal.ts';
import type { CredentialRecord } from '#shared/domain/records/records.ts';
import { EmbeddedSearchIndex } from '#shared/search/embedded/embedded-search-index.ts';
import { useDynamoDbLocal } from '#test/support/dynamodb.ts';
import { DEMO_ACHIEVEMENTS } from '../../../samples/demo-catalog.ts';

/**
 * The search indexer against a real table, fed hand-made stream records: out of order,
 * replayed, failing halfway, and racing itself. Whatever the order, the index ends holding
 * what the table says, at a version no older write can undo.
 */

const db = useDynamoDbLocal();
const ADMIN: Principal = { subject: 'admin', roles: ['platform-admin'] };

/** The embedded engine, made to fail the next `failures` upserts of one learner. */
class FlakyIndex implements SearchIndex {
  readonly inner = new EmbeddedSearchIndex();
  failures = new Map<string, number>();
  versions: number[] = [];

  async upsert(document: CandidateDocument): Promise<void> {
    const left = this.failures.get(document.learnerId) ?? 0;
    if (left > 0) {
      this.failures.set(document.learnerId, left - 1);
      throw new Error('the index is unreachable');
    }
    this.versions.push(document.version);
    await this.inner.upsert(document);
  }
  remove(tenantId: string, learnerId: string, version: number) {
    return this.inner.remove(tenantId, learnerId, version);
  }
  search(query: Parameters<SearchIndex['search']>[0]) {
    return this.inner.search(query);
  }
  get(tenantId: string, learnerId: string) {
    return this.inner.get(tenantId, learnerId);
  }
}

let dir: string;
let ctx: ServiceContext;
let index: FlakyIndex;
let achievementId: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credstack-indexer-'));
  index = new FlakyIndex();
  ctx = dynamoServiceContext({
    documents: db.documents,
    tableName: await db.newTable(),
    vault: new LocalKeyVault({ dir: join(dir, 'keys') }),
    baseUrl: 'http://127.0.0.1:9',
    clock: systemClock,
    searchIndex: index,
  });
  await onboardIssuer(ctx, ADMIN, { id: 'northfield', name: 'Northfield' });
  const [sql] = DEMO_ACHIEVEMENTS;
  if (!sql) throw new Error('the demo catalogue is empty');
  const { id: _id, ...definition } = sql;
  achievementId = (await createAchievement(ctx, ADMIN, 'northfield', { definition })).id;
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function consentingLearner(learnerId: string): Promise<void> {
  await giveConsent(ctx, { subject: learnerId, roles: ['learner'], learnerId }, learnerId, {
    displayName: learnerId,
    employers: 'all',
  });
}

async function issue(learnerId: string): Promise<CredentialRecord> {
  const { record } = await issueCredential(ctx, ADMIN, {
    issuerId: 'northfield',
    achievementId,
    recipient: { email: `${learnerId}@mail.example` },
    learnerId,
  });
  return record;
}

/** A plain JSON value as a stream image value (what Lambda hands the handler). */
function attribute(value: unknown): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(attribute) };
  if (value !== null && typeof value === 'object') {
    const map: Record<string, AttributeValue> = {};
    for (const [name, member] of Object.entries(value))
      if (member !== undefined) map[name] = attribute(member);
    return { M: map };
  }
  return { NULL: true };
}

let sequence = 1000;
function credentialRecord(
  credential: CredentialRecord,
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'MODIFY',
): DynamoDBRecord {
  sequence += 1;
  const image = (attribute({ PK: `CRED#${credential.id}`, SK: 'CRED', ...credential }).M ??
    {}) as Record<string, AttributeValue>;
  return {
    eventName,
    dynamodb: {
      Keys: { PK: { S: `CRED#${credential.id}` }, SK: { S: 'CRED' } },
      ...(eventName === 'REMOVE' ? { OldImage: image } : { NewImage: image }),
      SequenceNumber: String(sequence),
    },
  };
}

function keysRecord(pk: string, sk: string): DynamoDBRecord {
  sequence += 1;
  return {
    eventName: 'MODIFY',
    dynamodb: { Keys: { PK: { S: pk }, SK: { S: sk } }, SequenceNumber: String(sequence) },
  };
}

const event = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });
const badgesOf = async (learnerId: string) =>
  (await index.get('default', learnerId))?.badges.map((b) => b.credentialId) ?? [];

describe('the search indexer', () => {
  it('keeps the newest state of a credential whatever order its records arrive in, and on replay', async () => {
    await consentingLearner('ada');
    const active = await issue('ada');
    const revoked: CredentialRecord = { ...active, state: 'revoked' };
    const issued = credentialRecord(active, 'INSERT');
    const revocation = credentialRecord(revoked);
    const handler = searchIndexerHandler(ctx, { logger: SILENT_LOGGER });

    const newestFirst = await handler(event(revocation, issued));
    const afterReorder = await badgesOf('ada');
    const replay = await handler(event(issued, revocation, issued));
    const afterReplay = await badgesOf('ada');
    const reinstated = await handler(
      event(credentialRecord({ ...active, state: 'active' }), issued),
    );

    expect(newestFirst.batchItemFailures).toEqual([]);
    expect(afterReorder).toEqual([]);
    expect(replay.batchItemFailures).toEqual([]);
    expect(afterReplay).toEqual([]);
    expect(reinstated.batchItemFailures).toEqual([]);
    expect(await badgesOf('ada')).toEqual([active.id]);
  });

  it('ignores records that are not its sources, its own writes included', async () => {
    const before = (await index.get('default', 'ada'))?.version;
    const handler = searchIndexerHandler(ctx, { logger: SILENT_LOGGER });

    const response = await handler(
      event(
        keysRecord('LEARNER#ada', 'INDEX'),
        keysRecord('LEARNER#ada', 'ISSUED#urn:uuid:x'),
        keysRecord('SEEN#ada', '2026-01-01T00:00:00Z#1'),
        keysRecord('ISSUER#northfield', 'PROFILE'),
      ),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect((await index.get('default', 'ada'))?.version).toBe(before);
  });

  it('reports the last record of a learner it could not index, and a redelivery completes the work', async () => {
    await consentingLearner('grace');
    await consentingLearner('alan');
    const graceBadge = await issue('grace');
    const alanBadge = await issue('alan');
    const records = [
      credentialRecord(alanBadge, 'INSERT'),
      credentialRecord(graceBadge, 'INSERT'),
      keysRecord('LEARNER#grace', 'CONSENT#default'),
    ];
    const handler = searchIndexerHandler(ctx, { logger: SILENT_LOGGER });
    index.failures.set('grace', 1);

    const failed = await handler(event(...records));
    const alanAfterFailure = await badgesOf('alan');
    const graceAfterFailure = await badgesOf('grace');
    // As the stream does: everything from the reported record on, again. Grace is re-indexed
    // at her last record of the batch, after her credential's copy was written.
    const retried = await handler(event(...records.slice(2)));

    expect(failed.batchItemFailures).toEqual([
      { itemIdentifier: records[2]?.dynamodb?.SequenceNumber },
    ]);
    expect(alanAfterFailure).toEqual([alanBadge.id]);
    expect(graceAfterFailure).toEqual([]);
    expect(retried.batchItemFailures).toEqual([]);
    expect(await badgesOf('grace')).toEqual([graceBadge.id]);
  });

  it('skips records that can never succeed, indexes the others of the batch, and reports none', async () => {
    await consentingLearner('ruth');
    const ruthBadge = await issue('ruth');
    const logged: string[] = [];
    const handler = searchIndexerHandler(ctx, {
      logger: { log: (entry) => logged.push(String(entry.message)) },
    });
    // Ids no request can produce any more (the edge refuses them), as older data might hold:
    // a learner partition over DynamoDB's 2,048-byte key limit, an overlong tenant.
    const poison = [
      keysRecord(`LEARNER#${'x'.repeat(2100)}`, 'CONSENT#default'),
      keysRecord(`TENANT#${'t'.repeat(1100)}`, 'SETTINGS'),
      keysRecord('LEARNER#ruth', `CONSENT#${'t'.repeat(1100)}`),
      credentialRecord({ ...ruthBadge, learnerId: 'r'.repeat(2100) }, 'INSERT'),
    ];

    const response = await handler(event(...poison, credentialRecord(ruthBadge, 'INSERT')));

    expect(response.batchItemFailures).toEqual([]);
    expect(await badgesOf('ruth')).toEqual([ruthBadge.id]);
    expect(logged.filter((message) => message.includes('skipped'))).toHaveLength(poison.length);
  });

  it('ends at the table state, at the highest version, when rebuilds of one learner race', async () => {
    await consentingLearner('lin');
    const badges = await Promise.all([issue('lin'), issue('lin'), issue('lin'), issue('lin')]);
    const handler = searchIndexerHandler(ctx, { logger: SILENT_LOGGER });
    index.versions = [];

    // Each credential's record in its own batch, all at once, plus bare rebuilds in between.
    await Promise.all([
      ...badges.map((badge) => handler(event(credentialRecord(badge, 'INSERT')))),
      reindexLearner(ctx, 'lin'),
      reindexLearner(ctx, 'lin'),
    ]);
    const final = await index.get('default', 'lin');

    expect(final?.badges.map((b) => b.credentialId).sort()).toEqual(badges.map((b) => b.id).sort());
    expect(final?.version).toBe(Math.max(...index.versions));
    // A straggler at an old version changes nothing.
    await index.upsert({ ...(final as CandidateDocument), badges: [], version: 1 });
    expect((await index.get('default', 'lin'))?.badges).toHaveLength(4);
  });

  it('takes a learner out when their consent is withdrawn, and an older write cannot bring them back', async () => {
    const handler = searchIndexerHandler(ctx, { logger: SILENT_LOGGER });
    const stale = await index.get('default', 'lin');
    await giveConsent(ctx, { subject: 'lin', roles: ['learner'], learnerId: 'lin' }, 'lin', {
      displayName: 'lin',
      employers: ['nobody'],
    });
    await withdrawConsent(ctx, { subject: 'lin', roles: ['learner'], learnerId: 'lin' }, 'lin');

    await handler(event(keysRecord('LEARNER#lin', 'CONSENT#default')));
    await index.upsert(stale as CandidateDocument);

    expect(await index.get('default', 'lin')).toBeUndefined();
  });
});
