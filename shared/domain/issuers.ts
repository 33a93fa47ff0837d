import { randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import { publicKeyToMultikey } from '#shared/credentials/crypto/multikey.ts';
import type { Signer, SigningAlgorithm } from '#shared/credentials/crypto/signer.ts';
import { ServiceError } from './errors.ts';
import type { Page } from './ports/repositories.ts';
import { issuerDid, type ServiceContext, urls } from './ports/service-context.ts';
import { type Principal, requireIssuerScope, requireRole } from './principal.ts';
import type { IssuerKeyRecord, IssuerRecord } from './records/records.ts';

/** The algorithms every issuer gets a key for: VC-JWT (ES256, RS256) and Data Integrity (EdDSA). */
export const ISSUER_ALGORITHMS: readonly SigningAlgorithm[] = ['ES256', 'RS256', 'EdDSA'];

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export interface OnboardIssuerInput {
  readonly id: string;
  readonly name: string;
  readonly url?: string;
  readonly email?: string;
  readonly description?: string;
  readonly image?: string;
}

export interface IssuerView {
  readonly id: string;
  readonly did: string;
  readonly name: string;
  readonly profile: IssuerRecord['profile'];
  readonly didDocument: string;
  readonly keys: readonly {
    readonly id: string;
    readonly algorithm: SigningAlgorithm;
    readonly status: string;
    readonly createdAt: string;
    readonly retiredAt?: string;
  }[];
  readonly createdAt: string;
}

/** `es256-20261123T221210123-3f9a`: sortable by time, and unique even within a millisecond. */
function keyIdFor(algorithm: SigningAlgorithm, at: string): string {
  return `${algorithm.toLowerCase()}-${at.replace(/[-:.Z]/g, '')}-${randomBytes(2).toString('hex')}`;
}

/** A new key in the vault and its record, not yet stored. */
async function newKey(
  ctx: ServiceContext,
  issuerId: string,
  algorithm: SigningAlgorithm,
): Promise<IssuerKeyRecord> {
  const createdAt = ctx.clock.now().toISOString();
  const { keyRef, signer } = await ctx.vault.createKey(issuerId, algorithm);
  const { kid: _vaultKid, ...publicJwk } = await signer.publicJwk();
  const key: IssuerKeyRecord = {
    issuerId,
    keyId: keyIdFor(algorithm, createdAt),
    algorithm,
    keyRef,
    publicJwk,
    status: 'active',
    createdAt,
  };
  return key;
}

async function createKey(
  ctx: ServiceContext,
  issuerId: string,
  algorithm: SigningAlgorithm,
): Promise<IssuerKeyRecord> {
  const key = await newKey(ctx, issuerId, algorithm);
  await ctx.issuers.putKey(key);
  return key;
}

export function issuerView(
  ctx: ServiceContext,
  issuer: IssuerRecord,
  keys: readonly IssuerKeyRecord[],
): IssuerView {
  return {
    id: issuer.id,
    did: issuer.did,
    name: issuer.profile.name,
    profile: issuer.profile,
    didDocument: urls.didDocument(ctx.baseUrl, issuer.id),
    keys: keys.map((key) => ({
      id: `${issuer.did}#${key.keyId}`,
      algorithm: key.algorithm,
      status: key.status,
      createdAt: key.createdAt,
      ...(key.retiredAt ? { retiredAt: key.retiredAt } : {}),
    })),
    createdAt: issuer.createdAt,
  };
}

/**
 * Onboards an issuer: a did:web identity served by this service and one signing key per
 * algorithm, created in the key vault (KMS in AWS). Platform admins only.
 *
 * @example
 * const issuer = await onboardIssuer(ctx, admin, { id: 'northfield', name: 'Northfield College' });
 */
export async function onboardIssuer(
  ctx: ServiceContext,
  principal: Principal,
  input: OnboardIssuerInput,
): Promise<IssuerView> {
  requireRole(principal, ['platform-admin']);
  if (!SLUG.test(input.id)) {
    throw new ServiceError('VALIDATION', 'the issuer id must be a lower-case slug', {
      fields: [
        { pointer: '/id', detail: 'lower-case letters, digits and inner hyphens, 1–63 characters' },
      ],
    });
  }
  const { id, ...profile } = input;
  const issuer: IssuerRecord = {
    id,
    did: issuerDid(ctx.baseUrl, id),
    profile,
    createdAt: ctx.clock.now().toISOString(),
  };
  // Refused before any key is made in the vault; the write below still settles a race.
  if (await ctx.issuers.get(id)) throw new ServiceError('CONFLICT', `issuer ${id} already exists`);
  const keys: IssuerKeyRecord[] = [];
  for (const algorithm of ISSUER_ALGORITHMS) keys.push(await newKey(ctx, id, algorithm));
  // The issuer and its keys in one write: a failure (an outage) leaves no issuer without keys,
  // which would serve an empty DID document and refuse the retry as a conflict.
  await ctx.issuers.create(issuer, keys);
  return issuerView(ctx, issuer, keys);
}

/** The issuer, or NOT_FOUND. */
export async function requireIssuer(ctx: ServiceContext, issuerId: string): Promise<IssuerRecord> {
  const issuer = await ctx.issuers.get(issuerId);
  if (!issuer) throw new ServiceError('NOT_FOUND', `no issuer ${issuerId}`);
  return issuer;
}

/**
 * The issuer as its admins see it.
 *
 * @example
 * const issuer = await getIssuer(ctx, principal, 'northfield');
 */
export async function getIssuer(
  ctx: ServiceContext,
  principal: Principal,
  issuerId: string,
): Promise<IssuerView> {
  requireIssuerScope(principal, issuerId);
  const issuer = await requireIssuer(ctx, issuerId);
  return issuerView(ctx, issuer, await ctx.issuers.listKeys(issuerId));
}

/** An issuer as the platform's list shows it: enough to recognise it and open its console. */
export interface IssuerSummary {
  readonly id: string;
  readonly did: string;
  readonly name: string;
  readonly didDocument: string;
  readonly createdAt: string;
}

/**
 * One page of every issuer on the platform, in id order. Platform admins only: an issuer
 * admin sees its own issuer with {@link getIssuer}, never the others.
 *
 * @example
 * const { items, cursor } = await listIssuers(ctx, admin);
 */
export async function listIssuers(
  ctx: ServiceContext,
  principal: Principal,
  cursor?: string,
): Promise<Page<IssuerSummary>> {
  requireRole(principal, ['platform-admin']);
  const page = await ctx.issuers.list(cursor);
  return {
    items: page.items.map((issuer) => ({
      id: issuer.id,
      did: issuer.did,
      name: issuer.profile.name,
      didDocument: urls.didDocument(ctx.baseUrl, issuer.id),
      createdAt: issuer.createdAt,
    })),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
}

/**
 * Replaces the issuer's active key for `algorithm` with a new one. The old key is retired, not
 * deleted: it stays in the DID document and JWKS so credentials it signed still verify.
 *
 * @example
 * await rotateKey(ctx, principal, 'northfield', 'ES256');
 */
export async function rotateKey(
  ctx: ServiceContext,
  principal: Principal,
  issuerId: string,
  algorithm: SigningAlgorithm,
): Promise<IssuerView> {
  requireIssuerScope(principal, issuerId);
  const issuer = await requireIssuer(ctx, issuerId);
  const previous = (await ctx.issuers.listKeys(issuerId)).filter(
    (key) => key.algorithm === algorithm && key.status === 'active',
  );
  await createKey(ctx, issuerId, algorithm);
  const at = ctx.clock.now().toISOString();
  for (const key of previous) await ctx.issuers.retireKey(issuerId, key.keyId, at);
  return issuerView(ctx, issuer, await ctx.issuers.listKeys(issuerId));
}

/**
 * The signer of the issuer's active key for `algorithm`, with the verification method id to
 * name in a proof.
 *
 * @example
 * const { signer, verificationMethod } = await activeSigner(ctx, 'northfield', 'ES256');
 */
export async function activeSigner(
  ctx: ServiceContext,
  issuer: IssuerRecord,
  algorithm: SigningAlgorithm,
): Promise<{ readonly signer: Signer; readonly verificationMethod: string }> {
  const keys = await ctx.issuers.listKeys(issuer.id);
  const key = keys
    .filter((candidate) => candidate.algorithm === algorithm && candidate.status === 'active')
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  if (!key)
    throw new ServiceError('CONFLICT', `issuer ${issuer.id} has no active ${algorithm} key`);
  return {
    signer: await ctx.vault.signerFor(key.keyRef, algorithm),
    verificationMethod: `${issuer.did}#${key.keyId}`,
  };
}

function verificationMethod(issuer: IssuerRecord, key: IssuerKeyRecord): Record<string, unknown> {
  const id = `${issuer.did}#${key.keyId}`;
  if (key.algorithm === 'EdDSA') {
    return {
      id,
      type: 'Multikey',
      controller: issuer.did,
      publicKeyMultibase: publicKeyToMultikey(key.publicJwk),
    };
  }
  return {
    id,
    type: 'JsonWebKey',
    controller: issuer.did,
    publicKeyJwk: { ...key.publicJwk, kid: id },
  };
}

/**
 * The issuer's DID document: every key, active and retired, authorised for assertions.
 *
 * @example
 * const document = await didDocument(ctx, 'northfield');
 */
export async function didDocument(
  ctx: ServiceContext,
  issuerId: string,
): Promise<Record<string, unknown>> {
  const issuer = await requireIssuer(ctx, issuerId);
  const keys = await ctx.issuers.listKeys(issuerId);
  const methods = keys.map((key) => verificationMethod(issuer, key));
  return {
    '@context': [
      'https://www.w3.org/ns/did/v1',
      'https://w3id.org/security/multikey/v1',
      'https://w3id.org/security/jwk/v1',
    ],
    id: issuer.did,
    verificationMethod: methods,
    assertionMethod: methods.map((method) => method.id),
  };
}

/**
 * The issuer's JWKS: the VC-JWT keys (ES256, RS256) with their full verification method ids
 * as `kid`.
 *
 * @example
 * const { keys } = await jwks(ctx, 'northfield');
 */
export async function jwks(ctx: ServiceContext, issuerId: string): Promise<{ keys: JWK[] }> {
  const issuer = await requireIssuer(ctx, issuerId);
  const keys = await ctx.issuers.listKeys(issuerId);
  return {
    keys: keys.map((key) => ({
      ...key.publicJwk,
      kid: `${issuer.did}#${key.keyId}`,
      alg: key.algorithm,
      use: 'sig',
    })),
  };
}
