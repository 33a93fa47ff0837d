import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The part of `credstack verify`'s JSON report the tests assert on. */
export interface CliVerifyReport {
  readonly verdict: string;
  readonly issuerBinding: { readonly bound: boolean };
  /** For a CLR: the report of each credential it holds. */
  readonly credentials?: readonly CliVerifyReport[];
}

/**
 * Verifies a compact JWS credential with the command line, as a user would: written to a file,
 * `credstack verify --allow-private-network <file>` in a fresh Node process (so a did:web on
 * the local service resolves), its JSON report parsed. The file is removed afterwards.
 *
 * @example
 * const report = await verifyWithCli(issued.body.verifiableCredential);
 * expect([report.verdict, report.issuerBinding.bound]).toEqual(['valid', true]);
 */
export async function verifyWithCli(jwt: string): Promise<CliVerifyReport> {
  const dir = await mkdtemp(join(tmpdir(), 'credstack-cli-'));
  try {
    const file = join(dir, 'credential.jwt');
    await writeFile(file, jwt);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['cli/credstack.ts', 'verify', '--allow-private-network', file],
      { timeout: 30_000 },
    );
    return JSON.parse(stdout) as CliVerifyReport;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
