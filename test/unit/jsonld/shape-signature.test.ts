import { describe, expect, it } from 'vitest';
import { KNOWN_CONTEXTS } from '#shared/credentials/jsonld/contexts.ts';
import { shapeSignature, valueSensitiveTerms } from '#shared/credentials/jsonld/shape-signature.ts';
import { VC_V2_CONTEXT } from '#shared/credentials/model/constants.ts';

const sensitive = valueSensitiveTerms(KNOWN_CONTEXTS);

const doc = {
  '@context': [VC_V2_CONTEXT],
  id: 'urn:example:1',
  type: ['VerifiableCredential'],
  name: 'One',
  credentialSubject: { id: 'did:example:a', score: 1 },
  proof: { type: 'DataIntegrityProof', proofPurpose: 'assertionMethod', created: '2024-01-01' },
};

function variant(change: (copy: typeof doc) => void): typeof doc {
  const copy = structuredClone(doc);
  change(copy);
  return copy;
}

describe('valueSensitiveTerms', () => {
  it('holds @type, its aliases and the "@type": "@vocab" terms of the known contexts', () => {
    expect([...sensitive].sort()).toEqual(['@type', 'proofPurpose', 'type']);
  });
});

describe('shapeSignature', () => {
  it('ignores scalar values that cannot change which terms are defined', () => {
    const other = variant((d) => {
      d.id = 'urn:example:2';
      d.name = 'Two';
      d.credentialSubject.score = 99;
      d.proof.created = '2030-12-31';
    });

    expect(shapeSignature(other, sensitive)).toBe(shapeSignature(doc, sensitive));
  });

  it('keeps key order, so a reordered document gets a cache entry of its own', () => {
    const reordered = Object.fromEntries(Object.entries(doc).reverse());

    expect(shapeSignature(reordered, sensitive)).not.toBe(shapeSignature(doc, sensitive));
  });

  it('cannot be made to collide by a key that imitates the encoding', () => {
    const honest = { '@context': 'x', a: { b: 1 } };
    const crafted = { '@context': 'x', 'a{1:b': 1 };

    expect(shapeSignature(crafted, sensitive)).not.toBe(shapeSignature(honest, sensitive));
  });

  it.each([
    ['a context', (d: typeof doc) => d['@context'].push('https://example.org/ctx')],
    ['a key', (d: typeof doc) => Object.assign(d.credentialSubject, { extra: 1 })],
    ['a type value', (d: typeof doc) => d.type.push('OpenBadgeCredential')],
    ['a "@type": "@vocab" value', (d: typeof doc) => Object.assign(d.proof, { proofPurpose: 'x' })],
    ['a value kind', (d: typeof doc) => Object.assign(d, { name: { value: 'One' } })],
    ['a scalar kind', (d: typeof doc) => Object.assign(d.credentialSubject, { score: '1' })],
    ['an array length', (d: typeof doc) => Object.assign(d, { name: ['One', 'Uno'] })],
  ])('changes with %s', (_what, change) => {
    expect(shapeSignature(variant(change), sensitive)).not.toBe(shapeSignature(doc, sensitive));
  });

  it('keeps the context and type values and drops other scalar values', () => {
    const signature = shapeSignature(doc, sensitive);

    expect(shapeSignature({ ...doc, id: 'urn:uuid:another' }, sensitive)).toBe(signature);
    expect(
      shapeSignature({ ...doc, type: ['VerifiableCredential', 'OtherCredential'] }, sensitive),
    ).not.toBe(signature);
    expect(
      shapeSignature({ ...doc, '@context': ['https://www.w3.org/2018/credentials/v1'] }, sensitive),
    ).not.toBe(signature);
  });

  it('tells a kept string from the number or boolean it spells', () => {
    const signatures = ['1', 1, 'true', true].map((value) =>
      shapeSignature({ ...doc, type: ['VerifiableCredential', value] }, sensitive),
    );

    expect(new Set(signatures).size).toBe(4);
  });

  it('keeps every code unit of a key, lone surrogates included', () => {
    const keys = ['\ud800', '\udc00', '\ud800\udc00', '\ufeff'];
    const signatures = keys.map((key) =>
      shapeSignature({ ...doc, credentialSubject: { [key]: 1 } }, sensitive),
    );

    expect(new Set(signatures).size).toBe(keys.length);
    expect(signatures.every((signature) => signature?.includes('\ufffd') === false)).toBe(true);
  });

  it('refuses documents with an inline context anywhere', () => {
    const inline = variant((d) =>
      Object.assign(d.credentialSubject, { '@context': { score: 'https://example.org/score' } }),
    );

    expect(shapeSignature(inline, sensitive)).toBeUndefined();
  });
});
