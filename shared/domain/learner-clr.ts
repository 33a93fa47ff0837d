import { randomUUID } from 'node:crypto';
import type { IdentityObject } from '#shared/credentials/model/types.ts';
import { buildClrCredential, type ClrLearner } from '#shared/credentials/present/clr.ts';
import { createEddsaRdfc2022Proof } from '#shared/credentials/proof/data-integrity-on-need.ts';
import { signVcJwt } from '#shared/credentials/proof/vc-jwt-sign.ts';
import { ServiceError } from './errors.ts';
import { credentialJson } from './issuance.ts';
import { activeSigner, requireIssuer } from './issuers.ts';
import { firstSubject, objectOrEmpty } from './learners.ts';
import { learnerCredentials } from './pathway-evaluation.ts';
import type { ServiceContext } from './ports/service-context.ts';
import { type Principal, requireLearnerScope } from './principal.ts';
import type { CredentialRecord, IssuerRecord } from './records/records.ts';

/**
 * A learner's credentials as one signed CLR 2.0 ClrCredential. Kept apart from the learner's
 * credential list: signing Data Integrity proofs needs jsonld and its contexts, which the
 * function serving the list should not carry.
 */

/**
 * Most credentials one CLR bundles. Each credential is a few kilobytes; past this the signed
 * record nears the 6 MB Lambda response limit.
 */
export const MAX_CLR_CREDENTIALS = 1000;

/** A learner's signed CLR and what went into it. */
export interface LearnerClr {
  /** The ClrCredential as a compact JWS (VC-JWT, ES256). */
  readonly jwt: string;
  readonly issuerId: string;
  readonly credentialIds: readonly string[];
}

async function allCredentials(ctx: ServiceContext, learnerId: string): Promise<CredentialRecord[]> {
  const records = await learnerCredentials(ctx, learnerId, MAX_CLR_CREDENTIALS);
  if (records.length > MAX_CLR_CREDENTIALS) {
    throw new ServiceError(
      'PAYLOAD_TOO_LARGE',
      `learner ${learnerId} has more than ${MAX_CLR_CREDENTIALS} credentials, more than one CLR holds`,
    );
  }
  return records;
}

function isIdentityObject(value: unknown): value is IdentityObject {
  const object = objectOrEmpty(value);
  return object.type === 'IdentityObject' && typeof object.identityHash === 'string';
}

/**
 * Who the CLR is about, from the credentials' own recipients: the first DID/URL recipient is
 * the subject `id`; further ones, and every hashed email, become `identifier` entries, so each
 * bundled credential's recipient can be matched to the record's subject.
 */
function learnerOf(records: readonly CredentialRecord[]): ClrLearner {
  const ids: string[] = [];
  const identities = new Map<string, IdentityObject>();
  for (const record of records) {
    if (record.recipient.id !== undefined) {
      if (!ids.includes(record.recipient.id)) ids.push(record.recipient.id);
      continue;
    }
    const identifier = firstSubject(credentialJson(record)).identifier;
    for (const identity of Array.isArray(identifier) ? identifier : []) {
      if (isIdentityObject(identity) && !identities.has(identity.identityHash))
        identities.set(identity.identityHash, identity);
    }
  }
  const [id, ...otherIds] = ids;
  const identifier: IdentityObject[] = [
    ...otherIds.map(
      (other): IdentityObject => ({
        type: 'IdentityObject',
        hashed: false,
        identityHash: other,
        identityType: 'identifier',
      }),
    ),
    ...identities.values(),
  ];
  return {
    ...(id === undefined ? {} : { id }),
    ...(identifier.length > 0 ? { identifier } : {}),
  };
}

/**
 * A credential as a CLR embeds it: a JSON object secured by an embedded proof. A Data
 * Integrity credential goes in as stored. A VC-JWT's credential (the same claims, the same
 * id and status entry) is secured by its own issuer with an `eddsa-rdfc-2022` proof, the form
 * of 1EdTech's CLR example: the issuer's Ed25519 key is in the same did:web document as the
 * key that signed the JWT, so a verifier ties both to the same issuer.
 */
async function embeddable(
  ctx: ServiceContext,
  record: CredentialRecord,
  signers: Map<string, Promise<Awaited<ReturnType<typeof activeSigner>>>>,
  created: string,
): Promise<Record<string, unknown>> {
  if (record.proofFormat !== 'vc-jwt') return JSON.parse(record.signed) as Record<string, unknown>;
  let signer = signers.get(record.issuerId);
  if (signer === undefined) {
    signer = requireIssuer(ctx, record.issuerId).then((issuer: IssuerRecord) =>
      activeSigner(ctx, issuer, 'EdDSA'),
    );
    signers.set(record.issuerId, signer);
  }
  const { signer: eddsa, verificationMethod } = await signer;
  const secured = await createEddsaRdfc2022Proof(credentialJson(record), eddsa, {
    verificationMethod,
    created,
  });
  return { ...secured, proof: [secured.proof].flat() };
}

/**
 * The learner's credentials as one CLR 2.0 ClrCredential, signed as a VC-JWT with the ES256
 * key of its issuer; each credential inside is an object with an embedded proof (see
 * {@link embeddable}), so the record meets the ClrCredential schema and a verifier checks
 * each credential on its own.
 *
 * What goes in: every credential of the learner except revoked ones (an issuer does not sign
 * over a claim it withdrew; a suspended credential stays, its own status entry tells
 * verifiers). Who signs: the credentials' issuer when they all have one; otherwise the
 * issuer of the first credential listed, i.e. the most recently issued: the CLR then vouches
 * for the bundle, while each credential inside still carries its own issuer's proof.
 * NOT_FOUND when the learner has no credential to bundle.
 *
 * @example
 * const { jwt } = await exportLearnerClr(ctx, principal, 'ada');
 */
export async function exportLearnerClr(
  ctx: ServiceContext,
  principal: Principal,
  learnerId: string,
): Promise<LearnerClr> {
  requireLearnerScope(principal, learnerId);
  const records = (await allCredentials(ctx, learnerId)).filter(
    (record) => record.state !== 'revoked',
  );
  const [first] = records;
  if (first === undefined) {
    throw new ServiceError('NOT_FOUND', `learner ${learnerId} has no credentials to export`);
  }
  // With one issuer the first credential's issuer is that issuer; with several it is the
  // newest credential's. A stored credential that fails to build is a fault (500), not the
  // caller's mistake, so the builder's error is left to propagate.
  const issuer = await requireIssuer(ctx, first.issuerId);
  const now = `${ctx.clock.now().toISOString().slice(0, 19)}Z`;
  const signers = new Map<string, Promise<Awaited<ReturnType<typeof activeSigner>>>>();
  const credentials: { signed: Record<string, unknown> }[] = [];
  // One at a time: canonicalization is CPU work, running them together only adds memory.
  for (const record of records) {
    credentials.push({ signed: await embeddable(ctx, record, signers, now) });
  }
  const clr = buildClrCredential({
    id: `urn:uuid:${randomUUID()}`,
    issuer: { id: issuer.did, name: issuer.profile.name },
    learner: learnerOf(records),
    credentials,
    validFrom: now,
  });
  const { signer, verificationMethod } = await activeSigner(ctx, issuer, 'ES256');
  return {
    jwt: await signVcJwt(clr, signer, { kid: verificationMethod }),
    issuerId: issuer.id,
    credentialIds: records.map((record) => record.id),
  };
}
