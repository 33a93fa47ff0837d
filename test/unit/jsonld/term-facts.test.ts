import fc from 'fast-check';
import jsonld from 'jsonld';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDocumentLoader } from '#shared/credentials/jsonld/document-loader.ts';
import { cachedUndefinedTerms, findUndefinedTerms } from '#shared/credentials/jsonld/term-check.ts';
import { termBadge as badge } from '#test/support/term-badge.ts';

/**
 * The term check's second cache: a credential of a new shape whose every term fact (frame,
 * key, value kind) was part of a clean credential is clean without expansion. These tests
 * hold it to the full check: it may only ever answer "clean" where expansion would.
 */

type Json = Record<string, unknown>;

function withEvidence(...entries: Json[]): Json {
  return { ...badge(), evidence: entries.map((entry) => ({ type: ['Evidence'], ...entry })) };
}

/** A loader with caches of its own: the verdicts of one test never reach another. */
const freshLoader = () => createDocumentLoader();

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the term facts cache', () => {
  it('finds a new combination of known parts clean without expanding it', async () => {
    const documentLoader = freshLoader();
    await findUndefinedTerms(withEvidence({ name: 'A' }), { documentLoader });
    await findUndefinedTerms(withEvidence({ narrative: 'B' }), { documentLoader });
    const expand = vi.spyOn(jsonld, 'expand');

    const combined = withEvidence({ narrative: 'C', name: 'D' }, { name: 'E' });
    const result = await findUndefinedTerms(combined, { documentLoader });

    expect(result).toEqual([]);
    expect(expand).not.toHaveBeenCalled();
    expect(cachedUndefinedTerms(combined, { documentLoader })).toEqual([]);
  });

  it('still expands a document with a fact it has not seen', async () => {
    const documentLoader = freshLoader();
    await findUndefinedTerms(withEvidence({ name: 'A' }), { documentLoader });
    const expand = vi.spyOn(jsonld, 'expand');

    const result = await findUndefinedTerms(withEvidence({ genre: 'Essay' }), { documentLoader });

    expect(result).toEqual([]);
    expect(expand).toHaveBeenCalledOnce();
  });

  it('reports a term defined by another node type, though both nodes were seen clean', async () => {
    const documentLoader = freshLoader();
    const achievementCredits = badge();
    const subject = achievementCredits.credentialSubject as { achievement: Json };
    subject.achievement.creditsAvailable = 3;
    await findUndefinedTerms(achievementCredits, { documentLoader });
    await findUndefinedTerms(badge(), { documentLoader });

    const moved = badge();
    (moved.issuer as Json).creditsAvailable = 3;
    const result = await findUndefinedTerms(moved, { documentLoader });

    expect(result).toEqual([
      { term: 'creditsAvailable', path: '/issuer/creditsAvailable', kind: 'property' },
    ]);
  });

  it('reports a type value it has not seen, though every property was seen', async () => {
    const documentLoader = freshLoader();
    await findUndefinedTerms(badge(), { documentLoader });

    const retyped = badge();
    (retyped.issuer as Json).type = ['Profile', 'MadeUpProfile'];
    const result = await findUndefinedTerms(retyped, { documentLoader });

    expect(result).toEqual([{ term: 'MadeUpProfile', path: '/issuer/type/1', kind: 'type' }]);
  });

  it('still refuses colliding keywords whose keys were each seen alone', async () => {
    const documentLoader = freshLoader();
    const withAtId = badge();
    const issuer = withAtId.issuer as Json;
    delete issuer.id;
    issuer['@id'] = 'https://issuer.example';
    await findUndefinedTerms(withAtId, { documentLoader });
    await findUndefinedTerms(badge(), { documentLoader });

    const both = badge();
    (both.issuer as Json)['@id'] = 'https://issuer.example';

    await expect(findUndefinedTerms(both, { documentLoader })).rejects.toMatchObject({
      code: 'INPUT_MALFORMED',
    });
  });

  it('never records the facts of a document with an undefined term', async () => {
    const documentLoader = freshLoader();
    const bad = withEvidence({ name: 'A', madeUp: 'x' });
    await findUndefinedTerms(bad, { documentLoader });

    const result = await findUndefinedTerms(withEvidence({ madeUp: 'y' }, { name: 'B' }), {
      documentLoader,
    });

    expect(result).toEqual([{ term: 'madeUp', path: '/evidence/0/madeUp', kind: 'property' }]);
  });

  it('agrees with the full check on random mixtures of defined and undefined terms', async () => {
    const documentLoader = freshLoader();
    // Learn a few clean documents first.
    for (const entry of [{ name: 'A' }, { narrative: 'B', genre: 'C' }, { audience: 'D' }])
      await findUndefinedTerms(withEvidence(entry), { documentLoader });
    const keys = ['name', 'narrative', 'genre', 'audience', 'creditsAvailable', 'madeUp', 'type'];
    const places = ['', '/issuer', '/evidence/0', '/credentialSubject/achievement'];
    const values = [fc.constant('text'), fc.constant(3), fc.constant({ name: 'x' })];
    const edit = fc.record({
      place: fc.constantFrom(...places),
      key: fc.constantFrom(...keys),
      value: fc.oneof(...values),
    });

    await fc.assert(
      fc.asyncProperty(fc.array(edit, { maxLength: 3 }), async (edits) => {
        const document = withEvidence({ name: 'A' });
        for (const { place, key, value } of edits) {
          let node: Json = document;
          for (const segment of place.split('/').slice(1))
            node = (Array.isArray(node) ? node[Number(segment)] : node[segment]) as Json;
          node[key] = key === 'type' ? ['Evidence', String(value)] : value;
        }
        const truth = await findUndefinedTerms(structuredClone(document), {
          documentLoader: freshLoader(),
        }).then(
          (terms) => terms.map((term) => term.term),
          (error: { code?: string }) => error.code,
        );
        const cached = await findUndefinedTerms(document, { documentLoader }).then(
          (terms) => terms.map((term) => term.term),
          (error: { code?: string }) => error.code,
        );
        expect(cached).toEqual(truth);
      }),
      { numRuns: 60 },
    );
  });
});
