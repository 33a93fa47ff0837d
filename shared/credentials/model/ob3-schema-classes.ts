import {
  ACHIEVEMENT_TYPES,
  ALIGNMENT_TARGET_TYPES,
  IDENTIFIER_TYPES,
  RESULT_STATUSES,
  RESULT_TYPES,
} from './constants.ts';
import {
  COMPACT_JWS_PATTERN,
  conditional,
  DATE_TIME,
  LANGUAGE_PATTERN,
  NUMBER,
  ref,
  type Schema,
  type SchemaKit,
  STRING,
} from './ob3-schema-kit.ts';

/**
 * The OB 3.0 classes below the credential envelope — Profile, Achievement, Result… — as
 * JSON Schema definitions, written from the spec's data model: required properties, value
 * types, and the extensible vocabularies that also take `ext:` values.
 *
 * @example
 * const defs = classDefinitions(schemaKit('plain'));
 */
export function classDefinitions(kit: SchemaKit): Record<string, Schema> {
  const { many, typeIncluding, fixedType, extensionType, vocabulary } = kit;
  const identifierType = vocabulary(IDENTIFIER_TYPES, 'an identifier type');
  const endorsements = {
    endorsement: many(ref('EndorsementCredential')),
    endorsementJwt: many({ type: 'string', pattern: COMPACT_JWS_PATTERN }),
  };

  return {
    ProfileRef: conditional({ type: 'string' }, STRING, ref('Profile')),
    Profile: {
      type: 'object',
      properties: {
        id: STRING,
        type: typeIncluding('Profile'),
        name: STRING,
        url: STRING,
        phone: STRING,
        description: STRING,
        image: ref('Image'),
        email: STRING,
        address: ref('Address'),
        otherIdentifier: many(ref('IdentifierEntry')),
        official: STRING,
        parentOrg: ref('Profile'),
        familyName: STRING,
        givenName: STRING,
        additionalName: STRING,
        patronymicName: STRING,
        honorificPrefix: STRING,
        honorificSuffix: STRING,
        familyNamePrefix: STRING,
        dateOfBirth: { type: 'string', format: 'date' },
        ...endorsements,
      },
      required: ['id', 'type'],
    },
    Address: {
      type: 'object',
      properties: {
        type: typeIncluding('Address'),
        addressCountry: STRING,
        addressCountryCode: STRING,
        addressRegion: STRING,
        addressLocality: STRING,
        streetAddress: STRING,
        postOfficeBoxNumber: STRING,
        postalCode: STRING,
        geo: ref('GeoCoordinates'),
      },
      required: ['type'],
    },
    GeoCoordinates: {
      type: 'object',
      properties: { type: fixedType('GeoCoordinates'), latitude: NUMBER, longitude: NUMBER },
      required: ['type', 'latitude', 'longitude'],
    },
    Image: {
      type: 'object',
      properties: { id: STRING, type: fixedType('Image'), caption: STRING },
      required: ['id', 'type'],
      additionalProperties: false,
    },
    IdentifierEntry: {
      type: 'object',
      properties: {
        type: fixedType('IdentifierEntry'),
        identifier: STRING,
        identifierType,
      },
      required: ['type', 'identifier', 'identifierType'],
      additionalProperties: false,
    },
    IdentityObject: {
      type: 'object',
      properties: {
        type: fixedType('IdentityObject'),
        hashed: { type: 'boolean' },
        identityHash: STRING,
        identityType: identifierType,
        salt: STRING,
      },
      required: ['type', 'hashed', 'identityHash', 'identityType'],
      additionalProperties: false,
    },
    AchievementSubject: {
      type: 'object',
      properties: {
        id: STRING,
        type: typeIncluding('AchievementSubject'),
        achievement: ref('Achievement'),
        identifier: many(ref('IdentityObject')),
        activityStartDate: DATE_TIME,
        activityEndDate: DATE_TIME,
        creditsEarned: NUMBER,
        image: ref('Image'),
        licenseNumber: STRING,
        narrative: STRING,
        result: many(ref('Result')),
        role: STRING,
        source: ref('Profile'),
        term: STRING,
      },
      required: ['type', 'achievement'],
    },
    Achievement: {
      type: 'object',
      properties: {
        id: STRING,
        type: typeIncluding('Achievement'),
        name: STRING,
        description: STRING,
        criteria: ref('Criteria'),
        achievementType: vocabulary(ACHIEVEMENT_TYPES, 'an achievement type'),
        alignment: many(ref('Alignment')),
        creator: ref('Profile'),
        creditsAvailable: NUMBER,
        fieldOfStudy: STRING,
        humanCode: STRING,
        image: ref('Image'),
        inLanguage: { type: 'string', pattern: LANGUAGE_PATTERN },
        otherIdentifier: many(ref('IdentifierEntry')),
        related: many(ref('Related')),
        resultDescription: many(ref('ResultDescription')),
        specialization: STRING,
        tag: many(STRING),
        version: STRING,
        ...endorsements,
      },
      required: ['id', 'type', 'criteria', 'description', 'name'],
    },
    Criteria: { type: 'object', properties: { id: STRING, narrative: STRING } },
    Alignment: {
      type: 'object',
      properties: {
        type: typeIncluding('Alignment'),
        targetName: STRING,
        targetUrl: STRING,
        targetCode: STRING,
        targetDescription: STRING,
        targetFramework: STRING,
        targetType: vocabulary(ALIGNMENT_TARGET_TYPES, 'an alignment target type'),
      },
      required: ['type', 'targetName', 'targetUrl'],
    },
    Related: {
      type: 'object',
      properties: {
        id: STRING,
        type: typeIncluding('Related'),
        inLanguage: { type: 'string', pattern: LANGUAGE_PATTERN },
        version: STRING,
      },
      required: ['id', 'type'],
    },
    ResultDescription: {
      type: 'object',
      properties: {
        id: STRING,
        type: typeIncluding('ResultDescription'),
        name: STRING,
        resultType: vocabulary(RESULT_TYPES, 'a result type'),
        alignment: many(ref('Alignment')),
        allowedValue: many(STRING),
        requiredLevel: STRING,
        requiredValue: STRING,
        rubricCriterionLevel: many(ref('RubricCriterionLevel')),
        valueMax: STRING,
        valueMin: STRING,
      },
      required: ['id', 'type', 'name', 'resultType'],
    },
    RubricCriterionLevel: {
      type: 'object',
      properties: {
        id: STRING,
        type: typeIncluding('RubricCriterionLevel'),
        name: STRING,
        alignment: many(ref('Alignment')),
        description: STRING,
        level: STRING,
        points: STRING,
      },
      required: ['id', 'type', 'name'],
    },
    Result: {
      type: 'object',
      properties: {
        type: typeIncluding('Result'),
        achievedLevel: STRING,
        alignment: many(ref('Alignment')),
        resultDescription: STRING,
        status: { enum: RESULT_STATUSES },
        value: STRING,
      },
      required: ['type'],
    },
    Evidence: {
      type: 'object',
      properties: {
        id: STRING,
        type: typeIncluding('Evidence'),
        narrative: STRING,
        name: STRING,
        description: STRING,
        genre: STRING,
        audience: STRING,
      },
      required: ['type'],
    },
    EndorsementSubject: {
      type: 'object',
      properties: {
        id: STRING,
        type: typeIncluding('EndorsementSubject'),
        endorsementComment: STRING,
      },
      required: ['id', 'type'],
    },
    Proof: {
      type: 'object',
      properties: {
        type: STRING,
        created: DATE_TIME,
        cryptosuite: STRING,
        challenge: STRING,
        domain: STRING,
        nonce: STRING,
        proofPurpose: STRING,
        proofValue: STRING,
        verificationMethod: STRING,
      },
      required: ['type'],
    },
    CredentialSchema: {
      type: 'object',
      properties: { id: STRING, type: extensionType },
      required: ['id', 'type'],
    },
    CredentialStatus: {
      type: 'object',
      properties: { id: STRING, type: extensionType },
      required: ['id', 'type'],
    },
    RefreshService: {
      type: 'object',
      properties: { id: STRING, type: extensionType },
      required: ['id', 'type'],
    },
    TermsOfUse: {
      type: 'object',
      properties: { id: STRING, type: extensionType },
      required: ['type'],
    },
  };
}
