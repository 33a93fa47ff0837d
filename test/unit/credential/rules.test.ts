import { describe, expect, it } from 'vitest';
import { fixedClock } from '#shared/core/clock.ts';
import { buildOpenBadgeCredential } from '#shared/credentials/model/build.ts';
import { checkCredentialRules, checkVcRules } from '#shared/credentials/model/rules.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests reach deep into credentials to break them
type Mutable = any;
const clock = fixedClock('2026-01-01T00:00:00Z');
const RUBRIC = 'urn:uuid:0d2e4f61-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
const LEVEL = 'urn:uuid:1e3f5a72-8b9c-4dae-9f10-2b3c4d5e6f70';

/** A valid OpenBadgeCredential as plain JSON, to be broken one rule at a time. */
function badge(): Record<string, Mutable> {
  return structuredClone(
    buildOpenBadgeCredential(
      {
        id: 'urn:uuid:2f9e1c0a-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
        issuer: { id: 'https://issuer.example.org', name: 'Issuer', url: 'https://example.org' },
        recipient: { id: 'did:example:learner' },
        achievement: {
          id: 'https://issuer.example.org/achievements/1',
          name: 'First steps',
          description: 'Took the first steps.',
          criteria: { narrative: 'Show up.' },
          alignment: [{ targetName: 'Skill', targetUrl: 'https://framework.example.org/skills/1' }],
          resultDescription: [
            {
              id: RUBRIC,
              name: 'Rubric',
              resultType: 'RubricCriterionLevel',
              rubricCriterionLevel: [{ id: LEVEL, name: 'Mastered' }],
            },
          ],
        },
        result: [{ resultDescription: RUBRIC, achievedLevel: LEVEL }],
        validUntil: '2027-01-01T00:00:00Z',
      },
      { clock },
    ),
  ) as Record<string, Mutable>;
}

/** A plain VCDM 2.0 credential (not an Open Badge). */
function vc(): Record<string, Mutable> {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id: 'urn:uuid:1',
    type: ['VerifiableCredential'],
    issuer: 'did:example:issuer',
    validFrom: '2026-01-01T00:00:00Z',
    credentialSubject: { id: 'did:example:subject' },
  };
}

function problemsOf(credential: unknown): string[] {
  return checkCredentialRules(credential).problems.map((p) => `${p.check} ${p.path}: ${p.message}`);
}

function vcProblemsOf(credential: unknown): string[] {
  return checkVcRules(credential).problems.map((p) => `${p.check} ${p.path}: ${p.message}`);
}

describe('checkVcRules', () => {
  it('passes a plain VCDM 2.0 credential', () => {
    expect(checkVcRules(vc())).toEqual({ ok: true, problems: [], warnings: [] });
  });

  it('rejects a credential that is not an object', () => {
    expect(vcProblemsOf([])).toEqual(['rules : a credential must be a JSON object']);
  });

  it('requires the VC 2.0 context first and every context to be a URL or an object', () => {
    expect(
      vcProblemsOf({
        ...vc(),
        '@context': ['https://example.org/ctx', 'https://www.w3.org/ns/credentials/v2'],
      }),
    ).toEqual([
      'context /@context/0: the first context must be https://www.w3.org/ns/credentials/v2',
    ]);
    expect(
      vcProblemsOf({ ...vc(), '@context': ['https://www.w3.org/ns/credentials/v2', 7] }),
    ).toEqual(['context /@context/1: must be a context URL or an inline context object']);
    const { '@context': _, ...noContext } = vc();
    expect(vcProblemsOf(noContext)).toEqual(['context /@context: is required']);
  });

  it('requires VerifiableCredential among the types, in any position', () => {
    expect(
      vcProblemsOf({ ...vc(), type: ['https://example.org/#A', 'VerifiableCredential'] }),
    ).toEqual([]);
    expect(vcProblemsOf({ ...vc(), type: ['ExampleCredential'] })).toEqual([
      "type /type: must include 'VerifiableCredential'",
    ]);
    expect(vcProblemsOf({ ...vc(), type: ['VerifiableCredential', 3] })).toEqual([
      'type /type/1: must be a type name',
    ]);
  });

  it('requires ids to be single URLs', () => {
    expect(vcProblemsOf({ ...vc(), id: ['urn:a', 'urn:b'] })).toEqual([
      'rules /id: must be a single URL, not a list',
    ]);
    expect(vcProblemsOf({ ...vc(), id: 'https ://x' })).toEqual([
      'rules /id: "https ://x" is not a URL',
    ]);
    expect(vcProblemsOf({ ...vc(), credentialSubject: { id: 'subject' } })).toEqual([
      'rules /credentialSubject/id: "subject" is not a URL',
    ]);
  });

  it('requires an identified issuer unless told the issuing service fills it in', () => {
    const { issuer: _, ...noIssuer } = vc();

    expect(vcProblemsOf(noIssuer)).toEqual(['rules /issuer: is required']);
    expect(vcProblemsOf({ ...vc(), issuer: {} })).toEqual(['rules /issuer/id: is required']);
    expect(checkVcRules({ ...vc(), issuer: {} }, { requireIssuer: false }).ok).toBe(true);
    expect(checkVcRules({ ...vc(), issuer: 'fake-issuer' }, { requireIssuer: false }).ok).toBe(
      false,
    );
  });

  it('requires a subject that makes a claim', () => {
    expect(vcProblemsOf({ ...vc(), credentialSubject: {} })).toEqual([
      'rules /credentialSubject: must make at least one claim',
    ]);
    expect(vcProblemsOf({ ...vc(), credentialSubject: [{ id: 'did:example:a' }, {}] })).toEqual([
      'rules /credentialSubject/1: must make at least one claim',
    ]);
  });

  it('requires date-times with a timezone and validUntil not before validFrom', () => {
    expect(vcProblemsOf({ ...vc(), validFrom: '2026-01-01T00:00:00' })).toEqual([
      'rules /validFrom: "2026-01-01T00:00:00" is not a date-time with a timezone',
    ]);
    expect(vcProblemsOf({ ...vc(), validUntil: '2025-12-31T23:59:59Z' })).toEqual([
      'rules /validUntil: is before validFrom',
    ]);
    expect(vcProblemsOf({ ...vc(), validUntil: '2025-12-31T19:00:00-05:00' })).toEqual([]);
  });

  it('requires a type on every status, schema, evidence, terms, refresh and proof entry', () => {
    const credential = {
      ...vc(),
      credentialStatus: { id: 'https://example.org/status#1' },
      credentialSchema: [{ id: 'https://example.org/schema' }],
      evidence: {},
      termsOfUse: [{ id: 'https://example.org/terms' }],
      refreshService: { id: 'https://example.org/refresh' },
      proof: { proofValue: 'z' },
    };

    expect(vcProblemsOf(credential)).toEqual([
      'rules /credentialStatus/type: is required',
      'rules /credentialSchema/0/type: is required',
      'rules /evidence/type: is required',
      'rules /termsOfUse/0/type: is required',
      'rules /refreshService/type: is required',
      'rules /proof/type: is required',
    ]);
  });

  it('allows at most one URL id per status entry and requires schema ids', () => {
    expect(
      vcProblemsOf({ ...vc(), credentialStatus: { id: ['urn:a', 'urn:b'], type: 'X' } }),
    ).toEqual(['rules /credentialStatus/id: must be a single URL, not a list']);
    expect(vcProblemsOf({ ...vc(), credentialStatus: { type: 'X' } })).toEqual([]);
    expect(vcProblemsOf({ ...vc(), credentialSchema: { type: 'JsonSchema' } })).toEqual([
      'rules /credentialSchema/id: is required',
    ]);
  });

  it('accepts language value objects for name and description, and nothing more in them', () => {
    expect(
      vcProblemsOf({ ...vc(), name: { '@value': 'Name', '@language': 'en', '@direction': 'ltr' } }),
    ).toEqual([]);
    expect(
      vcProblemsOf({ ...vc(), description: [{ '@value': 'Chien', '@language': 'fr' }] }),
    ).toEqual([]);
    expect(vcProblemsOf({ ...vc(), name: { '@value': 'Name', url: 'did:example:x' } })).toEqual([
      'rules /name/url: a language value object takes only @value, @language and @direction',
    ]);
  });

  it('accepts the VCDM 1.1 form with warnings', () => {
    const result = checkVcRules({
      '@context': ['https://www.w3.org/2018/credentials/v1'],
      type: ['VerifiableCredential'],
      issuer: 'did:example:issuer',
      issuanceDate: '2020-01-01T00:00:00Z',
      expirationDate: '2019-01-01T00:00:00Z',
      credentialSubject: { id: 'did:example:subject' },
    });

    expect(result.problems.map((p) => p.path)).toEqual(['/expirationDate']);
    expect(result.warnings.map((w) => `${w.check} ${w.path}`)).toEqual([
      'context /@context/0',
      'rules /issuanceDate',
    ]);
  });
});

describe('checkCredentialRules', () => {
  it('passes a built OpenBadgeCredential', () => {
    expect(checkCredentialRules(badge())).toEqual({ ok: true, problems: [], warnings: [] });
  });

  it('requires the OB context and warns about older versions', () => {
    const credential = badge();
    credential['@context'] = ['https://www.w3.org/ns/credentials/v2'];
    expect(problemsOf(credential)).toEqual([
      'context /@context: must include the Open Badges 3.0 context (https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json)',
    ]);

    credential['@context'] = [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json',
    ];
    const older = checkCredentialRules(credential);
    expect(older.ok).toBe(true);
    expect(older.warnings.map((w) => `${w.check} ${w.path}`)).toEqual(['context /@context/1']);
  });

  it('requires OpenBadgeCredential or AchievementCredential', () => {
    const credential = badge();
    credential.type = ['VerifiableCredential', 'AchievementCredential'];
    expect(problemsOf(credential)).toEqual([]);

    credential.type = ['VerifiableCredential', 'OtherCredential'];
    expect(problemsOf(credential)).toEqual([
      "type /type: must include 'OpenBadgeCredential' or 'AchievementCredential'",
    ]);
  });

  it('requires a credential id and URIs wherever the model says URI', () => {
    const credential = badge();
    delete credential.id;
    credential.issuer.url = 'example.org';
    credential.credentialSubject.achievement.id = 'achievement-1';
    credential.credentialSubject.achievement.alignment[0].targetUrl = 'skills/1';
    credential.credentialSubject.achievement.resultDescription[0].rubricCriterionLevel[0].id =
      'level';
    credential.credentialSubject.result = [];

    expect(problemsOf(credential)).toEqual([
      'rules /id: is required',
      'rules /issuer/url: "example.org" is not a URL',
      'rules /credentialSubject/achievement/id: "achievement-1" is not a URL',
      'rules /credentialSubject/achievement/alignment/0/targetUrl: "skills/1" is not a URL',
      'rules /credentialSubject/achievement/resultDescription/0/rubricCriterionLevel/0/id: "level" is not a URL',
    ]);
  });

  it('requires the earner to be identified by an id or an identifier', () => {
    const credential = badge();
    delete credential.credentialSubject.id;
    expect(problemsOf(credential)).toEqual([
      'rules /credentialSubject: must identify the earner by an id or at least one identifier',
    ]);

    credential.credentialSubject.identifier = [
      {
        type: 'IdentityObject',
        hashed: true,
        identityHash: `sha256$${'a'.repeat(64)}`,
        identityType: 'emailAddress',
      },
    ];
    expect(problemsOf(credential)).toEqual([]);
  });

  it('requires a hashed identity to look like a hash', () => {
    const credential = badge();
    credential.credentialSubject.identifier = [
      {
        type: 'IdentityObject',
        hashed: true,
        identityHash: 'asdjhsadas',
        identityType: 'lisSourcedId',
      },
      {
        type: 'IdentityObject',
        hashed: false,
        identityHash: 'student@example.edu',
        identityType: 'emailAddress',
      },
    ];

    expect(problemsOf(credential)).toEqual([
      "rules /credentialSubject/identifier/0/identityHash: a hashed identity must be 'sha256$' + 64 hex digits (or 'md5$' + 32)",
    ]);
  });

  it('requires criteria to have an id or a narrative', () => {
    const credential = badge();
    credential.credentialSubject.achievement.criteria = {};

    expect(problemsOf(credential)).toEqual([
      'rules /credentialSubject/achievement/criteria: needs an id (URL) or a narrative',
    ]);
  });

  it('warns when a result points at nothing the achievement describes', () => {
    const credential = badge();
    credential.credentialSubject.result = [
      { type: ['Result'], resultDescription: 'urn:uuid:unknown', value: 'A' },
      { type: ['Result'], resultDescription: RUBRIC, achievedLevel: 'urn:uuid:other-level' },
    ];
    const result = checkCredentialRules(credential);

    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.path)).toEqual([
      '/credentialSubject/result/0/resultDescription',
      '/credentialSubject/result/1/achievedLevel',
    ]);
  });

  it('checks an EndorsementCredential by its own class', () => {
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
      credentialSubject: {
        id: 'https://issuer.example.org',
        type: ['EndorsementSubject'],
        endorsementComment: 'Good',
      },
    };

    expect(problemsOf(endorsement)).toEqual([]);
    expect(
      problemsOf({
        ...endorsement,
        credentialSubject: { type: ['EndorsementSubject'], endorsementComment: 'x' },
      }),
    ).toEqual(['rules /credentialSubject/id: is required']);
  });
});
