import { OB_CONTEXT, VC_V2_CONTEXT } from '#shared/credentials/model/constants.ts';

/**
 * The smallest Open Badge whose every term the OB 3.0 and VC 2.0 contexts define: the term
 * check's tests start from it and add one unknown key, type or shape at a time, so any term
 * they find stands out against a credential known to be clean; the Data Integrity proof
 * tests sign it (with a subject of their own).
 *
 * @example
 * await findUndefinedTerms(termBadge({ favouriteColour: 'green' }));
 */
export function termBadge(overrides: Record<string, unknown> = {}) {
  return {
    '@context': [VC_V2_CONTEXT, OB_CONTEXT],
    id: 'urn:uuid:00000000-0000-4000-8000-000000000001',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: 'https://issuer.example', type: ['Profile'], name: 'Issuer' },
    validFrom: '2024-01-01T00:00:00Z',
    name: 'Badge',
    credentialSubject: {
      type: ['AchievementSubject'],
      achievement: {
        id: 'https://issuer.example/achievements/1',
        type: ['Achievement'],
        name: 'Achievement',
        criteria: { narrative: 'Do the thing.' },
      },
    },
    ...overrides,
  };
}
