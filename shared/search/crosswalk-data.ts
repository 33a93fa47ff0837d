/**
 * The bundled O*NET ↔ ESCO subset: the data and analytics occupations and skills the demo
 * catalogue and its stacks align to, and their neighbours. Every code and URI is a published one: O*NET-SOC
 * 2019 codes and titles (O*NET OnLine), ESCO v1 concept URIs and preferred labels.
 *
 * Where the equivalences come from:
 * - `nesta-mcc`: the ESCO–O*NET occupation crosswalk published by Nesta with "Mapping Career
 *   Causeways" (github.com/nestauk/mapping-career-causeways,
 *   supplementary_online_data/ONET_ESCO_crosswalk/esco_onet_crosswalk_MCC.csv). Only rows whose
 *   O*NET code kept its meaning in O*NET-SOC 2019 are taken.
 * - `title-2019`: O*NET-SOC 2019 introduced 15-2051.00 Data Scientists; ESCO's "data scientist"
 *   is its exact title counterpart. (The Nesta crosswalk predates the 2019 taxonomy and files
 *   "data scientist" under 15-1111.00, its home in O*NET-SOC 2010.)
 *
 * ESCO skills have no counterpart among O*NET-SOC occupations, so the demo's three ESCO skills
 * are known concepts (their names are resolved, their codes are never "unknown") without an
 * equivalence; so are the O*NET occupations whose ESCO counterpart no source above gives for
 * O*NET-SOC 2019. An equivalence is one hop: it never chains through a third concept.
 */

export const CROSSWALK_FRAMEWORKS = ['ONET', 'ESCO'] as const;
export type CrosswalkFramework = (typeof CROSSWALK_FRAMEWORKS)[number];

/** One concept of the bundled subset. */
export interface CrosswalkConcept {
  readonly framework: CrosswalkFramework;
  /** O*NET-SOC code, or the last path segment of the ESCO concept URI. */
  readonly code: string;
  readonly name: string;
  readonly kind: 'occupation' | 'skill';
}

export const CROSSWALK_SOURCES = ['nesta-mcc', 'title-2019'] as const;
export type CrosswalkSource = (typeof CROSSWALK_SOURCES)[number];

/** An O*NET occupation and the ESCO concept it is equivalent to. */
export interface CrosswalkEquivalence {
  readonly onet: string;
  readonly esco: string;
  readonly source: CrosswalkSource;
}

const onet = (code: string, name: string): CrosswalkConcept => ({
  framework: 'ONET',
  code,
  name,
  kind: 'occupation',
});
const escoOccupation = (code: string, name: string): CrosswalkConcept => ({
  framework: 'ESCO',
  code,
  name,
  kind: 'occupation',
});
const escoSkill = (code: string, name: string): CrosswalkConcept => ({
  framework: 'ESCO',
  code,
  name,
  kind: 'skill',
});

export const CROSSWALK_CONCEPTS: readonly CrosswalkConcept[] = [
  onet('15-2051.00', 'Data Scientists'),
  onet('15-2051.01', 'Business Intelligence Analysts'),
  onet('15-2041.00', 'Statisticians'),
  onet('15-2021.00', 'Mathematicians'),
  onet('15-2011.00', 'Actuaries'),
  onet('13-1161.00', 'Market Research Analysts and Marketing Specialists'),
  onet('19-1029.01', 'Bioinformatics Scientists'),
  onet('43-9111.00', 'Statistical Assistants'),
  onet('15-1242.00', 'Database Administrators'),
  onet('15-1243.00', 'Database Architects'),
  escoOccupation('258e46f9-0075-4a2e-adae-1ff0477e0f30', 'data scientist'),
  escoOccupation('d3edb8f8-3a06-47a0-8fb9-9b212c006aa2', 'data analyst'),
  escoOccupation('ac8b3cd1-a127-4e6a-8208-5cfcf7111955', 'statistician'),
  escoOccupation('ff656b3a-65a8-4b4f-b04e-9db12936519b', 'demographer'),
  escoOccupation('72628f3a-fd49-499a-9741-870b0a1fcef2', 'mathematician'),
  escoOccupation('068c2787-58ff-468e-bbb6-c4e5dd6ee482', 'actuarial consultant'),
  escoOccupation('66fb9704-0d56-4673-8e69-7823816b73e1', 'market research analyst'),
  escoOccupation('68d973df-bf10-4bf7-9a1b-fbd9f604b9db', 'bioinformatics scientist'),
  escoSkill('598de5b0-5b58-4ea7-8058-a4bc4d18c742', 'SQL'),
  escoSkill('c3e36d05-8ae8-447f-bb2b-6f9409f85389', 'deliver visual presentation of data'),
  escoSkill('ccd0a1d9-afda-43d9-b901-96344886e14d', 'Python (computer programming)'),
];

export const CROSSWALK_EQUIVALENCES: readonly CrosswalkEquivalence[] = [
  { onet: '15-2051.00', esco: '258e46f9-0075-4a2e-adae-1ff0477e0f30', source: 'title-2019' },
  { onet: '15-2041.00', esco: 'ac8b3cd1-a127-4e6a-8208-5cfcf7111955', source: 'nesta-mcc' },
  { onet: '15-2041.00', esco: 'ff656b3a-65a8-4b4f-b04e-9db12936519b', source: 'nesta-mcc' },
  { onet: '15-2021.00', esco: '72628f3a-fd49-499a-9741-870b0a1fcef2', source: 'nesta-mcc' },
  { onet: '15-2011.00', esco: '068c2787-58ff-468e-bbb6-c4e5dd6ee482', source: 'nesta-mcc' },
  { onet: '13-1161.00', esco: '66fb9704-0d56-4673-8e69-7823816b73e1', source: 'nesta-mcc' },
  { onet: '19-1029.01', esco: '68d973df-bf10-4bf7-9a1b-fbd9f604b9db', source: 'nesta-mcc' },
];
