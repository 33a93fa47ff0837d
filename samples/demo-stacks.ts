import { onetAlignment } from '#shared/credentials/model/alignment.ts';
import type { AchievementInput } from '#shared/credentials/model/build-input.ts';
import { DEMO_ISSUER_DOMAIN } from './demo-catalog.ts';

/**
 * The demo tenant's stacks: the extra badges they stack (aligned to real O*NET-SOC
 * occupations) and three pathways over them — a nested "Data Analyst Foundations" with a
 * milestone, a recency window and a credit rule; a database stack that revokes on lapse; and
 * a BI stack that builds on the first as a sub-pathway.
 */

type Key =
  | 'spreadsheets'
  | 'statistics'
  | 'dataCleaning'
  | 'databaseDesign'
  | 'backupRecovery'
  | 'dashboards'
  | 'storytelling'
  | 'foundationsMilestone';

const base = `https://${DEMO_ISSUER_DOMAIN}/achievements`;

function badge(
  slug: string,
  name: string,
  description: string,
  narrative: string,
  extra: Partial<AchievementInput>,
): AchievementInput {
  return {
    id: `${base}/${slug}`,
    name,
    description,
    criteria: { narrative },
    image: `https://${DEMO_ISSUER_DOMAIN}/images/${slug}.png`,
    achievementType: 'Competency',
    ...extra,
  };
}

/** The stack badges, by the key the pathways below use. */
export const DEMO_STACK_ACHIEVEMENTS: Readonly<Record<Key, AchievementInput>> = {
  spreadsheets: badge(
    'spreadsheet-modelling',
    'Spreadsheet Modelling',
    'Builds spreadsheet models with lookups, pivot tables and scenario analysis, and audits formulas for errors.',
    'Passed a timed practical building a three-scenario budget model.',
    { alignment: [onetAlignment('43-9111.00', 'Statistical Assistants')], creditsAvailable: 1 },
  ),
  statistics: badge(
    'statistics-for-analysts',
    'Statistics for Analysts',
    'Applies descriptive statistics, sampling, confidence intervals and hypothesis tests to business questions.',
    'Passed the proctored statistics examination with at least 65%.',
    { alignment: [onetAlignment('15-2041.00', 'Statisticians')], creditsAvailable: 3 },
  ),
  dataCleaning: badge(
    'data-cleaning',
    'Data Cleaning and Preparation',
    'Profiles, cleans and joins messy datasets, documenting every transformation.',
    'Delivered a documented cleaning pipeline for a provided raw dataset.',
    { alignment: [onetAlignment('15-2051.00', 'Data Scientists')], creditsAvailable: 2 },
  ),
  databaseDesign: badge(
    'database-design',
    'Relational Database Design',
    'Models a domain as a normalised relational schema with keys, constraints and indexes.',
    'Designed and defended a schema for a case-study business.',
    { alignment: [onetAlignment('15-1243.00', 'Database Architects')], creditsAvailable: 2 },
  ),
  backupRecovery: badge(
    'backup-recovery',
    'Database Backup and Recovery',
    'Plans and tests backup, point-in-time recovery and failover for a production database.',
    'Restored a database to a given point in time in a supervised lab.',
    { alignment: [onetAlignment('15-1242.00', 'Database Administrators')], creditsAvailable: 1 },
  ),
  dashboards: badge(
    'dashboard-design',
    'Dashboard Design',
    'Designs interactive dashboards with KPIs, filters and drill-downs for business users.',
    'Built a dashboard reviewed against the course rubric.',
    {
      alignment: [onetAlignment('15-2051.01', 'Business Intelligence Analysts')],
      creditsAvailable: 2,
    },
  ),
  storytelling: badge(
    'data-storytelling',
    'Data Storytelling',
    'Presents an analysis as a narrative with a clear recommendation for a non-technical audience.',
    'Gave a ten-minute recorded presentation scored by two assessors.',
    {
      alignment: [
        onetAlignment('13-1161.00', 'Market Research Analysts and Marketing Specialists'),
      ],
      creditsAvailable: 1,
    },
  ),
  foundationsMilestone: badge(
    'data-foundations-milestone',
    'Data Foundations Milestone',
    'Holds the core querying and spreadsheet badges of the Data Analyst Foundations stack.',
    'Awarded automatically on completing the core of the Data Analyst Foundations pathway.',
    { achievementType: 'Badge' },
  ),
};

/** The ids the service gave the catalogue and stack achievements, by name. */
export type DemoAchievementIds = Readonly<Record<string, string>>;

const need = (ids: DemoAchievementIds, name: string): string => {
  const id = ids[name];
  if (id === undefined) throw new Error(`the demo catalogue has no achievement named ${name}`);
  return id;
};

/**
 * The three demo pathways (`credstack-pathway/1`), over the service's achievement ids.
 *
 * @example
 * const pathways = demoPathways(idsByName);
 */
export function demoPathways(ids: DemoAchievementIds): Record<string, unknown>[] {
  const a = (name: string) => need(ids, name);
  return [
    {
      format: 'credstack-pathway/1',
      id: 'data-analyst-foundations',
      version: 1,
      name: 'Data Analyst Foundations',
      description:
        'Querying and spreadsheet foundations, two recent analysis badges, and six credits of analytics electives.',
      policy: { onLapse: 'suspend' },
      root: {
        allOf: [
          {
            label: 'core',
            title: 'Core: SQL querying and spreadsheet modelling',
            milestone: a('Data Foundations Milestone'),
            allOf: [
              { label: 'sql', achievement: a('SQL Querying Fundamentals') },
              { label: 'spreadsheets', achievement: a('Spreadsheet Modelling') },
            ],
          },
          {
            label: 'analysis',
            title: 'Two analysis badges earned in the last two years',
            nOf: {
              n: 2,
              of: [
                { achievement: a('Python for Data Analysis'), within: 'P2Y' },
                { achievement: a('Statistics for Analysts'), within: 'P2Y' },
                { achievement: a('Data Visualisation'), within: 'P2Y' },
                { achievement: a('Data Cleaning and Preparation'), within: 'P2Y' },
              ],
            },
          },
          {
            label: 'electives',
            title: 'Six credits of analytics electives',
            credits: {
              atLeast: 6,
              of: {
                anyOf: [
                  { skill: { framework: 'O*NET-SOC', code: '15-2051.00' } },
                  { skill: { framework: 'O*NET-SOC', code: '15-2041.00' } },
                  { skill: { framework: 'O*NET-SOC', code: '15-2051.01' } },
                  { skill: { framework: 'O*NET-SOC', code: '43-9111.00' } },
                ],
              },
            },
          },
        ],
      },
    },
    {
      format: 'credstack-pathway/1',
      id: 'database-essentials',
      version: 1,
      name: 'Database Administration Essentials',
      policy: { onLapse: 'revoke' },
      root: {
        allOf: [
          { label: 'sql', achievement: a('SQL Querying Fundamentals') },
          { label: 'design', achievement: a('Relational Database Design') },
          { label: 'operations', anyOf: [{ achievement: a('Database Backup and Recovery') }] },
        ],
      },
    },
    {
      format: 'credstack-pathway/1',
      id: 'bi-specialist',
      version: 1,
      name: 'Business Intelligence Specialist',
      description: 'Data Analyst Foundations, then dashboards and storytelling.',
      root: {
        allOf: [
          { label: 'foundations', pathway: 'data-analyst-foundations' },
          { label: 'dashboards', achievement: a('Dashboard Design') },
          { label: 'storytelling', achievement: a('Data Storytelling') },
        ],
      },
    },
  ];
}
