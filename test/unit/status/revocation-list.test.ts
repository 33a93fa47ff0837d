import { describe, expect, it } from 'vitest';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { checkCredentialStatus } from '#shared/credentials/status/status-check.ts';

const LIST_URL = 'https://college.example/api/revocations/1';
const ISSUER = 'https://college.example/issuer';

const credential = (fields: Record<string, unknown> = {}) => ({
  id: 'https://college.example/credentials/7',
  issuer: { id: ISSUER, type: 'Profile' },
  credentialStatus: { id: LIST_URL, type: '1EdTechRevocationList' },
  ...fields,
});

const serving = (list: unknown) =>
  new StaticFetcher({ [LIST_URL]: { body: JSON.stringify(list) } });

describe('checkCredentialStatus with a 1EdTech revocation list', () => {
  it('reports a credential listed in revokedCredentials as revoked, with the reason', async () => {
    const fetcher = serving({
      id: LIST_URL,
      issuer: ISSUER,
      revokedCredentials: [
        { id: 'https://college.example/credentials/7', revocationReason: 'issued in error' },
      ],
    });

    const results = await checkCredentialStatus(credential(), { fetcher });

    expect(results).toEqual([
      {
        type: '1EdTechRevocationList',
        purpose: 'revocation',
        outcome: 'revoked',
        reason: `the issuer's revocation list at ${LIST_URL} lists https://college.example/credentials/7 as revoked: issued in error`,
      },
    ]);
  });

  it('reports a credential that is not listed as active', async () => {
    const fetcher = serving({ id: LIST_URL, revokedCredentials: [{ id: 'urn:uuid:other' }] });

    const [result] = await checkCredentialStatus(credential(), { fetcher });

    expect(result?.outcome).toBe('active');
    expect(result?.reason).toContain('is not among the 1 credentials');
  });

  it('treats an entry with revoked: false as not revoked', async () => {
    const fetcher = serving({
      revokedCredentials: [{ id: 'https://college.example/credentials/7', revoked: false }],
    });

    const [result] = await checkCredentialStatus(credential(), { fetcher });

    expect(result?.outcome).toBe('active');
  });

  it('accepts the revokedCredential spelling the 1EdTech validator reads', async () => {
    const fetcher = serving({
      revokedCredential: [{ id: 'https://college.example/credentials/7', revoked: true }],
    });

    const [result] = await checkCredentialStatus(credential(), { fetcher });

    expect(result?.outcome).toBe('revoked');
  });

  it('reports an error for a list that belongs to another issuer', async () => {
    const fetcher = serving({
      issuer: 'https://attacker.example/issuer',
      revokedCredentials: [],
    });

    const [result] = await checkCredentialStatus(credential(), { fetcher });

    expect(result?.outcome).toBe('error');
    expect(result?.reason).toContain('belongs to https://attacker.example/issuer');
  });

  it('reports an error for a document that is not a revocation list', async () => {
    const [result] = await checkCredentialStatus(credential(), {
      fetcher: serving({ id: LIST_URL }),
    });

    expect(result?.outcome).toBe('error');
    expect(result?.reason).toContain('has no revokedCredentials array');
  });

  it('reports an error when the list cannot be fetched', async () => {
    const [result] = await checkCredentialStatus(credential(), { fetcher: new StaticFetcher({}) });

    expect(result?.outcome).toBe('error');
    expect(result?.reason).toMatch(/^the revocation list at \S+ could not be fetched$/);
  });

  it('reports an error for a credential without an id', async () => {
    const [result] = await checkCredentialStatus(credential({ id: undefined }), {
      fetcher: serving({ revokedCredentials: [] }),
    });

    expect(result?.outcome).toBe('error');
    expect(result?.reason).toContain('has no id');
  });

  it('refuses a list id that is not an http(s) URL', async () => {
    const [result] = await checkCredentialStatus(
      credential({ credentialStatus: { id: 'urn:uuid:list', type: '1EdTechRevocationList' } }),
      { fetcher: new StaticFetcher({}) },
    );

    expect(result?.outcome).toBe('error');
    expect(result?.reason).toContain('is not an http(s) URL');
  });
});
