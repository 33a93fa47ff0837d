import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What `npm start` checks before it starts anything. The local runtime's base URL
 * (`http://127.0.0.1:$PORT`) is part of every issuer's did:web and of every credential's
 * issuer, status list and verification addresses, so the data folder belongs to the address it
 * was created for: the first start records it in `.data/runtime.json`, and a later start on
 * another port refuses — with the command that keeps the old address — rather than serve
 * credentials nobody can verify any more.
 */

export const RUNTIME_RECORD_FILE = 'runtime.json';

/** A start that must not go on; `message` is the one line to show. */
export class StartRefused extends Error {
  override readonly name = 'StartRefused';
}

interface RuntimeRecord {
  readonly baseUrl: string;
}

/**
 * The base URL the data folder `root` was created for, or undefined when it records none (a
 * new folder, or one from before the record existed). A malformed record is refused.
 *
 * @example
 * await recordedBaseUrl('.data'); // 'http://127.0.0.1:3000'
 */
export async function recordedBaseUrl(root: string): Promise<string | undefined> {
  const path = join(root, RUNTIME_RECORD_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    record = undefined;
  }
  const baseUrl = (record as Partial<RuntimeRecord> | undefined)?.baseUrl;
  if (typeof baseUrl !== 'string' || !URL.canParse(baseUrl)) {
    throw new StartRefused(
      `${path} is not a runtime record ({"baseUrl": "http://127.0.0.1:<port>"}); fix or remove it`,
    );
  }
  return baseUrl;
}

function portOf(baseUrl: string): string {
  const url = new URL(baseUrl);
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

/**
 * Refuses a start on `baseUrl` when the data folder was created for another address, saying
 * how to keep the old one or start afresh.
 *
 * @example
 * checkBaseUrl('http://127.0.0.1:3000', 'http://127.0.0.1:4000', '.data'); // throws StartRefused
 */
export function checkBaseUrl(recorded: string | undefined, baseUrl: string, root: string): void {
  if (recorded === undefined || recorded === baseUrl) return;
  throw new StartRefused(
    `${root} belongs to ${recorded}: its issuers' DIDs and credentials carry that address, so on ` +
      `port ${portOf(baseUrl)} none of them would verify. Start with PORT=${portOf(recorded)} to ` +
      `keep it, or move ${root} aside to start afresh on port ${portOf(baseUrl)}.`,
  );
}

/**
 * Records `baseUrl` as the data folder's address (written to a temporary file, then renamed,
 * so a crash never leaves half a record).
 *
 * @example
 * await recordBaseUrl('.data', 'http://127.0.0.1:3000');
 */
export async function recordBaseUrl(root: string, baseUrl: string): Promise<void> {
  const path = join(root, RUNTIME_RECORD_FILE);
  await writeFile(`${path}.tmp`, `${JSON.stringify({ baseUrl }, null, 2)}\n`, { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

/**
 * The one line to show for a failed listen: a busy port says so and what to do; anything else
 * keeps its own message.
 *
 * @example
 * listenFailure(error, 3000); // 'port 3000 is already in use (…)'
 */
export function listenFailure(error: unknown, port: number): StartRefused {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new StartRefused(
      `port ${port} on 127.0.0.1 is already in use (another npm start?); stop what listens there ` +
        `(e.g. lsof -i :${port}) and start again. Nothing was started or written.`,
    );
  }
  if (code === 'EACCES') {
    return new StartRefused(
      `port ${port} needs privileges this user lacks; use PORT=3000 or above.`,
    );
  }
  return new StartRefused(
    `cannot listen on 127.0.0.1:${port}: ${error instanceof Error ? error.message : String(error)}`,
  );
}

/**
 * The base URL a local issuer's did:web was made from (`did:web:127.0.0.1%3A3000:issuers:x` →
 * `http://127.0.0.1:3000`), or undefined for any other DID. For data folders from before the
 * address was recorded.
 *
 * @example
 * baseUrlOfLocalDid('did:web:127.0.0.1%3A3000:issuers:northfield'); // 'http://127.0.0.1:3000'
 */
export function baseUrlOfLocalDid(did: string): string | undefined {
  const match = /^did:web:([^:]+)((?::[^:]+)*):issuers:[^:]+$/.exec(did);
  if (!match?.[1]) return undefined;
  const host = decodeURIComponent(match[1]);
  const path = (match[2] ?? '').split(':').filter(Boolean).map(decodeURIComponent).join('/');
  return `http://${host}${path ? `/${path}` : ''}`;
}
