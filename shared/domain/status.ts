import { FreshReads } from '#shared/core/fresh-reads.ts';
import { signVcJwt } from '#shared/credentials/proof/vc-jwt-sign.ts';
import { createBitstring, encodeBitstring, setBit } from '#shared/credentials/status/bitstring.ts';
import { ServiceError } from './errors.ts';
import { credentialJson, requireCredential } from './issuance.ts';
import { activeSigner, requireIssuer } from './issuers.ts';
import type { StatusListRepository, StatusPurpose } from './ports/repositories.ts';
import { type ServiceContext, urls } from './ports/service-context.ts';
import { type Principal, requireIssuerScope } from './principal.ts';
import type { CredentialRecord, CredentialState, StateReason } from './records/records.ts';

/**
 * Revocation and suspension. A credential's one status entry is for the purpose its
 * achievement chose; revoking a suspendable credential suspends it for good.
 */

/**
 * The purpose of the credential's status entry: which list holds its bit.
 *
 * @example
 * statusPurposeOf(record); // 'revocation'
 */
export function statusPurposeOf(record: CredentialRecord): StatusPurpose {
  const entry = credentialJson(record).credentialStatus as { statusPurpose?: unknown } | undefined;
  return entry?.statusPurpose === 'suspension' ? 'suspension' : 'revocation';
}

const TRANSITIONS: Record<CredentialState, readonly CredentialState[]> = {
  active: ['revoked', 'suspended'],
  suspended: ['active', 'revoked'],
  revoked: [],
};

// Re-decisions after losing a race: each loss means another change committed in between.
const MAX_ATTEMPTS = 8;

/**
 * Changes a credential's status: `revoked` (permanent), `suspended`, or `active` (reinstate a
 * suspended one). Linearizable: the state and its status bit change in one transaction,
 * conditional on the state this call read (`CredentialRepository.setState`). A call that loses
 * a race to another change reads the credential again and decides anew — its change applies on
 * top (a revocation after a reinstatement), is already done (a no-op), or is no longer allowed
 * (CONFLICT: reinstating a credential just revoked). A change to the state the credential is
 * already in writes nothing, unless its bit disagrees (left by a change made before state and
 * bit moved together): then the bit is repaired, conditional on the state still holding.
 *
 * @example
 * await changeStatus(ctx, admin, credentialId, 'revoked');
 */
export async function changeStatus(
  ctx: ServiceContext,
  principal: Principal,
  credentialId: string,
  to: CredentialState,
  options: { readonly reason?: StateReason; readonly note?: string } = {},
): Promise<CredentialRecord> {
  for (let attempt = 1; ; attempt += 1) {
    const record = await requireCredential(ctx, credentialId);
    requireIssuerScope(principal, record.issuerId);
    const status = { assignment: record.status, purpose: statusPurposeOf(record) };
    if (record.state === to) {
      const bit = await ctx.statusLists.getBit(status.assignment, status.purpose);
      if (bit === (to !== 'active')) return record;
      if (await raced(attempt, ctx.credentials.syncStatusBit(credentialId, to, status))) continue;
      return record;
    }
    if (!TRANSITIONS[record.state].includes(to)) {
      throw new ServiceError('CONFLICT', `a ${record.state} credential cannot become ${to}`);
    }
    if (status.purpose === 'revocation' && to === 'suspended') {
      throw new ServiceError(
        'CONFLICT',
        'this credential is revocable, not suspendable: its achievement issues revocation status entries',
      );
    }
    const write = ctx.credentials.setState(credentialId, {
      from: record.state,
      to,
      status,
      ...(options.reason ? { reason: options.reason } : {}),
      ...(options.note ? { note: options.note } : {}),
    });
    if (await raced(attempt, write)) continue;
    const { stateReason: _previous, ...rest } = record;
    return { ...rest, state: to, ...(options.reason ? { stateReason: options.reason } : {}) };
  }
}

/**
 * Waits for a conditional write: false when it applied, true when it lost to a change that
 * committed since the credential was read (its CONFLICT), so the caller reads again. Past
 * MAX_ATTEMPTS the CONFLICT is the answer: the credential keeps changing under this request.
 */
async function raced(attempt: number, write: Promise<void>): Promise<boolean> {
  try {
    await write;
    return false;
  } catch (error) {
    if (error instanceof ServiceError && error.code === 'CONFLICT' && attempt < MAX_ATTEMPTS) {
      return true;
    }
    throw error;
  }
}

/** A status list credential and the revision of the list it was signed at. */
export interface SignedStatusList {
  /**
   * The meta item's revision read before the bits were: the signed list holds every change up
   * to it (and perhaps newer ones), so a later read of the same revision means it is current.
   */
  readonly revision: number;
  /** The status list credential, a VC-JWT. */
  readonly jwt: string;
}

const signedLists = new Map<string, SignedStatusList>();

/**
 * Revision reads, coalesced per list: a burst of verifications of one issuer's credentials
 * shares reads, yet each is answered by a read sent after it arrived (see FreshReads), so a
 * change committed before a verification arrives is always seen.
 */
const revisionReads = new FreshReads<StatusListRepository, number | undefined>();

/**
 * The revision of list `listId` as a strongly consistent read sent after `since`
 * (`performance.now()` of this thread; default: the moment of the call) reports it; undefined
 * when the list does not exist. Concurrent callers of one list share reads (FreshReads).
 *
 * @example
 * const revision = await freshStatusListRevision(ctx.statusLists, 'northfield.1', arrived);
 */
export function freshStatusListRevision(
  statusLists: StatusListRepository,
  listId: string,
  since?: number,
): Promise<number | undefined> {
  return revisionReads.read(statusLists, listId, () => statusLists.revision(listId), since);
}

/**
 * The status list credential for `listId` and `purpose`, as a VC-JWT signed by the issuer's
 * active ES256 key. Signed once per revision of the list and cached. It reflects every change
 * committed before `freshSince` (`performance.now()` of this thread; default: the moment of
 * the call), the moment the verification that asks for it arrived.
 *
 * @example
 * const jwt = await statusListCredential(ctx, 'northfield.1', 'revocation');
 */
export async function statusListCredential(
  ctx: ServiceContext,
  listId: string,
  purpose: StatusPurpose,
  freshSince?: number,
): Promise<string> {
  return (await signedStatusList(ctx, listId, purpose, freshSince)).jwt;
}

/**
 * {@link statusListCredential} with the revision it was signed at, for a reader that keeps
 * the list and later checks, with a revision read of its own, that it is still current.
 *
 * @example
 * const { jwt, revision } = await signedStatusList(ctx, 'northfield.1', 'revocation');
 */
export async function signedStatusList(
  ctx: ServiceContext,
  listId: string,
  purpose: StatusPurpose,
  freshSince?: number,
): Promise<SignedStatusList> {
  const issuerId = listId.slice(0, listId.lastIndexOf('.'));
  const cacheKey = `${ctx.baseUrl} ${listId} ${purpose}`;
  const cached = signedLists.get(cacheKey);
  // Every request is answered by a read of the revision (a strongly consistent read of one
  // small item) sent after it arrived, so a change is served at once; concurrent requests
  // share such reads. Only a changed list costs the read of its bits and a signature.
  if (
    cached &&
    issuerId !== '' &&
    (await freshStatusListRevision(ctx.statusLists, listId, freshSince)) === cached.revision
  )
    return cached;
  const list = await ctx.statusLists.read(listId, purpose);
  if (!list || issuerId === '') throw new ServiceError('NOT_FOUND', `no status list ${listId}`);
  const issuer = await requireIssuer(ctx, issuerId);
  const bits = createBitstring(list.size);
  for (const index of list.setIndexes) setBit(bits, index, true);
  const url = urls.statusList(ctx.baseUrl, listId, purpose);
  const { signer, verificationMethod } = await activeSigner(ctx, issuer, 'ES256');
  const jwt = await signVcJwt(
    {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: url,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: issuer.did,
      validFrom: ctx.clock
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      credentialSubject: {
        id: `${url}#list`,
        type: 'BitstringStatusList',
        statusPurpose: purpose,
        encodedList: encodeBitstring(bits),
      },
    },
    signer,
    { kid: verificationMethod },
  );
  const signed = { revision: list.revision, jwt };
  signedLists.set(cacheKey, signed);
  return signed;
}
