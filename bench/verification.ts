import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, importJWK, type JWK } from 'jose';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { LocalKeyVault } from '#shared/adapters/key-files/local-key-vault.ts';
import { generateLocalKey, type LocalSigner } from '#shared/adapters/key-files/local-signer.ts';
import { memoryServiceContext } from '#shared/adapters/memory/context.ts';
import { fixedClock, systemClock } from '#shared/core/clock.ts';
import { joseToDerSignature } from '#shared/credentials/crypto/ecdsa-der.ts';
import { CachingFetcher } from '#shared/credentials/fetch/caching-fetcher.ts';
import { buildOpenBadgeCredential } from '#shared/credentials/model/build.ts';
import type { EvidenceInput } from '#shared/credentials/model/build-input.ts';
import { signVcJwt } from '#shared/credentials/proof/vc-jwt-sign.ts';
import { type DecodedJws, decodeCompactJws } from '#shared/credentials/proof/vc-jwt-verify.ts';
import { createBitstring, encodeBitstring, setBit } from '#shared/credentials/status/bitstring.ts';
import { createVerifier, type Verifier } from '#shared/credentials/verify/verifier.ts';
import { createAchievement } from '#shared/domain/achievements.ts';
import { issueCredential } from '#shared/domain/issuance.ts';
import { onboardIssuer } from '#shared/domain/issuers.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { selfFetcher } from '#shared/domain/self-fetcher.ts';
import { DEMO_ACHIEVEMENTS, DEMO_ISSUER_DOMAIN } from '../samples/demo-catalog.ts';
import { benchIssuer, withLocalService } from './local-service.ts';
import { type BenchRow, compareRates } from './measure.ts';
import { credentialInput, ISSUER_DID, STATUS_URL } from './sample-credential.ts';

/**
 * ES256 VC-JWT verification, three ways, each next to a baseline measured in the same run:
 *
 * 1. Warm: a did:web issuer's credentials, its DID document and status list served from a
 *    cache (the same bytes each time), every credential of a shape the term check has seen;
 *    against raw node:crypto P-256 verification of the same signing inputs.
 * 2. Own, realistic: the service's own credentials (issued through the use case, on the
 *    in-memory table), verified through the service's fetcher, which reads the status list
 *    from the table and re-encodes it on every request, as the API does; one credential in
 *    ten of a JSON-LD shape never seen before (a miss of the term check's shape cache; its
 *    parts, evidence entries of a few kinds, are known to its term-fact cache after the first
 *    few dozen). Same raw baseline.
 * 3. Over HTTP on the local runtime (`npm start`'s app with DynamoDB Local and the
 *    verification worker pool): POST /credentials/verify of the service's own credentials
 *    against did:jwk credentials (no status, no table read) in the same run; and, for
 *    reference, against the rate of the one table read an own verification makes.
 *
 * Every timed verification's verdict is checked: each report must say valid.
 */

const CREDENTIALS = 1000;
const ADMIN: Principal = { subject: 'bench', roles: ['platform-admin'] };
/** Own credentials of shapes the term check has seen (issued with the same template). */
const OWN_SEEN = 900;
/**
 * Own credentials of distinct shapes. More than the term check keeps (1,000 shapes), so
 * cycling through them never meets a cached shape: each is a miss, as a new template is.
 */
const OWN_UNSEEN = 3000;
const HTTP_CONCURRENCY = 4;
const HTTP_REQUESTS = 600;

export interface VerificationBenchOptions {
  readonly rounds: number;
  readonly roundMs: number;
}

function didDocument(kid: string, jwk: object): object {
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: ISSUER_DID,
    verificationMethod: [
      { id: kid, type: 'JsonWebKey', controller: ISSUER_DID, publicKeyJwk: jwk },
    ],
    assertionMethod: [kid],
  };
}

async function statusListJwt(signer: LocalSigner, kid: string): Promise<string> {
  const bits = createBitstring(131_072);
  for (const revoked of [3, 17, 99, 500]) setBit(bits, revoked, true);
  return signVcJwt(
    {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: STATUS_URL,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: ISSUER_DID,
      validFrom: '2026-01-01T00:00:00Z',
      credentialSubject: {
        id: `${STATUS_URL}#list`,
        type: 'BitstringStatusList',
        statusPurpose: 'revocation',
        encodedList: encodeBitstring(bits),
      },
    },
    signer,
    { kid },
  );
}

/** Raw P-256 verification of decoded JWSs: the floor every VC-JWT row is compared with. */
function rawVerifier(jwk: JWK, decoded: readonly DecodedJws[]): (i: number) => void {
  const publicKey: KeyObject = createPublicKey({ key: jwk as never, format: 'jwk' });
  return (i) => {
    const jws = decoded[i % decoded.length]!;
    if (
      !cryptoVerify(
        'sha256',
        jws.signingInput,
        { key: publicKey, dsaEncoding: 'ieee-p1363' },
        jws.signature,
      )
    )
      throw new Error('raw verify failed');
  };
}

/** Verifies `jwt`, throwing unless the report says valid: a bench of failures measures nothing. */
async function mustVerify(verifier: Verifier, jwt: string): Promise<void> {
  const report = await verifier.verify(jwt);
  if (report.verdict !== 'valid')
    throw new Error(
      `benchmark credential not valid: ${JSON.stringify(report.checks.filter((c) => c.outcome !== 'passed'))}`,
    );
}

async function warmRows(dir: string, options: VerificationBenchOptions): Promise<BenchRow[]> {
  const es256 = await generateLocalKey(dir, 'ES256');
  const jwk = await es256.publicJwk();
  const kid = `${ISSUER_DID}#${jwk.kid}`;
  const fetcher = new CachingFetcher(
    new StaticFetcher({
      [`https://${DEMO_ISSUER_DOMAIN}/.well-known/did.json`]: {
        body: JSON.stringify(didDocument(kid, jwk)),
        contentType: 'application/did+json',
      },
      [STATUS_URL]: { body: await statusListJwt(es256, kid), contentType: 'application/vc+jwt' },
    }),
  );
  const clock = fixedClock('2026-06-01T12:00:00Z');
  const verifier = createVerifier({ fetcher, clock });
  const jwts: string[] = [];
  let jsonBytes = 0;
  for (let i = 0; i < CREDENTIALS; i += 1) {
    const credential = buildOpenBadgeCredential(credentialInput(i, ISSUER_DID, true), { clock });
    jsonBytes += JSON.stringify(credential).length;
    jwts.push(await signVcJwt(credential as never, es256, { kid }));
  }
  const meanBytes = jwts.reduce((sum, jwt) => sum + jwt.length, 0) / jwts.length;
  for (const jwt of jwts) await mustVerify(verifier, jwt);
  const joseKey = await importJWK(jwk, 'ES256');
  const bareKey = createPublicKey({ key: jwk as never, format: 'jwk' });
  const derInputs = jwts.map((jwt) => {
    const { signingInput, signature } = decodeCompactJws(jwt);
    return { signingInput, der: joseToDerSignature(signature) };
  });
  let verdicts = 0;
  const [full, raw, jose, rawDer] = await compareRates(
    [
      async (i) => {
        const report = await verifier.verify(jwts[i % CREDENTIALS]!);
        if (report.verdict !== 'valid') throw new Error('warm verification not valid');
        verdicts += 1;
      },
      rawVerifier(
        jwk,
        jwts.map((jwt) => decodeCompactJws(jwt)),
      ),
      (i) => compactVerify(jwts[i % CREDENTIALS]!, joseKey),
      (i) => {
        const { signingInput, der } = derInputs[i % CREDENTIALS]!;
        if (!cryptoVerify('sha256', signingInput, bareKey, der))
          throw new Error('raw DER verify failed');
      },
    ],
    options,
  );
  if (verdicts === 0) throw new Error('no warm verification ran');
  return [
    {
      metric: `ES256 VC-JWT verification, warm pipeline (${Math.round(jsonBytes / CREDENTIALS)} B credential, ${Math.round(meanBytes)} B JWT; DID document and status list cached, shapes seen; every verdict checked)`,
      value: full!.perSecond,
      baselineName: 'raw node:crypto P-256 verify',
      baseline: raw!.perSecond,
      target: '≥ 80%',
    },
    {
      metric: 'jose compactVerify (reference)',
      value: jose!.perSecond,
      baselineName: 'raw node:crypto P-256 verify',
      baseline: raw!.perSecond,
    },
    {
      // The pipeline hands OpenSSL a DER signature and a bare KeyObject, a cheaper call than
      // the ieee-p1363 option object of the baseline above: this row shows the pipeline
      // against that cheaper call too, so no part of the ratio hides in the call form.
      metric: 'ES256 VC-JWT verification, warm pipeline (reference: against the raw call it makes)',
      value: full!.perSecond,
      baselineName: 'raw node:crypto P-256 verify, DER signature and bare KeyObject',
      baseline: rawDer!.perSecond,
    },
  ];
}

const EVIDENCE_FIELDS = ['name', 'description', 'narrative', 'genre', 'audience'] as const;

/**
 * Evidence whose JSON shape is the `n`th of many distinct ones: the count of entries and which
 * optional fields each carries vary, and the shape signature records both.
 */
function evidenceOfShape(n: number): EvidenceInput[] {
  const entries: EvidenceInput[] = [];
  let rest = n;
  do {
    const fields = (rest % 31) + 1;
    rest = Math.floor(rest / 31);
    entries.push(
      Object.fromEntries(
        EVIDENCE_FIELDS.filter((_, bit) => fields & (1 << bit)).map((field) => [
          field,
          `${field} ${n}`,
        ]),
      ),
    );
  } while (rest > 0);
  return entries;
}

/** Issues `count` credentials of issuer `issuerId` through the use case; their compact JWSs. */
async function issueOwn(
  ctx: ServiceContext,
  issuerId: string,
  achievementId: string,
  count: number,
  evidence?: (i: number) => EvidenceInput[],
): Promise<string[]> {
  const signed: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const { record } = await issueCredential(ctx, ADMIN, {
      issuerId,
      achievementId,
      recipient: { email: `learner${i}@mail.example` },
      ...(evidence ? { evidence: evidence(i) } : {}),
    });
    signed.push(record.signed);
  }
  return signed;
}

async function ownRow(dir: string, options: VerificationBenchOptions): Promise<BenchRow> {
  const ctx = memoryServiceContext({
    vault: new LocalKeyVault({ dir: join(dir, 'own-keys') }),
    baseUrl: 'https://credentials.bench.example',
    clock: systemClock,
  });
  const issuer = await onboardIssuer(ctx, ADMIN, { id: 'bench-college', name: 'Bench College' });
  const { id: _id, ...definition } = DEMO_ACHIEVEMENTS[0]!;
  const achievement = await createAchievement(ctx, ADMIN, issuer.id, { definition });
  const seen = await issueOwn(ctx, issuer.id, achievement.id, OWN_SEEN);
  const unseen = await issueOwn(ctx, issuer.id, achievement.id, OWN_UNSEEN, evidenceOfShape);
  // The service's verifier: its own DID documents and status lists answered from its table.
  const verifier = createVerifier({
    fetcher: selfFetcher(ctx, new StaticFetcher({})),
    clock: ctx.clock,
  });
  for (const jwt of seen.slice(0, 20)) await mustVerify(verifier, jwt);
  const pick = (i: number) =>
    i % 10 === 9 ? unseen[Math.floor(i / 10) % OWN_UNSEEN]! : seen[i % OWN_SEEN]!;
  const keys = await ctx.issuers.listKeys(issuer.id);
  const jwk = keys.find((key) => key.algorithm === 'ES256')?.publicJwk;
  if (!jwk) throw new Error('the bench issuer has no ES256 key');
  let verdicts = 0;
  const [own, raw] = await compareRates(
    [
      async (i) => {
        const report = await verifier.verify(pick(i));
        if (report.verdict !== 'valid')
          throw new Error(
            `own credential not valid: ${JSON.stringify(report.checks.filter((c) => c.outcome !== 'passed'))}`,
          );
        verdicts += 1;
      },
      rawVerifier(
        jwk,
        Array.from({ length: 1000 }, (_, i) => decodeCompactJws(pick(i))),
      ),
    ],
    options,
  );
  if (verdicts === 0) throw new Error('no own verification ran');
  return {
    metric:
      "ES256 VC-JWT verification of the service's own credentials (status list read from the table and re-encoded per request; 1 in 10 of a JSON-LD shape not seen before, made of parts seen before: a shape miss, a term-fact hit; every verdict checked)",
    value: own!.perSecond,
    baselineName: 'raw node:crypto P-256 verify',
    baseline: raw!.perSecond,
    target: '≥ 50%',
  };
}

export async function httpRows(dir: string): Promise<BenchRow[]> {
  // `npm start`'s app: the verifier is the pool of worker threads (one worker on 2 cores). The
  // bench sends no tokens: every request is the public verification route.
  return withLocalService({ name: 'verify-http' }, async (service) => {
    const { app } = service;
    const { issuer, achievement } = await benchIssuer(service, {
      id: 'bench-college',
      name: 'Bench College',
    });
    const own = await issueOwn(app.ctx, issuer.id, achievement.id, 100);
    const listId = (await app.ctx.credentials.listByIssuer(issuer.id)).items[0]!.status.listId;
    const didJwk = await didJwkCredentials(dir, 100);
    const post = async (jwt: string) => {
      const response = await fetch(`${service.url}/credentials/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ verifiableCredential: jwt }),
      });
      const body = (await response.json()) as { verified?: boolean; errors?: unknown };
      if (response.status !== 200 || body.verified !== true)
        throw new Error(
          `POST /credentials/verify answered ${response.status}: ${JSON.stringify(body.errors ?? body)}`,
        );
    };
    /** Operations per second with HTTP_CONCURRENCY callers. */
    const rate = async (op: (i: number) => Promise<unknown>) => {
      let next = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: HTTP_CONCURRENCY }, async () => {
          while (next < HTTP_REQUESTS) {
            const i = next;
            next += 1;
            await op(i);
          }
        }),
      );
      return (HTTP_REQUESTS / (performance.now() - start)) * 1000;
    };
    const verifyOwn = (i: number) => post(own[i % own.length]!);
    const verifyJwk = (i: number) => post(didJwk[i % didJwk.length]!);
    // The one table read an own verification makes (the list's revision), alone: the ceiling
    // DynamoDB Local puts on the own rate when every verification makes its own read.
    const readStoreRevision = app.ctx.statusLists.revision.bind(app.ctx.statusLists);
    const readRevision = async () => {
      if ((await readStoreRevision(listId)) === undefined)
        throw new Error('the bench status list has no revision');
    };
    // Warm every path (worker start, schema compile, key and context caches), then alternate.
    for (const op of [verifyOwn, verifyJwk, readRevision]) await rate(op);
    // The table reads the own verifications make: the workers' own revision reads, and any
    // the main thread makes for them (the bench's own reads call the store's method
    // directly). Concurrent verifications of one list share revision reads, each still
    // answered by a read sent after it arrived.
    const statusLists = app.ctx.statusLists;
    let mainReads = 0;
    statusLists.revision = (id) => {
      mainReads += 1;
      return readStoreRevision(id);
    };
    const workerReadsBefore = app.verifierPool?.tableReads() ?? 0;
    const ownRates: number[] = [];
    const jwkRates: number[] = [];
    const readRates: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      ownRates.push(await rate(verifyOwn));
      jwkRates.push(await rate(verifyJwk));
      readRates.push(await rate(readRevision));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[1]!;
    const ownReads = mainReads + (app.verifierPool?.tableReads() ?? 0) - workerReadsBefore;
    const readsPerVerification = ownReads / (3 * HTTP_REQUESTS);
    const note = `status list revision read from DynamoDB Local for every request, by the verification worker with its own client (strongly consistent, sent after the request arrived; concurrent requests share reads; the main thread is asked only for a changed list): ${ownReads} reads for ${3 * HTTP_REQUESTS} own verifications (${readsPerVerification.toFixed(2)} a verification); status list signed once per revision; worker keys and shapes warm; every answer checked to say verified`;
    return [
      {
        metric: `POST /credentials/verify, own ES256 VC-JWT (did:web, status list revision read from DynamoDB Local per request; ${HTTP_CONCURRENCY} concurrent clients, every answer checked)`,
        value: median(ownRates),
        baselineName: 'the same with did:jwk VC-JWTs (no status)',
        baseline: median(jwkRates),
        target: '≥ 50%',
        note,
      },
      {
        metric: `POST /credentials/verify, own ES256 VC-JWT (reference: against one table read per request)`,
        value: median(ownRates),
        baselineName: `DynamoDB Local reads of the list revision alone, ${HTTP_CONCURRENCY} concurrent`,
        baseline: median(readRates),
      },
    ];
  });
}

/** ES256 VC-JWTs issued by a did:jwk (the key is the issuer), without a status entry. */
async function didJwkCredentials(dir: string, count: number): Promise<string[]> {
  const signer = await generateLocalKey(join(dir, 'did-jwk'), 'ES256');
  const { kid: _kid, ...jwk } = await signer.publicJwk();
  const did = `did:jwk:${Buffer.from(JSON.stringify(jwk)).toString('base64url')}`;
  const jwts: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const credential = buildOpenBadgeCredential(credentialInput(i, did, false), {
      clock: systemClock,
    });
    jwts.push(await signVcJwt(credential as never, signer, { kid: `${did}#0` }));
  }
  return jwts;
}

/**
 * The verification rows: warm pipeline and jose against raw P-256, own credentials in the
 * realistic state against raw P-256, and own against did:jwk over HTTP.
 *
 * @example
 * rows.push(...(await verificationRows({ rounds: 5, roundMs: 1000 })));
 */
export async function verificationRows(options: VerificationBenchOptions): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'credstack-bench-verify-'));
  // The same time in four times as many, shorter, alternating rounds: on a machine shared with
  // other benchmarks a burst of load lasts seconds, and finer alternation spreads it over every
  // operation instead of landing on one.
  const fine = { rounds: options.rounds * 4, roundMs: Math.max(100, options.roundMs / 4) };
  // BENCH_VERIFY_HTTP=0 leaves the HTTP rows out; =only runs them alone.
  const http = process.env.BENCH_VERIFY_HTTP;
  try {
    if (http === 'only') return await httpRows(dir);
    const rows = await warmRows(dir, fine);
    rows.push(await ownRow(dir, fine));
    if (http !== '0') rows.push(...(await httpRows(dir)));
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
