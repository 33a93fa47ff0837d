import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  type JSONWebKeySet,
  jwtVerify,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { VerificationReport } from '#shared/credentials/verify/report.ts';
import { verifyWithCli } from '#test/support/cli-verify.ts';
import { useService } from '#test/support/service-harness.ts';

/**
 * A learner's wallet over HTTP: their credentials, their CLR 2.0 export signed as a VC-JWT
 * (each credential inside an object with its embedded proof), verified by the service and the
 * command line, and the rule that a learner sees no one else's.
 */

const service = useService();

const DEFINITION = {
  name: 'Statistical Modelling',
  description: 'Fits and checks linear and logistic regression models.',
  criteria: { narrative: 'Passed the modelling project.' },
};

interface Tokens {
  admin: string;
  ada: string;
  grace: string;
  nobody: string;
  lin: string;
  northAdmin: string;
  southAdmin: string;
}
let tokens: Tokens;
let northAchievement: string;
/** Signed forms of the credentials issued to each learner, by credential id. */
const issuedTo: Record<string, Map<string, unknown>> = {
  ada: new Map(),
  grace: new Map(),
  lin: new Map(),
};

async function onboard(issuerId: string, proofFormat: 'vc-jwt' | 'eddsa-rdfc-2022') {
  const { call } = service();
  const issuer = await call('POST', '/issuers', {
    token: tokens.admin,
    body: { id: issuerId, name: `${issuerId} Institute` },
  });
  const achievement = await call('POST', `/issuers/${issuerId}/achievements`, {
    token: tokens.admin,
    body: { definition: { ...DEFINITION, name: `${DEFINITION.name} (${issuerId})` }, proofFormat },
  });
  expect([issuer.status, achievement.status]).toEqual([201, 201]);
  return achievement.body.id as string;
}

async function issue(
  issuerId: string,
  achievementId: string,
  learnerId: string,
  subject: { id: string } | { email: string },
  validFrom: string,
): Promise<string> {
  const response = await service().call('POST', '/credentials/issue', {
    token: tokens.admin,
    body: {
      credential: {
        issuer: issuerId,
        validFrom,
        credentialSubject: { ...subject, achievement: { id: achievementId } },
      },
      options: { learnerId },
    },
  });
  expect(response.status).toBe(201);
  issuedTo[learnerId]?.set(response.body.id, response.body.verifiableCredential);
  return response.body.id as string;
}

async function issuerJwks(issuerId: string) {
  const jwks = await service().call('GET', `/issuers/${issuerId}/jwks.json`);
  return createLocalJWKSet(jwks.body as JSONWebKeySet);
}

/** An entry of `verifiableCredential`: a compact JWS, or a JSON credential with its id. */
function entryId(entry: unknown): string {
  if (typeof entry === 'string') {
    const payload = JSON.parse(Buffer.from(entry.split('.')[1] ?? '', 'base64url').toString());
    return payload.id as string;
  }
  return (entry as { id: string }).id;
}

beforeAll(async () => {
  const { tokens: dev } = service();
  tokens = {
    admin: await dev.sign({ sub: 'platform', roles: ['platform-admin'] }),
    ada: await dev.sign({ sub: 'ada', roles: ['learner'], learnerId: 'ada' }),
    grace: await dev.sign({ sub: 'grace', roles: ['learner'], learnerId: 'grace' }),
    nobody: await dev.sign({ sub: 'nobody', roles: ['learner'], learnerId: 'nobody' }),
    lin: await dev.sign({ sub: 'lin', roles: ['learner'], learnerId: 'lin' }),
    northAdmin: await dev.sign({ sub: 'north-admin', roles: ['issuer-admin'], issuerId: 'north' }),
    southAdmin: await dev.sign({ sub: 'south-admin', roles: ['issuer-admin'], issuerId: 'south' }),
  };
  const north = await onboard('north', 'vc-jwt');
  northAchievement = north;
  const south = await onboard('south', 'eddsa-rdfc-2022');
  // Ada: three VC-JWT credentials from one issuer, by email and by DID.
  await issue('north', north, 'ada', { email: 'ada@mail.example' }, '2025-09-01T09:00:00Z');
  await issue('north', north, 'ada', { email: 'ada@mail.example' }, '2025-10-01T09:00:00Z');
  await issue('north', north, 'ada', { id: 'did:example:ada' }, '2025-11-01T09:00:00Z');
  // Grace: credentials of two issuers, the newest from south (Data Integrity).
  await issue('north', north, 'grace', { id: 'did:example:grace' }, '2025-05-01T09:00:00Z');
  await issue('south', south, 'grace', { id: 'did:example:grace' }, '2025-12-01T09:00:00Z');
}, 60_000);

describe('GET /learners/{learnerId}/credentials', () => {
  it("lists the learner's own credentials, newest first, with their public links", async () => {
    const { call, url } = service();

    const listed = await call('GET', '/learners/ada/credentials', { token: tokens.ada });

    expect(listed.status).toBe(200);
    expect(listed.headers.get('cache-control')).toBe('private, no-store');
    expect(listed.body.cursor).toBeUndefined();
    expect(listed.body.items.map((item: { issuedAt: string }) => item.issuedAt)).toEqual([
      '2025-11-01T09:00:00Z',
      '2025-10-01T09:00:00Z',
      '2025-09-01T09:00:00Z',
    ]);
    expect(new Set(listed.body.items.map((item: { id: string }) => item.id))).toEqual(
      new Set(issuedTo.ada?.keys()),
    );
    const [newest] = listed.body.items;
    const base = `${url}/credentials/${encodeURIComponent(newest.id)}`;
    expect(newest).toEqual({
      id: newest.id,
      issuer: {
        id: 'north',
        did: `did:web:127.0.0.1%3A${new URL(url).port}:issuers:north`,
        name: 'north Institute',
      },
      achievement: {
        id: expect.stringMatching(`^${url}/issuers/north/achievements/`),
        name: 'Statistical Modelling (north)',
      },
      issuedAt: '2025-11-01T09:00:00Z',
      state: 'active',
      proofFormat: 'vc-jwt',
      links: {
        json: base,
        jwt: `${base}/credential.jwt`,
        verify: `${base}/verify`,
        png: `${base}/badge.png`,
        svg: `${base}/badge.svg`,
      },
    });
  });

  it('links to the public JSON and verification page of each credential', async () => {
    const { call, url } = service();
    const listed = await call('GET', '/learners/grace/credentials', { token: tokens.grace });
    const [newest] = listed.body.items;

    const json = await call('GET', newest.links.json.slice(url.length));
    const page = await call('GET', newest.links.verify.slice(url.length));

    expect([json.status, json.body.id, [json.body.proof].flat()[0].cryptosuite]).toEqual([
      200,
      newest.id,
      'eddsa-rdfc-2022',
    ]);
    expect(newest.links.jwt).toBeUndefined();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it("refuses a learner another learner's credentials, and anyone but learners and platform admins", async () => {
    const { call } = service();

    const statuses = {
      other: (await call('GET', '/learners/grace/credentials', { token: tokens.ada })).status,
      issuerAdmin: (await call('GET', '/learners/ada/credentials', { token: tokens.northAdmin }))
        .status,
      anonymous: (await call('GET', '/learners/ada/credentials')).status,
      platformAdmin: (await call('GET', '/learners/grace/credentials', { token: tokens.admin }))
        .status,
    };

    expect(statuses).toEqual({ other: 403, issuerAdmin: 403, anonymous: 401, platformAdmin: 200 });
  });

  it('answers an empty page for a learner with no credentials', async () => {
    const listed = await service().call('GET', '/learners/nobody/credentials', {
      token: tokens.nobody,
    });

    expect([listed.status, listed.body]).toEqual([200, { items: [] }]);
  });
});

describe('GET /learners/{learnerId}/clr', () => {
  it('exports every credential of the learner as a ClrCredential VC-JWT signed by their issuer', async () => {
    const { call, url } = service();
    const northDid = `did:web:127.0.0.1%3A${new URL(url).port}:issuers:north`;

    const response = await call('GET', '/learners/ada/clr', { token: tokens.ada });
    const { payload, protectedHeader } = await jwtVerify(
      response.body as string,
      await issuerJwks('north'),
    );
    const issuerView = await call('GET', '/issuers/north', { token: tokens.northAdmin });
    const activeEs256 = issuerView.body.keys.find(
      (key: { algorithm: string; status: string }) =>
        key.algorithm === 'ES256' && key.status === 'active',
    );

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vc+jwt');
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: activeEs256.id, typ: 'JWT' });
    expect(payload.type).toEqual(['VerifiableCredential', 'ClrCredential']);
    expect(payload.iss).toBe(northDid);
    expect(payload.issuer).toEqual({ id: northDid, type: ['Profile'], name: 'north Institute' });
    const subject = payload.credentialSubject as {
      id: string;
      type: string[];
      identifier: { identityType: string; hashed: boolean }[];
      verifiableCredential: unknown[];
      achievement: { name: string }[];
    };
    expect(subject.verifiableCredential).toHaveLength(3);
    expect(new Set(subject.verifiableCredential.map(entryId))).toEqual(
      new Set(issuedTo.ada?.keys()),
    );
    // Each VC-JWT goes in as its credential, secured by the same issuer's Ed25519 key.
    for (const entry of subject.verifiableCredential as Record<string, unknown>[]) {
      const issued = decodeJwt(issuedTo.ada?.get(entry.id as string) as string);
      const { proof, ...claims } = entry;
      expect(proof).toEqual([
        expect.objectContaining({
          type: 'DataIntegrityProof',
          cryptosuite: 'eddsa-rdfc-2022',
          verificationMethod: expect.stringMatching(new RegExp(`^${northDid}#`)),
        }),
      ]);
      expect(claims).toEqual(
        Object.fromEntries(
          Object.entries(issued).filter(
            ([name]) => !['iss', 'sub', 'jti', 'nbf', 'exp', 'iat'].includes(name),
          ),
        ),
      );
    }
    expect([subject.id, subject.type, payload.sub]).toEqual([
      'did:example:ada',
      ['ClrSubject'],
      'did:example:ada',
    ]);
    // Both email credentials carry their own salted hash: each one is listed.
    expect(subject.identifier.map((identity) => [identity.identityType, identity.hashed])).toEqual([
      ['emailAddress', true],
      ['emailAddress', true],
    ]);
    expect(subject.achievement.map((achievement) => achievement.name)).toEqual([
      'Statistical Modelling (north)',
    ]);
  });

  it("is signed by the newest credential's issuer when the credentials come from several", async () => {
    const { call } = service();

    const response = await call('GET', '/learners/grace/clr', { token: tokens.grace });
    const { payload } = await jwtVerify(response.body as string, await issuerJwks('south'));
    const entries = (payload.credentialSubject as { verifiableCredential: unknown[] })
      .verifiableCredential;

    expect(response.status).toBe(200);
    expect((payload.issuer as { name: string }).name).toBe('south Institute');
    expect(new Set(entries.map(entryId))).toEqual(new Set(issuedTo.grace?.keys()));
    expect(entries.map((entry) => typeof entry)).toEqual(['object', 'object']);
    await expect(jwtVerify(response.body as string, await issuerJwks('north'))).rejects.toThrow(
      'no applicable key found in the JSON Web Key Set',
    );
  });

  it('verifies its own export: the record and each credential in it, over HTTP and with the CLI', async () => {
    const { call } = service();
    const clr = (await call('GET', '/learners/grace/clr', { token: tokens.grace })).body as string;

    const verified = await call('POST', '/credentials/verify', {
      body: { verifiableCredential: clr },
    });
    const cli = await verifyWithCli(clr);

    expect(verified.status).toBe(200);
    expect([verified.body.verified, verified.body.errors]).toEqual([true, []]);
    const report = verified.body.report as VerificationReport;
    expect(report.checks.map((check) => `${check.id}:${check.outcome}`)).toEqual(
      expect.arrayContaining([
        'schema:passed',
        'terms:passed',
        'proof:passed',
        'credentials:passed',
      ]),
    );
    expect(
      report.credentials?.map((held) => [held.credential?.id, held.verdict, held.input.proof]),
    ).toEqual(
      expect.arrayContaining(
        [...(issuedTo.grace?.keys() ?? [])].map((id) => [id, 'valid', 'eddsa-rdfc-2022']),
      ),
    );
    expect(report.credentials?.map((held) => held.issuerBinding.bound)).toEqual([true, true]);
    expect([
      cli.verdict,
      cli.issuerBinding.bound,
      cli.credentials?.map((held) => held.verdict),
    ]).toEqual(['valid', true, ['valid', 'valid']]);
  });

  it('reports a credential of the record that no longer holds, by its place in the record', async () => {
    const { call } = service();
    const suspendable = await call('POST', '/issuers/north/achievements', {
      token: tokens.admin,
      body: {
        definition: { ...DEFINITION, name: 'Suspendable (north)' },
        proofFormat: 'vc-jwt',
        statusPurpose: 'suspension',
      },
    });
    const held = await issue(
      'north',
      suspendable.body.id,
      'mo',
      { id: 'did:example:mo' },
      '2025-06-01T09:00:00Z',
    );
    await call('POST', '/credentials/status', {
      token: tokens.northAdmin,
      body: { credentialId: held, credentialStatus: [{ status: 'suspended' }] },
    });
    const mo = await service().tokens.sign({ sub: 'mo', roles: ['learner'], learnerId: 'mo' });
    const clr = (await call('GET', '/learners/mo/clr', { token: mo })).body as string;

    const verified = await call('POST', '/credentials/verify', {
      body: { verifiableCredential: clr },
    });

    expect(verified.body.verified).toBe(false);
    expect(verified.body.report.decidingCheck).toBe('credentials');
    expect(verified.body.errors).toEqual([
      {
        check: 'credentials',
        message: expect.stringMatching(
          new RegExp(`^credential 1 \\(${held}\\) is not valid: .*suspended`),
        ),
      },
    ]);
    expect(verified.body.report.credentials[0].decidingCheck).toBe('status');
  });

  it("refuses a learner another learner's CLR, and lets a platform admin export it", async () => {
    const { call } = service();

    const other = await call('GET', '/learners/ada/clr', { token: tokens.grace });
    const admin = await call('GET', '/learners/ada/clr', { token: tokens.admin });
    const issuerAdmin = await call('GET', '/learners/ada/clr', { token: tokens.northAdmin });

    expect([other.status, other.headers.get('content-type')]).toEqual([
      403,
      'application/problem+json',
    ]);
    expect(admin.status).toBe(200);
    expect(decodeProtectedHeader(admin.body as string).alg).toBe('ES256');
    expect(issuerAdmin.status).toBe(403);
  });

  it('answers 404 for a learner with no credentials', async () => {
    const response = await service().call('GET', '/learners/nobody/clr', { token: tokens.nobody });

    expect([response.status, response.body.detail]).toEqual([
      404,
      'learner nobody has no credentials to export',
    ]);
  });

  it('leaves revoked credentials out of the record, and answers 404 once all are revoked', async () => {
    const { call } = service();
    const kept = await issue(
      'north',
      northAchievement,
      'lin',
      { id: 'did:example:lin' },
      '2025-06-01T09:00:00Z',
    );
    const withdrawn = await issue(
      'north',
      northAchievement,
      'lin',
      { id: 'did:example:lin' },
      '2025-07-01T09:00:00Z',
    );
    const revoke = (credentialId: string) =>
      call('POST', '/credentials/status', {
        token: tokens.northAdmin,
        body: { credentialId, credentialStatus: [{ status: 'revoked' }] },
      });

    const first = await revoke(withdrawn);
    const partial = await call('GET', '/learners/lin/clr', { token: tokens.lin });
    const { payload } = await jwtVerify(partial.body as string, await issuerJwks('north'));
    const second = await revoke(kept);
    const none = await call('GET', '/learners/lin/clr', { token: tokens.lin });

    expect([first.status, second.status, partial.status]).toEqual([200, 200, 200]);
    expect(
      (payload.credentialSubject as { verifiableCredential: unknown[] }).verifiableCredential.map(
        entryId,
      ),
    ).toEqual([kept]);
    expect(none.status).toBe(404);
  });
});
