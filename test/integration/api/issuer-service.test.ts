import { describe, expect, it } from 'vitest';
import { batchJobsHandler } from '#functions/streams/batch-jobs.ts';
import { extractFromPng } from '#shared/credentials/bake/png.ts';
import { extractFromSvg } from '#shared/credentials/bake/svg.ts';
import { verifyWithCli } from '#test/support/cli-verify.ts';
import { useService } from '#test/support/service-harness.ts';

/**
 * The issuer service end to end over HTTP, as `npm start` runs it: onboarding, achievements,
 * issuance (VC-API), verification, revocation, idempotency, access rules and batch awards, on
 * DynamoDB Local.
 */

const service = useService();
const ALIGNED = {
  definition: {
    name: 'SQL Querying Fundamentals',
    description: 'Writes SELECT queries with joins and grouping.',
    criteria: { narrative: 'Passed a proctored practical assessment.' },
    alignment: [
      {
        targetName: 'Data Scientists',
        targetUrl: 'https://www.onetonline.org/link/summary/15-2051.00',
        targetCode: '15-2051.00',
        targetFramework: 'O*NET-SOC',
      },
    ],
    creditsAvailable: 2,
  },
};

async function tokensFor(issuerId: string) {
  const { tokens } = service();
  return {
    admin: await tokens.sign({ sub: 'platform', roles: ['platform-admin'] }),
    issuerAdmin: await tokens.sign({ sub: `${issuerId}-admin`, roles: ['issuer-admin'], issuerId }),
    otherIssuerAdmin: await tokens.sign({
      sub: 'other-admin',
      roles: ['issuer-admin'],
      issuerId: 'someone-else',
    }),
    learner: await tokens.sign({ sub: 'ada', roles: ['learner'], learnerId: 'ada' }),
  };
}

async function onboard(issuerId: string, proofFormat: 'vc-jwt' | 'eddsa-rdfc-2022' = 'vc-jwt') {
  const { call } = service();
  const tokens = await tokensFor(issuerId);
  const issuer = await call('POST', '/issuers', {
    token: tokens.admin,
    body: { id: issuerId, name: `${issuerId} College` },
  });
  expect(issuer.status).toBe(201);
  const achievement = await call('POST', `/issuers/${issuerId}/achievements`, {
    token: tokens.issuerAdmin,
    body: { ...ALIGNED, proofFormat },
  });
  expect(achievement.status).toBe(201);
  return { tokens, achievementId: achievement.body.id as string };
}

function issueBody(issuerId: string, achievementId: string, email = 'learner@mail.example') {
  return {
    credential: {
      issuer: issuerId,
      credentialSubject: { email, achievement: { id: achievementId } },
    },
  };
}

describe('the issuer service over HTTP', () => {
  it('onboards an issuer with a did:web served by the service, listing a key per algorithm', async () => {
    const { call, url } = service();
    await onboard('alpha');

    const did = await call('GET', '/issuers/alpha/did.json');

    expect(did.status).toBe(200);
    expect(did.body.id).toBe(`did:web:127.0.0.1%3A${new URL(url).port}:issuers:alpha`);
    expect(
      did.body.verificationMethod.map((method: { type: string }) => method.type).sort(),
    ).toEqual(['JsonWebKey', 'JsonWebKey', 'Multikey']);
    expect(did.body.assertionMethod).toHaveLength(3);
  });

  it('issues, verifies, revokes and re-verifies a VC-JWT badge', async () => {
    const { call } = service();
    const { tokens, achievementId } = await onboard('bravo');

    const issued = await call('POST', '/credentials/issue', {
      token: tokens.issuerAdmin,
      body: issueBody('bravo', achievementId),
    });
    const verified = await call('POST', '/credentials/verify', {
      body: { verifiableCredential: issued.body.verifiableCredential },
    });
    const revoked = await call('POST', '/credentials/status', {
      token: tokens.issuerAdmin,
      body: {
        credentialId: issued.body.id,
        credentialStatus: [{ type: 'BitstringStatusListCredential', status: 'revoked' }],
      },
    });
    const reverified = await call('POST', '/credentials/verify', {
      body: { verifiableCredential: issued.body.verifiableCredential },
    });

    expect(issued.status).toBe(201);
    expect(typeof issued.body.verifiableCredential).toBe('string');
    expect([
      verified.body.verified,
      verified.body.report.issuerBinding.bound,
      verified.body.errors,
    ]).toEqual([true, true, []]);
    expect(revoked.body).toEqual({ credentialId: issued.body.id, status: 'revoked' });
    expect(reverified.body.verified).toBe(false);
    expect(reverified.body.errors.map((error: { check: string }) => error.check)).toEqual([
      'status',
    ]);
  });

  it('issues a credential the command line verifies, resolving the did:web from the running service', async () => {
    const { call } = service();
    const { tokens, achievementId } = await onboard('kilo');
    const issued = await call('POST', '/credentials/issue', {
      token: tokens.issuerAdmin,
      body: issueBody('kilo', achievementId),
    });

    const report = await verifyWithCli(issued.body.verifiableCredential);

    expect([report.verdict, report.issuerBinding.bound]).toEqual(['valid', true]);
  });

  it('issues a Data Integrity credential when the achievement asks for it', async () => {
    const { call } = service();
    const { tokens, achievementId } = await onboard('charlie', 'eddsa-rdfc-2022');

    const issued = await call('POST', '/credentials/issue', {
      token: tokens.issuerAdmin,
      body: issueBody('charlie', achievementId),
    });
    const verified = await call('POST', '/credentials/verify', {
      body: { verifiableCredential: issued.body.verifiableCredential },
    });

    expect(issued.body.verifiableCredential.proof).toMatchObject([
      { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022' },
    ]);
    expect(verified.body.verified).toBe(true);
    expect(verified.body.report.input.proof).toBe('eddsa-rdfc-2022');
  });

  it('returns the same credential for a retried Idempotency-Key, and refuses the key for another request', async () => {
    const { call } = service();
    const { tokens, achievementId } = await onboard('delta');
    const headers = { 'idempotency-key': 'award-0001' };

    const first = await call('POST', '/credentials/issue', {
      token: tokens.issuerAdmin,
      body: issueBody('delta', achievementId),
      headers,
    });
    const retry = await call('POST', '/credentials/issue', {
      token: tokens.issuerAdmin,
      body: issueBody('delta', achievementId),
      headers,
    });
    const other = await call('POST', '/credentials/issue', {
      token: tokens.issuerAdmin,
      body: issueBody('delta', achievementId, 'x@mail.example'),
      headers,
    });
    const listed = await service().ctx.credentials.listByIssuer('delta');

    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(other.status).toBe(422);
    expect(listed.items).toHaveLength(1);
  });

  it('keeps issuer admins and learners in their scope, and asks for a token', async () => {
    const { call } = service();
    const { tokens, achievementId } = await onboard('echo');
    const issued = await call('POST', '/credentials/issue', {
      token: tokens.issuerAdmin,
      body: issueBody('echo', achievementId),
    });
    const revoke = { credentialId: issued.body.id, credentialStatus: [{ status: 'revoked' }] };

    const results = {
      otherIssues: (
        await call('POST', '/credentials/issue', {
          token: tokens.otherIssuerAdmin,
          body: issueBody('echo', achievementId),
        })
      ).status,
      otherRevokes: (
        await call('POST', '/credentials/status', { token: tokens.otherIssuerAdmin, body: revoke })
      ).status,
      otherReads: (await call('GET', '/issuers/echo', { token: tokens.otherIssuerAdmin })).status,
      learnerIssues: (
        await call('POST', '/credentials/issue', {
          token: tokens.learner,
          body: issueBody('echo', achievementId),
        })
      ).status,
      noToken: (
        await call('POST', '/credentials/issue', { body: issueBody('echo', achievementId) })
      ).status,
      ownRead: (await call('GET', '/issuers/echo', { token: tokens.issuerAdmin })).status,
    };

    expect(results).toEqual({
      otherIssues: 403,
      otherRevokes: 403,
      otherReads: 403,
      learnerIssues: 403,
      noToken: 401,
      ownRead: 200,
    });
    expect((await service().ctx.credentials.get(issued.body.id))?.state).toBe('active');
  });

  it('refuses a bad request with problem+json naming the field, and writes nothing', async () => {
    const { call } = service();
    const { tokens, achievementId } = await onboard('foxtrot');

    const bad = await call('POST', '/credentials/issue', {
      token: tokens.issuerAdmin,
      body: {
        credential: {
          issuer: 'foxtrot',
          credentialSubject: { email: 'not-an-email', achievement: { id: achievementId } },
        },
      },
    });
    const unknown = await call('POST', '/credentials/issue', {
      token: tokens.issuerAdmin,
      body: issueBody('foxtrot', 'no-such-achievement'),
    });

    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect(bad.body.errors).toEqual([
      { pointer: '/credential/credentialSubject/email', detail: expect.any(String) },
    ]);
    expect(unknown.status).toBe(404);
    expect((await service().ctx.credentials.listByIssuer('foxtrot')).items).toEqual([]);
  });

  it('answers 400 naming the field for an achievement id too long to be a table key, on every route', async () => {
    // Found by the API fuzz run: a 2,000-character id (the schema allows a URL that long)
    // reached DynamoDB as a key past its size limit and the issue answered 500.
    const { call } = service();
    const { tokens } = await onboard('juliet');
    const long = 'a'.repeat(2000);

    const issued = await call('POST', '/credentials/issue', {
      token: tokens.issuerAdmin,
      body: issueBody('juliet', `https://example.org/achievements/${long}`),
    });
    const batch = await call('POST', '/issuers/juliet/batches', {
      token: tokens.issuerAdmin,
      body: { achievementId: long.slice(0, 200), recipients: [{ email: 'a@mail.example' }] },
    });
    const read = await call('GET', `/issuers/juliet/achievements/${long}`);

    // Refused at the edge with the field's pointer, before any store call.
    expect([issued.status, batch.status, read.status]).toEqual([400, 400, 400]);
    expect(issued.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.stringify(issued.body)).toContain('/credential/credentialSubject/achievement/id');
    expect((await service().ctx.credentials.listByIssuer('juliet')).items).toEqual([]);
  });

  it('refuses dates that make no sense with 400 on the field sent, and issues nothing', async () => {
    const { call } = service();
    const { tokens, achievementId } = await onboard('foxtrot-dates');
    const issue = (dates: Record<string, string>) => {
      const body = issueBody('foxtrot-dates', achievementId);
      return call('POST', '/credentials/issue', {
        token: tokens.issuerAdmin,
        body: { credential: { ...body.credential, ...dates } },
      });
    };
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    const nextYear = new Date(Date.now() + 365 * 86_400_000).toISOString();
    const nextMonth = new Date(Date.now() + 30 * 86_400_000).toISOString();

    const expired = await issue({ validUntil: yesterday });
    const backwards = await issue({ validFrom: nextYear, validUntil: nextMonth });
    const fine = await issue({ validFrom: nextMonth, validUntil: nextYear });

    expect([expired.status, expired.headers.get('content-type')]).toEqual([
      400,
      'application/problem+json',
    ]);
    expect(expired.body.errors).toEqual([
      { pointer: '/credential/validUntil', detail: expect.stringContaining('has already passed') },
    ]);
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors).toEqual([
      { pointer: '/credential/validUntil', detail: expect.stringContaining('is before validFrom') },
    ]);
    expect(backwards.body.detail).toMatch(/^\/credential\/validUntil: /);
    expect(fine.status).toBe(201);
    const stored = (await service().ctx.credentials.listByIssuer('foxtrot-dates')).items;
    expect(stored.map((record) => record.id)).toEqual([fine.body.id]);
  });

  it('points a missing recipient at the credentialSubject that was sent', async () => {
    const { call } = service();
    const { tokens, achievementId } = await onboard('foxtrot-subject');

    const missing = await call('POST', '/credentials/issue', {
      token: tokens.issuerAdmin,
      body: {
        credential: {
          issuer: 'foxtrot-subject',
          credentialSubject: { achievement: { id: achievementId } },
        },
      },
    });
    const both = await call('POST', '/credentials/issue', {
      token: tokens.issuerAdmin,
      body: {
        credential: {
          issuer: 'foxtrot-subject',
          credentialSubject: {
            id: 'did:example:both',
            email: 'both@mail.example',
            achievement: { id: achievementId },
          },
        },
      },
    });

    for (const response of [missing, both]) {
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        {
          pointer: '/credential/credentialSubject',
          detail: 'give either id (a DID or URL) or email',
        },
      ]);
    }
    expect((await service().ctx.credentials.listByIssuer('foxtrot-subject')).items).toEqual([]);
  });

  it('refuses a batch with a bad recipient, pointing into the recipients sent, and queues nothing', async () => {
    const { call } = service();
    const { tokens, achievementId } = await onboard('foxtrot-batch');

    const response = await call('POST', '/issuers/foxtrot-batch/batches', {
      token: tokens.issuerAdmin,
      body: {
        achievementId,
        recipients: [
          { email: 'ok@mail.example' },
          { email: 'ok@mail.example', id: 'did:example:x' },
          {},
        ],
      },
    });

    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { pointer: string }) => error.pointer)).toEqual([
      '/recipients/1',
      '/recipients/2',
    ]);
    expect((await service().ctx.credentials.listByIssuer('foxtrot-batch')).items).toEqual([]);
  });

  it('revokes forty credentials at once and loses none', async () => {
    const { call } = service();
    const { tokens, achievementId } = await onboard('golf');
    const issued = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call('POST', '/credentials/issue', {
          token: tokens.issuerAdmin,
          body: issueBody('golf', achievementId, `l${i}@mail.example`),
        }),
      ),
    );

    const revocations = await Promise.all(
      issued.map((response) =>
        call('POST', '/credentials/status', {
          token: tokens.issuerAdmin,
          body: { credentialId: response.body.id, credentialStatus: [{ status: 'revoked' }] },
        }),
      ),
    );
    const checks = await Promise.all(
      issued.map((response) =>
        call('POST', '/credentials/verify', {
          body: { verifiableCredential: response.body.verifiableCredential },
        }),
      ),
    );

    expect(revocations.map((response) => response.status)).toEqual(Array(40).fill(200));
    expect(checks.map((response) => response.body.verified)).toEqual(Array(40).fill(false));
  });

  it('awards a batch as a job: every recipient issued exactly once, even when the job is replayed', async () => {
    const { call, ctx } = service();
    const { tokens, achievementId } = await onboard('hotel');
    const recipients = Array.from({ length: 25 }, (_, i) => ({ email: `grad${i}@mail.example` }));

    const created = await call('POST', '/issuers/hotel/batches', {
      token: tokens.issuerAdmin,
      body: { achievementId, recipients },
    });
    const streamRecord = {
      eventName: 'INSERT',
      dynamodb: {
        Keys: { PK: { S: `JOB#${created.body.id}` }, SK: { S: 'META' } },
        SequenceNumber: '1',
      },
    };
    await batchJobsHandler(ctx)({ Records: [streamRecord, streamRecord] } as never);
    const progress = await call('GET', `/batches/${created.body.id}`, {
      token: tokens.issuerAdmin,
    });

    expect(created.status).toBe(202);
    expect(progress.body.job).toMatchObject({ total: 25, issued: 25, failed: 0, state: 'done' });
    expect(
      new Set(
        progress.body.recipients.map(
          (recipient: { credentialId: string }) => recipient.credentialId,
        ),
      ).size,
    ).toBe(25);
    const stored = await ctx.credentials.listByIssuer('hotel');
    expect([stored.items.length, stored.cursor]).toEqual([25, undefined]);
  });

  it('serves a credential publicly as JSON, VC-JWT, baked PNG and SVG, and a verification page', async () => {
    const { call, url } = service();
    const { tokens, achievementId } = await onboard('lima');
    const issued = await call('POST', '/credentials/issue', {
      token: tokens.issuerAdmin,
      body: issueBody('lima', achievementId),
    });
    const uuid = String(issued.body.id).replace('urn:uuid:', '');

    const json = await call('GET', `/credentials/${uuid}`);
    const jwt = await call('GET', `/credentials/${uuid}`, {
      headers: { accept: 'application/vc+jwt' },
    });
    const png = new Uint8Array(
      await (await fetch(`${url}/credentials/${uuid}/badge.png`)).arrayBuffer(),
    );
    const svg = await (await fetch(`${url}/credentials/${uuid}/badge.svg`)).text();
    const page = await call('GET', `/credentials/${uuid}/verify`);
    const status = await call(
      'GET',
      String(json.body.credentialStatus.statusListCredential).replace(url, ''),
    );
    const did = await call('GET', '/issuers/lima/did.json');
    const missing = await call('GET', '/credentials/00000000-0000-4000-8000-000000000000');

    expect([json.status, json.body.id]).toEqual([200, issued.body.id]);
    expect(jwt.body).toBe(issued.body.verifiableCredential);
    expect(extractFromPng(png)).toBe(issued.body.verifiableCredential);
    expect(extractFromSvg(svg)).toBe(issued.body.verifiableCredential);
    expect([page.status, page.headers.get('content-type')]).toEqual([
      200,
      'text/html; charset=utf-8',
    ]);
    expect(page.body).toContain('SQL Querying Fundamentals');
    expect([status.headers.get('content-type'), status.headers.get('cache-control')]).toEqual([
      'application/vc+jwt',
      'public, max-age=60, must-revalidate',
    ]);
    expect(did.headers.get('cache-control')).toBe('public, max-age=300');
    expect([missing.status, missing.headers.get('content-type')]).toEqual([
      404,
      'application/problem+json',
    ]);
  });
});
