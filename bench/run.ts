import {
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
} from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { generateLocalKey, type LocalSigner } from '#shared/adapters/key-files/local-signer.ts';
import { fixedClock } from '#shared/core/clock.ts';
import { buildOpenBadgeCredential } from '#shared/credentials/model/build.ts';
import { signVcJwt } from '#shared/credentials/proof/vc-jwt-sign.ts';
import { decodeCompactJws } from '#shared/credentials/proof/vc-jwt-verify.ts';
import { measureIssuance } from './issuance.ts';
import { type BenchRow, compareRates, formatRate, targetMet } from './measure.ts';
import { pathwayRows } from './pathways.ts';
import { credentialInput, ISSUER_DID } from './sample-credential.ts';

/**
 * `npm run bench`: each figure next to a baseline measured in the same run, on one core.
 * Results go to stdout and to bench/RESULTS.md (with the date and the machine).
 */

const clock = fixedClock('2026-06-01T12:00:00Z');
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const roundMs = Number(process.env.BENCH_ROUND_MS ?? 1000);

/** The Data Integrity rows (bench/verification-di.ts) on the benchmark's credentials. */
const diRows = async () =>
  (await import('./verification-di.ts')).diVerificationRows({
    rounds,
    roundMs,
    clock,
    issuerDid: ISSUER_DID,
    credential: (i) =>
      buildOpenBadgeCredential(credentialInput(i, ISSUER_DID, false), {
        clock,
      }) as unknown as Record<string, unknown>,
  });

/**
 * `BENCH_ONLY=search` (or `di`, `pathways`, `cold-start`, `web`, `csv-award`, `verification`, `batch`) runs that part alone and prints its table;
 * RESULTS.md keeps the last full run.
 */
const ONLY: Record<string, () => Promise<BenchRow[]>> = {
  di: diRows,
  search: async () => (await import('./search.ts')).searchRows(),
  pathways: () => pathwayRows({ rounds, roundMs }),
  'cold-start': async () => (await import('./cold-start.ts')).coldStartRows(),
  web: async () => (await import('./web-app.ts')).webAppRows(),
  'csv-award': async () => (await import('./csv-award.ts')).csvAwardRows(),
  verification: async () =>
    (await import('./verification.ts')).verificationRows({ rounds, roundMs }),
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
    const es256Kid = `${ISSUER_DID}#${es256Jwk.kid}`;

    // ES256 VC-JWT verification has its own rows (bench/verification.ts); this credential is
    // the signing input of the signature rows below.
    const decoded = [
      decodeCompactJws(
        await signVcJwt(
          buildOpenBadgeCredential(credentialInput(0, ISSUER_DID, true), { clock }) as never,
          es256,
          { kid: es256Kid },
        ),
      ),
    ];

    // Signatures with the local signer against raw node:crypto signing.
    const input = decoded[0]!.signingInput;
    const rows: BenchRow[] = [
      ...(process.env.BENCH_VERIFICATION === '0'
        ? []
        : await (await import('./verification.ts')).verificationRows({ rounds, roundMs })),
      ...(await diRows()),
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
      // A fast signer that signs wrongly is no result: both sides' signatures must verify.
      await checkSignatures(name, signer, input, rawSign(input));
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

async function checkSignatures(
  name: 'ES256' | 'EdDSA' | 'RS256',
  signer: LocalSigner,
  input: Uint8Array,
  raw: Uint8Array,
): Promise<void> {
  const jwk = await signer.publicJwk();
  const key = createPublicKey({ key: jwk as never, format: 'jwk' });
  const ok = (signature: Uint8Array) =>
    name === 'ES256'
      ? cryptoVerify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature)
      : cryptoVerify(name === 'EdDSA' ? null : 'sha256', input, key, signature);
  if (!ok(await signer.sign(input)) || !ok(raw))
    throw new Error(`${name}: a signature measured in the benchmark does not verify`);
}

/** Load average over 1 minute, per core: above ~1 other work competed with the bench. */
function load(): string {
  const [one, five] = loadavg();
  return `load ${one!.toFixed(2)} (1 min) / ${five!.toFixed(2)} (5 min) on ${cpus().length} cores`;
}

const loadAtStart = load();

async function report(
  rows: readonly BenchRow[],
  options: { readonly write: boolean } = { write: process.env.BENCH_WRITE !== '0' },
): Promise<void> {
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
  const conditions = `${loadAtStart} at the start, ${load()} at the end`;
  const header =
    '| measure | figure | baseline (same run) | baseline figure | ratio | target | met |\n|---|---|---|---|---|---|---|';
  const figure = (value: number, unit: BenchRow['unit']) =>
    unit === 'ms'
      ? `${value.toFixed(2)} ms`
      : unit === 'MB'
        ? `${value.toFixed(0)} MB`
        : unit === 'KB'
          ? `${value.toFixed(1)} KB`
          : formatRate(value);
  const lines = rows.map((row) => {
    const ratio =
      row.unit === 'ms' || row.unit === 'MB' || row.unit === 'KB'
        ? row.baseline / row.value
        : row.value / row.baseline;
    return `| ${row.metric} | ${figure(row.value, row.unit)} | ${row.baselineName} | ${figure(row.baseline, row.unit)} | ${row.ratio ?? `${(ratio * 100).toFixed(1)}%`} | ${row.target ?? ''} | ${targetMet(row)} |`;
  });
  const table = `${header}\n${lines.join('\n')}`;
  const notes = rows
    .filter((row) => row.note !== undefined)
    .map((row) => `- ${row.metric}: ${row.note}`)
    .join('\n');
  const notesBlock = notes === '' ? '' : `\n\nCache states and result checks:\n\n${notes}`;
  process.stdout.write(`\n${machine}\n${conditions}\n\n${table}${notesBlock}\n`);
  if (options.write) {
    const text = `# Benchmark results\n\nWritten by \`npm run bench\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, on ${machine}; ${conditions}. Rates are medians of alternating rounds in one Node process; the ratio is figure ÷ baseline for rates and baseline ÷ figure for times and sizes, so above 100% is better than the baseline either way; the last column says whether the row meets its target.\n\n${table}${notesBlock}\n`;
    await writeFile(new URL('./RESULTS.md', import.meta.url), text);
  }
}

await main();

// Every part closes what it started; should something still hold the process open once the
// report is written, the run ends anyway and names what was left open rather than hanging.
setTimeout(() => {
  process.stderr.write(
    `bench: still open after the report: ${process.getActiveResourcesInfo().join(', ')}\n`,
  );
  process.exit(process.exitCode ?? 0);
}, 5_000).unref();
