import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateDevIssuer, writeDevTokens } from '#local/dev-tokens.ts';
import { fixedClock } from '#shared/core/clock.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dev-tokens-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadOrCreateDevIssuer', () => {
  it('creates an owner-only ES256 key file once and reuses it on the next load', async () => {
    const keyDir = join(dir, 'keys');

    const first = await loadOrCreateDevIssuer(keyDir);
    const pem = await readFile(join(keyDir, 'dev-token-key.pem'), 'utf8');
    const mode = (await stat(join(keyDir, 'dev-token-key.pem'))).mode & 0o777;
    const second = await loadOrCreateDevIssuer(keyDir);

    expect(mode).toBe(0o600);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(second.jwks).toEqual(first.jwks);
    expect(await readFile(join(keyDir, 'dev-token-key.pem'), 'utf8')).toBe(pem);
    expect(first.issuer).toBe('http://127.0.0.1/credstack-dev');
    expect(first.audience).toBe('credstack');
  });

  it('publishes only the public key in its JWKS', async () => {
    const dev = await loadOrCreateDevIssuer(dir);

    const [key, ...rest] = dev.jwks.keys;

    expect(rest).toEqual([]);
    expect(Object.keys(key ?? {}).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
  });

  it('signs tokens that verify against its JWKS with credstack claims', async () => {
    const dev = await loadOrCreateDevIssuer(dir, { clock: fixedClock('2026-03-01T00:00:00Z') });

    const token = await dev.sign(
      { sub: 'user-ada', roles: ['learner', 'employer'], learnerId: 'ada', employerId: 'acme' },
      3600,
    );
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(dev.jwks), {
      issuer: 'http://127.0.0.1/credstack-dev',
      audience: 'credstack',
      currentDate: new Date('2026-03-01T00:30:00Z'),
    });

    expect(protectedHeader).toEqual({ alg: 'ES256', kid: dev.jwks.keys[0]?.kid, typ: 'JWT' });
    expect(payload).toEqual({
      sub: 'user-ada',
      'credstack:roles': ['learner', 'employer'],
      'credstack:learner_id': 'ada',
      'credstack:employer_id': 'acme',
      iss: 'http://127.0.0.1/credstack-dev',
      aud: 'credstack',
      iat: 1772323200,
      exp: 1772323200 + 3600,
    });
  });

  it('gives tokens a 30-day lifetime by default', async () => {
    const dev = await loadOrCreateDevIssuer(dir, { clock: fixedClock('2026-03-01T00:00:00Z') });

    const token = await dev.sign({ sub: 'admin', roles: ['admin'], issuerId: 'northfield' });
    const { payload } = await jwtVerify(token, createLocalJWKSet(dev.jwks), {
      currentDate: new Date('2026-03-01T00:00:00Z'),
    });

    expect(payload.exp).toBe(1772323200 + 30 * 24 * 3600);
    expect(payload['credstack:issuer_id']).toBe('northfield');
    expect(payload['credstack:learner_id']).toBeUndefined();
  });

  it('produces tokens another dev key does not verify', async () => {
    const dev = await loadOrCreateDevIssuer(join(dir, 'a'));
    const other = await loadOrCreateDevIssuer(join(dir, 'b'));

    const token = await dev.sign({ sub: 'x', roles: [] });

    expect(decodeProtectedHeader(token).kid).toBe(dev.jwks.keys[0]?.kid);
    await expect(jwtVerify(token, createLocalJWKSet(other.jwks))).rejects.toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
  });

  it('refuses a key file that other users can read', async () => {
    await writeFile(join(dir, 'dev-token-key.pem'), 'irrelevant', { mode: 0o644 });

    await expect(loadOrCreateDevIssuer(dir)).rejects.toThrow(
      /readable by other users \(mode 644\)/,
    );
  });
});

describe('writeDevTokens', () => {
  it('writes the tokens as owner-only JSON, replacing an earlier file', async () => {
    const path = join(dir, 'nested', 'dev-tokens.json');
    await writeDevTokens(path, { old: { token: 'a', description: 'old' } });

    await writeDevTokens(path, { admin: { token: 'ey.x.y', description: 'platform admin' } });

    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      admin: { token: 'ey.x.y', description: 'platform admin' },
    });
  });
});
