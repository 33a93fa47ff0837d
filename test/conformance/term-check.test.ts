import { describe, expect, it } from 'vitest';
import { createDocumentLoader } from '#shared/credentials/jsonld/document-loader.ts';
import { findUndefinedTerms } from '#shared/credentials/jsonld/term-check.ts';
import { readOb3Json, readOb3Text } from '#test/support/ob3-data.ts';
import { requireOb3Data } from '#test/support/require-ob3-data.ts';

const OB30 = ['1edtech-validator', 'test-fixtures', 'ob30'] as const;
const VELOCITY_CONTEXT_URL =
  'https://lib.velocitynetwork.foundation/contexts/credential-extensions-2022.jsonld.json';

async function velocityCredential(): Promise<Record<string, unknown>> {
  const jwt = await readOb3Text(...OB30, 'velocity.jwt');
  const payload = JSON.parse(
    Buffer.from(jwt.trim().split('.')[1] ?? '', 'base64url').toString('utf8'),
  );
  return payload.vc as Record<string, unknown>;
}

if (requireOb3Data()) {
  describe('findUndefinedTerms on the 1EdTech validator fixtures', () => {
    it.each([
      'simple.json',
      'simple_v1.json',
      'simple-eddsa-2022.json',
      'simple-did-key-method.json',
      'simple-did-web-method.json',
      'simple-context-alias.json',
      'simple-context-version.json',
      'endorsement-valid.json',
      'complete.json',
      'credential-status-revoked.json',
      'bit-string-list/credential-status-revoked.json',
      'bit-string-list/credential-status-revoked-blank-nodes.json',
    ])('finds every term of %s defined', async (name) => {
      const credential = await readOb3Json(...OB30, ...name.split('/'));

      const result = await findUndefinedTerms(credential);

      expect(result).toEqual([]);
    });

    it('finds the undefined proof type of simple-multiple-proofs.json and the terms it leaves undefined', async () => {
      const credential = await readOb3Json(...OB30, 'simple-multiple-proofs.json');

      const result = await findUndefinedTerms(credential);

      // One failed check for the validator; the terms are all in the SomeProofType proof:
      // `created` and `proofPurpose` are defined only by the DataIntegrityProof type.
      expect(result).toEqual([
        { term: 'created', path: '/proof/0/created', kind: 'property' },
        { term: 'proofPurpose', path: '/proof/0/proofPurpose', kind: 'property' },
        { term: 'SomeProofType', path: '/proof/0/type', kind: 'type' },
      ]);
    });

    it('finds an undefined credential type in simple-err-type.json', async () => {
      const credential = await readOb3Json(...OB30, 'simple-err-type.json');

      const result = await findUndefinedTerms(credential);

      expect(result).toEqual([{ term: 'OtherCredential', path: '/type/1', kind: 'type' }]);
    });

    it('fails velocity.jwt on its unknown third context', async () => {
      const credential = await velocityCredential();

      await expect(findUndefinedTerms(credential)).rejects.toMatchObject({
        code: 'CONTEXT_UNKNOWN',
        message: expect.stringContaining(VELOCITY_CONTEXT_URL),
      });
    });

    it('finds the velocity.jwt terms outside the VC and OB contexts', async () => {
      // With the unknown context stood in by an empty one, what the known contexts leave
      // undefined shows: the terms an OB verifier cannot interpret.
      const credential = await velocityCredential();
      const documentLoader = createDocumentLoader(
        new Map([[VELOCITY_CONTEXT_URL, { '@context': {} }]]),
      );

      const result = await findUndefinedTerms(credential, { documentLoader });

      expect(result).toEqual([
        { term: 'contentHash', path: '/contentHash', kind: 'property' },
        { term: 'VelocityContentHash2020', path: '/contentHash/type', kind: 'type' },
        { term: 'value', path: '/contentHash/value', kind: 'property' },
        { term: '1EdTechJsonSchemaValidator2019', path: '/credentialSchema/0/type', kind: 'type' },
        { term: 'VelocityRevocationListJan2021', path: '/credentialStatus/type', kind: 'type' },
        { term: 'identifier', path: '/credentialSubject/achievement/identifier', kind: 'property' },
        {
          term: 'identityHash',
          path: '/credentialSubject/achievement/identifier/identityHash',
          kind: 'property',
        },
        {
          term: 'identityType',
          path: '/credentialSubject/achievement/identifier/identityType',
          kind: 'property',
        },
        { term: 'VelocityNetworkRefreshService2024', path: '/refreshService/type', kind: 'type' },
        { term: 'vnfProtocolVersion', path: '/vnfProtocolVersion', kind: 'property' },
      ]);
    });

    it('answers a second credential of the same shape from the cache', async () => {
      const credential = await readOb3Json(...OB30, 'simple-multiple-proofs.json');
      const first = await findUndefinedTerms(credential);
      const renamed = { ...credential, name: 'Another badge', id: 'urn:uuid:another' };

      const second = await findUndefinedTerms(renamed);

      expect(second).toBe(first);
    });
  });

  describe('findUndefinedTerms on CLR 2.0', () => {
    it('checks clr20/simple.json with the vendored CLR context, nothing registered', async () => {
      const credential = await readOb3Json(
        '1edtech-validator',
        'test-fixtures',
        'clr20',
        'simple.json',
      );

      expect(await findUndefinedTerms(credential)).toEqual([]);
    });

    it('finds a term the CLR context does not define in a ClrSubject', async () => {
      const credential = await readOb3Json(
        '1edtech-validator',
        'test-fixtures',
        'clr20',
        'simple.json',
      );
      (credential.credentialSubject as Record<string, unknown>).transcriptNote = 'not a CLR term';

      expect((await findUndefinedTerms(credential)).map((term) => term.term)).toEqual([
        'transcriptNote',
      ]);
    });
  });
}
