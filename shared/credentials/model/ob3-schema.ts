import { VC_V1_CONTEXT, VC_V2_CONTEXT } from './constants.ts';
import { classDefinitions } from './ob3-schema-classes.ts';
import {
  COMPACT_JWS_PATTERN,
  conditional,
  DATE_TIME,
  ref,
  type Schema,
  type SchemaKit,
  type SchemaVariant,
  STRING,
  schemaKit,
} from './ob3-schema-kit.ts';

/**
 * credstack's own JSON Schema (draft 2019-09) of the OB 3.0 credential classes, written
 * from the spec's data model. It comes in two variants:
 *
 * - `plain`: the plain-JSON form the official 1EdTech schema asks for — VCDM 2.0 only, every
 *   multi-valued property an array, every `type` an array (or the fixed string for Image,
 *   IdentityObject, IdentifierEntry, GeoCoordinates).
 * - `linked-data`: what JSON-LD treats as the same data and the 1EdTech validator accepts
 *   with a warning — a single value where a set is expected, a `type` given as one string,
 *   several status / refresh entries, and the VCDM 1.1 form (VC v1 context, `issuanceDate`,
 *   `expirationDate`).
 *
 * Both are generated from one description, so they cannot drift apart. Rules a schema
 * cannot state (URIs, date order, subject identification) live in rules.ts.
 */

export type { SchemaVariant } from './ob3-schema-kit.ts';

/** The OB context URL pattern of the official schema (any 3.x.y version, or unversioned). */
const OB_CONTEXT_PATTERN =
  '^https://purl\\.imsglobal\\.org/spec/ob/v3p0/context(-3\\.\\d\\.\\d)?\\.json$';
/** …plus the `context/ob_v3p0.jsonld` alias and any x.y.z version, as the validator accepts. */
const OB_CONTEXT_LENIENT_PATTERN =
  '^https://purl\\.imsglobal\\.org/spec/ob/v3p0/(context(-\\d+\\.\\d+\\.\\d+)?\\.json|context/ob_v3p0\\.jsonld)$';

/**
 * The schema of an OpenBadgeCredential / AchievementCredential.
 *
 * @example
 * const schema = achievementCredentialSchema('plain');
 */
export function achievementCredentialSchema(variant: SchemaVariant): Schema {
  return {
    $schema: 'https://json-schema.org/draft/2019-09/schema',
    $id: `urn:credstack:schema:ob3:achievement-credential:${variant}`,
    $ref: '#/$defs/AchievementCredential',
    $defs: definitions(variant),
  };
}

/**
 * The schema of an EndorsementCredential.
 *
 * @example
 * const schema = endorsementCredentialSchema('linked-data');
 */
export function endorsementCredentialSchema(variant: SchemaVariant): Schema {
  return {
    $schema: 'https://json-schema.org/draft/2019-09/schema',
    $id: `urn:credstack:schema:ob3:endorsement-credential:${variant}`,
    $ref: '#/$defs/EndorsementCredential',
    $defs: definitions(variant),
  };
}

function definitions(variant: SchemaVariant): Record<string, Schema> {
  const kit: SchemaKit = schemaKit(variant);
  const { lenient, many } = kit;

  const context: Schema = {
    type: 'array',
    minItems: 2,
    items: [
      lenient
        ? {
            enum: [VC_V2_CONTEXT, VC_V1_CONTEXT],
            description: `the VC context (${VC_V2_CONTEXT}) first`,
          }
        : { const: VC_V2_CONTEXT, description: `the VC 2.0 context (${VC_V2_CONTEXT}) first` },
      {
        type: 'string',
        pattern: lenient ? OB_CONTEXT_LENIENT_PATTERN : OB_CONTEXT_PATTERN,
        description: 'the Open Badges 3.0 context second',
      },
    ],
    additionalItems: {
      type: ['string', 'object'],
      description: 'a context URL or an inline context object',
    },
  };

  /** What both credential classes share: the VC envelope. */
  const envelope = (credentialType: Schema, subject: Schema, required: string[]): Schema => {
    const properties: Record<string, Schema> = {
      '@context': context,
      id: STRING,
      type: credentialType,
      name: STRING,
      description: STRING,
      issuer: ref('ProfileRef'),
      credentialSubject: subject,
      awardedDate: DATE_TIME,
      validFrom: DATE_TIME,
      validUntil: DATE_TIME,
      proof: many(ref('Proof')),
      credentialSchema: many(ref('CredentialSchema')),
      credentialStatus: lenient ? many(ref('CredentialStatus')) : ref('CredentialStatus'),
      refreshService: lenient ? many(ref('RefreshService')) : ref('RefreshService'),
      termsOfUse: many(ref('TermsOfUse')),
    };
    if (!lenient) return { type: 'object', properties, required: [...required, 'validFrom'] };
    return {
      type: 'object',
      properties: { ...properties, issuanceDate: DATE_TIME, expirationDate: DATE_TIME },
      required,
      // VCDM 1.1 credentials carry issuanceDate instead of validFrom.
      allOf: [
        conditional(
          {
            required: ['@context'],
            properties: { '@context': { type: 'array', items: [{ const: VC_V1_CONTEXT }] } },
          },
          { required: ['issuanceDate'] },
          { required: ['validFrom'] },
        ),
      ],
    };
  };

  /** A credential's `type`: always an array, since one string cannot name both classes. */
  const credentialType = (classes: readonly string[]): Schema => ({
    type: 'array',
    minItems: 1,
    items: STRING,
    allOf: [
      {
        contains: { const: 'VerifiableCredential' },
        description: "an array of types including 'VerifiableCredential'",
      },
      {
        contains: { enum: classes },
        description: `an array of types including ${classes.map((c) => `'${c}'`).join(' or ')}`,
      },
    ],
  });

  const achievementCredential = envelope(
    credentialType(['OpenBadgeCredential', 'AchievementCredential']),
    ref('AchievementSubject'),
    ['@context', 'id', 'type', 'credentialSubject', 'issuer'],
  );
  Object.assign(achievementCredential.properties as Schema, {
    image: ref('Image'),
    evidence: many(ref('Evidence')),
    endorsement: many(ref('EndorsementCredential')),
    endorsementJwt: many({ type: 'string', pattern: COMPACT_JWS_PATTERN }),
  });

  const endorsementCredential = envelope(
    credentialType(['EndorsementCredential']),
    ref('EndorsementSubject'),
    ['@context', 'type', 'id', 'name', 'credentialSubject', 'issuer'],
  );

  return {
    AchievementCredential: achievementCredential,
    EndorsementCredential: endorsementCredential,
    ...classDefinitions(kit),
  };
}
