import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  baseUrlOfLocalDid,
  checkBaseUrl,
  listenFailure,
  RUNTIME_RECORD_FILE,
  recordBaseUrl,
  recordedBaseUrl,
  StartRefused,
} from '#local/runtime-guard.ts';
import { issuerDid } from '#shared/domain/ports/service-context.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runtime-guard-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the data folder’s base URL', () => {
  it('is unknown for a folder without a record, and read back once recorded (owner-only)', async () => {
    const before = await recordedBaseUrl(dir);

    await recordBaseUrl(dir, 'http://127.0.0.1:3000');

    expect(before).toBeUndefined();
    expect(await recordedBaseUrl(dir)).toBe('http://127.0.0.1:3000');
    expect((await stat(join(dir, RUNTIME_RECORD_FILE))).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(join(dir, RUNTIME_RECORD_FILE), 'utf8'))).toEqual({
      baseUrl: 'http://127.0.0.1:3000',
    });
  });

  it('refuses a malformed record, naming the file', async () => {
    await writeFile(join(dir, RUNTIME_RECORD_FILE), '{"baseUrl": 3000}');

    await expect(recordedBaseUrl(dir)).rejects.toThrow(StartRefused);
    await expect(recordedBaseUrl(dir)).rejects.toThrow(RUNTIME_RECORD_FILE);
  });

  it('lets the recorded address (or none) start, and refuses another port saying how to keep the old one', () => {
    const refusal = () => checkBaseUrl('http://127.0.0.1:3000', 'http://127.0.0.1:4000', '.data');

    expect(() => checkBaseUrl(undefined, 'http://127.0.0.1:4000', '.data')).not.toThrow();
    expect(() =>
      checkBaseUrl('http://127.0.0.1:4000', 'http://127.0.0.1:4000', '.data'),
    ).not.toThrow();
    expect(refusal).toThrow(StartRefused);
    expect(refusal).toThrow(
      ".data belongs to http://127.0.0.1:3000: its issuers' DIDs and credentials carry that address, so on port 4000 none of them would verify. Start with PORT=3000 to keep it, or move .data aside to start afresh on port 4000.",
    );
  });

  it('recovers the base URL a local issuer DID was made from', () => {
    for (const baseUrl of [
      'http://127.0.0.1:3000',
      'http://127.0.0.1:51234',
      'http://localhost/api/v1',
    ]) {
      expect(baseUrlOfLocalDid(issuerDid(baseUrl, 'northfield'))).toBe(baseUrl);
    }
    expect(
      baseUrlOfLocalDid('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'),
    ).toBeUndefined();
  });
});

describe('listenFailure', () => {
  let held: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (held ? held.close(() => resolve()) : resolve()));
    held = undefined;
  });

  it('turns a busy port into one line saying what to do', async () => {
    held = createServer();
    await new Promise<void>((resolve) => held?.listen(0, '127.0.0.1', resolve));
    const port = (held.address() as { port: number }).port;
    const error = await new Promise<Error>((resolve) => {
      const second = createServer();
      second.once('error', resolve);
      second.listen(port, '127.0.0.1');
    });

    const refusal = listenFailure(error, port);

    expect(refusal).toBeInstanceOf(StartRefused);
    expect(refusal.message).toBe(
      `port ${port} on 127.0.0.1 is already in use (another npm start?); stop what listens there (e.g. lsof -i :${port}) and start again. Nothing was started or written.`,
    );
    expect(refusal.message).not.toContain('\n');
  });
});
