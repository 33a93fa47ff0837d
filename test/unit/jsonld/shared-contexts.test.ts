import jsonld from 'jsonld';
import ContextResolver from 'jsonld/lib/ContextResolver.js';
import contextApi from 'jsonld/lib/context.js';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '#shared/core/clock.ts';
import { canonize } from '#shared/credentials/jsonld/canonize.ts';
import {
  type DocumentLoader,
  defaultDocumentLoader,
  jsonLdOptionsFor,
} from '#shared/credentials/jsonld/document-loader.ts';
import {
  CREDSTACK_PROCESSING_MODE,
  sharesStructure,
} from '#shared/credentials/jsonld/shared-contexts.ts';
import { buildOpenBadgeCredential } from '#shared/credentials/model/build.ts';
import { OB_CONTEXT, VC_V2_CONTEXT } from '#shared/credentials/model/constants.ts';
import { DEMO_ACHIEVEMENTS, demoIssuer } from '../../../samples/demo-catalog.ts';

/**
 * credstack's active contexts share their term definitions (shared-contexts.ts) instead of
 * copying them deeply as jsonld.js does. Sharing is only sound if it changes nothing: every
 * document here is canonicalized both ways, with credstack's options and with the library's
 * own initial context and copying, and the answers (N-Quads or the error) must be identical.
 */

type Json = Record<string, unknown>;

const CANON_OPTIONS = {
  safe: true,
  base: null,
  format: 'application/n-quads',
  canonizeOptions: { algorithm: 'RDFC-1.0', maxWorkFactor: 1 },
} as const;

function outcome(promise: Promise<string>): Promise<{ nquads: string } | { error: string }> {
  return promise.then(
    (nquads) => ({ nquads }),
    (error: { message?: string; details?: { code?: string; event?: { code?: string } } }) => ({
      error: `${error.details?.code ?? error.details?.event?.code ?? ''}: ${error.message ?? ''}`,
    }),
  );
}

/** credstack's options: its initial context (sharing copies) and the loader's own cache. */
function credstackCanon(document: unknown, loader: DocumentLoader = defaultDocumentLoader) {
  return outcome(jsonld.canonize(document, { ...jsonLdOptionsFor(loader), ...CANON_OPTIONS }));
}

/** The library as shipped: its default initial context, deep copies, a cache of its own. */
function libraryCanon(document: unknown, loader: DocumentLoader = defaultDocumentLoader) {
  return outcome(
    jsonld.canonize(document, {
      documentLoader: loader,
      contextResolver: new ContextResolver({ sharedCache: new Map() }),
      ...CANON_OPTIONS,
    }),
  );
}

const clock = fixedClock('2026-06-01T12:00:00Z');

function badge(index: number, status: boolean): Json {
  const achievement = DEMO_ACHIEVEMENTS[index % DEMO_ACHIEVEMENTS.length]!;
  return buildOpenBadgeCredential(
    {
      id: `https://college.example/credentials/${index}`,
      issuer: demoIssuer('did:web:college.example'),
      recipient: { email: `learner${index}@mail.example`, salt: `salt-${index}` },
      achievement,
      validFrom: '2026-01-15T09:00:00Z',
      ...(status
        ? {
            credentialStatus: {
              id: `https://college.example/status/1#${index}`,
              type: 'BitstringStatusListEntry',
              statusPurpose: 'revocation',
              statusListIndex: String(index),
              statusListCredential: 'https://college.example/status/1',
            },
          }
        : {}),
    },
    { clock },
  ) as unknown as Json;
}

const VOCAB = 'https://vocab.example/';

/**
 * Type-scoped contexts (which revert when the typed node is left), @propagate, property-scoped
 * contexts and a term redefined at three depths: the paths where contexts are derived.
 */
const scoped: Json = {
  '@context': [
    VC_V2_CONTEXT,
    {
      '@version': 1.1,
      label: `${VOCAB}outerLabel`,
      items: `${VOCAB}items`,
      other: `${VOCAB}outerOther`,
      Box: {
        '@id': `${VOCAB}Box`,
        '@context': { label: `${VOCAB}boxLabel`, inner: `${VOCAB}inner` },
      },
      Crate: {
        '@id': `${VOCAB}Crate`,
        '@context': { '@propagate': true, label: `${VOCAB}crateLabel`, inner: `${VOCAB}inner` },
      },
      wrapper: {
        '@id': `${VOCAB}wrapper`,
        '@context': { label: `${VOCAB}wrappedLabel`, other: `${VOCAB}wrappedOther` },
      },
    },
  ],
  type: ['VerifiableCredential'],
  issuer: 'https://issuer.example',
  validFrom: '2026-01-01T00:00:00Z',
  credentialSubject: { label: 'outer', wrapper: { label: 'wrapped' } },
};
const boxes: Json = {
  ...scoped,
  credentialSubject: {
    label: 'outer',
    items: [
      {
        type: 'Box',
        label: 'in a box',
        other: 'box at the top',
        inner: { label: 'reverted: outer meaning' },
      },
      { type: 'Crate', label: 'in a crate', inner: { label: 'propagated: crate meaning' } },
      { type: 'Box', label: 'second box', inner: { type: 'Crate', label: 'crate in a box' } },
    ],
    wrapper: {
      label: 'wrapped',
      items: { type: 'Box', label: 'box in a wrapper', other: 'box in a wrapper' },
    },
  },
};

describe('shared active contexts', () => {
  it("apply to credstack's JSON-LD calls and leave the library's default alone", () => {
    const api = contextApi as unknown as {
      getInitialContext(options: { processingMode?: string }): { clone?: unknown };
    };

    expect(jsonLdOptionsFor(defaultDocumentLoader).processingMode).toBe(CREDSTACK_PROCESSING_MODE);
    expect(
      sharesStructure(api.getInitialContext({ processingMode: CREDSTACK_PROCESSING_MODE })),
    ).toBe(true);
    expect(sharesStructure(api.getInitialContext({}))).toBe(false);
  });

  it.each([
    [
      'badges of every demo achievement',
      () => DEMO_ACHIEVEMENTS.map((_, i) => badge(i, i % 2 === 0)),
    ],
    ['type-scoped, propagated and property-scoped contexts', () => [scoped, boxes]],
    [
      'a proof configuration under a credential context',
      () => [
        {
          '@context': [VC_V2_CONTEXT, OB_CONTEXT],
          type: 'DataIntegrityProof',
          cryptosuite: 'eddsa-rdfc-2022',
          created: '2026-01-15T09:00:00Z',
          verificationMethod: 'did:web:college.example#key-1',
          proofPurpose: 'assertionMethod',
        },
      ],
    ],
  ])('canonicalize %s exactly as the library does', async (_name, documents) => {
    for (const document of documents()) {
      const ours = await credstackCanon(document);
      expect(ours).toEqual(await libraryCanon(document));
      expect(ours).toHaveProperty('nquads');
      // Again, now that every context involved is cached: still the same answer.
      expect(await credstackCanon(document)).toEqual(ours);
    }
  });

  it('keep a type-scoped definition inside its node and revert it outside', async () => {
    const result = await credstackCanon(boxes);

    expect(result).toHaveProperty('nquads');
    const nquads = (result as { nquads: string }).nquads;
    expect(nquads).toContain(`<${VOCAB}boxLabel> "in a box"`);
    expect(nquads).toContain(`<${VOCAB}outerLabel> "reverted: outer meaning"`);
    expect(nquads).toContain(`<${VOCAB}crateLabel> "propagated: crate meaning"`);
    expect(nquads).toContain(`<${VOCAB}wrappedLabel> "wrapped"`);
    expect(nquads).toContain(`<${VOCAB}boxLabel> "box in a wrapper"`);
    // One scoped context (Box) met under two active contexts: each keeps its own meaning.
    expect(nquads).toContain(`<${VOCAB}outerOther> "box at the top"`);
    expect(nquads).toContain(`<${VOCAB}wrappedOther> "box in a wrapper"`);
    expect(nquads).toContain(`<${VOCAB}outerLabel> "outer"`);
  });

  it('still refuse to redefine a protected term, in every position', async () => {
    const redefine = `${VOCAB}notTheName`;
    const documents: Json[] = [
      { ...badge(0, false), '@context': [VC_V2_CONTEXT, OB_CONTEXT, { name: redefine }] },
      {
        ...boxes,
        '@context': [
          ...(boxes['@context'] as unknown[]),
          { Box: { '@id': `${VOCAB}Box`, '@context': { name: `${VOCAB}boxName` } } },
        ],
        credentialSubject: { items: { type: 'Box', name: 'a box by another name' } },
      },
    ];
    for (const document of documents) {
      const ours = await credstackCanon(document);
      expect(ours).toEqual(await libraryCanon(document));
      expect(ours).toMatchObject({ error: expect.stringMatching(/protected term redefinition/) });
    }
    // After the refusals the cached contexts still answer correctly.
    expect(await credstackCanon(boxes)).toEqual(await libraryCanon(boxes));
  });

  it('tell a property-scoped context that stops propagating from the same one on a type', async () => {
    // One scoped context, `{ "@propagate": false, name: … }`: on a property it may redefine the
    // protected `name`; on a type it may not. Meeting it on the property first must not let
    // the type use the result.
    const sealedContext = { '@propagate': false, name: `${VOCAB}sealedName` };
    const context = [
      ...(boxes['@context'] as unknown[]),
      {
        sealed: { '@id': `${VOCAB}sealed`, '@context': sealedContext },
        Sealed: { '@id': `${VOCAB}Sealed`, '@context': sealedContext },
      },
    ];
    const onProperty: Json = {
      ...boxes,
      '@context': context,
      credentialSubject: { sealed: { name: 'renamed on a property' } },
    };
    const onBoth: Json = {
      ...onProperty,
      credentialSubject: {
        sealed: { name: 'renamed on a property' },
        items: { type: 'Sealed', name: 'renamed on a type' },
      },
    };

    const property = await credstackCanon(onProperty);
    expect(property).toEqual(await libraryCanon(onProperty));
    expect(property).toMatchObject({ nquads: expect.stringContaining(`${VOCAB}sealedName`) });
    const both = await credstackCanon(onBoth);
    expect(both).toEqual(await libraryCanon(onBoth));
    expect(both).toMatchObject({ error: expect.stringMatching(/protected term redefinition/) });
  });

  it('keep the safe-mode refusals and canonize() errors', async () => {
    const undefinedTerm = { ...boxes, credentialSubject: { items: { type: 'Box', colour: 1 } } };

    expect(await credstackCanon(undefinedTerm)).toEqual(await libraryCanon(undefinedTerm));
    await expect(canonize(undefinedTerm)).rejects.toMatchObject({ code: 'INPUT_MALFORMED' });
  });
});
