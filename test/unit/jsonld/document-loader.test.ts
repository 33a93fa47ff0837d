import { describe, expect, it } from 'vitest';
import { canonize } from '#shared/credentials/jsonld/canonize.ts';
import {
  CLR_V2P0_CONTEXT_URL,
  KNOWN_CONTEXTS,
  withExtraContexts,
} from '#shared/credentials/jsonld/contexts.ts';
import {
  createDocumentLoader,
  defaultDocumentLoader,
  loaderContexts,
} from '#shared/credentials/jsonld/document-loader.ts';
import { OB_CONTEXT, VC_V2_CONTEXT } from '#shared/credentials/model/constants.ts';

const EXAMPLE_CONTEXT_URL = 'https://example.org/contexts/thing-v1.json';
const exampleContext = { '@context': { Thing: 'https://example.org/vocab#Thing' } };
const thing = { '@context': EXAMPLE_CONTEXT_URL, '@id': 'urn:example:1', '@type': 'Thing' };

describe('KNOWN_CONTEXTS', () => {
  it('holds exactly the contexts of the installed context packages and the vendored CLR one', () => {
    expect([...KNOWN_CONTEXTS.keys()].sort()).toEqual([
      'https://imsglobal.github.io/openbadges-specification/ob_v3p0.html',
      'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/context.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
      'https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json',
      'https://w3id.org/security/data-integrity/v1',
      'https://w3id.org/security/data-integrity/v2',
      'https://w3id.org/security/multikey/v1',
      'https://w3id.org/security/suites/ed25519-2020/v1',
      'https://www.w3.org/2018/credentials/v1',
      'https://www.w3.org/ns/credentials/status/v1',
      'https://www.w3.org/ns/credentials/undefined-terms/v2',
      'https://www.w3.org/ns/credentials/v2',
      'https://www.w3.org/ns/did/v1',
    ]);
  });

  it('serves OB context-3.0.3 with the endorsementJwt and jti terms of its published revision', () => {
    const terms = (KNOWN_CONTEXTS.get(OB_CONTEXT) as { '@context': Record<string, unknown> })[
      '@context'
    ];

    expect(terms.endorsementJwt).toEqual({
      '@id': 'https://purl.imsglobal.org/spec/vc/ob/vocab.html#endorsementJwt',
      '@container': '@set',
    });
    expect(terms.jti).toEqual({
      '@id': 'https://www.iana.org/assignments/jwt#jti',
      '@type': '@id',
    });
    expect(terms.Achievement).toBeDefined();
  });

  it('knows the CLR 2.0.1 context from its vendored copy (no npm package ships it)', () => {
    const clr = KNOWN_CONTEXTS.get(CLR_V2P0_CONTEXT_URL) as { '@context': Record<string, unknown> };

    expect(Object.keys(clr['@context'])).toEqual(
      expect.arrayContaining(['ClrCredential', 'ClrSubject']),
    );
  });

  it('keeps its documents frozen', () => {
    const vc2 = KNOWN_CONTEXTS.get(VC_V2_CONTEXT) as Record<string, unknown>;

    expect(Object.isFrozen(vc2)).toBe(true);
    expect(Object.isFrozen(vc2['@context'])).toBe(true);
  });
});

describe('withExtraContexts', () => {
  it('adds new URLs and lets an extra replace a known one', () => {
    const replacement = { '@context': { Replaced: 'https://example.org/vocab#Replaced' } };

    const merged = withExtraContexts(
      new Map<string, object>([
        [EXAMPLE_CONTEXT_URL, exampleContext],
        [OB_CONTEXT, replacement],
      ]),
    );

    expect(merged.get(EXAMPLE_CONTEXT_URL)).toEqual(exampleContext);
    expect(merged.get(OB_CONTEXT)).toEqual(replacement);
    expect(KNOWN_CONTEXTS.get(OB_CONTEXT)).not.toEqual(replacement);
    expect(merged.size).toBe(KNOWN_CONTEXTS.size + 1);
  });
});

describe('createDocumentLoader', () => {
  it('serves a known context as a static remote document', async () => {
    const remote = await defaultDocumentLoader(VC_V2_CONTEXT);

    expect(remote.documentUrl).toBe(VC_V2_CONTEXT);
    expect(remote.contextUrl).toBeNull();
    expect(remote.tag).toBe('static');
    expect(remote.document).toEqual(KNOWN_CONTEXTS.get(VC_V2_CONTEXT));
  });

  it('hands out copies, so nothing can alter the known documents', async () => {
    const remote = await defaultDocumentLoader(VC_V2_CONTEXT);

    expect(remote.document).not.toBe(KNOWN_CONTEXTS.get(VC_V2_CONTEXT));
    expect(Object.isFrozen(remote.document)).toBe(false);
  });

  it('refuses an unknown URL with CONTEXT_UNKNOWN instead of fetching it', async () => {
    await expect(defaultDocumentLoader(EXAMPLE_CONTEXT_URL)).rejects.toMatchObject({
      code: 'CONTEXT_UNKNOWN',
      message: expect.stringContaining(EXAMPLE_CONTEXT_URL),
    });
  });

  it('serves registered extra contexts', async () => {
    const loader = createDocumentLoader(new Map([[EXAMPLE_CONTEXT_URL, exampleContext]]));

    const remote = await loader(EXAMPLE_CONTEXT_URL);

    expect(remote.document).toEqual(exampleContext);
    expect(loaderContexts(loader)?.has(EXAMPLE_CONTEXT_URL)).toBe(true);
  });

  it('rejects an extra that is not a context document', () => {
    expect(() => createDocumentLoader(new Map([[EXAMPLE_CONTEXT_URL, { Thing: 'x' }]]))).toThrow(
      expect.objectContaining({ code: 'INPUT_MALFORMED' }),
    );
  });

  it('does not leak an extra context to other loaders through the resolved-context cache', async () => {
    const loader = createDocumentLoader(new Map([[EXAMPLE_CONTEXT_URL, exampleContext]]));
    await canonize(thing, { documentLoader: loader });

    await expect(canonize(thing)).rejects.toMatchObject({ code: 'CONTEXT_UNKNOWN' });
  });

  it('does not leak an overridden known context to the default loader', async () => {
    const override = { '@context': { Thing: 'https://example.org/other#Thing' } };
    const loader = createDocumentLoader(new Map([[VC_V2_CONTEXT, override]]));
    const doc = { '@context': VC_V2_CONTEXT, '@id': 'urn:example:1', '@type': 'Thing' };

    const overridden = await canonize(doc, { documentLoader: loader });

    expect(overridden).toBe(
      '<urn:example:1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://example.org/other#Thing> .\n',
    );
    await expect(canonize(doc)).rejects.toMatchObject({ code: 'INPUT_MALFORMED' });
  });
});
