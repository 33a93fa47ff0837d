import type { AchievementView } from '#shared/domain/achievements.ts';
import { createAchievement } from '#shared/domain/achievements.ts';
import { giveConsent } from '#shared/domain/consent.ts';
import { issueCredential } from '#shared/domain/issuance.ts';
import { onboardIssuer } from '#shared/domain/issuers.ts';
import { publishPathway, savePathway } from '#shared/domain/pathways.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { DEMO_ACHIEVEMENTS, DEMO_ISSUER_DOMAIN } from '../samples/demo-catalog.ts';
import { DEMO_STACK_ACHIEVEMENTS, demoPathways } from '../samples/demo-stacks.ts';

/**
 * The demo tenant of `npm start`: one issuer with data-skills achievements aligned to O*NET and
 * ESCO, three published stacks (pathways) over them, three learners (two already hold badges,
 * one a badge short of a stack), and an employer. Created through the same
 * use cases the API calls, so the demo data is what the service itself would write.
 */

export const DEMO_ISSUER_ID = 'northfield';
export const DEMO_LEARNERS = [
  { id: 'ada', email: 'ada.learner@mail.example' },
  { id: 'grace', email: 'grace.learner@mail.example' },
  { id: 'alan', email: 'alan.learner@mail.example' },
] as const;
export const DEMO_EMPLOYER_ID = 'acme-analytics';

export interface DemoTenant {
  readonly issuerId: string;
  readonly achievements: readonly AchievementView[];
}

const ADMIN: Principal = { subject: 'seed', roles: ['platform-admin'] };

/**
 * Seeds the demo tenant.
 *
 * @example
 * const tenant = await seedDemoTenant(ctx);
 */
export async function seedDemoTenant(ctx: ServiceContext): Promise<DemoTenant> {
  // The catalogue names images on a made-up host; the demo serves its own instead (badges
  // drawn by the service at /issuers/northfield/images/…), so every image a page or wallet
  // shows loads.
  const hosted = (image: unknown): string | undefined => {
    if (typeof image !== 'string') return undefined;
    const name =
      image
        .split('/')
        .pop()
        ?.replace(/\.[a-z]+$/, '') ?? 'badge';
    return `${ctx.baseUrl}/issuers/${DEMO_ISSUER_ID}/images/${name}.svg`;
  };
  const withHostedImage = <T extends { image?: unknown }>(definition: T): T => {
    const image = hosted(definition.image);
    return image === undefined ? definition : { ...definition, image };
  };
  await onboardIssuer(ctx, ADMIN, {
    id: DEMO_ISSUER_ID,
    name: 'Northfield Technical College',
    url: 'https://northfield.example',
    email: 'credentials@northfield.example',
    description:
      'A public technical college awarding stackable data and analytics micro-credentials.',
    image: hosted('northfield-logo.png'),
  });
  const achievements: AchievementView[] = [];
  for (const [index, { id: _id, ...definition }] of DEMO_ACHIEVEMENTS.entries()) {
    achievements.push(
      await createAchievement(ctx, ADMIN, DEMO_ISSUER_ID, {
        definition: withHostedImage(definition),
        // One Data Integrity badge in the catalogue, so both proof formats are on show.
        proofFormat: index === 1 ? 'eddsa-rdfc-2022' : 'vc-jwt',
      }),
    );
  }
  for (const definition of Object.values(DEMO_STACK_ACHIEVEMENTS)) {
    const { id: _id, ...rest } = definition;
    achievements.push(
      await createAchievement(ctx, ADMIN, DEMO_ISSUER_ID, { definition: withHostedImage(rest) }),
    );
  }
  const byName = Object.fromEntries(achievements.map((a) => [a.definition.name, a.id]));
  for (const pathway of demoPathways(byName)) {
    const saved = await savePathway(ctx, ADMIN, DEMO_ISSUER_ID, pathway);
    await publishPathway(ctx, ADMIN, DEMO_ISSUER_ID, saved.pathwayId, saved.version);
  }
  // Ada is one elective short of Data Analyst Foundations, Grace one badge short of the
  // database stack, Alan just starting: the README's walk-through awards Ada the last one.
  const holdings: [(typeof DEMO_LEARNERS)[number], string][] = [
    [DEMO_LEARNERS[0], 'SQL Querying Fundamentals'],
    [DEMO_LEARNERS[0], 'Data Visualisation'],
    [DEMO_LEARNERS[0], 'Spreadsheet Modelling'],
    [DEMO_LEARNERS[0], 'Statistics for Analysts'],
    [DEMO_LEARNERS[0], 'Python for Data Analysis'],
    [DEMO_LEARNERS[0], 'Dashboard Design'],
    [DEMO_LEARNERS[1], 'SQL Querying Fundamentals'],
    [DEMO_LEARNERS[1], 'Relational Database Design'],
  ];
  for (const [learner, name] of holdings) {
    const achievementId = byName[name];
    if (achievementId === undefined) continue;
    await issueCredential(ctx, ADMIN, {
      issuerId: DEMO_ISSUER_ID,
      achievementId,
      recipient: { email: learner.email },
      learnerId: learner.id,
    });
  }
  await seedSearchDemo(ctx, byName);
  return { issuerId: DEMO_ISSUER_ID, achievements };
}

/** A learner of the search demo only: findable by the demo employer alone. */
export const DEMO_SEARCH_LEARNERS = [
  { id: 'katherine', email: 'katherine.learner@mail.example' },
] as const;
/** A second employer of the demo tenant: finds only the learners who let every employer. */
export const DEMO_OTHER_EMPLOYER_ID = 'globex-insights';

/**
 * The search demo: Ada lets every verified employer of the tenant find her; Katherine (with a
 * scored SQL badge) only the demo employer; Grace holds badges but never consented, so no
 * employer ever sees her.
 *
 * @example
 * await seedSearchDemo(ctx, { 'SQL Querying Fundamentals': achievementId, … });
 */
export async function seedSearchDemo(
  ctx: ServiceContext,
  achievementIds: Readonly<Record<string, string>>,
): Promise<void> {
  const [katherine] = DEMO_SEARCH_LEARNERS;
  const awards: [string, { value: string; of: string } | undefined][] = [
    ['SQL Querying Fundamentals', { value: '91', of: 'sql-querying/results/score' }],
    ['Data Cleaning and Preparation', undefined],
    ['Statistics for Analysts', undefined],
  ];
  for (const [name, result] of awards) {
    const achievementId = achievementIds[name];
    if (achievementId === undefined) continue;
    await issueCredential(ctx, ADMIN, {
      issuerId: DEMO_ISSUER_ID,
      achievementId,
      recipient: { email: katherine.email },
      learnerId: katherine.id,
      ...(result === undefined
        ? {}
        : {
            result: [
              {
                resultDescription: `https://${DEMO_ISSUER_DOMAIN}/achievements/${result.of}`,
                value: result.value,
              },
            ],
          }),
    });
  }
  const learner = (learnerId: string): Principal => ({
    subject: `seed-${learnerId}`,
    roles: ['learner'],
    learnerId,
  });
  await giveConsent(ctx, learner(DEMO_LEARNERS[0].id), DEMO_LEARNERS[0].id, {
    displayName: 'Ada L.',
    employers: 'all',
  });
  await giveConsent(ctx, learner(katherine.id), katherine.id, {
    displayName: 'Katherine J.',
    employers: [DEMO_EMPLOYER_ID],
  });
}
