import { beforeAll, describe, expect, it } from 'vitest';
import { buildClrCredential } from '#shared/credentials/present/clr.ts';
import { createVerifier, type Verifier } from '#shared/credentials/verify/verifier.ts';
import {
  createIssuerFixture,
  FIXTURE_VALID_FROM,
  fixtureClock,
  type IssuerFixture,
  serveIssuers,
} from '#test/support/issuer-fixture.ts';

/**
 * A CLR is verified as a record (its own proof, contexts, types, subject) and then credential
 * by credential: the record holds only when every credential in it does, and the report says
 * which one did not.
 */

let college: IssuerFixture;
let verifier: Verifier;

beforeAll(async () => {
  college = await createIssuerFixture();
  verifier = createVerifier({ fetcher: serveIssuers([college]), clock: fixtureClock });
});

async function held(index: number, name: string): Promise<Record<string, unknown>> {
  return college.issueDataIntegrity(
    college.build({
      id: `urn:uuid:00000000-0000-4000-8000-00000000000${index}`,
      name,
      credentialStatus: college.statusEntry(index),
    }),
  );
}

async function record(credentials: Record<string, unknown>[]): Promise<string> {
  const clr = buildClrCredential({
    id: 'urn:uuid:11111111-2222-4333-8444-555555555555',
    issuer: { id: college.did, name: college.name },
    learner: { id: 'did:example:learner' },
    credentials: credentials.map((signed) => ({ signed })),
    validFrom: FIXTURE_VALID_FROM,
  });
  return college.issueJwt(clr);
}

describe('verifying a ClrCredential', () => {
  it('verifies the record and each credential in it, reporting them in order', async () => {
    const clr = await record([await held(1, 'Statistics'), await held(2, 'Databases')]);

    const report = await verifier.verify(clr);

    expect(report.verdict).toBe('valid');
    expect(report.checks.filter((check) => check.id === 'credentials')).toEqual([
      {
        id: 'credentials',
        outcome: 'passed',
        reason: 'credential 1 (urn:uuid:00000000-0000-4000-8000-000000000001) verified',
      },
      {
        id: 'credentials',
        outcome: 'passed',
        reason: 'credential 2 (urn:uuid:00000000-0000-4000-8000-000000000002) verified',
      },
    ]);
    expect(report.credentials?.map((inner) => [inner.credential?.name, inner.verdict])).toEqual([
      ['Statistics', 'valid'],
      ['Databases', 'valid'],
    ]);
    expect(report.issuerBinding.bound).toBe(true);
  });

  it('fails the record when a credential in it is revoked, naming that credential', async () => {
    college.revoke(4);
    const clr = await record([await held(3, 'Statistics'), await held(4, 'Databases')]);

    const report = await verifier.verify(clr);

    expect([report.verdict, report.decidingCheck]).toEqual(['invalid', 'credentials']);
    expect(report.checks.find((check) => check.outcome === 'failed')).toMatchObject({
      id: 'credentials',
      path: '/credentialSubject/verifiableCredential/1',
      reason: expect.stringMatching(/^credential 2 \(urn:uuid:.*4\) is not valid: .*revoked/),
    });
    expect(report.credentials?.map((inner) => inner.decidingCheck)).toEqual([undefined, 'status']);
  });

  it('fails a credential altered after its issuer signed it, though the record signs over it', async () => {
    const altered = { ...(await held(5, 'Statistics')), name: 'Advanced Statistics' };
    const clr = await record([altered]);

    const report = await verifier.verify(clr);

    expect(report.checks.find((check) => check.id === 'proof')?.outcome).toBe('passed');
    expect(report.decidingCheck).toBe('credentials');
    expect(report.credentials?.[0]?.decidingCheck).toBe('proof');
  });

  it('does not verify the credentials of a record whose own signature fails', async () => {
    const clr = await record([await held(6, 'Statistics')]);
    const [header, payload, signature] = clr.split('.');
    const forged = `${header}.${payload}.${signature?.startsWith('A') ? 'B' : 'A'}${signature?.slice(1)}`;

    const report = await verifier.verify(forged);

    expect(report.decidingCheck).toBe('proof');
    expect(report.checks.find((check) => check.id === 'credentials')).toEqual({
      id: 'credentials',
      outcome: 'skipped',
      reason: 'the credentials it holds (1) were not verified: the record itself failed',
    });
    expect(report.credentials).toBeUndefined();
  });

  it('checks a credential in a record as an Open Badges credential, never as another record', async () => {
    const inner = buildClrCredential({
      id: 'urn:uuid:11111111-2222-4333-8444-000000000000',
      issuer: { id: college.did, name: college.name },
      learner: { id: 'did:example:learner' },
      credentials: [{ signed: await held(7, 'Statistics') }],
      validFrom: FIXTURE_VALID_FROM,
    });
    const clr = await record([await college.issueDataIntegrity(inner)]);

    const report = await verifier.verify(clr);

    expect(report.credentials?.[0]?.decidingCheck).toBe('type');
    expect(report.credentials?.[0]?.credentials).toBeUndefined();
  });
});
