import { DEMO_ACHIEVEMENTS, DEMO_ISSUER_DOMAIN, demoIssuer } from '../samples/demo-catalog.ts';

/** The issuer and status list of the credentials the benchmark signs and verifies. */
export const ISSUER_DID = `did:web:${DEMO_ISSUER_DOMAIN}`;
export const STATUS_URL = `https://${DEMO_ISSUER_DOMAIN}/status/1`;

/**
 * A badge of the size the benchmark is specified for (about 2 KB of credential JSON): the
 * demo achievement without its long prose, a hashed-email subject, a status entry.
 */
export function credentialInput(index: number, issuerId: string, status: boolean) {
  const {
    resultDescription: _prose,
    tag: _tags,
    ...achievement
  } = DEMO_ACHIEVEMENTS[index % DEMO_ACHIEVEMENTS.length]!;
  const { description: _about, email: _email, image: _logo, ...issuer } = demoIssuer(issuerId);
  return {
    id: `https://${DEMO_ISSUER_DOMAIN}/credentials/${index.toString().padStart(8, '0')}`,
    description: `${achievement.name}, awarded by Northfield Technical College.`,
    issuer,
    recipient: { email: `learner${index}@mail.example`, salt: `salt-${index}` },
    achievement,
    creditsEarned: achievement.creditsAvailable,
    validFrom: '2026-01-15T09:00:00Z',
    ...(status
      ? {
          credentialStatus: {
            id: `${STATUS_URL}#${1000 + index}`,
            type: 'BitstringStatusListEntry',
            statusPurpose: 'revocation',
            statusListIndex: String(1000 + index),
            statusListCredential: STATUS_URL,
          },
        }
      : {}),
  };
}
