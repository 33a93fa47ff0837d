import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { calculateJwkThumbprint, type JSONWebKeySet, type JWK, SignJWT } from 'jose';
import { type Clock, systemClock } from '#shared/core/clock.ts';

/**
 * A token issuer for local development only: it stands in for the identity provider so
 * `npm start` can hand out bearer tokens for demo users. Its key lives in a 0600 file under
 * `.data/`; nothing here is meant for, or reachable from, a deployed stack.
 */

export const DEV_ISSUER = 'http://127.0.0.1/credstack-dev';
export const DEV_AUDIENCE = 'credstack';
export const DEV_KEY_FILE = 'dev-token-key.pem';
const DEFAULT_TTL_SECONDS = 30 * 24 * 60 * 60;

export interface DevTokenClaims {
  readonly sub: string;
  readonly roles: readonly string[];
  readonly issuerId?: string;
  readonly learnerId?: string;
  readonly employerId?: string;
  readonly tenantId?: string;
  /** Sent with `email_verified: true`, as an identity provider does once the address is proven. */
  readonly email?: string;
  /** DIDs linked to the account (`credstack:dids`): imports addressed to them are the learner's. */
  readonly dids?: readonly string[];
}

export interface DevIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** The public key, as the service's token verifier would fetch it from a JWKS URL. */
  readonly jwks: JSONWebKeySet;
  sign(claims: DevTokenClaims, ttlSeconds?: number): Promise<string>;
}

export interface DevToken {
  readonly token: string;
  readonly description: string;
}

function assertPrivate(mode: number, path: string): void {
  if ((mode & 0o077) !== 0)
    throw new Error(
      `${path} is readable by other users (mode ${(mode & 0o777).toString(8)}); ` +
        `run \`chmod 600 ${path}\` or delete it to have a new key made`,
    );
}

async function readOrCreateKey(path: string): Promise<KeyObject> {
  try {
    const info = await stat(path);
    assertPrivate(info.mode, path);
    return createPrivateKey(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  try {
    // 'wx' so two processes starting together never overwrite each other's key.
    await writeFile(path, pem, { mode: 0o600, flag: 'wx' });
    return privateKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return createPrivateKey(await readFile(path, 'utf8'));
  }
}

/**
 * Loads the dev token key from `dir` (creating it, once, with mode 0600) and returns an
 * issuer that signs ES256 access tokens with credstack's claims.
 *
 * @example
 * const dev = await loadOrCreateDevIssuer('.data/keys');
 * const token = await dev.sign({ sub: 'admin', roles: ['admin'] });
 */
export async function loadOrCreateDevIssuer(
  dir: string,
  options: { readonly clock?: Clock } = {},
): Promise<DevIssuer> {
  const clock = options.clock ?? systemClock;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const privateKey = await readOrCreateKey(join(dir, DEV_KEY_FILE));
  if (
    privateKey.asymmetricKeyType !== 'ec' ||
    privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  )
    throw new Error(`${join(dir, DEV_KEY_FILE)} is not a P-256 key`);
  const { kty, crv, x, y } = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
  const publicJwk: JWK = { kty, crv, x, y };
  const kid = await calculateJwkThumbprint(publicJwk);
  const jwk: JWK = { ...publicJwk, kid, alg: 'ES256', use: 'sig' };

  return {
    issuer: DEV_ISSUER,
    audience: DEV_AUDIENCE,
    jwks: { keys: [jwk] },
    async sign(claims, ttlSeconds = DEFAULT_TTL_SECONDS) {
      const iat = Math.floor(clock.now().getTime() / 1000);
      const payload: Record<string, unknown> = { 'credstack:roles': [...claims.roles] };
      if (claims.issuerId !== undefined) payload['credstack:issuer_id'] = claims.issuerId;
      if (claims.learnerId !== undefined) payload['credstack:learner_id'] = claims.learnerId;
      if (claims.employerId !== undefined) payload['credstack:employer_id'] = claims.employerId;
      if (claims.tenantId !== undefined) payload['credstack:tenant_id'] = claims.tenantId;
      if (claims.email !== undefined) {
        payload.email = claims.email;
        payload.email_verified = true;
      }
      if (claims.dids !== undefined) payload['credstack:dids'] = [...claims.dids];
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setSubject(claims.sub)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .sign(privateKey);
    },
  };
}

/**
 * Writes the demo tokens (`.data/dev-tokens.json`) readable by the owner only, replacing the
 * file atomically so a reader never sees half of it.
 *
 * @example
 * await writeDevTokens('.data/dev-tokens.json', { admin: { token, description: 'platform admin' } });
 */
export async function writeDevTokens(
  path: string,
  tokens: Record<string, DevToken>,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  // writeFile's mode applies only on creation; a leftover temporary file keeps its own.
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}
