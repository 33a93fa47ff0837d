import { escoAlignment, onetAlignment } from '#shared/credentials/model/alignment.ts';
import type { AchievementInput, ProfileInput } from '#shared/credentials/model/build-input.ts';

/**
 * The demo tenant's issuer and badges: realistic data-skills micro-credentials aligned to
 * O*NET and ESCO. The samples, the benchmark and (later) the local runtime's seed use them,
 * so what a developer sees locally is what the benchmark measures.
 */

export const DEMO_ISSUER_DOMAIN = 'demo.credstack.example';

export function demoIssuer(id: string): ProfileInput {
  return {
    id,
    name: 'Northfield Technical College',
    url: `https://${DEMO_ISSUER_DOMAIN}`,
    email: 'credentials@northfield.example',
    description:
      'A public technical college awarding stackable data and analytics micro-credentials.',
    image: `https://${DEMO_ISSUER_DOMAIN}/images/northfield-logo.png`,
  };
}

export const DEMO_ACHIEVEMENTS: readonly AchievementInput[] = [
  {
    id: `https://${DEMO_ISSUER_DOMAIN}/achievements/sql-querying`,
    name: 'SQL Querying Fundamentals',
    description:
      'Writes SELECT queries with joins, grouping, window functions and subqueries against a relational database, and explains query plans for common performance problems.',
    criteria: {
      id: `https://${DEMO_ISSUER_DOMAIN}/achievements/sql-querying/criteria`,
      narrative:
        'Completed the 30-hour SQL module and passed a proctored practical assessment of twelve query tasks with a score of at least 70%.',
    },
    image: `https://${DEMO_ISSUER_DOMAIN}/images/sql-querying.png`,
    achievementType: 'Competency',
    alignment: [
      onetAlignment('15-2051.00', 'Data Scientists'),
      escoAlignment('http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742', 'SQL'),
    ],
    resultDescription: [
      {
        id: `https://${DEMO_ISSUER_DOMAIN}/achievements/sql-querying/results/score`,
        name: 'Practical assessment score',
        resultType: 'Percent',
        valueMin: '0',
        valueMax: '100',
        requiredValue: '70',
      },
    ],
    creditsAvailable: 2,
    tag: ['sql', 'databases', 'data analysis'],
  },
  {
    id: `https://${DEMO_ISSUER_DOMAIN}/achievements/data-visualisation`,
    name: 'Data Visualisation',
    description:
      'Chooses and builds charts and dashboards that answer a stated business question, following accessibility guidance for colour and labelling.',
    criteria: {
      narrative:
        'Built and presented a three-chart dashboard reviewed by two assessors against the course rubric.',
    },
    image: `https://${DEMO_ISSUER_DOMAIN}/images/data-visualisation.png`,
    achievementType: 'Competency',
    alignment: [
      onetAlignment('15-2041.00', 'Statisticians'),
      escoAlignment(
        'http://data.europa.eu/esco/skill/c3e36d05-8ae8-447f-bb2b-6f9409f85389',
        'deliver visual presentation of data',
      ),
    ],
    creditsAvailable: 1,
    tag: ['visualisation', 'dashboards'],
  },
  {
    id: `https://${DEMO_ISSUER_DOMAIN}/achievements/python-data-analysis`,
    name: 'Python for Data Analysis',
    description:
      'Cleans, reshapes and summarises tabular data with Python and pandas, and documents the analysis in a reproducible notebook.',
    criteria: {
      narrative:
        'Submitted a reproducible notebook analysis graded at least Proficient on the course rubric.',
    },
    image: `https://${DEMO_ISSUER_DOMAIN}/images/python-data-analysis.png`,
    achievementType: 'Course',
    alignment: [
      onetAlignment('15-2051.01', 'Business Intelligence Analysts'),
      escoAlignment(
        'http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d',
        'Python (computer programming)',
      ),
    ],
    creditsAvailable: 3,
    tag: ['python', 'pandas', 'data analysis'],
  },
];
