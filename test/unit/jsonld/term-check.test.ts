import { describe, expect, it } from 'vitest';
import { createDocumentLoader } from '#shared/credentials/jsonld/document-loader.ts';
import { findUndefinedTerms } from '#shared/credentials/jsonld/term-check.ts';
import { OB_CONTEXT, VC_V1_CONTEXT, VC_V2_CONTEXT } from '#shared/credentials/model/constants.ts';
import { termBadge as badge } from '#test/support/term-badge.ts';

const proof = {
  type: 'DataIntegrityProof',
  cryptosuite: 'eddsa-rdfc-2022',
  created: '2024-01-01T00:00:00Z',
  verificationMethod: 'did:example:issuer#key-1',
  proofPurpose: 'assertionMethod',
  proofValue: 'z111',
};

describe('findUndefinedTerms', () => {
  it('finds nothing when every term is defined', async () => {
    const result = await findUndefinedTerms(badge({ proof }));

    expect(result).toEqual([]);
  });

  it('reports an undefined key with its JSON pointer', async () => {
    const result = await findUndefinedTerms(badge({ favouriteColour: 'green' }));

    expect(result).toEqual([
      { term: 'favouriteColour', path: '/favouriteColour', kind: 'property' },
    ]);
  });

  it('reports an undefined type value at its array index', async () => {
    const result = await findUndefinedTerms(
      badge({ type: ['VerifiableCredential', 'OpenBadgeCredential', 'MadeUpCredential'] }),
    );

    expect(result).toEqual([{ term: 'MadeUpCredential', path: '/type/2', kind: 'type' }]);
  });

  it('checks nested keys against the type-scoped context of their node', async () => {
    // `creditsAvailable` is defined inside Achievement, not inside Profile.
    const doc = badge();
    (doc.issuer as Record<string, unknown>).creditsAvailable = 3;
    const subject = doc.credentialSubject as { achievement: Record<string, unknown> };
    subject.achievement.creditsAvailable = 3;

    const result = await findUndefinedTerms(doc);

    expect(result).toEqual([
      { term: 'creditsAvailable', path: '/issuer/creditsAvailable', kind: 'property' },
    ]);
  });

  it('reports the terms of a proof whose type defines none of them', async () => {
    const result = await findUndefinedTerms(
      badge({ proof: [{ type: 'SomeProofType', proofPurpose: 'assertionMethod' }, proof] }),
    );

    expect(result).toEqual([
      { term: 'proofPurpose', path: '/proof/0/proofPurpose', kind: 'property' },
      { term: 'SomeProofType', path: '/proof/0/type', kind: 'type' },
    ]);
  });

  it('reports an undefined value of a "@type": "@vocab" term', async () => {
    const result = await findUndefinedTerms(badge({ proof: { ...proof, proofPurpose: 'madeUp' } }));

    expect(result).toEqual([{ term: 'madeUp', path: '/proof/proofPurpose', kind: 'value' }]);
  });

  it('reports terms VC v1 would drop (a context without @vocab)', async () => {
    const doc = {
      '@context': [VC_V1_CONTEXT],
      type: ['VerifiableCredential'],
      issuer: 'https://issuer.example',
      issuanceDate: '2024-01-01T00:00:00Z',
      credentialSubject: { id: 'did:example:subject', degree: { name: 'BSc' } },
    };

    const result = await findUndefinedTerms(doc);

    expect(result).toEqual([
      { term: 'degree', path: '/credentialSubject/degree', kind: 'property' },
      { term: 'name', path: '/credentialSubject/degree/name', kind: 'property' },
    ]);
  });

  it('reports terms caught by the W3C undefined-terms vocabulary', async () => {
    const doc = {
      '@context': [VC_V2_CONTEXT, 'https://www.w3.org/ns/credentials/undefined-terms/v2'],
      type: ['VerifiableCredential'],
      issuer: 'https://issuer.example',
      credentialSubject: { id: 'did:example:subject', shoeSize: 42 },
    };

    const result = await findUndefinedTerms(doc);

    expect(result).toEqual([
      { term: 'shoeSize', path: '/credentialSubject/shoeSize', kind: 'property' },
    ]);
  });

  it('escapes JSON pointer segments', async () => {
    const result = await findUndefinedTerms(badge({ 'a/b~c': 1 }));

    expect(result).toEqual([{ term: 'a/b~c', path: '/a~1b~0c', kind: 'property' }]);
  });

  it('fails with CONTEXT_UNKNOWN when a context is unknown', async () => {
    const doc = badge({ '@context': [VC_V2_CONTEXT, 'https://example.org/ctx.json'] });

    await expect(findUndefinedTerms(doc)).rejects.toMatchObject({ code: 'CONTEXT_UNKNOWN' });
  });

  it('uses the contexts of the loader it is given', async () => {
    const url = 'https://example.org/colours.json';
    const loader = createDocumentLoader(
      new Map([[url, { '@context': { favouriteColour: 'https://example.org/vocab#colour' } }]]),
    );
    const doc = badge({
      '@context': [VC_V2_CONTEXT, OB_CONTEXT, url],
      favouriteColour: 'green',
    });

    const result = await findUndefinedTerms(doc, { documentLoader: loader });

    expect(result).toEqual([]);
  });

  it('checks documents with an inline context (never cached)', async () => {
    const doc = {
      '@context': [VC_V2_CONTEXT, { shoeSize: 'https://example.org/vocab#shoeSize' }],
      type: ['VerifiableCredential'],
      issuer: 'https://issuer.example',
      credentialSubject: { id: 'did:example:subject', shoeSize: 42, hatSize: 7 },
    };

    const first = await findUndefinedTerms(doc);
    const second = await findUndefinedTerms(doc);

    expect(first).toEqual([
      { term: 'hatSize', path: '/credentialSubject/hatSize', kind: 'property' },
    ]);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
  });
});

describe('findUndefinedTerms cache', () => {
  it('returns the cached result for a document of the same shape', async () => {
    const first = await findUndefinedTerms(badge({ name: 'One', extra: 'x' }));

    const second = await findUndefinedTerms(badge({ name: 'Two', extra: 'y' }));

    expect(second).toBe(first);
    expect(Object.isFrozen(second)).toBe(true);
  });

  it('does not confuse two shapes that differ by a key', async () => {
    const withExtra = await findUndefinedTerms(badge({ extraA: 1 }));

    const withOther = await findUndefinedTerms(badge({ extraB: 1 }));

    expect(withExtra).toEqual([{ term: 'extraA', path: '/extraA', kind: 'property' }]);
    expect(withOther).toEqual([{ term: 'extraB', path: '/extraB', kind: 'property' }]);
  });

  it('does not confuse two shapes that differ by a type value', async () => {
    const defined = await findUndefinedTerms(badge({ proof }));

    const undefinedType = await findUndefinedTerms(
      badge({ proof: { ...proof, type: 'OtherProof' } }),
    );

    expect(defined).toEqual([]);
    expect(undefinedType.map((t) => t.term)).toContain('OtherProof');
  });

  it('does not confuse two documents that differ by a "@type": "@vocab" value', async () => {
    const defined = await findUndefinedTerms(
      badge({ proof: { ...proof, proofPurpose: 'authentication' } }),
    );

    const undefinedValue = await findUndefinedTerms(
      badge({ proof: { ...proof, proofPurpose: 'nonsense' } }),
    );

    expect(defined).toEqual([]);
    expect(undefinedValue).toEqual([
      { term: 'nonsense', path: '/proof/proofPurpose', kind: 'value' },
    ]);
  });

  it('keeps results of different loaders apart', async () => {
    const url = 'https://example.org/sizes.json';
    const doc = badge({ '@context': [VC_V2_CONTEXT, OB_CONTEXT, url], size: 1 });
    const defining = createDocumentLoader(
      new Map([[url, { '@context': { size: 'https://example.org/vocab#size' } }]]),
    );
    const empty = createDocumentLoader(new Map([[url, { '@context': {} }]]));

    const withDefinition = await findUndefinedTerms(doc, { documentLoader: defining });
    const withoutDefinition = await findUndefinedTerms(doc, { documentLoader: empty });

    expect(withDefinition).toEqual([]);
    expect(withoutDefinition).toEqual([{ term: 'size', path: '/size', kind: 'property' }]);
  });
});
