import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { useService } from '#test/support/service-harness.ts';

/**
 * CSV awards over HTTP on DynamoDB Local: the dry run names every problem at its row and
 * column, the award route refuses any file with a problem (nothing queued, nothing issued),
 * and a clean file becomes a batch job that issues every recipient.
 */

const service = useService({ streams: true });
const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64');

async function onboard(issuerId: string) {
  const { call, tokens } = service();
  const admin = await tokens.sign({ sub: 'platform', roles: ['platform-admin'] });
  const issuerAdmin = await tokens.sign({
    sub: `${issuerId}-admin`,
    roles: ['issuer-admin'],
    issuerId,
  });
  expect(
    (await call('POST', '/issuers', { token: admin, body: { id: issuerId, name: issuerId } }))
      .status,
  ).toBe(201);
  const achievement = await call('POST', `/issuers/${issuerId}/achievements`, {
    token: issuerAdmin,
    body: {
      definition: {
        name: 'Forklift Safety',
        description: 'Operates a forklift safely.',
        criteria: { narrative: 'Passed the practical.' },
      },
    },
  });
  expect(achievement.status).toBe(201);
  return { issuerAdmin, achievementId: achievement.body.id as string };
}

/** Batch job items in the table: none may exist after a refused file. */
async function jobItems(): Promise<number> {
  const { table } = service();
  const scan = await table.documents.send(
    new ScanCommand({
      TableName: table.name,
      FilterExpression: 'begins_with(PK, :job)',
      ExpressionAttributeValues: { ':job': 'JOB#' },
    }),
  );
  return scan.Items?.length ?? 0;
}

describe('CSV batch awards', () => {
  it('names each bad row in the dry run and the award route, and queues nothing', async () => {
    const { call, ctx } = service();
    const { issuerAdmin, achievementId } = await onboard('csv-bad');
    const file = b64('email,name\nada@example.org,Ada\n=cmd|x,Bob\nada@example.org,Ada again\n');

    const check = await call('POST', '/issuers/csv-bad/batches/check', {
      token: issuerAdmin,
      body: { achievementId, file },
    });
    const award = await call('POST', '/issuers/csv-bad/batches/csv', {
      token: issuerAdmin,
      body: { achievementId, file },
    });

    expect(check.status).toBe(200);
    expect(check.body).toEqual({
      valid: false,
      rows: 3,
      recipientCount: 0,
      problems: [
        {
          row: 3,
          column: 'email',
          detail: 'starts with "=", which a spreadsheet runs as a formula',
        },
        { row: 4, column: 'email', detail: 'duplicate recipient: same as row 2' },
      ],
    });
    expect(award.status).toBe(400);
    expect(award.headers.get('content-type')).toContain('application/problem+json');
    expect(award.body.detail).toBe('the CSV has 2 problems; nothing was issued');
    expect(award.body.errors).toEqual([
      {
        pointer: '/file',
        detail: 'row 3, email: starts with "=", which a spreadsheet runs as a formula',
      },
      { pointer: '/file', detail: 'row 4, email: duplicate recipient: same as row 2' },
    ]);
    expect(await jobItems()).toBe(0);
    expect((await ctx.credentials.listByIssuer('csv-bad')).items).toEqual([]);
  });

  it('refuses a whole file with the reason: encoding, missing column, 10,001 rows', async () => {
    const { call } = service();
    const { issuerAdmin, achievementId } = await onboard('csv-whole');
    const rows = Array.from({ length: 10_001 }, (_, i) => `l${i}@x.io`).join('\n');
    const files = {
      latin1: b64(new Uint8Array([...Buffer.from('email\nzo'), 0xeb, ...Buffer.from('@x.io\n')])),
      column: b64('name\nAda\n'),
      tooMany: b64(`email\n${rows}\n`),
    };
    const answers = await Promise.all(
      Object.values(files).map(async (file) => {
        const check = await call('POST', '/issuers/csv-whole/batches/check', {
          token: issuerAdmin,
          body: { achievementId, file },
        });
        const award = await call('POST', '/issuers/csv-whole/batches/csv', {
          token: issuerAdmin,
          body: { achievementId, file },
        });
        return [check.status, check.body.refused, award.status, award.body.errors[0].detail];
      }),
    );

    expect(answers.map(([status, , awardStatus]) => [status, awardStatus])).toEqual([
      [200, 400],
      [200, 400],
      [200, 400],
    ]);
    expect(answers.map(([, refused]) => refused)).toEqual([
      'the file is not UTF-8 text (byte 9, line 2): save it as "CSV UTF-8"',
      'missing column: the header row must name an "email" or a "did" column (found "name")',
      'the file has 10,001 recipient rows; a batch holds at most 10,000: split it into several files',
    ]);
    // The award route gives the same reason as the dry run.
    expect(answers.map(([, refused, , detail]) => refused === detail)).toEqual([true, true, true]);
    expect(await jobItems()).toBe(0);
  });

  it('refuses a body that is not base64, an unknown achievement and another issuer', async () => {
    const { call, tokens } = service();
    const { issuerAdmin, achievementId } = await onboard('csv-edges');
    const other = await tokens.sign({ sub: 'o', roles: ['issuer-admin'], issuerId: 'elsewhere' });
    const file = b64('email\na@x.io\n');
    const statuses = [
      await call('POST', '/issuers/csv-edges/batches/check', {
        token: issuerAdmin,
        body: { achievementId, file: 'not base64!' },
      }),
      await call('POST', '/issuers/csv-edges/batches/check', {
        token: issuerAdmin,
        body: { achievementId: '3f1e2d4c-0000-4000-8000-000000000000', file },
      }),
      await call('POST', '/issuers/csv-edges/batches/csv', {
        token: other,
        body: { achievementId, file },
      }),
      await call('POST', '/issuers/csv-edges/batches/csv', { token: issuerAdmin, body: { file } }),
    ].map((response) => response.status);
    expect(statuses).toEqual([400, 404, 403, 400]);
    expect(await jobItems()).toBe(0);
  });

  it('awards a clean file (BOM, emails and DIDs) as a batch job that issues everyone', async () => {
    const { call, drained } = service();
    const { issuerAdmin, achievementId } = await onboard('csv-good');
    const csv = `\uFEFFemail,did\n${Array.from({ length: 12 }, (_, i) => `g${i}@x.io,`).join('\n')}\n,did:web:learner.example\n`;

    const check = await call('POST', '/issuers/csv-good/batches/check', {
      token: issuerAdmin,
      body: { achievementId, file: b64(csv) },
    });
    const created = await call('POST', '/issuers/csv-good/batches/csv', {
      token: issuerAdmin,
      body: { achievementId, file: b64(csv) },
      headers: { 'idempotency-key': 'csv-good-1' },
    });
    const again = await call('POST', '/issuers/csv-good/batches/csv', {
      token: issuerAdmin,
      body: { achievementId, file: b64(csv) },
      headers: { 'idempotency-key': 'csv-good-1' },
    });
    await drained();
    let progress = await call('GET', `/batches/${created.body.id}`, { token: issuerAdmin });
    for (let i = 0; i < 100 && progress.body.job.state !== 'done'; i += 1) {
      await new Promise((done) => setTimeout(done, 50));
      progress = await call('GET', `/batches/${created.body.id}`, { token: issuerAdmin });
    }

    expect(check.body).toEqual({ valid: true, rows: 13, recipientCount: 13, problems: [] });
    expect([created.status, again.body.id]).toEqual([202, created.body.id]);
    expect(progress.body.job).toMatchObject({ total: 13, issued: 13, failed: 0, state: 'done' });
    expect(progress.body.recipients[12]).toMatchObject({
      index: 12,
      recipient: { id: 'did:web:learner.example' },
      state: 'issued',
    });
  });
});
