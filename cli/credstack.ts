import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { HttpsFetcher } from '#shared/adapters/https/https-fetcher.ts';
import { loopbackOverHttp } from '#shared/adapters/https/loopback-http.ts';
import { fixedClock, systemClock } from '#shared/core/clock.ts';
import { CachingFetcher } from '#shared/credentials/fetch/caching-fetcher.ts';
import type { VerificationReport } from '#shared/credentials/verify/report.ts';
import { createVerifier } from '#shared/credentials/verify/verifier.ts';
import { formatReport } from './format-report.ts';

/**
 * The credstack command line: the CLI's composition root. It wires the real HTTPS fetcher
 * (public addresses only unless told otherwise) into the verifier and maps the verdict to
 * an exit code: 0 valid, 1 not valid, 2 unusable input or usage error.
 */

const USAGE = `usage: credstack verify <file> [--pretty] [--no-status] [--now <ISO date>] [--allow-private-network]

  <file>   an Open Badges 3.0 credential: JSON (.json, .1ob), VC-JWT (.jwt, .jws),
           or a baked badge image (.png, .svg)
  --pretty                 a readable summary instead of the JSON report
  --no-status              do not fetch status lists
  --now <date>             verify as of this instant (validity window)
  --allow-private-network  let the fetcher reach loopback/private addresses, and reach
                           https loopback URLs over http (credentials from npm start)

exit status: 0 valid, 1 not valid, 2 unusable input`;

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, file, ...rest] = positionals;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command !== 'verify' || file === undefined || rest.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (values.now !== undefined && Number.isNaN(Date.parse(values.now))) {
    process.stderr.write(`--now: "${values.now}" is not a date\n`);
    return 2;
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    process.stderr.write(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`,
    );
    return 2;
  }
  const allowPrivate = values['allow-private-network'] === true;
  const https = new HttpsFetcher({
    allowPrivateAddresses: allowPrivate,
    allowHttpLoopback: allowPrivate,
  });
  const fetcher = new CachingFetcher(allowPrivate ? loopbackOverHttp(https) : https);
  const verifier = createVerifier({
    fetcher,
    clock: values.now === undefined ? systemClock : fixedClock(values.now),
    checkStatus: values['no-status'] !== true,
  });
  const report = await verifier.verify(bytes);
  process.stdout.write(
    values.pretty ? formatReport(report) : `${JSON.stringify(report, null, 2)}\n`,
  );
  return exitCode(report);
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      pretty: { type: 'boolean' },
      'no-status': { type: 'boolean' },
      now: { type: 'string' },
      'allow-private-network': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** 0 valid, 1 not valid, 2 unusable. */
export function exitCode(report: VerificationReport): number {
  if (report.verdict === 'valid') return 0;
  return report.verdict === 'unusable' ? 2 : 1;
}

process.exitCode = await main(process.argv.slice(2));
