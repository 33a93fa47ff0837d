import { describe, expect, it } from 'vitest';
import { canonize } from '#shared/credentials/jsonld/canonize.ts';
import { VC_V2_CONTEXT } from '#shared/credentials/model/constants.ts';

const credential = {
  '@context': [VC_V2_CONTEXT],
  id: 'urn:uuid:00000000-0000-4000-8000-000000000001',
  type: ['VerifiableCredential'],
  issuer: 'https://issuer.example',
  validFrom: '2024-01-01T00:00:00Z',
  credentialSubject: { id: 'did:example:subject' },
};

const EXPECTED_NQUADS = [
  '<urn:uuid:00000000-0000-4000-8000-000000000001> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/2018/credentials#VerifiableCredential> .',
  '<urn:uuid:00000000-0000-4000-8000-000000000001> <https://www.w3.org/2018/credentials#credentialSubject> <did:example:subject> .',
  '<urn:uuid:00000000-0000-4000-8000-000000000001> <https://www.w3.org/2018/credentials#issuer> <https://issuer.example> .',
  '<urn:uuid:00000000-0000-4000-8000-000000000001> <https://www.w3.org/2018/credentials#validFrom> "2024-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .',
  '',
].join('\n');

describe('canonize', () => {
  it('produces RDFC-1.0 N-Quads with the offline contexts', async () => {
    const nquads = await canonize(credential);

    expect(nquads).toBe(EXPECTED_NQUADS);
  });

  it('does not depend on key order', async () => {
    const reordered = Object.fromEntries(Object.entries(credential).reverse());

    const nquads = await canonize(reordered);

    expect(nquads).toBe(EXPECTED_NQUADS);
  });

  it('labels blank nodes canonically', async () => {
    const nquads = await canonize({
      ...credential,
      credentialSubject: { type: 'VerifiableCredential' },
    });

    expect(nquads).toContain(
      '_:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/2018/credentials#VerifiableCredential> .',
    );
  });

  it('fails in safe mode on a term no context defines, naming it', async () => {
    await expect(canonize({ ...credential, favouriteColour: 'green' })).rejects.toMatchObject({
      code: 'INPUT_MALFORMED',
      message:
        'cannot canonicalize: the document is not safe JSON-LD: invalid property (favouriteColour)',
    });
  });

  it('fails in safe mode on an undefined type', async () => {
    await expect(
      canonize({ ...credential, type: ['VerifiableCredential', 'MadeUpCredential'] }),
    ).rejects.toMatchObject({
      code: 'INPUT_MALFORMED',
      message:
        'cannot canonicalize: the document is not safe JSON-LD: relative @type reference (MadeUpCredential)',
    });
  });

  it('fails with CONTEXT_UNKNOWN for a context it does not know', async () => {
    const doc = { ...credential, '@context': [VC_V2_CONTEXT, 'https://example.org/ctx.json'] };

    await expect(canonize(doc)).rejects.toMatchObject({
      code: 'CONTEXT_UNKNOWN',
      message: expect.stringContaining('https://example.org/ctx.json'),
    });
  });

  describe('work budget', () => {
    /** Every blank node linked to every other: RDFC-1.0 cannot tell them apart cheaply. */
    function poisonGraph(size: number): Record<string, unknown> {
      const ids = Array.from({ length: size }, (_, i) => `_:b${i}`);
      return {
        '@context': { p: { '@id': 'http://t.example/p', '@type': '@id' } },
        '@graph': ids.map((id) => ({ '@id': id, p: ids.filter((other) => other !== id) })),
      };
    }

    it('stops a poison graph at the work factor with WORK_BUDGET_EXCEEDED', async () => {
      await expect(canonize(poisonGraph(8))).rejects.toMatchObject({
        code: 'WORK_BUDGET_EXCEEDED',
        message:
          'canonicalization stopped: the graph has too many indistinguishable blank nodes to label within the work budget',
      });
    });

    it('labels the same graph when a larger work factor allows it', async () => {
      const nquads = await canonize(poisonGraph(3), { maxWorkFactor: 3 });

      expect(nquads.trimEnd().split('\n')).toHaveLength(6);
    });

    it('stops when the signal fires, saying the time ran out', async () => {
      await expect(
        canonize(poisonGraph(8), {
          maxWorkFactor: Number.POSITIVE_INFINITY,
          signal: AbortSignal.abort(),
        }),
      ).rejects.toMatchObject({
        code: 'WORK_BUDGET_EXCEEDED',
        message: 'canonicalization stopped: the verification ran out of time',
      });
    });
  });
});
