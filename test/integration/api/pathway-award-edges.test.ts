import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { SILENT_LOGGER } from '#functions/observability.ts';
import { pathwayEventsHandler, pathwayJobsHandler } from '#functions/streams/pathway-events.ts';
import { pathwayJobChunkKey } from '#shared/adapters/dynamodb/pathway-job-store.ts';
import { reevaluateLearner } from '#shared/domain/pathway-awards.ts';
import type { PathwayJobRecord } from '#shared/domain/ports/repositories.ts';
import type { Principal } from '#shared/domain/principal.ts';
import type { CredentialRecord } from '#shared/domain/records/records.ts';
import { changeStatus } from '#shared/domain/status.ts';
import { useService } from '#test/support/service-harness.ts';

/**
 * The awarding rules at their edges, with the stream handled by hand (no poller): identical
 * stream records delivered at once award one credential; a pathway built on another names the
 * sub-pathway's award as evidence; two issuers' pathways of the same id never count for each
 * other; a suspension an admin chose is not undone by re-evaluation; jobs and draft versions
 * stay with their issuer.
 */

const service = useService();
const ADMIN: Principal = { subject: 'admin', roles: ['platform-admin'] };

let admin: string;
const ids: Record<string, string> = {};

async function achievement(issuerId: string, name: string): Promise<string> {
  const response = await service().call('POST', `/issuers/${issuerId}/achievements`, {
    token: admin,
    body: { definition: { name, description: `${name}.`, criteria: { narrative: 'Passed.' } } },
  });
  expect(response.status).toBe(201);
  return response.body.id as string;
}

async function issue(issuerId: string, achievementId: string, learnerId: string): Promise<string> {
  const response = await service().call('POST', '/credentials/issue', {
    token: admin,
    body: {
      credential: {
        issuer: issuerId,
        credentialSubject: { id: `did:example:${learnerId}`, achievement: { id: achievementId } },
      },
      options: { learnerId },
    },
  });
  expect(response.status).toBe(201);
  return response.body.id as string;
}

async function publish(issuerId: string, definition: object): Promise<void> {
  const saved = await service().call('POST', `/issuers/${issuerId}/pathways`, {
    token: admin,
    body: { format: 'credstack-pathway/1', version: 1, ...definition },
  });
  expect(saved.status).toBe(201);
  const id = (definition as { id: string }).id;
  const published = await service().call(
    'POST',
    `/issuers/${issuerId}/pathways/${id}/versions/${saved.body.version}/publish`,
    { token: admin },
  );
  expect(published.status).toBe(200);
}

/** The job publishing queued for a pathway (the newest, by creation time). */
async function newestJobId(pathwayId: string): Promise<string> {
  const { Items } = await service().table.documents.send(
    new QueryCommand({
      TableName: service().table.name,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': 'ISSUER#x#PWJOBS' },
      ScanIndexForward: false,
    }),
  );
  const job = (Items ?? []).find((item) => item.pathwayId === pathwayId);
  return job?.id as string;
}

async function awardsOf(learnerId: string): Promise<CredentialRecord[]> {
  const { items } = await service().ctx.credentials.listByLearner(learnerId);
  return items.filter((r) => r.award !== undefined && r.award.milestone === undefined);
}

/** The INSERT record the table's stream carries for a stored credential. */
async function insertRecord(credentialId: string, sequence: string) {
  const record = await service().ctx.credentials.get(credentialId);
  return {
    eventName: 'INSERT' as const,
    dynamodb: {
      Keys: marshall({ PK: `CRED#${credentialId}`, SK: 'CRED' }),
      NewImage: marshall(
        { PK: `CRED#${credentialId}`, SK: 'CRED', ...record },
        {
          removeUndefinedValues: true,
        },
      ),
      SequenceNumber: sequence,
    },
  };
}

beforeAll(async () => {
  const { call, tokens } = service();
  admin = await tokens.sign({ sub: 'platform', roles: ['platform-admin'] });
  for (const id of ['x', 'y']) {
    const issuer = await call('POST', '/issuers', {
      token: admin,
      body: { id, name: `${id} Institute` },
    });
    expect(issuer.status).toBe(201);
  }
  ids.a = await achievement('x', 'A');
  ids.b = await achievement('x', 'B');
  ids.c = await achievement('x', 'C');
  ids.yOnly = await achievement('y', 'Y only');
  await publish('x', {
    id: 'foundations',
    name: 'Foundations',
    root: { allOf: [{ achievement: ids.a }, { achievement: ids.b }] },
  });
  await publish('x', {
    id: 'advanced',
    name: 'Advanced',
    root: {
      allOf: [
        { label: 'base', pathway: 'foundations' },
        { label: 'c', achievement: ids.c },
      ],
    },
  });
  await publish('y', {
    id: 'foundations',
    name: 'Y Foundations',
    root: { allOf: [{ achievement: ids.yOnly }] },
  });
  await publish('y', {
    id: 'capstone',
    name: 'Y Capstone',
    root: { allOf: [{ pathway: 'foundations' }] },
  });
}, 120_000);

describe('pathwayEventsHandler under repeated records', () => {
  it('awards once when the same stream records arrive three times at once', async () => {
    await issue('x', ids.a as string, 'mo');
    const last = await issue('x', ids.b as string, 'mo');
    const event = { Records: [await insertRecord(last, '1')] } as unknown as DynamoDBStreamEvent;
    const handler = pathwayEventsHandler(service().ctx, { logger: SILENT_LOGGER });

    const responses = await Promise.all([handler(event), handler(event), handler(event)]);

    expect(responses.map((r) => r.batchItemFailures)).toEqual([[], [], []]);
    const awards = await awardsOf('mo');
    expect(awards.map((a) => a.award?.pathwayId)).toEqual(['foundations']);
  });
});

describe('sub-pathways', () => {
  it('awards a pathway built on another, naming the sub-pathway award as evidence', async () => {
    const { ctx } = service();
    await issue('x', ids.a as string, 'nia');
    await issue('x', ids.b as string, 'nia');
    const c = await issue('x', ids.c as string, 'nia');

    await reevaluateLearner(ctx, 'nia');
    await reevaluateLearner(ctx, 'nia');

    const awards = await awardsOf('nia');
    const foundations = awards.find((a) => a.award?.pathwayId === 'foundations');
    const advanced = awards.find((a) => a.award?.pathwayId === 'advanced');
    expect(advanced?.award?.contributing).toEqual([foundations?.id, c]);
  });

  it("never counts another issuer's pathway of the same id", async () => {
    await issue('x', ids.a as string, 'ola');
    await issue('x', ids.b as string, 'ola');

    await reevaluateLearner(service().ctx, 'ola');
    await reevaluateLearner(service().ctx, 'ola');

    const awards = await awardsOf('ola');
    expect(awards.map((a) => `${a.issuerId}/${a.award?.pathwayId}`)).toEqual(['x/foundations']);
  });
});

describe('a retroactive job in bounded runs', () => {
  it('hands the rest on after each run and ends with every qualifying learner awarded once', async () => {
    const { ctx, table } = service();
    await publish('x', {
      id: 'ab-pair',
      name: 'A and B',
      root: { allOf: [{ achievement: ids.a }, { achievement: ids.b }] },
    });
    const job = (await ctx.pathwayJobs.get(await newestJobId('ab-pair'))) as PathwayJobRecord;
    const handler = pathwayJobsHandler(ctx, { logger: SILENT_LOGGER, maxLearners: 1 });
    const states: string[] = [];

    let keys: { PK: string; SK: string } = { PK: `PWJOB#${job.id}`, SK: 'META' };
    for (let run = 1; run <= 10; run += 1) {
      const record = {
        eventName: 'INSERT',
        dynamodb: { Keys: marshall(keys), SequenceNumber: `${run}` },
      };
      const response = await handler({ Records: [record] } as unknown as DynamoDBStreamEvent);
      expect(response.batchItemFailures).toEqual([]);
      const now = (await ctx.pathwayJobs.get(job.id)) as PathwayJobRecord;
      states.push(`${now.state}:${now.evaluated}`);
      if (now.state === 'done') break;
      // The run left a continuation at the next learner: that item's INSERT is the next run.
      keys = pathwayJobChunkKey(job.id, run);
      const { Item } = await table.documents.send(
        new GetCommand({ TableName: table.name, Key: keys }),
      );
      expect(Item).toMatchObject({ jobId: job.id, offset: run });
    }

    const done = (await ctx.pathwayJobs.get(job.id)) as PathwayJobRecord;
    expect(done).toMatchObject({ state: 'done', learners: 3, evaluated: 3, awarded: 3 });
    expect(states).toEqual(['running:1', 'running:2', 'done:3']);
    for (const learner of ['mo', 'nia', 'ola']) {
      const awards = (await awardsOf(learner)).filter((a) => a.award?.pathwayId === 'ab-pair');
      expect(awards).toHaveLength(1);
    }
  });
});

describe('suspensions', () => {
  it('keeps a suspension an admin chose, though the pathway still holds', async () => {
    const { ctx } = service();
    const [award] = await awardsOf('mo');
    await changeStatus(ctx, ADMIN, award?.id as string, 'suspended');

    await reevaluateLearner(ctx, 'mo');

    const [after] = await awardsOf('mo');
    expect(after?.state).toBe('suspended');
  });
});

describe('what stays with its issuer', () => {
  it("refuses another issuer's admin the job and hides draft versions", async () => {
    const { call, tokens } = service();
    const yAdmin = await tokens.sign({ sub: 'y-admin', roles: ['issuer-admin'], issuerId: 'y' });
    const saved = await call('POST', '/issuers/x/pathways', {
      token: admin,
      body: {
        format: 'credstack-pathway/1',
        id: 'foundations',
        version: 1,
        name: 'Foundations 2',
        root: { allOf: [{ achievement: ids.a }] },
      },
    });
    const published = await call('POST', '/issuers/x/pathways/foundations/versions/1/publish', {
      token: admin,
    });

    const job = await call('GET', `/issuers/x/pathway-jobs/${published.body.evaluationJob.id}`, {
      token: yAdmin,
    });
    const draft = await call(
      'GET',
      `/issuers/x/pathways/foundations/versions/${saved.body.version}`,
    );
    const current = await call('GET', '/issuers/x/pathways/foundations/versions/1');

    expect(job.status).toBe(403);
    expect(saved.body.version).toBe(2);
    expect(draft.status).toBe(404);
    expect(current.status).toBe(200);
  });

  it('keeps a version readable once published, after an older one is published again', async () => {
    const { call } = service();
    const second = await call('POST', '/issuers/x/pathways/foundations/versions/2/publish', {
      token: admin,
    });
    const back = await call('POST', '/issuers/x/pathways/foundations/versions/1/publish', {
      token: admin,
    });

    const read = await call('GET', '/issuers/x/pathways/foundations/versions/2');

    expect([second.status, back.status, read.status]).toEqual([200, 200, 200]);
    expect(read.body).toMatchObject({ version: 2, publishedAt: expect.any(String) });
  });
});
