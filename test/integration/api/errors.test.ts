import { createServer } from 'node:net';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_LEASE_SECONDS } from '#shared/adapters/dynamodb/idempotency-store.ts';
import { HttpsFetcher } from '#shared/adapters/https/https-fetcher.ts';
import { ISSUER_ALGORITHMS } from '#shared/domain/issuers.ts';
import { type DynamoProxy, startDynamoProxy } from '#test/support/dynamo-proxy.ts';
import { storeDocuments } from '#test/support/dynamodb.ts';
import { useService } from '#test/support/service-harness.ts';

/**
 * Errors that say what happened, over HTTP on DynamoDB Local: the table out of reach (the
 * relay to DynamoDB Local stopped, or cut in the middle of an operation) is a 503 with
 * Retry-After that leaves nothing half-written; an id no store can key, on any route of the
 * table, is a 400 naming it before any store call; a tampered cursor is a 400; a report for a
 * key that cannot be fetched names no internal address or socket error.
 */

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

let proxy: DynamoProxy | undefined;
const relay = (): DynamoProxy => {
  if (!proxy) throw new Error('the relay is not started');
  return proxy;
};
const logged: Record<string, unknown>[] = [];
/** The service's clock, which a test moves forward past the idempotency lease. */
let skewMs = 0;
const clock = { now: () => new Date(Date.now() + skewMs) };

const service = useService({
  documents: async (db) => {
    proxy = await startDynamoProxy(db.endpoint);
    return storeDocuments(proxy.endpoint, db.documents);
  },
  // Every host is this machine: a key "published" at keys.unreachable.example is then a
  // refused connection to 127.0.0.1, the kind of detail a public report must not show.
  network: new HttpsFetcher({
    allowPrivateAddresses: true,
    resolveHost: async () => [{ address: '127.0.0.1', family: 4 }],
    timeoutMs: 2000,
  }),
  logger: { log: (entry) => logged.push(entry) },
  clock,
});

afterAll(async () => {
  await proxy?.close();
});

let admin: string;
let learner: string;
let employer: string;
let achievementId: string;
let credentialId: string;
let credentialUuid: string;
let statusListPath: string;

async function issue(email: string, learnerId: string, idempotencyKey?: string) {
  return service().call('POST', '/credentials/issue', {
    token: admin,
    body: {
      credential: {
        issuer: 'northfield',
        credentialSubject: { email, achievement: { id: achievementId } },
      },
      options: { learnerId },
    },
    ...(idempotencyKey ? { headers: { 'idempotency-key': idempotencyKey } } : {}),
  });
}

beforeAll(async () => {
  const { call, tokens } = service();
  admin = await tokens.sign({ sub: 'platform', roles: ['platform-admin'] });
  learner = await tokens.sign({ sub: 'ada', roles: ['learner'], learnerId: 'ada' });
  employer = await tokens.sign({ sub: 'hr', roles: ['employer'], employerId: 'acme' });
  const issuer = await call('POST', '/issuers', {
    token: admin,
    body: { id: 'northfield', name: 'Northfield College' },
  });
  const achievement = await call('POST', '/issuers/northfield/achievements', {
    token: admin,
    body: {
      definition: {
        name: 'SQL Querying Fundamentals',
        description: 'Writes SELECT queries with joins and grouping.',
        criteria: { narrative: 'Passed a proctored practical assessment.' },
      },
    },
  });
  expect([issuer.status, achievement.status]).toEqual([201, 201]);
  achievementId = achievement.body.id as string;
  const issued = await issue('ada.learner@mail.example', 'ada');
  expect(issued.status).toBe(201);
  credentialId = issued.body.id as string;
  credentialUuid = credentialId.replace('urn:uuid:', '');
  const json = await call('GET', `/credentials/${credentialUuid}`);
  const statusUrl = new URL(json.body.credentialStatus.statusListCredential as string);
  statusListPath = statusUrl.pathname;
}, 120_000);

/** What every 503 of an outage must be. */
function expectUnavailable(
  response: { status: number; headers: Headers; body: unknown },
  what: string,
) {
  expect({ what, status: response.status }).toEqual({ what, status: 503 });
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.headers.get('retry-after')).toBe('5');
  expect(response.body).toMatchObject({
    type: 'urn:credstack:problem:unavailable',
    status: 503,
    detail: 'the data store is unavailable; try again shortly',
  });
  expect(JSON.stringify(response.body)).not.toMatch(/ECONNREFUSED|ECONNRESET|127\.0\.0\.1/);
}

describe('the table out of reach', () => {
  it('answers 503 with Retry-After on public and private routes, and the log keeps the cause', async () => {
    const { call } = service();
    logged.length = 0;
    await relay().down();
    let responses: [string, Awaited<ReturnType<typeof call>>][];
    try {
      const sample: [string, string, string, { token?: string; body?: unknown }?][] = [
        ['did.json', 'GET', '/issuers/northfield/did.json'],
        ['jwks.json', 'GET', '/issuers/northfield/jwks.json'],
        ['achievements', 'GET', '/issuers/northfield/achievements'],
        ['achievement', 'GET', `/issuers/northfield/achievements/${achievementId}`],
        ['credential', 'GET', `/credentials/${credentialUuid}`],
        ['badge.png', 'GET', `/credentials/${credentialUuid}/badge.png`],
        ['verify page', 'GET', `/credentials/${credentialUuid}/verify`],
        ['status list', 'GET', statusListPath],
        ['issuer', 'GET', '/issuers/northfield', { token: admin }],
        ['learner credentials', 'GET', '/learners/ada/credentials', { token: learner }],
        [
          'onboard',
          'POST',
          '/issuers',
          { token: admin, body: { id: 'outage-college', name: 'Outage College' } },
        ],
        [
          'revoke',
          'POST',
          '/credentials/status',
          {
            token: admin,
            body: {
              credentialId,
              credentialStatus: [{ type: 'BitstringStatusListCredential', status: 'revoked' }],
            },
          },
        ],
        [
          'consent',
          'PUT',
          '/learners/ada/consent',
          { token: learner, body: { displayName: 'Ada', employers: 'all' } },
        ],
      ];
      responses = [];
      for (const [what, method, path, options] of sample)
        responses.push([what, await call(method, path, options)]);
      responses.push([
        'issue',
        await issue('grace.learner@mail.example', 'grace', 'issued-during-outage'),
      ]);
    } finally {
      await relay().up();
    }

    for (const [what, response] of responses) expectUnavailable(response, what);
    // The operator's view: the request's line, with its correlation id, names the cause.
    const [, first] = responses[0] ?? [];
    const line = logged.find(
      (entry) => entry.correlationId === first?.headers.get('x-correlation-id'),
    );
    expect(line).toMatchObject({ status: 503, level: 'error' });
    expect(JSON.stringify(line)).toMatch(/ECONNREFUSED/);
  });

  it('leaves nothing behind: after the outage the same requests succeed once', async () => {
    const { call, ctx } = service();

    const issuer = await call('GET', '/issuers/outage-college', { token: admin });
    const stored = await ctx.credentials.get(credentialId);
    const consent = await call('GET', '/learners/ada/consent', { token: learner });
    const onboarded = await call('POST', '/issuers', {
      token: admin,
      body: { id: 'outage-college', name: 'Outage College' },
    });
    const issued = await issue('grace.learner@mail.example', 'grace', 'issued-during-outage');
    const again = await issue('grace.learner@mail.example', 'grace', 'issued-during-outage');
    const grace = await call('GET', '/learners/grace/credentials', { token: admin });

    expect(issuer.status).toBe(404);
    expect(stored?.state).toBe('active');
    expect(consent.status).toBe(404);
    expect(onboarded.status).toBe(201);
    expect(onboarded.body.keys).toHaveLength(ISSUER_ALGORITHMS.length);
    expect([issued.status, again.status]).toEqual([201, 201]);
    expect(again.body.id).toBe(issued.body.id);
    expect(grace.body.items).toHaveLength(1);
  });

  it('onboards an issuer all or nothing when the table goes away at any point of the request', async () => {
    const { call, ctx } = service();
    const outcomes: number[] = [];
    // One more cut point than the operation has requests: the last one lets it through.
    for (let cut = 0; cut <= 3; cut += 1) {
      const id = `cut-${cut}`;
      relay().failAfter(cut);
      const first = await call('POST', '/issuers', { token: admin, body: { id, name: id } });
      await relay().up();
      outcomes.push(first.status);
      const issuer = await ctx.issuers.get(id);
      const keys = await ctx.issuers.listKeys(id);

      expect([201, 503]).toContain(first.status);
      // Either nothing or the issuer with every key: never an issuer that cannot sign.
      expect(issuer === undefined ? 0 : keys.length).toBe(
        issuer === undefined ? 0 : ISSUER_ALGORITHMS.length,
      );
      expect(issuer === undefined ? keys.length : 'stored').toBe(
        issuer === undefined ? 0 : 'stored',
      );
      const retry = await call('POST', '/issuers', { token: admin, body: { id, name: id } });
      expect(retry.status).toBe(first.status === 201 ? 409 : 201);
    }
    expect(outcomes).toContain(503);
    expect(outcomes.at(-1)).toBe(201);
  });

  it('issues a credential once when the table goes away at any point and the award is retried', async () => {
    const { call } = service();
    const outcomes: string[] = [];
    let firstStatus = 0;
    // Cut after 0, 1, 2… requests until the issuance gets through whole.
    for (let cut = 0; firstStatus !== 201 && cut < 40; cut += 1) {
      const learnerId = `cut-${cut}`;
      relay().failAfter(cut);
      const first = await issue(`${learnerId}@mail.example`, learnerId, `cut-issue-${cut}`);
      await relay().up();
      firstStatus = first.status;
      // A request that died holding its key blocks retries only for the lease (60 s).
      skewMs += (IDEMPOTENCY_LEASE_SECONDS + 1) * 1000;
      const retry = await issue(`${learnerId}@mail.example`, learnerId, `cut-issue-${cut}`);
      const held = await call('GET', `/learners/${learnerId}/credentials`, { token: admin });
      outcomes.push(`${first.status} ${retry.status} ${held.body.items?.length}`);
    }

    expect(firstStatus).toBe(201);
    // Each cut answered 503 then, retried with its key, issued exactly one credential.
    expect(outcomes.slice(0, -1)).toEqual(outcomes.slice(0, -1).map(() => '503 201 1'));
    expect(outcomes.at(-1)).toBe('201 201 1');
    expect(outcomes.length).toBeGreaterThan(2);
  });

  it('queues a batch once when the table goes away at any point and the request is retried', async () => {
    const { call, table } = service();
    const jobs = async () =>
      (
        await table.documents.send(
          new QueryCommand({
            TableName: table.name,
            IndexName: 'GSI1',
            KeyConditionExpression: 'GSI1PK = :pk',
            ExpressionAttributeValues: { ':pk': 'ISSUER#northfield#JOBS' },
          }),
        )
      ).Items ?? [];
    const before = (await jobs()).length;
    const outcomes: string[] = [];
    let firstStatus = 0;
    let cuts = 0;
    for (; firstStatus !== 202 && cuts < 40; cuts += 1) {
      const body = {
        achievementId,
        recipients: [0, 1, 2].map((n) => ({ id: `did:example:batch-${cuts}-${n}` })),
      };
      const send = () =>
        call('POST', '/issuers/northfield/batches', {
          token: admin,
          body,
          headers: { 'idempotency-key': `cut-batch-${cuts}` },
        });
      relay().failAfter(cuts);
      const first = await send();
      await relay().up();
      firstStatus = first.status;
      skewMs += (IDEMPOTENCY_LEASE_SECONDS + 1) * 1000;
      const retry = await send();
      const job = await call('GET', `/batches/${retry.body.id}`, { token: admin });
      const same = first.status !== 202 || first.body.id === retry.body.id;
      outcomes.push(`${first.status} ${retry.status} ${job.body.job?.total} ${same}`);
    }

    expect(firstStatus).toBe(202);
    expect(outcomes.slice(0, -1)).toEqual(outcomes.slice(0, -1).map(() => '503 202 3 true'));
    expect(outcomes.at(-1)).toBe('202 202 3 true');
    // One job per request, however many times it was cut and retried.
    expect((await jobs()).length - before).toBe(cuts);
  });

  it('says the key could not be fetched when its own key is out of reach, without the cause', async () => {
    const { call } = service();
    const jwt = (await call('GET', `/credentials/${credentialUuid}/credential.jwt`)).body as string;
    await relay().down();
    let report: Awaited<ReturnType<typeof call>>;
    try {
      report = await call('POST', '/credentials/verify', { body: { verifiableCredential: jwt } });
    } finally {
      await relay().up();
    }

    expect(report.status).toBe(200);
    expect(report.body.verified).toBe(false);
    expect(report.body.errors).toContainEqual({
      check: 'key',
      message: 'the key could not be fetched',
    });
    expect(JSON.stringify(report.body)).not.toMatch(/ECONNREFUSED|data store|DynamoDB/);
  });
});

describe('a key that cannot be fetched', () => {
  it('is reported without internal addresses or socket errors; the log keeps them', async () => {
    const port = await closedPort();
    const { privateKey } = await generateKeyPair('ES256');
    const issuer = `did:web:keys.unreachable.example%3A${port}`;
    const credential = {
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ],
      id: 'urn:uuid:2c0b1d6e-0b4f-4a8e-9d51-5b9b1f0c3a11',
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: issuer, type: ['Profile'], name: 'Unreachable' },
      validFrom: '2026-01-01T00:00:00Z',
      credentialSubject: {
        type: ['AchievementSubject'],
        achievement: {
          id: 'https://keys.unreachable.example/achievements/1',
          type: ['Achievement'],
          name: 'Anything',
          description: 'Anything at all.',
          criteria: { narrative: 'None.' },
        },
      },
    };
    const jwt = await new SignJWT({ ...credential, iss: issuer, jti: credential.id })
      .setProtectedHeader({ alg: 'ES256', kid: `${issuer}#key-1`, typ: 'vc+jwt' })
      .sign(privateKey);
    logged.length = 0;

    const report = await service().call('POST', '/credentials/verify', {
      body: { verifiableCredential: jwt },
    });

    expect(report.status).toBe(200);
    expect(report.body.verified).toBe(false);
    expect(report.body.errors).toContainEqual({
      check: 'key',
      message: 'the key could not be fetched',
    });
    expect(JSON.stringify(report.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    const detail = logged.find((entry) => entry.message === 'the key could not be fetched');
    expect(detail?.correlationId).toBe(report.headers.get('x-correlation-id'));
    expect(JSON.stringify(detail)).toMatch(/ECONNREFUSED/);
  });
});

/** Values no id may take: over the grammar's length and DynamoDB's key limits, odd characters. */
const ODD_IDS = [
  'a'.repeat(2100),
  'a'.repeat(129),
  'north#field',
  'north field',
  'nörthfield',
  'a/b',
  '\u0000',
  '<script>',
];

describe('ids at the edge', () => {
  it('refuses a long or odd id in any path parameter of any route with 400 naming it', async () => {
    const { call } = service();
    const openapi = (await call('GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const failures: string[] = [];
    let checked = 0;
    for (const [template, operations] of Object.entries(openapi.paths)) {
      const names = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
      for (const method of Object.keys(operations)) {
        for (const name of names) {
          for (const odd of ODD_IDS) {
            const path = template.replace(/\{([^}]+)\}/g, (_, param: string) =>
              encodeURIComponent(param === name ? odd : 'x1'),
            );
            const response = await call(method.toUpperCase(), path, { token: admin });
            checked += 1;
            const named = (response.body.errors ?? []).some(
              (field: { parameter?: string }) => field.parameter === name,
            );
            if (response.status !== 400 || !named)
              failures.push(
                `${method} ${template} ${name}=${odd.slice(0, 12)}: ${response.status}`,
              );
          }
        }
      }
    }

    expect(failures).toEqual([]);
    // Every route with a parameter was tried: the table has dozens of them.
    expect(checked).toBeGreaterThan(30 * ODD_IDS.length);
  });

  it('refuses ids in bodies with a pointer to the field', async () => {
    const { call } = service();
    const long = 'x'.repeat(1100);
    const issueWith = (credential: object, options?: object) =>
      call('POST', '/credentials/issue', {
        token: admin,
        body: { credential, ...(options ? { options } : {}) },
      });
    const subject = { email: 'a@mail.example', achievement: { id: achievementId } };

    const cases = await Promise.all([
      issueWith({ issuer: 'northfield', credentialSubject: subject }, { learnerId: long }),
      issueWith({ issuer: 'north#field', credentialSubject: subject }),
      issueWith({ issuer: { id: `did:web:${long.slice(0, 200)}` }, credentialSubject: subject }),
      issueWith({
        issuer: 'northfield',
        credentialSubject: { ...subject, achievement: { id: 'https://x.example/a/b#c' } },
      }),
      call('POST', '/issuers/northfield/batches', {
        token: admin,
        body: { achievementId, recipients: [{ learnerId: long }] },
      }),
      call('POST', '/credentials/status', {
        token: admin,
        body: {
          credentialId: long,
          credentialStatus: [{ type: 'BitstringStatusListCredential', status: 'revoked' }],
        },
      }),
      call('PUT', '/learners/ada/consent', {
        token: learner,
        body: { displayName: 'Ada', employers: [long] },
      }),
    ]);

    const expected = [
      '/options/learnerId',
      '/credential/issuer',
      '/credential/issuer/id',
      '/credential/credentialSubject/achievement/id',
      '/recipients/0/learnerId',
      '/credentialId',
      '/employers/0',
    ];
    expect(
      cases.map((response, i) => [
        response.status,
        (response.body.errors ?? []).some(
          (field: { pointer?: string }) => field.pointer === expected[i],
        ),
      ]),
    ).toEqual(expected.map(() => [400, true]));
  });

  it('refuses a token whose tenant id is not an id, before anything is written', async () => {
    const { call, tokens, table } = service();
    const tenantId = 't'.repeat(1100);
    const bad = await tokens.sign({ sub: 'ada', roles: ['learner'], learnerId: 'ada', tenantId });
    const badEmployer = await tokens.sign({
      sub: 'e',
      roles: ['employer'],
      employerId: 'e',
      tenantId,
    });

    const consent = await call('PUT', '/learners/ada/consent', {
      token: bad,
      body: { displayName: 'Ada', employers: 'all' },
    });
    const search = await call('POST', '/candidates/search', { token: badEmployer, body: {} });

    for (const response of [consent, search]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(response.body.detail).toBe("the token's credstack:tenant_id claim is not a valid id");
    }
    const written = await table.documents.send(
      new ScanCommand({
        TableName: table.name,
        FilterExpression: 'contains(#sk, :tenant)',
        ExpressionAttributeNames: { '#sk': 'SK' },
        ExpressionAttributeValues: { ':tenant': 'tttttttttt' },
      }),
    );
    expect(written.Items).toEqual([]);
  });
});

describe('cursors', () => {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('refuses a malformed or tampered page cursor with 400, never 500', async () => {
    const { call } = service();
    const tampered = [
      encode({ PK: 'ISSUER#northfield' }), // no sort key
      encode({ PK: 'ISSUER#northfield', SK: 'ACH#x', GSI1PK: 'x' }), // an extra attribute
      encode({ PK: 'ISSUER#other', SK: 'ACH#x' }), // another issuer's partition
      encode({ PK: 'ISSUER#northfield', SK: 'x'.repeat(1100) }), // over the sort key limit
      encode({ PK: 'ISSUER#northfield', SK: 7 }),
      encode({ PK: 'ISSUER#northfield', SK: 'KEY#es256' }), // outside the listing's key range
      encode(['ISSUER#northfield', 'ACH#x']),
      'not a cursor!',
      encode({ PK: 'ISSUER#northfield', SK: 'ACH#x' }).slice(0, -3),
    ];
    const paths = (cursor: string) => [
      `/issuers/northfield/achievements?cursor=${encodeURIComponent(cursor)}`,
      `/learners/ada/credentials?cursor=${encodeURIComponent(cursor)}`,
    ];

    const statuses: number[] = [];
    for (const cursor of tampered)
      for (const path of paths(cursor))
        statuses.push((await call('GET', path, { token: admin })).status);

    expect(statuses).toEqual(Array(tampered.length * 2).fill(400));
  });

  it('refuses a tampered search cursor with 400 pointing at after', async () => {
    const { call } = service();
    const search = (after: string) =>
      call('POST', '/candidates/search', { token: employer, body: { after } });

    const responses = await Promise.all([
      search(encode(['relevance', 1])),
      search(encode(['recent', 'not a number', 'ada'])),
      search('%%%'),
    ]);

    expect(responses.map((response) => response.status)).toEqual([400, 400, 400]);
    for (const response of responses) expect(response.body.errors?.[0]?.pointer).toBe('/after');
  });
});
