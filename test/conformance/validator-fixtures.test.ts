import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { fixedClock } from '#shared/core/clock.ts';
import type { CheckId, Verdict } from '#shared/credentials/verify/report.ts';
import { createVerifier } from '#shared/credentials/verify/verifier.ts';
import { ob3Path } from '#test/support/ob3-data.ts';
import { requireOb3Data } from '#test/support/require-ob3-data.ts';

/**
 * Every 1EdTech validator fixture reaches the verdict and the deciding check that
 * EXPECTED.md gives. Where EXPECTED.md leaves a choice open, the row says what credstack
 * concludes and docs/conformance.md says why.
 */

const FIXTURES = '1edtech-validator/test-fixtures/ob30';
const STATUS_LIST_URL =
  'https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist';
const REVOCATION_LIST_URL =
  'https://dc.1edtech.org/wellspring2022/wellspring-portal/api/revocations/da1e96e9-afcc-4eed-b9a2-2ddf7353214c';

interface Expectation {
  readonly file: string;
  readonly verdict: Verdict;
  /** The check EXPECTED.md names: it must be among the failed checks. */
  readonly deciding?: CheckId;
  /**
   * credstack's first failed check, when it is not `deciding`: the fixture also breaks a
   * check that runs earlier (the reason is given beside the row).
   */
  readonly first?: CheckId;
  /** Warnings expected on a valid verdict (by check id). */
  readonly warns?: readonly CheckId[];
  readonly kind?: 'endorsement';
  /** A JSON pointer prefix the deciding check must point into. */
  readonly at?: string;
}

const EXPECTED: readonly Expectation[] = [
  { file: 'simple.json', verdict: 'valid' },
  { file: 'simple.1ob', verdict: 'valid' },
  // VCDM 1.1: a warning for the VC v1 context and one for issuanceDate.
  { file: 'simple_v1.json', verdict: 'valid', warns: ['context', 'rules'] },
  { file: 'simple-did-key-method.json', verdict: 'valid' },
  { file: 'simple-did-web-method.json', verdict: 'valid' },
  { file: 'simple-context-alias.json', verdict: 'valid' },
  { file: 'simple-context-version.json', verdict: 'valid', warns: ['context'] },
  // Legacy suite, and also a VCDM 1.1 credential with the OB 3.0.1 context.
  { file: 'simple-eddsa-2022.json', verdict: 'valid', warns: ['context', 'rules', 'proof'] },
  { file: 'simple-json.png', verdict: 'valid' },
  { file: 'simple-jwt.png', verdict: 'valid' },
  { file: 'simple-jwt_v1.png', verdict: 'valid', warns: ['context', 'rules'] },
  { file: 'simple-json.svg', verdict: 'valid' },
  { file: 'simple-jwt.svg', verdict: 'valid' },
  { file: 'simple-jwt_v1.svg', verdict: 'valid', warns: ['context', 'rules'] },
  { file: 'simple-multiple-proofs.json', verdict: 'invalid', deciding: 'terms', at: '/proof/0' },
  { file: 'velocity.jwt', verdict: 'invalid', deciding: 'terms' },
  { file: 'simple-err-type.json', verdict: 'invalid', deciding: 'type' },
  { file: 'simple-err-context.json', verdict: 'invalid', deciding: 'context' },
  { file: 'simple-err-issuer.json', verdict: 'invalid', deciding: 'schema', at: '/issuer' },
  {
    file: 'simple-err-credential-subject-type.json',
    verdict: 'invalid',
    deciding: 'schema',
    at: '/credentialSubject',
  },
  {
    file: 'simple-err-credential-subject-identifier-type.json',
    verdict: 'invalid',
    deciding: 'schema',
    at: '/credentialSubject',
  },
  {
    file: 'simple-err-credential-subject-result-type.json',
    verdict: 'invalid',
    deciding: 'schema',
    at: '/credentialSubject',
  },
  {
    file: 'simple-err-credential-subject-achievement-result-description-type.json',
    verdict: 'invalid',
    deciding: 'schema',
    at: '/credentialSubject/achievement',
  },
  {
    file: 'simple-err-credential-subject-profile-type.json',
    verdict: 'invalid',
    deciding: 'schema',
    at: '/credentialSubject',
  },
  {
    file: 'simple-err-evidence-type.json',
    verdict: 'invalid',
    deciding: 'schema',
    at: '/evidence',
  },
  { file: 'simple-err-issuer-type.json', verdict: 'invalid', deciding: 'schema', at: '/issuer' },
  {
    file: 'simple-err-issuer-parentorg-type.json',
    verdict: 'invalid',
    deciding: 'schema',
    at: '/issuer',
  },
  {
    file: 'simple-err-issuer-otheridentifier-type.json',
    verdict: 'invalid',
    deciding: 'schema',
    at: '/issuer',
  },
  // The method's fragment is not a multibase key and its document cannot be fetched: the
  // verification method is what fails, which credstack reports as its `key` check.
  { file: 'simple-err-proof-method.json', verdict: 'invalid', deciding: 'key' },
  { file: 'simple-err-proof-method-no-scheme.json', verdict: 'invalid', deciding: 'key' },
  { file: 'simple-err-proof-method-unknown-scheme.json', verdict: 'invalid', deciding: 'key' },
  { file: 'simple-err-proof-method-unknown-did-method.json', verdict: 'invalid', deciding: 'key' },
  { file: 'simple-err-proof-value.json', verdict: 'invalid', deciding: 'proof' },
  { file: 'simple-err-expired.json', verdict: 'invalid', deciding: 'expiration' },
  // Its subject has no achievement, which the official schema requires: schema fails first.
  { file: 'simple-err-issued.json', verdict: 'invalid', deciding: 'issued', first: 'schema' },
  // Same subject without an achievement as simple-err-issued.json.
  { file: 'simple-noproof.json', verdict: 'invalid', deciding: 'proof', first: 'schema' },
  {
    file: 'bit-string-list/credential-status-revoked.json',
    verdict: 'invalid',
    deciding: 'status',
  },
  {
    file: 'bit-string-list/credential-status-revoked-blank-nodes.json',
    verdict: 'invalid',
    deciding: 'status',
  },
  { file: 'credential-status-revoked.json', verdict: 'invalid', deciding: 'status' },
  { file: 'endorsement-valid.json', verdict: 'valid', kind: 'endorsement' },
  { file: 'simple.jwt', verdict: 'invalid', deciding: 'jwt.header' },
  // ecdsa-sd-2023 is optional and credstack does not implement it: the open choice in
  // EXPECTED.md, decided as "not valid, unsupported proof" (docs/conformance.md).
  { file: 'sd/derivedcredential.json', verdict: 'invalid', deciding: 'proof' },
];

// credential-status-revoked.json is signed by a did:web key that the validator resolves
// live; the key is the Ed25519 multikey in the method's fragment, so the test publishes the
// DID document the issuer would serve.
const REVOKED_ISSUER_DID =
  'did:web:dc.1edtech.org:wellspring2022:wellspring-portal:org:da1e96e9-afcc-4eed-b9a2-2ddf7353214c';
const REVOKED_ISSUER_KEY = 'z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi';
const COMPLETE_REVOCATION_LIST_URL = 'https://1edtech.edu/credentials/3732/revocations';

function revocationList(url: string, revokedIds: readonly string[]): string {
  return JSON.stringify({
    id: url,
    revokedCredentials: revokedIds.map((id) => ({ id, revoked: true })),
  });
}

async function verifierFor(revoked = true) {
  const fixture = JSON.parse(
    await readFile(ob3Path(FIXTURES, 'credential-status-revoked.json'), 'utf8'),
  ) as { id: string };
  const fetcher = new StaticFetcher({
    [STATUS_LIST_URL]: {
      file: ob3Path(FIXTURES, 'bit-string-list/testlist'),
      contentType: 'application/vc+ld+json',
    },
    [REVOCATION_LIST_URL]: {
      body: revocationList(REVOCATION_LIST_URL, revoked ? [fixture.id] : []),
    },
    [COMPLETE_REVOCATION_LIST_URL]: { body: revocationList(COMPLETE_REVOCATION_LIST_URL, []) },
    'https://dc.1edtech.org/wellspring2022/wellspring-portal/org/da1e96e9-afcc-4eed-b9a2-2ddf7353214c/did.json':
      {
        body: JSON.stringify({
          '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
          id: REVOKED_ISSUER_DID,
          verificationMethod: [
            {
              id: `${REVOKED_ISSUER_DID}#${REVOKED_ISSUER_KEY}`,
              type: 'Multikey',
              controller: REVOKED_ISSUER_DID,
              publicKeyMultibase: REVOKED_ISSUER_KEY,
            },
          ],
          assertionMethod: [`${REVOKED_ISSUER_DID}#${REVOKED_ISSUER_KEY}`],
        }),
      },
  });
  return createVerifier({ fetcher, clock: fixedClock('2026-06-01T00:00:00Z') });
}

if (requireOb3Data()) {
  describe('the 1EdTech validator fixtures (EXPECTED.md)', () => {
    it.each(EXPECTED)(
      '$file is $verdict (deciding: $deciding)',
      async ({ file, verdict, deciding, first, warns, kind, at }) => {
        const verifier = await verifierFor();
        const report = await verifier.verify(
          await readFile(ob3Path(FIXTURES, file)),
          kind ? { kind } : {},
        );
        const failed = report.checks.filter((check) => check.outcome === 'failed');
        expect(
          { verdict: report.verdict, deciding: report.decidingCheck },
          JSON.stringify(failed),
        ).toEqual({
          verdict,
          deciding: first ?? deciding,
        });
        if (deciding !== undefined) expect(failed.map((check) => check.id)).toContain(deciding);
        const warned = [
          ...new Set(
            report.checks.filter((check) => check.outcome === 'warning').map((check) => check.id),
          ),
        ];
        if (verdict === 'valid') expect(warned).toEqual(warns ?? []);
        if (at !== undefined) expect(failed[0]?.path ?? '').toMatch(new RegExp(`^${at}`));
      },
    );

    it('reports simple-multiple-proofs.json with exactly one failed check', async () => {
      const report = await (await verifierFor()).verify(
        await readFile(ob3Path(FIXTURES, 'simple-multiple-proofs.json')),
      );
      expect(
        report.checks.filter((check) => check.outcome === 'failed').map((check) => check.id),
      ).toEqual(['terms']);
    });

    it('accepts credential-status-revoked.json when its revocation list does not name it', async () => {
      const report = await (await verifierFor(false)).verify(
        await readFile(ob3Path(FIXTURES, 'credential-status-revoked.json')),
      );
      expect(
        report.checks.filter((check) => check.id === 'status').map((check) => check.outcome),
      ).toEqual(['passed']);
    });

    it('says a key from a verification-method fragment or an embedded jwk is not bound to the issuer', async () => {
      const verifier = await verifierFor();
      for (const file of ['simple.json', 'simple-jwt.png']) {
        const report = await verifier.verify(await readFile(ob3Path(FIXTURES, file)));
        expect(report.verdict).toBe('valid');
        expect(report.issuerBinding.bound).toBe(false);
      }
    });

    it('concludes complete.json is not valid offline: its embedded endorsements use a term their contexts do not define', async () => {
      const report = await (await verifierFor()).verify(
        await readFile(ob3Path(FIXTURES, 'complete.json')),
      );
      const failed = report.checks.filter((check) => check.outcome === 'failed');
      expect(report.verdict).toBe('invalid');
      expect(failed.map((check) => [check.id, check.path])).toEqual([
        ['endorsement', '/endorsement/0'],
        ['endorsement', '/issuer/endorsement/0'],
        ['endorsement', '/credentialSubject/achievement/endorsement/0'],
      ]);
      for (const check of failed)
        expect(check.reason).toContain('"1EdTechJsonSchemaValidator2019"');
    });
  });
}
