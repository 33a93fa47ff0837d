/**
 * CLR 2.0 export: an unsigned ClrCredential bundling a learner's signed credentials
 * (Comprehensive Learner Record Standard 2.0, VCDM 2.0 form with the 2.0.1 context).
 *
 * The ClrSubject carries the credentials themselves in `verifiableCredential` (required,
 * at least one) and, as the spec's examples do, the achievements they assert in
 * `achievement`. Every credential goes in as a JSON object secured by its embedded proof,
 * the form of 1EdTech's CLR 2.0 example and validator fixtures and the only one the
 * ClrCredential schema types; a VC-JWT must be secured with an embedded proof first (the
 * service adds a Data Integrity proof of the same issuer, shared/domain/learners.ts).
 * `association` is optional and needs knowledge of how achievements relate, so none is made.
 */
import { CredstackError } from '#shared/core/errors.ts';
import { CLR_CONTEXT, CLR_CREDENTIAL, CLR_SUBJECT } from '#shared/credentials/model/clr-rules.ts';
import {
  OB_CONTEXT,
  OB_EXTENSIONS_CONTEXT,
  OB_SCHEMA_VALIDATOR_TYPE,
  VC_V2_CONTEXT,
  VERIFIABLE_CREDENTIAL,
} from '#shared/credentials/model/constants.ts';
import type { IdentityObject } from '#shared/credentials/model/types.ts';
import {
  hasType,
  isDateTimeStamp,
  isObject,
  isUri,
  valuesOf,
} from '#shared/credentials/model/values.ts';

export { CLR_CONTEXT, CLR_CREDENTIAL, CLR_SUBJECT };

/**
 * `@context` of a ClrCredential: the three the spec requires, in order, then the OB
 * extensions context, which defines the `1EdTechJsonSchemaValidator2019` type of
 * `credentialSchema` (the spec's CLR example lists it too).
 */
export const CLR_CREDENTIAL_CONTEXT = [
  VC_V2_CONTEXT,
  CLR_CONTEXT,
  OB_CONTEXT,
  OB_EXTENSIONS_CONTEXT,
] as const;

/** The published JSON Schema of ClrCredential. */
export const CLR_CREDENTIAL_SCHEMA_ID =
  'https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json';

export interface ClrLearner {
  readonly id?: string;
  readonly identifier?: readonly IdentityObject[];
  /** Used for the record's default name. */
  readonly name?: string;
}

export interface ClrCredentialInput {
  readonly id: string;
  readonly issuer: { readonly id: string; readonly name: string };
  readonly learner: ClrLearner;
  /** Each credential as signed: JSON (an object or its text) with its embedded proof. */
  readonly credentials: readonly { readonly signed: string | Record<string, unknown> }[];
  readonly validFrom: string;
  /** Defaults to "Comprehensive Learner Record" plus the learner's name, when known. */
  readonly name?: string;
}

/**
 * Builds an unsigned ClrCredential. Throws `CredstackError('BUILD_INVALID')` naming the
 * first problem: no credentials, a credential that is not JSON with an embedded proof (a
 * compact JWS among them), a learner with neither `id` nor `identifier`, a bad id or date.
 *
 * @example
 * const clr = buildClrCredential({
 *   id: 'urn:uuid:0b0e2f0c-1111-4a4a-9c9c-2f2f2f2f2f2f',
 *   issuer: { id: 'https://issuer.example.org', name: 'Example Academy' },
 *   learner: { id: 'did:example:learner', name: 'Ada Lovelace' },
 *   credentials: [{ signed: signedJson }],
 *   validFrom: '2026-01-01T00:00:00Z',
 * });
 */
export function buildClrCredential(input: ClrCredentialInput): Record<string, unknown> {
  if (!isUri(input.id)) invalid('/id', 'is not an absolute URI');
  if (!isUri(input.issuer?.id)) invalid('/issuer/id', 'is not an absolute URI');
  if (!nonBlank(input.issuer.name)) invalid('/issuer/name', 'is empty');
  if (!isDateTimeStamp(input.validFrom)) {
    invalid('/validFrom', 'is not a date-time with a time zone');
  }
  if (input.name !== undefined && !nonBlank(input.name)) invalid('/name', 'is empty');
  const subject = learnerSubject(input.learner);
  if (!Array.isArray(input.credentials) || input.credentials.length === 0) {
    invalid('/credentials', 'is empty; a CLR holds at least one credential');
  }

  const verifiableCredential: unknown[] = [];
  const achievements = new Map<string, Record<string, unknown>>();
  input.credentials.forEach((entry, index) => {
    const { embedded, credential } = readSigned(entry?.signed, `/credentials/${index}/signed`);
    verifiableCredential.push(embedded);
    for (const achievement of achievementsOf(credential)) {
      const id = achievement.id as string;
      if (!achievements.has(id)) achievements.set(id, structuredClone(achievement));
    }
  });

  const learnerName = nonBlank(input.learner.name) ? input.learner.name.trim() : undefined;
  return {
    '@context': [...CLR_CREDENTIAL_CONTEXT],
    id: input.id,
    type: [VERIFIABLE_CREDENTIAL, CLR_CREDENTIAL],
    issuer: { id: input.issuer.id, type: ['Profile'], name: input.issuer.name },
    validFrom: input.validFrom,
    name:
      input.name ??
      (learnerName
        ? `Comprehensive Learner Record: ${learnerName}`
        : 'Comprehensive Learner Record'),
    credentialSubject: {
      ...subject,
      verifiableCredential,
      ...(achievements.size > 0 ? { achievement: [...achievements.values()] } : {}),
    },
    credentialSchema: [{ id: CLR_CREDENTIAL_SCHEMA_ID, type: OB_SCHEMA_VALIDATOR_TYPE }],
  };
}

function learnerSubject(learner: ClrLearner): Record<string, unknown> {
  if (!isObject(learner as unknown)) invalid('/learner', 'is missing');
  const subject: Record<string, unknown> = {};
  if (learner.id !== undefined) {
    if (!isUri(learner.id)) invalid('/learner/id', 'is not an absolute URI');
    subject.id = learner.id;
  }
  subject.type = [CLR_SUBJECT];
  const identifiers: readonly unknown[] = Array.isArray(learner.identifier)
    ? learner.identifier
    : [];
  if (learner.identifier !== undefined && !Array.isArray(learner.identifier)) {
    invalid('/learner/identifier', 'is not a list of IdentityObjects');
  }
  identifiers.forEach((identity, index) => {
    if (!isIdentityObject(identity)) {
      invalid(`/learner/identifier/${index}`, 'is not an IdentityObject');
    }
  });
  if (identifiers.length > 0)
    subject.identifier = identifiers.map((identity) => structuredClone(identity));
  if (subject.id === undefined && subject.identifier === undefined) {
    invalid('/learner', 'has neither an id nor an identifier; CLR 2.0 requires one of them');
  }
  return subject;
}

interface ReadCredential {
  /** What goes into `verifiableCredential`. */
  readonly embedded: unknown;
  /** The credential's data, for the achievement list. */
  readonly credential: Record<string, unknown>;
}

function readSigned(signed: unknown, path: string): ReadCredential {
  let value = signed;
  if (typeof value === 'string') {
    if (value.trim().startsWith('ey')) {
      invalid(
        path,
        'is a compact JWS; a CLR embeds each credential as an object with an embedded proof',
      );
    }
    try {
      value = JSON.parse(value);
    } catch (cause) {
      invalid(path, 'is not credential JSON', cause);
    }
  }
  if (!isObject(value) || !hasType(value.type, VERIFIABLE_CREDENTIAL)) {
    invalid(path, 'is not a verifiable credential (type lacks VerifiableCredential)');
  }
  if (valuesOf(value.proof).length === 0) {
    invalid(path, 'has no embedded proof; only signed credentials go into a CLR');
  }
  const copy = structuredClone(value);
  return { embedded: copy, credential: copy };
}

function achievementsOf(credential: Record<string, unknown>): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  for (const subject of valuesOf(credential.credentialSubject)) {
    if (!isObject(subject)) continue;
    for (const achievement of valuesOf(subject.achievement)) {
      if (isObject(achievement) && isUri(achievement.id)) found.push(achievement);
    }
  }
  return found;
}

function isIdentityObject(value: unknown): value is IdentityObject {
  return (
    isObject(value) &&
    value.type === 'IdentityObject' &&
    typeof value.hashed === 'boolean' &&
    nonBlank(value.identityHash) &&
    nonBlank(value.identityType)
  );
}

function nonBlank(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function invalid(path: string, problem: string, cause?: unknown): never {
  throw new CredstackError('BUILD_INVALID', `cannot build the ClrCredential: ${path} ${problem}`, {
    cause,
    pointer: path,
    fields: [{ pointer: path, detail: problem }],
  });
}
