import type { DevTokenClaims } from './dev-tokens.ts';
import {
  DEMO_EMPLOYER_ID,
  DEMO_ISSUER_ID,
  DEMO_LEARNERS,
  DEMO_OTHER_EMPLOYER_ID,
  DEMO_SEARCH_LEARNERS,
} from './seed.ts';

/**
 * The demo users of the local runtime, by the name `.data/dev-tokens.json` gives them: who
 * they are to the API (their token claims) and a line saying what they may do. The development
 * sign-in page (dev-oidc.ts) offers exactly these.
 */
export interface DemoUser {
  readonly claims: DevTokenClaims;
  readonly description: string;
}

/**
 * Every demo user, in the order the sign-in page lists them.
 *
 * @example
 * demoUsers()['learner-ada']?.claims.learnerId; // 'ada'
 */
export function demoUsers(): Readonly<Record<string, DemoUser>> {
  const users: Record<string, DemoUser> = {
    'platform-admin': {
      claims: { sub: 'dev-platform-admin', roles: ['platform-admin'] },
      description: 'onboards issuers; acts for any issuer',
    },
    'issuer-admin': {
      claims: { sub: 'dev-issuer-admin', roles: ['issuer-admin'], issuerId: DEMO_ISSUER_ID },
      description: `issues, revokes and defines achievements for ${DEMO_ISSUER_ID} only`,
    },
    employer: {
      claims: { sub: 'dev-employer', roles: ['employer'], employerId: DEMO_EMPLOYER_ID },
      description: `an employer (${DEMO_EMPLOYER_ID})`,
    },
    'employer-other': {
      claims: {
        sub: 'dev-employer-other',
        roles: ['employer'],
        employerId: DEMO_OTHER_EMPLOYER_ID,
      },
      description: `another employer (${DEMO_OTHER_EMPLOYER_ID}): finds only learners who let every employer`,
    },
  };
  for (const learner of [...DEMO_LEARNERS, ...DEMO_SEARCH_LEARNERS])
    users[`learner-${learner.id}`] = {
      claims: {
        sub: `dev-learner-${learner.id}`,
        roles: ['learner'],
        learnerId: learner.id,
        email: learner.email,
      },
      description: `learner ${learner.id} (${learner.email})`,
    };
  return users;
}
