import {
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, importJWK } from 'jose';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { generateLocalKey, type LocalSigner } from '#shared/adapters/key-files/local-signer.ts';
import { fixedClock } from '#shared/core/clock.ts';
import { CachingFetcher } from '#shared/credentials/fetch/caching-fetcher.ts';
import { buildOpenBadgeCredential } from '#shared/credentials/model/build.ts';
import { createEddsaRdfc2022Proof } from '#shared/credentials/proof/data-integrity.ts';
import { signVcJwt } from '#shared/credentials/proof/vc-jwt-sign.ts';
import { decodeCompactJws } from '#shared/credentials/proof/vc-jwt-verify.ts';
import { createBitstring, encodeBitstring, setBit } from '#shared/credentials/status/bitstring.ts';
import { createVerifier } from '#shared/credentials/verify/verifier.ts';
import { DEMO_ACHIEVEMENTS, DEMO_ISSUER_DOMAIN, demoIssuer } from '../samples/demo-catalog.ts';
import { measureIssuance } from './issuance.ts';
import { type BenchRow, compareRates, formatRate } from './measure.ts';
import { pathwayRows } from './pathways.ts';

/**
 * `npm run bench`: each figure next to a baseline measured in the same run, on one core.
 * Results go to stdout and to bench/RESULTS.md (with the date and the machine).
 */

const CREDENTIALS = 1000;
const DI_CREDENTIALS = 50;
const ISSUER_DID = `did:web:${DEMO_ISSUER_DOMAIN}`;
const STATUS_URL = `https://${DEMO_ISSUER_DOMAIN}/status/1`;
const clock = fixedClock('2026-06-01T12:00:00Z');
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const roundMs = Number(process.env.BENCH_ROUND_MS ?? 1000);

function didDocument(signers: readonly { kid: string; jwk: object }[]): object {
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: ISSUER_DID,
    verificationMethod: signers.map(({ kid, jwk }) => ({
      id: kid,
      type: 'JsonWebKey',
      controller: ISSUER_DID,
      publicKeyJwk: jwk,
    })),
    assertionMethod: signers.map(({ kid }) => kid),
  };
}

/**
 * A badge of the size the benchmark is specified for (about 2 KB of credential JSON): the
 * demo achievement without its long prose, a hashed-email subject, a status entry.
 */
function credentialInput(index: number, status: boolean) {
  const {
    resultDescription: _prose,
    tag: _tags,
    ...achievement
  } = DEMO_ACHIEVEMENTS[index % DEMO_ACHIEVEMENTS.length]!;
  const { description: _about, email: _email, image: _logo, ...issuer } = demoIssuer(ISSUER_DID);
  return {
    id: `https://${DEMO_ISSUER_DOMAIN}/credentials/${index.toString().padStart(8, '0')}`,
    description: `${achievement.name}, awarded by Northfield Technical College.`,
    issuer,
    recipient: { email: `learner${index}@mail.example`, salt: `salt-${index}` },
    achievement,
    creditsEarned: achievement.creditsAvailable,
    validFrom: '2026-01-15T09:00:00Z',
    ...(status
      ? {
          credentialStatus: {
            id: `${STATUS_URL}#${1000 + index}`,
            type: 'BitstringStatusListEntry',
            statusPurpose: 'revocation',
            statusListIndex: String(1000 + index),
            statusListCredential: STATUS_URL,
          },
        }
      : {}),
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

/**
 * `BENCH_ONLY=search` (or `pathways`, `cold-start`, `web`, `csv-award`, `batch`) runs that part alone and prints its table;
 * RESULTS.md keeps the last full run.
 */
const ONLY: Record<string, () => Promise<BenchRow[]>> = {
  search: async () => (await import('./search.ts')).searchRows(),
  pathways: () => pathwayRows({ rounds, roundMs }),
  'cold-start': async () => (await import('./cold-start.ts')).coldStartRows(),
  web: async () => (await import('./web-app.ts')).webAppRows(),
  'csv-award': async () => (await import('./csv-award.ts')).csvAwardRows(),
  batch: async () => (await import('./batch-issuance.ts')).batchIssuanceRows(),
};

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY;
  if (only !== undefined) {
    const part = ONLY[only];
    if (!part)
      throw new Error(`BENCH_ONLY must be one of ${Object.keys(ONLY).join(', ')}, not "${only}"`);
    await report(await part(), { write: false });
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'credstack-bench-'));
  try {
    const es256 = await generateLocalKey(dir, 'ES256');
    const ed25519 = await generateLocalKey(dir, 'EdDSA');
    const rs256 = await generateLocalKey(dir, 'RS256');
    const es256Jwk = await es256.publicJwk();
    const edJwk = await ed25519.publicJwk();
    const es256Kid = `${ISSUER_DID}#${es256Jwk.kid}`;
    const edKid = `${ISSUER_DID}#${edJwk.kid}`;
    const fetcher = new CachingFetcher(
      new StaticFetcher({
        [`https://${DEMO_ISSUER_DOMAIN}/.well-known/did.json`]: {
          body: JSON.stringify(
            didDocument([
              { kid: es256Kid, jwk: es256Jwk },
              { kid: edKid, jwk: edJwk },
            ]),
          ),
          contentType: 'application/did+json',
        },
        [STATUS_URL]: {
          body: await statusListJwt(es256, es256Kid),
          contentType: 'application/vc+jwt',
        },
      }),
    );
    const verifier = createVerifier({ fetcher, clock });

    // ES256 VC-JWT: the full pipeline against raw P-256 verification of the same inputs.
    const jwts: string[] = [];
    let jsonBytes = 0;
    for (let i = 0; i < CREDENTIALS; i += 1) {
      jsonBytes += JSON.stringify(
        buildOpenBadgeCredential(credentialInput(i, true), { clock }),
      ).length;
      jwts.push(
        await signVcJwt(
          buildOpenBadgeCredential(credentialInput(i, true), { clock }) as never,
          es256,
          { kid: es256Kid },
        ),
      );
    }
    const meanBytes = jwts.reduce((sum, jwt) => sum + jwt.length, 0) / jwts.length;
    for (const jwt of jwts.slice(0, 20)) {
      const report = await verifier.verify(jwt);
      if (report.verdict !== 'valid')
        throw new Error(
          `benchmark credential not valid: ${JSON.stringify(report.checks.filter((c) => c.outcome !== 'passed'))}`,
        );
    }
    const decoded = jwts.map((jwt) => decodeCompactJws(jwt));
    const publicKey: KeyObject = createPublicKey({ key: es256Jwk as never, format: 'jwk' });
    const joseKey = await importJWK(es256Jwk, 'ES256');
    const [full, raw, jose] = await compareRates(
      [
        (i) => verifier.verify(jwts[i % CREDENTIALS]!),
        (i) => {
          const jws = decoded[i % CREDENTIALS]!;
          if (
            !cryptoVerify(
              'sha256',
              jws.signingInput,
              { key: publicKey, dsaEncoding: 'ieee-p1363' },
              jws.signature,
            )
          )
            throw new Error('raw verify failed');
        },
        (i) => compactVerify(jwts[i % CREDENTIALS]!, joseKey),
      ],
      { rounds, roundMs },
    );

    // Data Integrity eddsa-rdfc-2022: verification against raw Ed25519 verification.
    const signed: Record<string, unknown>[] = [];
    for (let i = 0; i < DI_CREDENTIALS; i += 1) {
      const credential = buildOpenBadgeCredential(credentialInput(i, false), {
        clock,
      }) as unknown as Record<string, unknown>;
      signed.push(
        await createEddsaRdfc2022Proof(credential, ed25519, {
          verificationMethod: edKid,
          created: '2026-01-15T09:00:00Z',
        }),
      );
    }
    const check = await verifier.verify(signed[0]!);
    if (check.verdict !== 'valid')
      throw new Error(
        `DI benchmark credential not valid: ${JSON.stringify(check.checks.filter((c) => c.outcome !== 'passed'))}`,
      );
    const edPublic = createPublicKey({ key: edJwk as never, format: 'jwk' });
    const message = Buffer.alloc(64, 7);
    const edSignature = await ed25519.sign(message);
    const [di, rawEd] = await compareRates(
      [
        (i) => verifier.verify(signed[i % DI_CREDENTIALS]!),
        () => cryptoVerify(null, message, edPublic, edSignature),
      ],
      { rounds: Math.max(3, Math.floor(rounds / 2)), roundMs },
    );

    // Signatures with the local signer against raw node:crypto signing.
    const input = decoded[0]!.signingInput;
    const rows: BenchRow[] = [
      {
        metric: `ES256 VC-JWT verification, full pipeline (${Math.round(jsonBytes / CREDENTIALS)} B credential, ${Math.round(meanBytes)} B JWT)`,
        value: full!.perSecond,
        baselineName: 'raw node:crypto P-256 verify',
        baseline: raw!.perSecond,
        target: '≥ 60%',
      },
      {
        metric: 'jose compactVerify (reference)',
        value: jose!.perSecond,
        baselineName: 'raw node:crypto P-256 verify',
        baseline: raw!.perSecond,
      },
      {
        metric: 'Data Integrity eddsa-rdfc-2022 verification',
        value: di!.perSecond,
        baselineName: 'raw node:crypto Ed25519 verify',
        baseline: rawEd!.perSecond,
      },
    ];
    const privateKeyOf = async (signer: LocalSigner) =>
      createPrivateKey(await readFile(signer.path!));
    const [esKey, edKey, rsKey] = [
      await privateKeyOf(es256),
      await privateKeyOf(ed25519),
      await privateKeyOf(rs256),
    ];
    for (const [name, signer, rawSign] of [
      [
        'ES256',
        es256,
        (data: Uint8Array) => cryptoSign('sha256', data, { key: esKey, dsaEncoding: 'ieee-p1363' }),
      ],
      ['EdDSA', ed25519, (data: Uint8Array) => cryptoSign(null, data, edKey)],
      ['RS256', rs256, (data: Uint8Array) => cryptoSign('sha256', data, rsKey)],
    ] as const) {
      const [local, direct] = await compareRates([() => signer.sign(input), () => rawSign(input)], {
        rounds: 3,
        roundMs: Math.min(roundMs, 700),
      });
      rows.push({
        metric: `${name} signatures, local signer`,
        value: local!.perSecond,
        baselineName: `raw node:crypto ${name} sign`,
        baseline: direct!.perSecond,
      });
    }
    if (process.env.BENCH_ISSUANCE !== '0') {
      const issuance = await measureIssuance();
      rows.push(
        {
          metric: 'single issuance through the local runtime, p50',
          value: issuance.singleP50Ms,
          baselineName: 'local ES256 signature, p50',
          baseline: issuance.signP50Ms,
          unit: 'ms',
        },
        {
          metric: 'single issuance through the local runtime, p99',
          value: issuance.singleP99Ms,
          baselineName: 'local ES256 signature, p99',
          baseline: issuance.signP99Ms,
          unit: 'ms',
        },
        {
          metric: `batch award of ${issuance.batchSize}, credentials/s (concurrency 4)`,
          value: issuance.batchPerSecond,
          baselineName: 'local ES256 signatures/s',
          baseline: issuance.signPerSecond,
        },
      );
    }
    if (process.env.BENCH_BATCH !== '0')
      rows.push(...(await (await import('./batch-issuance.ts')).batchIssuanceRows()));
    if (process.env.BENCH_CSV_AWARD !== '0')
      rows.push(...(await (await import('./csv-award.ts')).csvAwardRows()));
    if (process.env.BENCH_VERIFY_COST !== '0')
      rows.push(
        ...(await (
          await import('./verification-cost.ts')
        ).verificationCostRows({ rounds, roundMs })),
      );
    if (process.env.BENCH_PATHWAYS !== '0') rows.push(...(await pathwayRows({ rounds, roundMs })));
    if (process.env.BENCH_SEARCH !== '0')
      rows.push(...(await (await import('./search.ts')).searchRows()));
    if (process.env.BENCH_COLD_START !== '0')
      rows.push(...(await (await import('./cold-start.ts')).coldStartRows()));
    if (process.env.BENCH_WEB !== '0')
      rows.push(...(await (await import('./web-app.ts')).webAppRows()));
    await report(rows);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function report(
  rows: readonly BenchRow[],
  options: { readonly write: boolean } = { write: process.env.BENCH_WRITE !== '0' },
): Promise<void> {
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ${process.platform}/${process.arch}`;
  const header =
    '| measure | figure | baseline (same run) | baseline figure | ratio | target |\n|---|---|---|---|---|---|';
  const figure = (value: number, unit: BenchRow['unit']) =>
    unit === 'ms'
      ? `${value.toFixed(2)} ms`
      : unit === 'MB'
        ? `${value.toFixed(0)} MB`
        : formatRate(value);
  const lines = rows.map((row) => {
    const ratio =
      row.unit === 'ms' || row.unit === 'MB' ? row.baseline / row.value : row.value / row.baseline;
    return `| ${row.metric} | ${figure(row.value, row.unit)} | ${row.baselineName} | ${figure(row.baseline, row.unit)} | ${(ratio * 100).toFixed(1)}% | ${row.target ?? ''} |`;
  });
  const table = `${header}\n${lines.join('\n')}`;
  process.stdout.write(`\n${machine}\n\n${table}\n`);
  if (options.write) {
    const text = `# Benchmark results\n\nLatest \`npm run bench\`, ${new Date().toISOString().slice(0, 10)}, on ${machine}; one core (one Node process), median of alternating rounds. For latencies the ratio is the share of the time spent signing; for the batch, the rate relative to signing alone.\n\n${table}\n`;
    await writeFile(new URL('./RESULTS.md', import.meta.url), text);
  }
}

await main();
