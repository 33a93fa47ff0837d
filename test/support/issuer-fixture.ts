/**
 * A did:web issuer for verifier tests: keys for every algorithm credstack signs with, the
 * DID document that publishes them, and Bitstring Status Lists (revocation and suspension)
 * served as signed VC-JWTs through a StaticFetcher. Tests flip status bits and the next
 * fetch serves the re-signed list, as a real issuer's endpoint would.
 */
import { createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { JWK } from 'jose';
import { StaticFetcher, type StaticResponse } from '#shared/adapters/https/static-fetcher.ts';
import { LocalSigner } from '#shared/adapters/key-files/local-signer.ts';
import type { Clock } from '#shared/core/clock.ts';
import { fixedClock } from '#shared/core/clock.ts';
import type { SigningAlgorithm } from '#shared/credentials/crypto/signer.ts';
import { buildOpenBadgeCredential } from '#shared/credentials/model/build.ts';
import type { BuildCredentialInput, StatusInput } from '#shared/credentials/model/build-input.ts';
import { createEddsaRdfc2022Proof } from '#shared/credentials/proof/data-integrity.ts';
import { signVcJwt } from '#shared/credentials/proof/vc-jwt-sign.ts';
import {
  createBitstring,
  encodeBitstring,
  MIN_BITSTRING_BITS,
  setBit,
} from '#shared/credentials/status/bitstring.ts';

/** The instant the fixtures treat as "now": credentials are valid from a month before. */
export const FIXTURE_NOW = '2026-06-01T12:00:00Z';
export const FIXTURE_VALID_FROM = '2026-05-01T09:00:00Z';

/** A clock frozen at {@link FIXTURE_NOW}. */
export const fixtureClock: Clock = fixedClock(FIXTURE_NOW);

export type StatusPurpose = 'revocation' | 'suspension';

const ALGORITHMS: readonly SigningAlgorithm[] = ['ES256', 'RS256', 'EdDSA'];
const KEY_IDS: Readonly<Record<SigningAlgorithm, string>> = {
  ES256: 'key-es256',
  RS256: 'key-rs256',
  EdDSA: 'key-ed25519',
};

const generateKeyPairAsync = promisify(generateKeyPair);

async function privateKeyFor(algorithm: SigningAlgorithm): Promise<KeyObject> {
  if (algorithm === 'ES256')
    return (await generateKeyPairAsync('ec', { namedCurve: 'P-256' })).privateKey;
  if (algorithm === 'RS256')
    return (await generateKeyPairAsync('rsa', { modulusLength: 2048 })).privateKey;
  return (await generateKeyPairAsync('ed25519')).privateKey;
}

export interface IssuerFixture {
  /** e.g. `college.example` */
  readonly domain: string;
  /** `did:web:<domain>` */
  readonly did: string;
  readonly name: string;
  readonly signers: Readonly<Record<SigningAlgorithm, LocalSigner>>;
  /** The DID URL of each key (`did:web:<domain>#key-es256`), the `kid` of its VC-JWTs. */
  readonly kids: Readonly<Record<SigningAlgorithm, string>>;
  readonly publicJwks: Readonly<Record<SigningAlgorithm, JWK>>;
  /** Each key's private key, for tests that forge what the signers refuse to make. */
  readonly privateKeys: Readonly<Record<SigningAlgorithm, KeyObject>>;
  readonly didDocument: Record<string, unknown>;
  readonly didDocumentUrl: string;
  readonly statusListUrls: Readonly<Record<StatusPurpose, string>>;
  /** The routes this issuer serves: its DID document and its status lists. */
  routes(): Record<string, StaticResponse | (() => Promise<StaticResponse>)>;
  /** A BitstringStatusListEntry for `index` in the list of `purpose`. */
  statusEntry(index: number, purpose?: StatusPurpose): StatusInput;
  /** Builder input for an OpenBadgeCredential from this issuer, with `overrides` applied. */
  credentialInput(overrides?: Partial<BuildCredentialInput>): BuildCredentialInput;
  /** A built (unsigned) OpenBadgeCredential. */
  build(overrides?: Partial<BuildCredentialInput>): Record<string, unknown>;
  /** Signs `credential` as a VC-JWT with this issuer's key for `algorithm` (default ES256). */
  issueJwt(credential: Record<string, unknown>, algorithm?: SigningAlgorithm): Promise<string>;
  /** Secures `credential` with an eddsa-rdfc-2022 proof made with the Ed25519 key. */
  issueDataIntegrity(credential: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** An EndorsementCredential from this issuer about `subjectId`, unsigned. */
  endorsement(subjectId: string, comment?: string): Record<string, unknown>;
  revoke(index: number): void;
  suspend(index: number): void;
  /** Clears the bit of `index` in the list of `purpose`. */
  reinstate(index: number, purpose?: StatusPurpose): void;
}

export interface IssuerFixtureOptions {
  /** Host of the did:web (default `college.example`). */
  readonly domain?: string;
  readonly name?: string;
}

/**
 * Creates a did:web issuer with ES256, RS256 and Ed25519 keys and two status lists.
 * Generating the RSA key takes a moment: create fixtures once per file (`beforeAll`).
 *
 * @example
 * const issuer = await createIssuerFixture({ domain: 'college.example' });
 * const verifier = createVerifier({ fetcher: serveIssuers(issuer), clock: fixtureClock });
 * const report = await verifier.verify(await issuer.issueJwt(issuer.build()));
 */
export async function createIssuerFixture(
  options: IssuerFixtureOptions = {},
): Promise<IssuerFixture> {
  const domain = options.domain ?? 'college.example';
  const name = options.name ?? 'Northfield Technical College';
  const did = `did:web:${domain}`;
  const privateKeys = Object.fromEntries(
    await Promise.all(ALGORITHMS.map(async (alg) => [alg, await privateKeyFor(alg)] as const)),
  ) as Record<SigningAlgorithm, KeyObject>;
  const signers = Object.fromEntries(
    ALGORITHMS.map((alg) => [
      alg,
      new LocalSigner({ privateKey: privateKeys[alg], keyId: KEY_IDS[alg] }),
    ]),
  ) as Record<SigningAlgorithm, LocalSigner>;
  const kids = Object.fromEntries(
    ALGORITHMS.map((alg) => [alg, `${did}#${KEY_IDS[alg]}`]),
  ) as Record<SigningAlgorithm, string>;
  const publicJwks = Object.fromEntries(
    await Promise.all(ALGORITHMS.map(async (alg) => [alg, await signers[alg].publicJwk()])),
  ) as Record<SigningAlgorithm, JWK>;
  const didDocument = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/jwk/v1'],
    id: did,
    verificationMethod: ALGORITHMS.map((alg) => ({
      id: kids[alg],
      type: 'JsonWebKey',
      controller: did,
      publicKeyJwk: publicJwks[alg],
    })),
    assertionMethod: ALGORITHMS.map((alg) => kids[alg]),
  };
  const didDocumentUrl = `https://${domain}/.well-known/did.json`;
  const statusListUrls: Record<StatusPurpose, string> = {
    revocation: `https://${domain}/status/revocation`,
    suspension: `https://${domain}/status/suspension`,
  };
  const bits: Record<StatusPurpose, Uint8Array> = {
    revocation: createBitstring(MIN_BITSTRING_BITS),
    suspension: createBitstring(MIN_BITSTRING_BITS),
  };

  const statusList = (purpose: StatusPurpose): Promise<string> =>
    signVcJwt(
      {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        id: statusListUrls[purpose],
        type: ['VerifiableCredential', 'BitstringStatusListCredential'],
        issuer: did,
        validFrom: '2026-01-01T00:00:00Z',
        credentialSubject: {
          id: `${statusListUrls[purpose]}#list`,
          type: 'BitstringStatusList',
          statusPurpose: purpose,
          encodedList: encodeBitstring(bits[purpose]),
        },
      },
      signers.ES256,
      { kid: kids.ES256 },
    );

  const credentialInput = (
    overrides: Partial<BuildCredentialInput> = {},
  ): BuildCredentialInput => ({
    id: `https://${domain}/credentials/0001`,
    issuer: { id: did, name },
    recipient: { id: 'did:example:learner-ada' },
    achievement: {
      id: `https://${domain}/achievements/data-analysis`,
      name: 'Data Analysis',
      description: 'Cleans, explores and summarises tabular data.',
      criteria: { narrative: 'Completed the four data analysis modules with a passing grade.' },
    },
    validFrom: FIXTURE_VALID_FROM,
    ...overrides,
  });

  return {
    domain,
    did,
    name,
    signers,
    kids,
    publicJwks,
    privateKeys,
    didDocument,
    didDocumentUrl,
    statusListUrls,
    routes: () => ({
      [didDocumentUrl]: { body: JSON.stringify(didDocument), contentType: 'application/did+json' },
      // Re-signed on every fetch, so a bit flipped by a test is what the next fetch serves.
      [statusListUrls.revocation]: async () => ({
        body: await statusList('revocation'),
        contentType: 'application/vc+jwt',
      }),
      [statusListUrls.suspension]: async () => ({
        body: await statusList('suspension'),
        contentType: 'application/vc+jwt',
      }),
    }),
    statusEntry: (index, purpose = 'revocation') => ({
      id: `${statusListUrls[purpose]}#${index}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: purpose,
      statusListIndex: String(index),
      statusListCredential: statusListUrls[purpose],
    }),
    credentialInput,
    build: (overrides) =>
      buildOpenBadgeCredential(credentialInput(overrides), {
        clock: fixtureClock,
      }) as unknown as Record<string, unknown>,
    issueJwt: (credential, algorithm = 'ES256') =>
      signVcJwt(credential, signers[algorithm], { kid: kids[algorithm] }),
    issueDataIntegrity: (credential) =>
      createEddsaRdfc2022Proof(credential, signers.EdDSA, {
        verificationMethod: kids.EdDSA,
        created: FIXTURE_VALID_FROM,
      }),
    endorsement: (subjectId, comment = 'A rigorous, well-assessed programme.') => ({
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ],
      id: `https://${domain}/endorsements/${encodeURIComponent(subjectId)}`,
      type: ['VerifiableCredential', 'EndorsementCredential'],
      name: `${name} endorses ${subjectId}`,
      issuer: { id: did, type: ['Profile'], name },
      validFrom: FIXTURE_VALID_FROM,
      credentialSubject: {
        id: subjectId,
        type: ['EndorsementSubject'],
        endorsementComment: comment,
      },
    }),
    revoke: (index) => setBit(bits.revocation, index, true),
    suspend: (index) => setBit(bits.suspension, index, true),
    reinstate: (index, purpose = 'revocation') => setBit(bits[purpose], index, false),
  };
}

/**
 * One StaticFetcher serving every route of `issuers`, plus `extra` routes (which win).
 *
 * @example
 * const fetcher = serveIssuers([college, accreditor], { 'https://x.example/gone': { body: '', status: 404 } });
 */
export function serveIssuers(
  issuers: readonly IssuerFixture[],
  extra: Readonly<Record<string, StaticResponse>> = {},
): StaticFetcher {
  const routes = new Map<string, StaticResponse | (() => Promise<StaticResponse>)>();
  for (const issuer of issuers)
    for (const [url, route] of Object.entries(issuer.routes())) routes.set(url, route);
  for (const [url, route] of Object.entries(extra)) routes.set(url, route);
  return new StaticFetcher(routes);
}

/**
 * The PEM of a fixture key's public half (what an attacker would try as an HMAC secret).
 *
 * @example
 * const pem = publicKeyPem(issuer, 'RS256');
 */
export function publicKeyPem(issuer: IssuerFixture, algorithm: SigningAlgorithm): string {
  return createPublicKey(issuer.privateKeys[algorithm]).export({
    format: 'pem',
    type: 'spki',
  }) as string;
}
