import { describe, expect, it } from 'vitest';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { fixedClock } from '#shared/core/clock.ts';
import { checkCredentialStatus } from '#shared/credentials/status/status-check.ts';
import { ob3Path, readOb3Json } from '#test/support/ob3-data.ts';
import { requireOb3Data } from '#test/support/require-ob3-data.ts';

const FIXTURES = ['1edtech-validator', 'test-fixtures', 'ob30'] as const;
const clock = fixedClock('2026-01-01T00:00:00Z');

/** The URL the bit-string fixtures name for their list, served from the local copy. */
const TESTLIST_URL =
  'https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist';

if (requireOb3Data()) {
  describe('checkCredentialStatus on the 1EdTech Bitstring Status List fixtures', () => {
    const fetcher = new StaticFetcher({
      [TESTLIST_URL]: { file: ob3Path(...FIXTURES, 'bit-string-list', 'testlist') },
    });

    it.each(['credential-status-revoked.json', 'credential-status-revoked-blank-nodes.json'])(
      'finds bit-string-list/%s revoked at index 23 of testlist',
      async (name) => {
        const credential = await readOb3Json(...FIXTURES, 'bit-string-list', name);

        const results = await checkCredentialStatus(credential, { fetcher, clock });

        expect(results).toEqual([
          {
            type: 'BitstringStatusListEntry',
            purpose: 'revocation',
            outcome: 'revoked',
            reason: `entry 23 of ${TESTLIST_URL} is set: the issuer has revoked the credential (the status list credential itself was not verified)`,
          },
        ]);
      },
    );

    it('finds index 22 of testlist not revoked', async () => {
      const credential = await readOb3Json(
        ...FIXTURES,
        'bit-string-list',
        'credential-status-revoked.json',
      );
      const status = credential.credentialStatus as Record<string, unknown>;

      const [result] = await checkCredentialStatus(
        { ...credential, credentialStatus: { ...status, statusListIndex: 22 } },
        { fetcher, clock },
      );

      expect(result?.outcome).toBe('active');
    });

    it('hands the testlist credential to the status list verifier and honours its verdict', async () => {
      const credential = await readOb3Json(
        ...FIXTURES,
        'bit-string-list',
        'credential-status-revoked.json',
      );
      const seen: unknown[] = [];

      const [result] = await checkCredentialStatus(credential, {
        fetcher,
        clock,
        verifyStatusListCredential: async (vc) => {
          seen.push(vc);
          return { ok: false, reason: 'proof not checked in this test' };
        },
      });

      expect(result?.outcome).toBe('error');
      expect(seen).toHaveLength(1);
      expect((seen[0] as Record<string, unknown>).id).toBe(
        'https://example.com/credentials/status/3',
      );
    });
  });

  describe('checkCredentialStatus on the 1EdTech revocation list fixture', () => {
    // The validator fetches this list live; the test serves its own list for that URL.
    const LIST_URL =
      'https://dc.1edtech.org/wellspring2022/wellspring-portal/api/revocations/da1e96e9-afcc-4eed-b9a2-2ddf7353214c';
    const CREDENTIAL_ID =
      'https://dc.1edtech.org/wellspring2022/wellspring-portal/credential/54418d3f-ec01-4652-800a-861c890a51a1';
    const ISSUER =
      'did:web:dc.1edtech.org:wellspring2022:wellspring-portal:org:da1e96e9-afcc-4eed-b9a2-2ddf7353214c';

    const listFetcher = (revoked: readonly string[]) =>
      new StaticFetcher({
        [LIST_URL]: {
          body: JSON.stringify({
            id: LIST_URL,
            issuer: ISSUER,
            revokedCredentials: revoked.map((id) => ({ id, revocationReason: 'test revocation' })),
          }),
        },
      });

    it('finds credential-status-revoked.json revoked when the list names it', async () => {
      const credential = await readOb3Json(...FIXTURES, 'credential-status-revoked.json');

      const results = await checkCredentialStatus(credential, {
        fetcher: listFetcher(['urn:uuid:someone-else', CREDENTIAL_ID]),
        clock,
      });

      expect(results).toEqual([
        {
          type: '1EdTechRevocationList',
          purpose: 'revocation',
          outcome: 'revoked',
          reason: `the issuer's revocation list at ${LIST_URL} lists ${CREDENTIAL_ID} as revoked: test revocation`,
        },
      ]);
    });

    it('finds credential-status-revoked.json active when the list does not name it', async () => {
      const credential = await readOb3Json(...FIXTURES, 'credential-status-revoked.json');

      const [result] = await checkCredentialStatus(credential, {
        fetcher: listFetcher(['urn:uuid:someone-else']),
        clock,
      });

      expect(result?.outcome).toBe('active');
    });
  });
}
