import { beforeAll, describe, expect, it } from 'vitest';
import { bakePng } from '#shared/credentials/bake/png.ts';
import { bakeSvg } from '#shared/credentials/bake/svg.ts';
import type { CheckId, VerificationReport } from '#shared/credentials/verify/report.ts';
import { createVerifier, type Verifier } from '#shared/credentials/verify/verifier.ts';
import { tinyPng } from '#test/support/bake-fixtures.ts';
import {
  createIssuerFixture,
  fixtureClock,
  type IssuerFixture,
  serveIssuers,
} from '#test/support/issuer-fixture.ts';

/**
 * build → sign → bake → verify, through the public verifier, against a did:web issuer whose
 * DID document and status lists are served by a StaticFetcher.
 */

const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle r="30" cx="32" cy="32"/></svg>';

/** The order of docs/architecture.md's pipeline table, for a VC-JWT without endorsements. */
const JWT_CHECK_ORDER: readonly CheckId[] = [
  'input',
  'format',
  'jwt.header',
  'context',
  'type',
  'schema',
  'rules',
  'terms',
  'key',
  'proof',
  'jwt.claims',
  'issued',
  'expiration',
  'status',
];

let college: IssuerFixture;
let accreditor: IssuerFixture;
let verifier: Verifier;

beforeAll(async () => {
  [college, accreditor] = await Promise.all([
    createIssuerFixture({ domain: 'college.example' }),
    createIssuerFixture({ domain: 'accreditor.example', name: 'Regional Accreditation Board' }),
  ]);
  verifier = createVerifier({ fetcher: serveIssuers([college, accreditor]), clock: fixtureClock });
});

function failed(report: VerificationReport) {
  return report.checks.filter((check) => check.outcome === 'failed');
}

/** Every check ran and passed, none was skipped or warned, and the issuer bound the key. */
function expectFullyValid(report: VerificationReport, keyId: string): void {
  expect(report.checks.filter((check) => check.outcome !== 'passed')).toEqual([]);
  expect(report.verdict).toBe('valid');
  expect(report.decidingCheck).toBeUndefined();
  expect(report.issuerBinding.bound).toBe(true);
  expect(report.issuerBinding.keyId).toBe(keyId);
}

describe('verify: round trip', () => {
  const algorithms = ['ES256', 'RS256', 'EdDSA'] as const;

  for (const algorithm of algorithms) {
    it(`verifies a ${algorithm} VC-JWT as JWS text, PNG and SVG, bound to the did:web issuer`, async () => {
      const credential = college.build({ credentialStatus: college.statusEntry(7) });
      const jwt = await college.issueJwt(credential, algorithm);

      const reports = {
        jwt: await verifier.verify(jwt),
        png: await verifier.verify(bakePng(tinyPng(), jwt)),
        svg: await verifier.verify(new TextEncoder().encode(bakeSvg(SVG, jwt))),
      };

      for (const [format, report] of Object.entries(reports)) {
        expectFullyValid(report, college.kids[algorithm]);
        expect(report.input).toEqual({ format, proof: 'vc-jwt' });
        expect(report.credential).toEqual(credential);
        expect(report.checks.map((check) => check.id)).toEqual(JWT_CHECK_ORDER);
      }
    });
  }

  it('verifies an eddsa-rdfc-2022 credential as a parsed object, JSON bytes, PNG and SVG', async () => {
    const credential = college.build({ credentialStatus: college.statusEntry(8) });
    const signed = await college.issueDataIntegrity(credential);
    const text = JSON.stringify(signed, null, 2);

    const reports = {
      json: await verifier.verify(signed),
      bytes: await verifier.verify(new TextEncoder().encode(text)),
      png: await verifier.verify(bakePng(tinyPng(), text)),
      svg: await verifier.verify(bakeSvg(SVG, text)),
    };

    for (const [how, report] of Object.entries(reports)) {
      expectFullyValid(report, college.kids.EdDSA);
      expect(report.input).toEqual({
        format: how === 'bytes' ? 'json' : how,
        proof: 'eddsa-rdfc-2022',
      });
      expect(report.credential).toEqual(signed);
      const { proof, ...unsecured } = report.credential ?? {};
      expect(unsecured).toEqual(credential);
      expect(proof).toMatchObject({
        type: 'DataIntegrityProof',
        cryptosuite: 'eddsa-rdfc-2022',
        verificationMethod: college.kids.EdDSA,
      });
    }
  });

  it('reports a revoked credential invalid, decided by status', async () => {
    const credential = college.build({ credentialStatus: college.statusEntry(101) });
    const jwt = await college.issueJwt(credential);
    const before = await verifier.verify(jwt);

    college.revoke(101);
    const after = await verifier.verify(jwt);

    expect(before.verdict).toBe('valid');
    expect(after.verdict).toBe('invalid');
    expect(after.decidingCheck).toBe('status');
    expect(failed(after)).toEqual([
      {
        id: 'status',
        outcome: 'failed',
        reason: `BitstringStatusListEntry (revocation): entry 101 of ${college.statusListUrls.revocation} is set: the issuer has revoked the credential`,
      },
    ]);
    // The signature and binding still hold: revocation is the only problem.
    expect(after.issuerBinding.bound).toBe(true);
  });

  it('reports a suspended credential invalid with a suspension reason, valid again once reinstated', async () => {
    const credential = college.build({
      credentialStatus: college.statusEntry(202, 'suspension'),
    });
    const signed = await college.issueDataIntegrity(credential);

    college.suspend(202);
    const suspended = await verifier.verify(signed);
    college.reinstate(202, 'suspension');
    const reinstated = await verifier.verify(signed);

    expect(suspended.verdict).toBe('invalid');
    expect(suspended.decidingCheck).toBe('status');
    expect(failed(suspended).map((check) => check.reason)).toEqual([
      `BitstringStatusListEntry (suspension): entry 202 of ${college.statusListUrls.suspension} is set: the issuer has suspended the credential`,
    ]);
    expect(reinstated.verdict).toBe('valid');
  });

  it('reports a credential whose validUntil has passed invalid, decided by expiration', async () => {
    const credential = college.build({
      validFrom: '2025-01-01T00:00:00Z',
      validUntil: '2026-03-01T00:00:00Z',
    });

    const report = await verifier.verify(await college.issueJwt(credential));

    expect(report.verdict).toBe('invalid');
    expect(report.decidingCheck).toBe('expiration');
    expect(failed(report)).toEqual([
      {
        id: 'expiration',
        outcome: 'failed',
        reason: 'the credential expired: validUntil 2026-03-01T00:00:00Z has passed',
        path: '/validUntil',
      },
    ]);
  });

  it('accepts a validUntil inside the clock skew, and one in the future', async () => {
    const justNow = college.build({ validUntil: '2026-06-01T11:59:30Z' });
    const later = college.build({ validUntil: '2027-06-01T00:00:00Z' });

    const reports = [
      await verifier.verify(await college.issueJwt(justNow)),
      await verifier.verify(await college.issueDataIntegrity(later)),
    ];

    expect(reports.map((report) => report.verdict)).toEqual(['valid', 'valid']);
  });

  it('reports a credential whose validFrom is in the future invalid, decided by issued', async () => {
    const credential = college.build({ validFrom: '2026-07-01T00:00:00Z' });

    const report = await verifier.verify(await college.issueDataIntegrity(credential));

    expect(report.verdict).toBe('invalid');
    expect(report.decidingCheck).toBe('issued');
    expect(failed(report)).toEqual([
      {
        id: 'issued',
        outcome: 'failed',
        reason: 'validFrom 2026-07-01T00:00:00Z is in the future',
        path: '/validFrom',
      },
    ]);
  });

  it('verifies an embedded endorsement signed by another did:web issuer', async () => {
    const achievementId = `https://${college.domain}/achievements/data-analysis`;
    const endorsement = await accreditor.issueDataIntegrity(accreditor.endorsement(achievementId));
    const credential = { ...college.build(), endorsement: [endorsement] };

    const report = await verifier.verify(await college.issueJwt(credential));

    expectFullyValid(report, college.kids.ES256);
    expect(report.checks.filter((check) => check.id === 'endorsement')).toEqual([
      { id: 'endorsement', outcome: 'passed', reason: 'endorsement at /endorsement/0 verified' },
    ]);
    expect(report.endorsements).toHaveLength(1);
    const inner = report.endorsements?.[0];
    expect(inner?.verdict).toBe('valid');
    expect(inner?.issuerBinding).toMatchObject({ bound: true, keyId: accreditor.kids.EdDSA });
    expect(inner?.credential).toEqual(endorsement);
  });

  it('verifies a credential whose achievement carries an endorsementJwt', async () => {
    const achievementId = `https://${college.domain}/achievements/data-analysis`;
    const endorsementJwt = await accreditor.issueJwt(
      accreditor.endorsement(achievementId),
      'RS256',
    );
    const built = college.build();
    const subject = built.credentialSubject as Record<string, unknown>;
    const credential = {
      ...built,
      credentialSubject: {
        ...subject,
        achievement: {
          ...(subject.achievement as Record<string, unknown>),
          endorsementJwt: [endorsementJwt],
        },
      },
    };

    const report = await verifier.verify(await college.issueJwt(credential));

    // The published context-3.0.3 defines endorsementJwt (the npm copy predates it).
    expect(report.verdict).toBe('valid');
    expect(failed(report)).toEqual([]);
    expect(report.checks.filter((check) => check.id === 'endorsement')).toEqual([
      {
        id: 'endorsement',
        outcome: 'passed',
        reason: 'endorsement at /credentialSubject/achievement/endorsementJwt/0 verified',
      },
    ]);
    expect(report.endorsements?.[0]).toMatchObject({
      verdict: 'valid',
      input: { format: 'jwt', proof: 'vc-jwt' },
      issuerBinding: { bound: true, keyId: accreditor.kids.RS256 },
    });
  });

  it('fails the endorsement check when an embedded endorsement was altered after signing', async () => {
    const achievementId = `https://${college.domain}/achievements/data-analysis`;
    const endorsement = await accreditor.issueDataIntegrity(accreditor.endorsement(achievementId));
    const tampered = {
      ...endorsement,
      credentialSubject: {
        ...(endorsement.credentialSubject as Record<string, unknown>),
        endorsementComment: 'The best programme in the country.',
      },
    };
    const credential = { ...college.build(), endorsement: [tampered] };

    const report = await verifier.verify(await college.issueJwt(credential));

    expect(report.verdict).toBe('invalid');
    expect(report.decidingCheck).toBe('endorsement');
    expect(failed(report)).toEqual([
      {
        id: 'endorsement',
        outcome: 'failed',
        reason:
          'endorsement at /endorsement/0 is not valid: eddsa-rdfc-2022: the eddsa-rdfc-2022 signature does not match the document and key',
        path: '/endorsement/0',
      },
    ]);
    expect(report.endorsements?.[0]).toMatchObject({ verdict: 'invalid', decidingCheck: 'proof' });
    // The outer credential's own signature is fine and bound: only the endorsement failed.
    expect(report.issuerBinding.bound).toBe(true);
  });
});
