import { signVcJwt } from '#shared/proof/vc-jwt-sign.ts';
import { createBitstring, encodeBitstring, setBit } from '#shared/status/bitstring.ts';
import { type ServiceContext, urls } from './context.ts';
import { ServiceError } from './errors.ts';
import { credentialJson, requireCredential } from './issuance.ts';
import { activeSigner, requireIssuer } from './issuers.ts';
import type { StatusPurpose } from './ports.ts';
import { type Principal, requireIssuerScope } from './principal.ts';
import type { CredentialRecord, CredentialState, StateReason } from './records.ts';

/**
 * Revocation and suspension. A credential's one status entry is for the purpose its
 * achievement chose; revoking a suspendable credential suspends it for good.
 */

function purposeOf(record: CredentialRecord): StatusPurpose {
  const entry = credentialJson(record).credentialStatus as { statusPurpose?: unknown } | undefined;
  return entry?.statusPurpose === 'suspension' ? 'suspension' : 'revocation';
}

const TRANSITIONS: Record<CredentialState, readonly CredentialState[]> = {
  active: ['revoked', 'suspended'],
  suspended: ['active', 'revoked'],
  revoked: [],
};

/**
 * Changes a credential's status: `revoked` (permanent), `suspended`, or `active` (reinstate a
 * suspended one). The state change is a conditional write, so two concurrent changes cannot
 * both apply; the status-list bit is set with an atomic set operation.
 *
 * @example
 * await changeStatus(ctx, admin, credentialId, 'revoked');
 */
export async function changeStatus(
  ctx: ServiceContext,
  principal: Principal,
  credentialId: string,
  to: CredentialState,
  options: { readonly reason?: StateReason } = {},
): Promise<CredentialRecord> {
  const record = await requireCredential(ctx, credentialId);
  requireIssuerScope(principal, record.issuerId);
  if (record.state === to) {
    // A retry after the state was written but the bit was not: set the bit again (idempotent).
    await ctx.statusLists.setBit(record.status, purposeOf(record), to !== 'active');
    return record;
  }
  if (!TRANSITIONS[record.state].includes(to)) {
    throw new ServiceError('CONFLICT', `a ${record.state} credential cannot become ${to}`);
  }
  const purpose = purposeOf(record);
  if (purpose === 'revocation' && to === 'suspended') {
    throw new ServiceError(
      'CONFLICT',
      'this credential is revocable, not suspendable: its achievement issues revocation status entries',
    );
  }
  await ctx.credentials.setState(credentialId, record.state, to, options.reason);
  await ctx.statusLists.setBit(record.status, purpose, to !== 'active');
  const { stateReason: _previous, ...rest } = record;
  return { ...rest, state: to, ...(options.reason ? { stateReason: options.reason } : {}) };
}

const signedLists = new Map<string, { readonly revision: number; readonly jwt: string }>();

/**
 * The status list credential for `listId` and `purpose`, as a VC-JWT signed by the issuer's
 * active ES256 key. Signed once per revision of the list and cached.
 *
 * @example
 * const jwt = await statusListCredential(ctx, 'northfield.1', 'revocation');
 */
export async function statusListCredential(
  ctx: ServiceContext,
  listId: string,
  purpose: StatusPurpose,
): Promise<string> {
  const issuerId = listId.slice(0, listId.lastIndexOf('.'));
  const list = await ctx.statusLists.read(listId, purpose);
  if (!list || issuerId === '') throw new ServiceError('NOT_FOUND', `no status list ${listId}`);
  const cacheKey = `${ctx.baseUrl} ${listId} ${purpose}`;
  const cached = signedLists.get(cacheKey);
  if (cached && cached.revision === list.revision) return cached.jwt;
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
  signedLists.set(cacheKey, { revision: list.revision, jwt });
  return jwt;
}
