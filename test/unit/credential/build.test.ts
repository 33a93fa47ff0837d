import { describe, expect, it } from 'vitest';
import { fixedClock } from '#shared/core/clock.ts';
import { isCredstackError } from '#shared/core/errors.ts';
import { onetAlignment } from '#shared/credentials/model/alignment.ts';
import { buildOpenBadgeCredential } from '#shared/credentials/model/build.ts';
import type { BuildCredentialInput } from '#shared/credentials/model/build-input.ts';

const clock = fixedClock('2026-01-01T10:00:00.750Z');

const GRADE = 'urn:uuid:6f1c2a52-8b7e-4a43-9a5f-3c1a7e2d9b10';
const RUBRIC = 'urn:uuid:0d2e4f61-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
const MASTERED = 'urn:uuid:1e3f5a72-8b9c-4dae-9f10-2b3c4d5e6f70';

const INPUT: BuildCredentialInput = {
  id: 'https://issuer.example.org/credentials/42',
  issuer: {
    id: 'https://issuer.example.org',
    name: 'Example Academy',
    url: 'https://example.org',
    email: 'registrar@example.org',
    image: 'https://example.org/logo.png',
    otherIdentifier: [{ identifier: '12345', identifierType: 'sourcedId' }],
  },
  recipient: { email: ' Ada@Example.com ', salt: 'c0ffee' },
  achievement: {
    id: 'https://issuer.example.org/achievements/data-literacy',
    name: 'Data Literacy',
    description: 'Reads, works with and communicates data.',
    criteria: {
      id: 'https://issuer.example.org/criteria/data',
      narrative: 'Pass all four modules.',
    },
    image: { id: 'https://issuer.example.org/badge.png', caption: 'Data Literacy badge' },
    achievementType: 'MicroCredential',
    alignment: [onetAlignment('15-2051.00', 'Data Scientists')],
    resultDescription: [
      {
        id: GRADE,
        name: 'Final grade',
        resultType: 'LetterGrade',
        allowedValue: ['C', 'B', 'A'],
        requiredValue: 'C',
      },
      {
        id: RUBRIC,
        name: 'Project rubric',
        resultType: 'RubricCriterionLevel',
        requiredLevel: MASTERED,
        rubricCriterionLevel: [{ id: MASTERED, name: 'Mastered', points: '4' }],
      },
    ],
    creditsAvailable: 3,
    tag: ['data', 'literacy'],
    inLanguage: 'en',
  },
  result: [
    { resultDescription: GRADE, value: 'A' },
    { resultDescription: RUBRIC, achievedLevel: MASTERED },
  ],
  creditsEarned: 3,
  evidence: [
    { id: 'https://portfolio.example.net/ada/project', name: 'Final project', genre: 'Project' },
  ],
  validUntil: '2029-01-01T00:00:00Z',
  awardedDate: '2025-12-20T00:00:00Z',
};

const EXPECTED = {
  '@context': [
    'https://www.w3.org/ns/credentials/v2',
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
  ],
  id: 'https://issuer.example.org/credentials/42',
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  name: 'Data Literacy',
  description: 'Reads, works with and communicates data.',
  issuer: {
    id: 'https://issuer.example.org',
    type: ['Profile'],
    name: 'Example Academy',
    url: 'https://example.org',
    email: 'registrar@example.org',
    image: { id: 'https://example.org/logo.png', type: 'Image' },
    otherIdentifier: [
      { type: 'IdentifierEntry', identifier: '12345', identifierType: 'sourcedId' },
    ],
  },
  validFrom: '2026-01-01T10:00:00Z',
  validUntil: '2029-01-01T00:00:00Z',
  awardedDate: '2025-12-20T00:00:00Z',
  credentialSubject: {
    type: ['AchievementSubject'],
    identifier: [
      {
        type: 'IdentityObject',
        hashed: true,
        identityHash: 'sha256$8197c1e28c3ccc2bfa7ac273937bf7cf0ee8a21e5b5e98a69d446e3c9810caa0',
        identityType: 'emailAddress',
        salt: 'c0ffee',
      },
    ],
    achievement: {
      id: 'https://issuer.example.org/achievements/data-literacy',
      type: ['Achievement'],
      name: 'Data Literacy',
      description: 'Reads, works with and communicates data.',
      criteria: {
        id: 'https://issuer.example.org/criteria/data',
        narrative: 'Pass all four modules.',
      },
      image: {
        id: 'https://issuer.example.org/badge.png',
        type: 'Image',
        caption: 'Data Literacy badge',
      },
      achievementType: 'MicroCredential',
      alignment: [
        {
          type: ['Alignment'],
          targetName: 'Data Scientists',
          targetUrl: 'https://www.onetonline.org/link/summary/15-2051.00',
          targetCode: '15-2051.00',
          targetFramework: 'O*NET-SOC',
        },
      ],
      resultDescription: [
        {
          id: GRADE,
          type: ['ResultDescription'],
          name: 'Final grade',
          resultType: 'LetterGrade',
          allowedValue: ['C', 'B', 'A'],
          requiredValue: 'C',
        },
        {
          id: RUBRIC,
          type: ['ResultDescription'],
          name: 'Project rubric',
          resultType: 'RubricCriterionLevel',
          requiredLevel: MASTERED,
          rubricCriterionLevel: [
            { id: MASTERED, type: ['RubricCriterionLevel'], name: 'Mastered', points: '4' },
          ],
        },
      ],
      creditsAvailable: 3,
      tag: ['data', 'literacy'],
      inLanguage: 'en',
    },
    result: [
      { type: ['Result'], resultDescription: GRADE, value: 'A' },
      { type: ['Result'], resultDescription: RUBRIC, achievedLevel: MASTERED },
    ],
    creditsEarned: 3,
  },
  evidence: [
    {
      id: 'https://portfolio.example.net/ada/project',
      type: ['Evidence'],
      name: 'Final project',
      genre: 'Project',
    },
  ],
  credentialSchema: [
    {
      id: 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json',
      type: '1EdTechJsonSchemaValidator2019',
    },
  ],
};

const MINIMAL: BuildCredentialInput = {
  id: 'urn:uuid:2f9e1c0a-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
  issuer: { id: 'did:example:issuer', name: 'Issuer' },
  recipient: { id: 'did:example:learner' },
  achievement: {
    id: 'https://issuer.example.org/achievements/1',
    name: 'First steps',
    description: 'Took the first steps.',
    criteria: { narrative: 'Show up.' },
  },
  credentialSchema: [],
};

/** The error a build throws: its code and message. */
function failure(input: unknown): { code: string; message: string } {
  try {
    buildOpenBadgeCredential(input as BuildCredentialInput, { clock });
  } catch (error) {
    if (isCredstackError(error)) return { code: error.code, message: error.message };
    return { code: 'not a CredstackError', message: String(error) };
  }
  return { code: 'no error', message: '' };
}

describe('buildOpenBadgeCredential', () => {
  it('builds the exact credential for a fixed clock', () => {
    expect(buildOpenBadgeCredential(INPUT, { clock })).toEqual(EXPECTED);
  });

  it('emits properties in a stable order', () => {
    expect(Object.keys(buildOpenBadgeCredential(INPUT, { clock }))).toEqual(Object.keys(EXPECTED));
  });

  it('builds a minimal credential with only the VC and OB contexts', () => {
    expect(buildOpenBadgeCredential(MINIMAL, { clock })).toEqual({
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ],
      id: 'urn:uuid:2f9e1c0a-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      name: 'First steps',
      description: 'Took the first steps.',
      issuer: { id: 'did:example:issuer', type: ['Profile'], name: 'Issuer' },
      validFrom: '2026-01-01T10:00:00Z',
      credentialSubject: {
        id: 'did:example:learner',
        type: ['AchievementSubject'],
        achievement: {
          id: 'https://issuer.example.org/achievements/1',
          type: ['Achievement'],
          name: 'First steps',
          description: 'Took the first steps.',
          criteria: { narrative: 'Show up.' },
        },
      },
    });
  });

  it('gives the credential a fresh urn:uuid id when none is given', () => {
    const { id: _, ...withoutId } = MINIMAL;
    const first = buildOpenBadgeCredential(withoutId, { clock }).id;
    const second = buildOpenBadgeCredential(withoutId, { clock }).id;

    expect(first).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(second).not.toBe(first);
  });

  it('takes the credential name and description from the input when given', () => {
    const credential = buildOpenBadgeCredential(
      { ...MINIMAL, name: 'Badge', description: 'About' },
      { clock },
    );

    expect([credential.name, credential.description]).toEqual(['Badge', 'About']);
  });

  it('accepts Dates and emits them at seconds precision in UTC', () => {
    const credential = buildOpenBadgeCredential(
      {
        ...MINIMAL,
        validFrom: new Date('2026-02-03T04:05:06.789Z'),
        validUntil: '2026-02-04T06:05:06+01:00',
      },
      { clock },
    );

    expect([credential.validFrom, credential.validUntil]).toEqual([
      '2026-02-03T04:05:06Z',
      '2026-02-04T06:05:06+01:00',
    ]);
  });

  it('identifies the earner by both id and hashed email when both are given', () => {
    const subject = buildOpenBadgeCredential(
      {
        ...MINIMAL,
        recipient: { id: 'did:example:learner', email: 'a@example.com', salt: 'Kosher' },
      },
      { clock },
    ).credentialSubject;

    expect(subject.id).toBe('did:example:learner');
    expect(subject.identifier?.[0]?.identityHash).toBe(
      'sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399',
    );
  });

  it('passes a status entry through and adds the extensions context for 1EdTech types', () => {
    const status = {
      id: 'https://issuer.example.org/status/1#94567',
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '94567',
      statusListCredential: 'https://issuer.example.org/status/1',
    };
    const bitstring = buildOpenBadgeCredential({ ...MINIMAL, credentialStatus: status }, { clock });
    const revocation = buildOpenBadgeCredential(
      {
        ...MINIMAL,
        credentialStatus: {
          id: 'https://issuer.example.org/revocations',
          type: '1EdTechRevocationList',
        },
      },
      { clock },
    );

    expect(bitstring.credentialStatus).toEqual(status);
    expect(bitstring['@context']).toHaveLength(2);
    expect(revocation['@context'][2]).toBe(
      'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
    );
  });

  it.each([
    ['a non-object input', null, '/: must be an object'],
    [
      'validUntil before validFrom',
      { ...MINIMAL, validFrom: '2026-01-02T00:00:00Z', validUntil: '2026-01-01T00:00:00Z' },
      '/validUntil: 2026-01-01T00:00:00Z is before validFrom',
    ],
    [
      'validFrom without a timezone',
      { ...MINIMAL, validFrom: '2026-01-02T00:00:00' },
      '/validFrom: "2026-01-02T00:00:00" is not a date-time',
    ],
    ['a recipient with no identifier', { ...MINIMAL, recipient: {} }, '/recipient: needs an id'],
    [
      'a recipient id that is not a URI',
      { ...MINIMAL, recipient: { id: 'learner-7' } },
      '/recipient/id: "learner-7" is not an absolute URI',
    ],
    [
      'a malformed email',
      { ...MINIMAL, recipient: { email: 'not-an-email' } },
      '/recipient/email: "not-an-email" is not an email address',
    ],
    [
      'a hashed identifier with a bad hash',
      {
        ...MINIMAL,
        recipient: {
          identifier: [
            {
              type: 'IdentityObject',
              hashed: true,
              identityHash: 'abc',
              identityType: 'emailAddress',
            },
          ],
        },
      },
      '/recipient/identifier/0/identityHash',
    ],
    [
      'a credential id that is not a URI',
      { ...MINIMAL, id: 'credential 42' },
      '/id: "credential 42" is not an absolute URI',
    ],
    [
      'an issuer id that is not a URI',
      { ...MINIMAL, issuer: { id: 'example.org', name: 'X' } },
      '/issuer/id: "example.org" is not an absolute URI',
    ],
    [
      'an issuer without a name',
      { ...MINIMAL, issuer: { id: 'https://example.org', name: ' ' } },
      '/issuer/name: must be a non-empty string',
    ],
    [
      'an issuer email that is not one',
      { ...MINIMAL, issuer: { id: 'https://example.org', name: 'X', email: 'x' } },
      '/issuer/email',
    ],
    [
      'an achievement id that is not a URI',
      { ...MINIMAL, achievement: { ...MINIMAL.achievement, id: '/achievements/1' } },
      '/achievement/id: "/achievements/1" is not an absolute URI',
    ],
    [
      'criteria with neither id nor narrative',
      { ...MINIMAL, achievement: { ...MINIMAL.achievement, criteria: {} } },
      '/achievement/criteria: needs an id (URL) or a narrative',
    ],
    [
      'an unknown achievementType',
      { ...MINIMAL, achievement: { ...MINIMAL.achievement, achievementType: 'Trophy' } },
      '/achievement/achievementType: "Trophy" is neither a listed value nor an ext: extension',
    ],
    [
      'an alignment without a target URL',
      {
        ...MINIMAL,
        achievement: {
          ...MINIMAL.achievement,
          alignment: [{ targetName: 'X', targetUrl: 'nowhere' }],
        },
      },
      '/achievement/alignment/0/targetUrl',
    ],
    [
      'an unknown alignment targetType',
      {
        ...MINIMAL,
        achievement: {
          ...MINIMAL.achievement,
          alignment: [{ targetName: 'X', targetUrl: 'https://x.org', targetType: 'Skill' }],
        },
      },
      '/achievement/alignment/0/targetType',
    ],
    [
      'a bad language code',
      { ...MINIMAL, achievement: { ...MINIMAL.achievement, inLanguage: 'English' } },
      '/achievement/inLanguage',
    ],
    [
      'negative credits',
      { ...MINIMAL, creditsEarned: -1 },
      '/creditsEarned: must be a finite number ≥ 0',
    ],
    [
      'an empty tag',
      { ...MINIMAL, achievement: { ...MINIMAL.achievement, tag: [''] } },
      '/achievement/tag/0',
    ],
    [
      'a requiredLevel outside the rubric',
      {
        ...MINIMAL,
        achievement: {
          ...MINIMAL.achievement,
          resultDescription: [
            { id: GRADE, name: 'G', resultType: 'RubricCriterionLevel', requiredLevel: MASTERED },
          ],
        },
      },
      '/achievement/resultDescription/0/requiredLevel',
    ],
    [
      'two result descriptions with one id',
      {
        ...MINIMAL,
        achievement: {
          ...MINIMAL.achievement,
          resultDescription: [
            { id: GRADE, name: 'G', resultType: 'LetterGrade' },
            { id: GRADE, name: 'H', resultType: 'Status' },
          ],
        },
      },
      '/achievement/resultDescription/1/id: repeats another id',
    ],
    [
      'an unknown resultType',
      {
        ...MINIMAL,
        achievement: {
          ...MINIMAL.achievement,
          resultDescription: [{ id: GRADE, name: 'G', resultType: 'Grade' }],
        },
      },
      '/achievement/resultDescription/0/resultType',
    ],
    [
      'a result for an unknown description',
      { ...MINIMAL, result: [{ resultDescription: GRADE, value: 'A' }] },
      '/result/0/resultDescription: must be the id of a resultDescription',
    ],
    [
      'a result level outside its description',
      { ...INPUT, result: [{ resultDescription: GRADE, achievedLevel: MASTERED }] },
      '/result/0/achievedLevel',
    ],
    [
      'an empty result',
      { ...INPUT, result: [{ resultDescription: GRADE }] },
      '/result/0: needs a value, a status or an achievedLevel',
    ],
    [
      'an unknown result status',
      { ...INPUT, result: [{ resultDescription: GRADE, status: 'Done' }] },
      '/result/0/status',
    ],
    ['an empty evidence entry', { ...MINIMAL, evidence: [{}] }, '/evidence/0: needs an id'],
    [
      'a status entry without a URI id',
      { ...MINIMAL, credentialStatus: { id: '42', type: 'BitstringStatusListEntry' } },
      '/credentialStatus/id',
    ],
    [
      'a schema entry without an id',
      { ...MINIMAL, credentialSchema: [{ type: 'JsonSchema' }] },
      '/credentialSchema/0/id',
    ],
    [
      'activityEndDate before activityStartDate',
      {
        ...MINIMAL,
        activityStartDate: '2026-01-02T00:00:00Z',
        activityEndDate: '2026-01-01T00:00:00Z',
      },
      '/activityEndDate',
    ],
    [
      'an image that is not a URI',
      { ...MINIMAL, image: 'badge.png' },
      '/image: "badge.png" is not an absolute URI',
    ],
  ])('rejects %s with BUILD_INVALID naming the path', (_, input, expected) => {
    const { code, message } = failure(input);

    expect(code).toBe('BUILD_INVALID');
    expect(message.startsWith(expected)).toBe(true);
  });
});
