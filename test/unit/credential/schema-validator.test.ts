import { describe, expect, it } from 'vitest';
import { fixedClock } from '#shared/core/clock.ts';
import { buildOpenBadgeCredential } from '#shared/credentials/model/build.ts';
import { validateOb3Schema } from '#shared/credentials/model/schema-validator.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests reach deep into credentials to break them
type Mutable = any;
const clock = fixedClock('2026-01-01T00:00:00Z');

function badge(): Record<string, Mutable> {
  return structuredClone(
    buildOpenBadgeCredential(
      {
        id: 'urn:uuid:2f9e1c0a-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
        issuer: { id: 'https://issuer.example.org', name: 'Issuer' },
        recipient: { id: 'did:example:learner' },
        achievement: {
          id: 'https://issuer.example.org/achievements/1',
          name: 'First steps',
          description: 'Took the first steps.',
          criteria: { narrative: 'Show up.' },
          achievementType: 'Badge',
        },
        evidence: [{ id: 'https://example.org/evidence/1' }],
      },
      { clock },
    ),
  ) as Record<string, Mutable>;
}

describe('validateOb3Schema', () => {
  it('accepts a built credential with no errors or warnings', () => {
    expect(validateOb3Schema(badge())).toEqual({ ok: true, errors: [], warnings: [] });
  });

  it('names a missing required property by where it belongs', () => {
    const credential = badge();
    delete credential.credentialSubject.achievement.criteria;

    expect(validateOb3Schema(credential)).toEqual({
      ok: false,
      errors: [{ path: '/credentialSubject/achievement/criteria', message: 'is required' }],
      warnings: [],
    });
  });

  it('requires the VC 2.0 context first and the OB context second', () => {
    const credential = badge();
    credential['@context'] = [
      'https://www.w3.org/ns/credentials/v2',
      'https://example.org/context.json',
    ];

    expect(validateOb3Schema(credential).errors).toEqual([
      { path: '/@context/1', message: 'must be the Open Badges 3.0 context second' },
    ]);
  });

  it('rejects a subject type without AchievementSubject', () => {
    const credential = badge();
    credential.credentialSubject.type = ['InvalidAchievementSubject'];

    expect(validateOb3Schema(credential).errors).toEqual([
      {
        path: '/credentialSubject/type',
        message: "must be an array of types including 'AchievementSubject'",
      },
    ]);
  });

  it('explains an achievementType outside the vocabulary', () => {
    const credential = badge();
    credential.credentialSubject.achievement.achievementType = 'Trophy';
    const [error] = validateOb3Schema(credential).errors;

    expect(error?.path).toBe('/credentialSubject/achievement/achievementType');
    expect(error?.message).toMatch(
      /^must be an achievement type \(one of Achievement, .*\) or an 'ext:' extension value$/,
    );
  });

  it("accepts 'ext:' extension values", () => {
    const credential = badge();
    credential.credentialSubject.achievement.achievementType = 'ext:Hackathon';

    expect(validateOb3Schema(credential).ok).toBe(true);
  });

  it('refuses extra properties on an Image', () => {
    const credential = badge();
    credential.image = { id: 'https://example.org/i.png', type: 'Image', width: 10 };

    expect(validateOb3Schema(credential).errors).toEqual([
      { path: '/image/width', message: 'is not allowed here' },
    ]);
  });

  it('accepts single values where the plain form wants arrays, with a warning', () => {
    const credential = badge();
    credential.evidence = { id: 'https://example.org/evidence/1', type: 'Evidence' };
    credential.proof = {
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      proofValue: 'z1',
    };

    const result = validateOb3Schema(credential);

    expect(result.ok).toBe(true);
    expect(result.errors).toEqual([]);
    // The first deviation found is reported: proof is checked before evidence.
    expect(result.warnings).toEqual([
      {
        path: '/proof',
        message: 'valid as linked data, but not in the plain-JSON form: must be array',
      },
    ]);
  });

  it('still rejects a single-string type that names the wrong class', () => {
    const credential = badge();
    credential.evidence = [{ id: 'https://example.org/evidence/1', type: 'InvalidEvidence' }];

    expect(validateOb3Schema(credential).errors).toEqual([
      { path: '/evidence/0/type', message: 'must be "Evidence"' },
    ]);
  });

  it('accepts the VCDM 1.1 form as linked data only', () => {
    const credential = badge();
    credential['@context'] = [
      'https://www.w3.org/2018/credentials/v1',
      'https://purl.imsglobal.org/spec/ob/v3p0/context.json',
    ];
    credential.issuanceDate = credential.validFrom;
    delete credential.validFrom;

    const result = validateOb3Schema(credential);

    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.path)).toEqual(['/validFrom']);
  });

  it('requires issuanceDate in the VCDM 1.1 form and validFrom in the 2.0 form', () => {
    const v1 = badge();
    v1['@context'] = [
      'https://www.w3.org/2018/credentials/v1',
      'https://purl.imsglobal.org/spec/ob/v3p0/context.json',
    ];
    delete v1.validFrom;
    const v2 = badge();
    delete v2.validFrom;

    expect(validateOb3Schema(v1).errors).toEqual([
      { path: '/issuanceDate', message: 'is required' },
    ]);
    expect(validateOb3Schema(v2).errors).toEqual([{ path: '/validFrom', message: 'is required' }]);
  });

  it('validates an EndorsementCredential against its own class', () => {
    const endorsement = {
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ],
      id: 'urn:uuid:3',
      type: ['VerifiableCredential', 'EndorsementCredential'],
      name: 'Endorsement',
      issuer: { id: 'https://endorser.example.org', type: ['Profile'] },
      validFrom: '2026-01-01T00:00:00Z',
      credentialSubject: { id: 'https://issuer.example.org', type: ['EndorsementSubject'] },
    };

    expect(validateOb3Schema(endorsement)).toEqual({ ok: true, errors: [], warnings: [] });
    expect(validateOb3Schema({ ...endorsement, name: undefined }).errors).toEqual([
      { path: '/name', message: 'is required' },
    ]);
  });

  it('rejects a non-object', () => {
    expect(validateOb3Schema('credential')).toEqual({
      ok: false,
      errors: [{ path: '', message: 'must be object' }],
      warnings: [],
    });
  });
});
