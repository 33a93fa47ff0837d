import { describe, expect, it } from 'vitest';
import { escoAlignment, onetAlignment } from '#shared/credentials/model/alignment.ts';
import {
  type BadgeSource,
  buildCandidateDocument,
  indexedBadge,
  resultLevel,
} from '#shared/search/candidate-document.ts';

const NOW = '2026-06-01T00:00:00.000Z';
const ISSUER = 'did:web:college.example';

function credential(
  overrides: Record<string, unknown> = {},
  subject: Record<string, unknown> = {},
) {
  return {
    id: 'urn:uuid:1',
    issuer: { id: ISSUER, name: 'College' },
    validFrom: '2026-01-10T09:00:00Z',
    credentialSubject: {
      achievement: {
        id: 'https://college.example/achievements/sql',
        name: 'SQL Querying',
        achievementType: 'Competency',
        alignment: [onetAlignment('15-2051.00', 'Data Scientists')],
        creditsAvailable: 2,
        resultDescription: [
          {
            id: 'https://college.example/results/score',
            resultType: 'Percent',
            valueMin: '0',
            valueMax: '100',
          },
        ],
      },
      ...subject,
    },
    ...overrides,
  };
}

function source(overrides: Partial<BadgeSource> = {}): BadgeSource {
  return {
    credentialId: 'urn:uuid:1',
    verifyUrl: 'https://svc.example/credentials/1/verify',
    credential: credential(),
    verified: true,
    issuerBound: true,
    withdrawn: false,
    ...overrides,
  };
}

describe('indexedBadge', () => {
  it('indexes a verified, issuer-bound badge with its skills, crosswalk equivalents and credits', () => {
    const badge = indexedBadge(source(), NOW, { [ISSUER]: 'accredited' });
    expect(badge).toEqual({
      credentialId: 'urn:uuid:1',
      verifyUrl: 'https://svc.example/credentials/1/verify',
      issuerId: ISSUER,
      issuerName: 'College',
      issuerTier: 'accredited',
      achievementId: 'https://college.example/achievements/sql',
      achievementName: 'SQL Querying',
      achievementType: 'Competency',
      skills: [
        { key: 'ONET:15-2051.00', framework: 'ONET', code: '15-2051.00', name: 'Data Scientists' },
        {
          key: 'ESCO:258e46f9-0075-4a2e-adae-1ff0477e0f30',
          framework: 'ESCO',
          code: '258e46f9-0075-4a2e-adae-1ff0477e0f30',
          name: 'data scientist',
          via: 'ONET:15-2051.00',
        },
      ],
      issuedAt: '2026-01-10T09:00:00.000Z',
      credits: 2,
    });
  });

  it.each([
    ['unverified', { verified: false }],
    ['not bound to its issuer', { issuerBound: false }],
    ['revoked or suspended', { withdrawn: true }],
    ['expired', { credential: credential({ validUntil: '2026-05-31T23:59:59Z' }) }],
    [
      'without an achievement',
      { credential: { issuer: ISSUER, validFrom: NOW, credentialSubject: {} } },
    ],
  ] as const)('leaves out a badge that is %s', (_what, overrides) => {
    expect(indexedBadge(source(overrides as Partial<BadgeSource>), NOW)).toBeUndefined();
  });

  it('keeps a badge at exactly its validUntil, as the engines do, and drops it a millisecond later', () => {
    const expiring = source({ credential: credential({ validUntil: NOW }) });

    const atInstant = indexedBadge(expiring, NOW);
    const later = indexedBadge(expiring, '2026-06-01T00:00:00.001Z');

    expect(atInstant?.validUntil).toBe(NOW);
    expect(later).toBeUndefined();
  });

  it('keeps a badge that expires after now, with its expiry, and reads VCDM 1.1 dates', () => {
    const badge = indexedBadge(
      source({
        credential: credential({
          validFrom: undefined,
          issuanceDate: '2025-02-01T00:00:00Z',
          expirationDate: '2027-01-01T00:00:00Z',
        }),
      }),
      NOW,
    );
    expect([badge?.issuedAt, badge?.validUntil]).toEqual([
      '2025-02-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ]);
  });

  it('takes the result value and its level, and credits earned over credits available', () => {
    const badge = indexedBadge(
      source({
        credential: credential(
          {},
          {
            creditsEarned: 1.5,
            result: [{ resultDescription: 'https://college.example/results/score', value: '85' }],
            achievement: {
              ...(credential().credentialSubject.achievement as object),
              alignment: [
                escoAlignment(
                  'http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742',
                  'SQL',
                ),
              ],
            },
          },
        ),
      }),
      NOW,
    );
    expect(badge?.result).toEqual({ value: '85', level: 85 });
    expect(badge?.credits).toBe(1.5);
    expect(badge?.skills.map((s) => s.key)).toEqual(['ESCO:598de5b0-5b58-4ea7-8058-a4bc4d18c742']);
  });
});

describe('resultLevel', () => {
  const achievement = (description: Record<string, unknown>) => ({
    resultDescription: [{ id: 'urn:rd', ...description }],
  });

  it('reads a percent as the level, clamped to 0–100', () => {
    expect(resultLevel({ value: '72.5' }, achievement({ resultType: 'Percent' }))).toBe(72.5);
    expect(resultLevel({ value: '130' }, achievement({ resultType: 'Percent' }))).toBe(100);
  });

  it('scales a score between valueMin and valueMax', () => {
    expect(
      resultLevel(
        { value: '3.5', resultDescription: 'urn:rd' },
        achievement({ resultType: 'GradePointAverage', valueMin: '0', valueMax: '4' }),
      ),
    ).toBe(87.5);
  });

  it('places a rubric level by its points', () => {
    const rubric = achievement({
      resultType: 'RubricCriterionLevel',
      rubricCriterionLevel: [
        { id: 'urn:novice', name: 'Novice', points: '1' },
        { id: 'urn:proficient', name: 'Proficient', points: '3' },
        { id: 'urn:expert', name: 'Expert', points: '5' },
      ],
    });
    expect(resultLevel({ achievedLevel: 'urn:proficient' }, rubric)).toBe(50);
    expect(resultLevel({ achievedLevel: 'urn:expert' }, rubric)).toBe(100);
  });

  it('gives no level where the credential states no order', () => {
    expect(
      resultLevel({ value: 'B+' }, achievement({ resultType: 'LetterGrade' })),
    ).toBeUndefined();
    expect(
      resultLevel(
        { achievedLevel: 'urn:a' },
        achievement({
          resultType: 'RubricCriterionLevel',
          rubricCriterionLevel: [{ id: 'urn:a' }],
        }),
      ),
    ).toBeUndefined();
    expect(resultLevel({ value: '80' }, {})).toBeUndefined();
  });
});

describe('buildCandidateDocument', () => {
  it('keeps each credential once, the earlier source winning, newest badge first', () => {
    const older = source({
      credentialId: 'urn:uuid:old',
      credential: credential({ validFrom: '2025-01-01T00:00:00Z' }),
    });
    const revokedHere = source({ credentialId: 'urn:uuid:1', withdrawn: true });
    const importedCopy = source({ credentialId: 'urn:uuid:1' });
    const newer = source({
      credentialId: 'urn:uuid:new',
      credential: credential({ validFrom: '2026-03-01T00:00:00Z' }),
    });
    const document = buildCandidateDocument({
      tenantId: 't1',
      learnerId: 'ada',
      displayName: 'Ada L.',
      visibility: { employers: 'all' },
      version: 7,
      now: NOW,
      badges: [older, revokedHere, importedCopy, newer],
    });
    expect(document.badges.map((b) => b.credentialId)).toEqual(['urn:uuid:new', 'urn:uuid:old']);
    expect([document.tenantId, document.learnerId, document.displayName, document.version]).toEqual(
      ['t1', 'ada', 'Ada L.', 7],
    );
  });
});
