import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { generateLocalKey } from '#shared/adapters/key-files/local-signer.ts';
import type { Clock } from '#shared/core/clock.ts';
import { CachingFetcher } from '#shared/credentials/fetch/caching-fetcher.ts';
import { KNOWN_CONTEXTS } from '#shared/credentials/jsonld/contexts.ts';
import { createEddsaRdfc2022Proof } from '#shared/credentials/proof/data-integrity.ts';
import { createVerifier } from '#shared/credentials/verify/verifier.ts';
import { type BenchRow, compareRates } from './measure.ts';

/**
 * Data Integrity eddsa-rdfc-2022 verification: credstack's verifier against raw Ed25519
 * verification, and against the reference JavaScript stack for the suite (`@digitalbazaar/vc`
 * with its eddsa-rdfc-2022 cryptosuite) verifying the same signed credentials.
 *
 * Fairness: both sides read the same JSON-LD contexts (credstack's known contexts) from
 * memory and never touch the network, and both resolve the same DID document from memory.
 * Each side keeps the caches it keeps in production, warm: processed contexts and the
 * resolved key for credstack; jsonld.js's resolved-context cache for the reference stack.
 * Credentials are signed at distinct seconds, so no two share a proof configuration.
 */

export interface DiBenchOptions {
  readonly rounds: number;
  readonly roundMs: number;
  readonly clock: Clock;
  /** The issuer's did:web; the credentials name it as their issuer. */
  readonly issuerDid: string;
  /** Unsigned credential `index` (about 2 KB, no status entry). */
  readonly credential: (index: number) => Record<string, unknown>;
  /** Distinct credentials verified in turn (default 50). */
  readonly count?: number;
}

type Loaded = { contextUrl: null; document: unknown; documentUrl: string };

/** The reference stack's loader: the same contexts, the DID document and its key, from memory. */
function referenceLoader(
  didDocument: Record<string, unknown>,
  didUrl: string,
): (url: string) => Promise<Loaded> {
  const methods = new Map<string, Record<string, unknown>>();
  for (const method of didDocument.verificationMethod as Record<string, unknown>[])
    methods.set(method.id as string, { '@context': didDocument['@context'], ...method });
  return async (url: string) => {
    const context = KNOWN_CONTEXTS.get(url);
    // jsonld.js may rewrite what it loads in place: each answer is a copy.
    const document = context ?? (url === didUrl ? didDocument : (methods.get(url) ?? undefined));
    if (document === undefined) throw new Error(`the bench loader does not serve ${url}`);
    return { contextUrl: null, document: structuredClone(document), documentUrl: url };
  };
}

/**
 * The DI rows: credstack against raw Ed25519 verify and against the reference stack, all
 * three timed in alternating rounds of one run.
 */
export async function diVerificationRows(options: DiBenchOptions): Promise<BenchRow[]> {
  const count = options.count ?? 50;
  const dir = await mkdtemp(join(tmpdir(), 'credstack-bench-di-'));
  try {
    const ed25519 = await generateLocalKey(dir, 'EdDSA');
    const jwk = await ed25519.publicJwk();
    const kid = `${options.issuerDid}#${jwk.kid}`;
    const domain = options.issuerDid.slice('did:web:'.length);
    const didDocument = {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: options.issuerDid,
      verificationMethod: [
        { id: kid, type: 'JsonWebKey', controller: options.issuerDid, publicKeyJwk: jwk },
      ],
      assertionMethod: [kid],
    };
    const verifier = createVerifier({
      fetcher: new CachingFetcher(
        new StaticFetcher({
          [`https://${domain}/.well-known/did.json`]: {
            body: JSON.stringify(didDocument),
            contentType: 'application/did+json',
          },
        }),
      ),
      clock: options.clock,
    });

    const signed: Record<string, unknown>[] = [];
    const start = Date.parse('2026-01-15T09:00:00Z');
    for (let i = 0; i < count; i += 1) {
      signed.push(
        await createEddsaRdfc2022Proof(options.credential(i), ed25519, {
          verificationMethod: kid,
          created: `${new Date(start + i * 1000).toISOString().slice(0, 19)}Z`,
        }),
      );
    }

    const documentLoader = referenceLoader(didDocument, options.issuerDid);
    const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
    const ours = async (i: number) => {
      const report = await verifier.verify(signed[i % count]!);
      if (report.verdict !== 'valid')
        throw new Error(
          `credstack: DI credential ${i % count} not valid: ${JSON.stringify(report.checks.filter((c) => c.outcome !== 'passed'))}`,
        );
    };
    const reference = async (i: number) => {
      const result = await vc.verifyCredential({
        credential: signed[i % count]!,
        suite,
        documentLoader,
      });
      if (!result.verified)
        throw new Error(
          `@digitalbazaar/vc: DI credential ${i % count} not verified: ${String(result.error?.errors?.[0] ?? result.error)}`,
        );
    };
    // Every credential once each way before timing: both verdicts are checked on every
    // timed call too, so a wrong answer stops the bench rather than counting as speed.
    for (let i = 0; i < count; i += 1) {
      await ours(i);
      await reference(i);
    }
    const edPublic = createPublicKey({ key: jwk as never, format: 'jwk' });
    const message = Buffer.alloc(64, 7);
    const edSignature = await ed25519.sign(message);
    const [credstack, raw, digitalbazaar] = await compareRates(
      [
        ours,
        () => {
          if (!cryptoVerify(null, message, edPublic, edSignature))
            throw new Error('raw Ed25519 verify failed');
        },
        reference,
      ],
      // All the run's rounds: the ratio against the reference stack is what the issue asks.
      { rounds: options.rounds, roundMs: options.roundMs },
    );
    const metric = `Data Integrity eddsa-rdfc-2022 verification, full pipeline (${count} credentials signed at distinct seconds; contexts from memory; warm: processed contexts, resolved key, term-check shapes)`;
    return [
      {
        metric,
        value: credstack!.perSecond,
        baselineName: 'raw node:crypto Ed25519 verify',
        baseline: raw!.perSecond,
      },
      {
        metric:
          'Data Integrity eddsa-rdfc-2022 verification, same credentials, same contexts from memory, both warm',
        value: credstack!.perSecond,
        baselineName: '@digitalbazaar/vc 7.3 + eddsa-rdfc-2022-cryptosuite 1.3 verifyCredential',
        baseline: digitalbazaar!.perSecond,
        target: '≥ 200%',
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
