import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceVerifier } from '#functions/service-context.ts';
import { HttpsFetcher } from '#shared/adapters/https/https-fetcher.ts';
import { loopbackOverHttp } from '#shared/adapters/https/loopback-http.ts';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { bakePng } from '#shared/credentials/bake/png.ts';
import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import { escoAlignment } from '#shared/credentials/model/alignment.ts';
import { reverifyDueImports } from '#shared/domain/imports.ts';
import { tinyPng } from '#test/support/bake-fixtures.ts';
import { createIssuerFixture, type IssuerFixture } from '#test/support/issuer-fixture.ts';
import { ob3Path, readOb3Text } from '#test/support/ob3-data.ts';
import { requireOb3Data } from '#test/support/require-ob3-data.ts';
import { useService } from '#test/support/service-harness.ts';

/**
 * A learner imports badges from other issuers and becomes findable by them: the 1EdTech sample
 * credentials and a badge of an outside did:web issuer, served by a local test server and
 * imported by URL; what does not verify, or is not bound to its issuer, is refused and nothing
 * is stored; a revoked badge leaves the results once it is verified again.
 */

// The 1EdTech test key: both 1EdTech samples below are signed with it.
const KEY_1EDTECH = 'z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi';
const TEAMWORK =
  '1edtech-openbadges-specification/examples/linked-data-proof-ob--03-signed-credential.json';
const FIXTURES = '1edtech-validator/test-fixtures/ob30';
const REVOCATION_LIST =
  'https://dc.1edtech.org/wellspring2022/wellspring-portal/api/revocations/da1e96e9-afcc-4eed-b9a2-2ddf7353214c';
const WELLSPRING_DID =
  'did:web:dc.1edtech.org:wellspring2022:wellspring-portal:org:da1e96e9-afcc-4eed-b9a2-2ddf7353214c';
const SQL_ESCO = 'ESCO:598de5b0-5b58-4ea7-8058-a4bc4d18c742';
// Whom the samples were issued to: Lin's identity provider has linked both DIDs to her account.
const TEAMWORK_SUBJECT = 'did:example:ebfeb1f712ebc6f1c276e12ec21';
const WELLSPRING_LEARNER =
  'did:web:dc.1edtech.org:wellspring2022:wellspring-portal:learner:6896f98f-6b42-4c75-98ec-8befd0dc0b29';
const LIN_EMAIL = 'lin.learner@mail.example';

/** A controller document publishing the 1EdTech key for `id`, as its issuer would serve it. */
function controller(id: string) {
  return JSON.stringify({
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id,
    verificationMethod: [
      {
        id: `${id}#${KEY_1EDTECH}`,
        type: 'Multikey',
        controller: id,
        publicKeyMultibase: KEY_1EDTECH,
      },
    ],
    assertionMethod: [`${id}#${KEY_1EDTECH}`],
  });
}

// The outside world: issuers' documents from a StaticFetcher, the test server over loopback.
let outside: StaticFetcher = new StaticFetcher({});
const loopback = loopbackOverHttp(
  new HttpsFetcher({ allowPrivateAddresses: true, allowHttpLoopback: true }),
);
const network: Fetcher = {
  fetch: (url, options) =>
    new URL(url).hostname === '127.0.0.1'
      ? loopback.fetch(url, options)
      : outside.fetch(url, options),
};

const service = useService({ streams: true, network });

let server: Server;
let base: string;
const served = new Map<string, { body: Uint8Array | string; type: string }>();
let wellspringRevoked: string[] = [];
/** While true, the college's status lists cannot be fetched (an outage at the issuer). */
let statusOutage = false;
let college: IssuerFixture;
const tokens = {} as Record<'lin' | 'ada' | 'employer', string>;

if (requireOb3Data()) {
  beforeAll(async () => {
    college = await createIssuerFixture({ domain: 'college.example', name: 'Outside College' });
    outside = new StaticFetcher((url) => {
      if (url === 'https://example.edu/issuers/565049')
        return { body: controller('https://example.edu/issuers/565049') };
      if (
        url ===
        `https://dc.1edtech.org/wellspring2022/wellspring-portal/org/da1e96e9-afcc-4eed-b9a2-2ddf7353214c/did.json`
      )
        return { body: controller(WELLSPRING_DID) };
      if (url === REVOCATION_LIST)
        return {
          body: JSON.stringify({
            id: REVOCATION_LIST,
            revokedCredentials: wellspringRevoked.map((id) => ({ id, revoked: true })),
          }),
        };
      if (statusOutage && url.startsWith('https://college.example/status/')) return undefined;
      const route = college.routes()[url];
      if (route === undefined) return undefined;
      return typeof route === 'function' ? route() : route;
    });
    const external = await college.issueJwt(
      college.build({
        id: 'https://college.example/credentials/sql-7',
        // Addressed to a salted hash of Lin's email, as most issuers do.
        recipient: { email: LIN_EMAIL },
        credentialStatus: college.statusEntry(7),
        achievement: {
          id: 'https://college.example/achievements/sql',
          name: 'Applied SQL',
          description: 'Queries relational data.',
          criteria: { narrative: 'Passed the SQL lab.' },
          achievementType: 'Certificate',
          alignment: [
            escoAlignment(
              'http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742',
              'SQL',
            ),
            escoAlignment(
              'http://data.europa.eu/esco/occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30',
              'data scientist',
            ),
          ],
        },
      }),
    );
    served.set('/teamwork.json', {
      body: await readOb3Text(TEAMWORK),
      type: 'application/ld+json',
    });
    served.set('/sql.png', { body: bakePng(tinyPng(), external), type: 'image/png' });
    served.set('/revocable.json', {
      body: await readOb3Text(FIXTURES, 'credential-status-revoked.json'),
      type: 'application/json',
    });
    server = createServer((request, response) => {
      const file = served.get(request.url ?? '');
      if (file === undefined) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': file.type }).end(file.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // The import takes https URLs only; the loopback decorator reaches this server over http.
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const h = service();
    tokens.lin = await h.tokens.sign({
      sub: 'u-lin',
      roles: ['learner'],
      learnerId: 'lin',
      email: LIN_EMAIL,
      dids: [TEAMWORK_SUBJECT, WELLSPRING_LEARNER],
    });
    tokens.ada = await h.tokens.sign({ sub: 'u-ada', roles: ['learner'], learnerId: 'ada' });
    tokens.employer = await h.tokens.sign({ sub: 'u-e', roles: ['employer'], employerId: 'acme' });
    const consent = await h.call('PUT', '/learners/lin/consent', {
      token: tokens.lin,
      body: { displayName: 'Lin W.', employers: 'all' },
    });
    expect(consent.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  const importUrl = (path: string) =>
    service().call('POST', '/learners/lin/imports', {
      token: tokens.lin,
      body: { url: `${base}${path}` },
    });
  const search = (body: Record<string, unknown>) =>
    service().call('POST', '/candidates/search', { token: tokens.employer, body });
  const importIds = async () =>
    (await service().call('GET', '/learners/lin/imports', { token: tokens.lin })).body.items.map(
      (item: { credentialId: string }) => item.credentialId,
    );

  describe('importing badges from other issuers', () => {
    it('previews an import by URL with its report, storing nothing, and explains a refusal', async () => {
      const before = await importIds();
      const preview = await service().call('POST', '/learners/lin/imports/preview', {
        token: tokens.lin,
        body: { url: `${base}/teamwork.json` },
      });
      const unbound = await service().call('POST', '/learners/lin/imports/preview', {
        token: tokens.lin,
        body: { file: (await readFile(ob3Path(FIXTURES, 'simple-jwt.png'))).toString('base64') },
      });
      const notHers = await service().call('POST', '/learners/ada/imports/preview', {
        token: tokens.lin,
        body: { url: `${base}/teamwork.json` },
      });

      expect(preview.status).toBe(200);
      expect(preview.headers.get('cache-control')).toContain('no-store');
      expect(preview.body).toMatchObject({
        accepted: true,
        alreadyImported: false,
        format: 'json',
        credentialId: 'http://example.com/credentials/3527',
        achievement: { name: 'Teamwork' },
        report: { verdict: 'valid', issuerBinding: { bound: true } },
      });
      expect(unbound.status).toBe(200);
      expect(unbound.body.accepted).toBe(false);
      expect(unbound.body.format).toBe('png');
      expect(unbound.body.refusal).toMatch(/signing key is not bound to its issuer/);
      expect(notHers.status).toBe(403);
      expect(await importIds()).toEqual(before);
    });

    it('imports a 1EdTech sample credential by URL, keeping its report, and makes the learner findable', async () => {
      const imported = await importUrl('/teamwork.json');
      await service().drained();
      const found = await search({ text: 'teamwork' });

      expect(imported.status).toBe(201);
      expect(imported.body).toMatchObject({
        credentialId: 'http://example.com/credentials/3527',
        state: 'verified',
        source: { format: 'json', url: `${base}/teamwork.json` },
        issuer: { id: 'https://example.edu/issuers/565049', name: 'Example Corp' },
        achievement: { name: 'Teamwork' },
      });
      expect(imported.body.report.verdict).toBe('valid');
      expect(imported.body.report.issuerBinding.bound).toBe(true);
      expect(imported.body.report.credential).toBeUndefined();
      expect(imported.headers.get('location')).toBe(
        `${service().url}/learners/lin/imports/${imported.body.id}`,
      );
      expect(found.body.hits.map((h: { learnerId: string }) => h.learnerId)).toEqual(['lin']);
      const badge = found.body.hits[0].matched.text[0];
      expect(badge).toMatchObject({
        issuerId: 'https://example.edu/issuers/565049',
        issuerName: 'Example Corp',
        achievementName: 'Teamwork',
        verifyUrl: `${service().url}/candidates/lin/credentials/${imported.body.id}`,
      });
      const checked = await service().call('GET', new URL(badge.verifyUrl).pathname, {
        token: tokens.employer,
      });
      expect(checked.status).toBe(200);
      expect(checked.body.report.verdict).toBe('valid');
      expect(JSON.parse(checked.body.credential).id).toBe('http://example.com/credentials/3527');
    });

    it("imports another issuer's baked PNG by URL and makes the learner findable by its skills, in both frameworks", async () => {
      const imported = await importUrl('/sql.png');
      await service().drained();
      const bySkill = await search({ mustHave: [SQL_ESCO] });
      const byOnet = await search({ mustHave: ['ONET:15-2051.00'] });

      expect(imported.status).toBe(201);
      expect(imported.body.source).toEqual({ format: 'png', url: `${base}/sql.png` });
      expect(imported.body.report.issuerBinding.bound).toBe(true);
      expect(bySkill.body.hits.map((h: { learnerId: string }) => h.learnerId)).toEqual(['lin']);
      expect(bySkill.body.hits[0].matched.mustHave[0].badges[0]).toMatchObject({
        issuerId: 'did:web:college.example',
        issuerName: 'Outside College',
        achievementName: 'Applied SQL',
      });
      expect(byOnet.body.hits[0].matched.mustHave[0].badges[0].via).toBe(
        'ESCO:258e46f9-0075-4a2e-adae-1ff0477e0f30',
      );
    });

    it('refuses a credential that does not verify, naming the failed check, and stores nothing', async () => {
      const before = await importIds();
      const expired = await service().call('POST', '/learners/lin/imports', {
        token: tokens.lin,
        body: { credential: JSON.parse(await readOb3Text(FIXTURES, 'simple-err-expired.json')) },
      });

      expect(expired.status).toBe(400);
      expect(expired.headers.get('content-type')).toBe('application/problem+json');
      expect(expired.body.detail).toMatch(
        /^the credential did not verify: the "expiration" check failed/,
      );
      expect(expired.body.errors).toEqual([
        {
          pointer: '/credential',
          detail: 'expiration: the credential expired: validUntil 2010-01-01T00:00:00Z has passed',
        },
      ]);
      expect(await importIds()).toEqual(before);
    });

    it('refuses a valid credential whose key is not bound to its issuer, and stores nothing', async () => {
      const before = await importIds();
      const file = (await readFile(ob3Path(FIXTURES, 'simple-jwt.png'))).toString('base64');
      const unbound = await service().call('POST', '/learners/lin/imports', {
        token: tokens.lin,
        body: { file },
      });

      expect(unbound.status).toBe(400);
      expect(unbound.body.detail).toMatch(
        /^the credential verified, but its signing key is not bound to its issuer/,
      );
      expect(unbound.body.errors[0].detail).toMatch(/^issuerBinding: /);
      expect(await importIds()).toEqual(before);
    });

    it("refuses someone else's badge, naming the subject check, and stores nothing", async () => {
      const h = service();
      const stranger = await h.tokens.sign({
        sub: 'u-ada',
        roles: ['learner'],
        learnerId: 'ada',
        email: 'ada.learner@mail.example',
      });
      const notHers = await h.call('POST', '/learners/ada/imports', {
        token: stranger,
        body: { url: `${base}/teamwork.json` },
      });
      const emailNotHers = await h.call('POST', '/learners/ada/imports', {
        token: stranger,
        body: { url: `${base}/sql.png` },
      });
      const left = await h.call('GET', '/learners/ada/imports', { token: stranger });

      expect(notHers.status).toBe(400);
      expect(notHers.headers.get('content-type')).toBe('application/problem+json');
      expect(notHers.body.detail).toBe(
        `the "subject" check failed: the credential was issued to ${TEAMWORK_SUBJECT}, which is none of your verified email and linked DIDs`,
      );
      expect(notHers.body.errors).toEqual([
        {
          pointer: '/url',
          detail: `subject: the credential was issued to ${TEAMWORK_SUBJECT}, which is none of your verified email and linked DIDs`,
        },
      ]);
      expect(emailNotHers.status).toBe(400);
      expect(emailNotHers.body.errors[0].detail).toBe(
        'subject: the credential was issued to a hashed identifier, which is none of your verified email and linked DIDs',
      );
      expect(left.body.items).toEqual([]);
    });

    it('refuses what it cannot fetch or read, and a second import of the same credential', async () => {
      const missing = await importUrl('/gone.json');
      const plain = await service().call('POST', '/learners/lin/imports', {
        token: tokens.lin,
        body: { url: 'http://college.example/badge.json' },
      });
      const junk = await service().call('POST', '/learners/lin/imports', {
        token: tokens.lin,
        body: { file: Buffer.from('not a credential').toString('base64') },
      });
      const twice = await importUrl('/teamwork.json');
      const two = await service().call('POST', '/learners/lin/imports', {
        token: tokens.lin,
        body: { url: `${base}/teamwork.json`, file: 'AAAA' },
      });
      const someoneElse = await service().call('POST', '/learners/lin/imports', {
        token: tokens.ada,
        body: { url: `${base}/teamwork.json` },
      });

      expect([missing.status, plain.status, junk.status, twice.status, two.status]).toEqual([
        400, 400, 400, 409, 400,
      ]);
      expect(missing.body.errors[0].pointer).toBe('/url');
      // Whether it could be fetched, never the fetcher's own message.
      expect(missing.body.detail).toBe(
        `the credential at ${base}/gone.json could not be fetched (HTTP 404)`,
      );
      expect(plain.body.detail).toBe('url must be an https URL');
      expect(junk.body.errors[0].detail).toMatch(/^input: /);
      expect(someoneElse.status).toBe(403);
    });
  });

  describe('re-verification', () => {
    it('marks an import invalid when its issuer revokes it, and it leaves the results', async () => {
      const imported = await importUrl('/revocable.json');
      await service().drained();
      const before = await search({ text: 'achievement 1' });

      wellspringRevoked = [
        'https://dc.1edtech.org/wellspring2022/wellspring-portal/credential/54418d3f-ec01-4652-800a-861c890a51a1',
      ];
      const again = await service().call(
        'POST',
        `/learners/lin/imports/${imported.body.id}/verify`,
        { token: tokens.lin },
      );
      await service().drained();
      const after = await search({ text: 'achievement 1' });

      expect(imported.status).toBe(201);
      expect(imported.body.issuer.id).toBe(WELLSPRING_DID);
      expect(before.body.total).toBe(1);
      expect(again.status).toBe(200);
      expect([again.body.state, again.body.report.decidingCheck]).toEqual(['invalid', 'status']);
      expect(after.body.total).toBe(0);
    });

    it('keeps an import verified, and findable, while its status list cannot be fetched', async () => {
      const h = service();
      const before = (await h.call('GET', '/learners/lin/imports', { token: tokens.lin })).body
        .items;
      const sql = before.find(
        (i: { credentialId: string }) =>
          i.credentialId === 'https://college.example/credentials/sql-7',
      );

      statusOutage = true;
      const run = await reverifyDueImports(h.ctx, serviceVerifier(h.ctx, network), {
        olderThanHours: 0,
      }).finally(() => {
        statusOutage = false;
      });
      await h.drained();
      const after = await h.call('GET', `/learners/lin/imports/${sql.id}`, { token: tokens.lin });
      const bySkill = await search({ mustHave: [SQL_ESCO] });

      expect(run.checked).toBe(3);
      expect(run.failed.map((failure) => failure.importId)).toEqual([sql.id]);
      expect(run.failed[0]?.error).toMatch(
        /^the credential could not be checked now, its state stays verified: status: /,
      );
      expect([after.body.state, after.body.verifiedAt]).toEqual(['verified', sql.verifiedAt]);
      expect(bySkill.body.hits.map((hit: { learnerId: string }) => hit.learnerId)).toEqual(['lin']);
    });

    it('verifies aged imports again on the schedule, dropping one its issuer revoked', async () => {
      const h = service();
      college.revoke(7);
      const run = await reverifyDueImports(h.ctx, serviceVerifier(h.ctx, network), {
        olderThanHours: 0,
      });
      await h.drained();
      const bySkill = await search({ mustHave: [SQL_ESCO] });
      const imports = await h.call('GET', '/learners/lin/imports', { token: tokens.lin });

      expect(run.failed).toEqual([]);
      expect(run.checked).toBe(3);
      expect(run.invalid).toBe(2);
      expect(bySkill.body.total).toBe(0);
      const states = Object.fromEntries(
        imports.body.items.map((i: { credentialId: string; state: string }) => [
          i.credentialId,
          i.state,
        ]),
      );
      expect(states['https://college.example/credentials/sql-7']).toBe('invalid');
      expect(states['http://example.com/credentials/3527']).toBe('verified');
    });

    it('takes a removed import out of the index before the removal is answered', async () => {
      const h = service();
      const teamwork = (
        await h.call('GET', '/learners/lin/imports', { token: tokens.lin })
      ).body.items.find(
        (i: { credentialId: string }) => i.credentialId === 'http://example.com/credentials/3527',
      );
      const removed = await h.call('DELETE', `/learners/lin/imports/${teamwork.id}`, {
        token: tokens.lin,
      });
      // No wait for the stream: the removal re-indexed Lin itself.
      const found = await search({ text: 'teamwork' });
      const gone = await h.call('GET', `/learners/lin/imports/${teamwork.id}`, {
        token: tokens.lin,
      });

      expect(removed.status).toBe(204);
      expect(found.body.total).toBe(0);
      expect(gone.status).toBe(404);
    });
  });
}
