import jsonLogic from 'json-logic-js';
import { type CompiledPathway, compilePathway } from '#pathways/compile.ts';
import { subtractDuration } from '#pathways/duration.ts';
import { evaluate } from '#pathways/evaluate.ts';
import { nextSteps } from '#pathways/guidance.ts';
import type {
  EvaluatedCredential,
  LeafConstraints,
  Pathway,
  PathwayNode,
} from '#pathways/rule-types.ts';
import { compareRates } from './measure.ts';

/**
 * Pathway evaluation throughput on generated, seeded data: credstack `evaluate` (exact
 * one-credential-per-requirement search with explanations) against the same rules written as
 * JSON Logic, which only gives a verdict and lets one credential meet several requirements.
 */

const NOW = new Date('2026-06-01T00:00:00Z');
const YEAR_MS = 365.25 * 24 * 3600 * 1000;
const TRACKS = 10;
const PER_TRACK = 20;
const SKILLS_PER_TRACK = 8;
const ISSUERS = Array.from({ length: 6 }, (_, i) => `did:web:college-${i}.example`);

type Rng = () => number;

// mulberry32: small, fast and identical on every machine, so every run sees the same data.
function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rng: Rng, min: number, max: number): number =>
  min + Math.floor(rng() * (max - min + 1));
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
function sample<T>(rng: Rng, items: readonly T[], count: number): T[] {
  const pool = [...items];
  for (let i = pool.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rng() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}

interface CatalogueEntry {
  id: string;
  track: number;
  skills: { framework: string; code: string }[];
  credits: number;
}

const trackSkills = (track: number) =>
  Array.from({ length: SKILLS_PER_TRACK }, (_, s) => ({
    framework: track % 2 === 0 ? 'ESCO' : 'ONET',
    code: `S${track}.${s}`,
  }));

function catalogue(rng: Rng): CatalogueEntry[] {
  const out: CatalogueEntry[] = [];
  for (let track = 0; track < TRACKS; track += 1) {
    const skills = trackSkills(track);
    for (let i = 0; i < PER_TRACK; i += 1) {
      out.push({
        id: `urn:ach:t${track}-${i.toString().padStart(2, '0')}`,
        track,
        skills: sample(rng, skills, int(rng, 1, 3)),
        credits: int(rng, 1, 6),
      });
    }
  }
  return out;
}

const inTrack = (cat: readonly CatalogueEntry[], track: number) =>
  cat.filter((a) => a.track === track).map((a) => a.id);
// Badge popularity is skewed: programmes and learners both favour a track's first badges.
const popular = <T>(rng: Rng, items: readonly T[]): T =>
  items[Math.floor(rng() ** 2 * items.length)]!;

/**
 * A programme-shaped pathway of 10–30 requirements: core badges (allOf, some with
 * alternatives), n recent badges (nOf, within P2Y, sometimes from listed issuers), n of the
 * track's skills, an elective credit pool, and sometimes a badge-pair-or-skill option (anyOf).
 */
function generatePathway(rng: Rng, index: number, cat: readonly CatalogueEntry[]): Pathway {
  const main = int(rng, 0, TRACKS - 1);
  const second = (main + int(rng, 1, TRACKS - 1)) % TRACKS;
  const mainIds = inTrack(cat, main);
  const core: PathwayNode[] = sample(rng, mainIds.slice(0, 10), int(rng, 3, 6)).map(
    (achievement) =>
      rng() < 0.2 ? { achievement, alternatives: [pick(rng, mainIds)] } : { achievement },
  );
  const issuers = rng() < 0.5 ? { issuers: { anyOf: sample(rng, ISSUERS, 4) } } : {};
  const recentOf = sample(rng, [...mainIds, ...inTrack(cat, second)], int(rng, 4, 8));
  const skillsOf = sample(rng, trackSkills(main), int(rng, 3, 6));
  const groups: PathwayNode[] = [
    { label: 'core', allOf: core },
    {
      label: 'recent',
      milestone: `urn:ach:pathway-${index}-recent`,
      nOf: {
        n: int(rng, 2, 3),
        of: recentOf.map((achievement) => ({ achievement, within: 'P2Y', ...issuers })),
      },
    },
    {
      label: 'skills',
      nOf: { n: int(rng, 2, 3), of: skillsOf.map((skill) => ({ skill })) },
    },
    {
      label: 'electives',
      within: 'P2Y',
      credits: {
        atLeast: int(rng, 4, 10),
        of: { anyOf: sample(rng, trackSkills(second), int(rng, 2, 4)).map((skill) => ({ skill })) },
      },
    },
  ];
  if (rng() < 0.5) {
    const [a, b] = sample(rng, mainIds, 2);
    groups.push({
      label: 'capstone',
      anyOf: [
        { allOf: [{ achievement: a! }, { achievement: b! }] },
        { skill: pick(rng, trackSkills(main)) },
      ],
    });
  }
  return {
    format: 'credstack-pathway/1',
    id: `urn:pathway:bench-${index}`,
    version: 1,
    name: `Benchmark pathway ${index}`,
    issuerId: ISSUERS[0]!,
    root: { allOf: groups },
  };
}

/**
 * 5–200 credentials (log-uniform, as most learners hold few), 70% from one focus track,
 * issued within the last four years; a few revoked, unverified, not issuer-bound or expired.
 */
function generateLearner(rng: Rng, index: number, cat: readonly CatalogueEntry[]) {
  const count = Math.round(5 * 40 ** rng());
  // Two tracks a learner works in (a main subject and a second one), 70% of their badges.
  const focus = int(rng, 0, TRACKS - 1);
  const focusIds = cat.filter((a) => a.track === focus || a.track === (focus + 1) % TRACKS);
  const credentials: EvaluatedCredential[] = [];
  for (let i = 0; i < count; i += 1) {
    const entry =
      rng() < 0.7
        ? rng() < 0.5
          ? popular(rng, focusIds.slice(0, PER_TRACK))
          : popular(rng, focusIds.slice(PER_TRACK))
        : pick(rng, cat);
    const issued = NOW.getTime() - rng() * 4 * YEAR_MS;
    const c: EvaluatedCredential = {
      id: `urn:cred:${index}-${i}`,
      achievementId: entry.id,
      issuerId: pick(rng, ISSUERS),
      issuedAt: new Date(issued).toISOString(),
      verified: rng() >= 0.02,
      issuerBound: rng() >= 0.01,
      alignments: entry.skills,
    };
    if (rng() < 0.3) c.validUntil = new Date(issued + int(rng, 1, 3) * YEAR_MS).toISOString();
    if (rng() < 0.02) c.revoked = true;
    if (rng() < 0.01) c.expired = true;
    if (rng() < 0.8) c.creditsEarned = entry.credits;
    else c.creditsAvailable = entry.credits;
    credentials.push(c);
  }
  return credentials;
}

/** The plain shape JSON Logic reads: one object per credential, times as epoch ms. */
function jsonLogicData(credentials: readonly EvaluatedCredential[]) {
  return {
    credentials: credentials.map((c) => ({
      achievement: c.achievementId,
      issuer: c.issuerId,
      skills: c.alignments.map((a) => `${a.framework}|${a.code}`),
      issued: new Date(c.issuedAt).getTime(),
      validUntil: c.validUntil === undefined ? null : new Date(c.validUntil).getTime(),
      verified: c.verified,
      issuerBound: c.issuerBound,
      revoked: c.revoked === true,
      expired: c.expired === true,
      credits: c.creditsEarned ?? c.creditsAvailable ?? 0,
    })),
  };
}

const v = (name: string) => ({ var: name });
const COUNTABLE = {
  and: [
    v('verified'),
    v('issuerBound'),
    { '!': v('revoked') },
    { '!': v('expired') },
    { or: [{ '!': v('validUntil') }, { '>': [v('validUntil'), NOW.getTime()] }] },
  ],
};

function constraintLogic(k: LeafConstraints): unknown[] {
  const out: unknown[] = [];
  if (k.within) {
    out.push({ '<=': [subtractDuration(NOW, k.within).getTime(), v('issued'), NOW.getTime()] });
  }
  if (k.issuers) {
    if (!('anyOf' in k.issuers)) throw new Error('trust lists are not generated');
    out.push({ in: [v('issuer'), k.issuers.anyOf] });
  }
  if (k.minResult || k.before) throw new Error('minResult and before are not generated');
  return out;
}

/** Whether one credential (the JSON Logic scope inside some/filter) fits a leaf. */
function leafMatch(node: PathwayNode): unknown {
  if ('achievement' in node) {
    const ids = [node.achievement, ...(node.alternatives ?? [])];
    return { and: [{ in: [v('achievement'), ids] }, ...constraintLogic(node)] };
  }
  if ('skill' in node) {
    const key = `${node.skill.framework}|${node.skill.code}`;
    return { and: [{ in: [key, v('skills')] }, ...constraintLogic(node)] };
  }
  if ('allOf' in node) return { or: node.allOf.map(leafMatch) };
  if ('anyOf' in node) return { or: node.anyOf.map(leafMatch) };
  if ('nOf' in node) return { or: node.nOf.of.map(leafMatch) };
  throw new Error('node kind not generated');
}

function toJsonLogic(node: PathwayNode): unknown {
  if ('allOf' in node) return { and: node.allOf.map(toJsonLogic) };
  if ('anyOf' in node) return { or: node.anyOf.map(toJsonLogic) };
  if ('nOf' in node) {
    return {
      '>=': [{ '+': node.nOf.of.map((c) => ({ if: [toJsonLogic(c), 1, 0] })) }, node.nOf.n],
    };
  }
  if ('credits' in node) {
    const pool = {
      and: [
        COUNTABLE,
        ...(node.credits.of ? [leafMatch(node.credits.of)] : []),
        ...constraintLogic(node),
      ],
    };
    const sum = {
      reduce: [
        { filter: [v('credentials'), pool] },
        { '+': [v('accumulator'), v('current.credits')] },
        0,
      ],
    };
    return { '>=': [sum, node.credits.atLeast] };
  }
  return { some: [v('credentials'), { and: [COUNTABLE, leafMatch(node)] }] };
}

export interface PathwayFigures {
  readonly evaluatePerSecond: number;
  readonly guidancePerSecond: number;
  readonly jsonLogicPerSecond: number;
  readonly pathways: number;
  readonly learners: number;
  readonly meanRequirements: number;
  readonly meanCredentials: number;
  /** Satisfied verdicts compared on every pair (JSON Logic may count one credential twice). */
  readonly agreement: {
    readonly pairs: number;
    readonly agree: number;
    readonly satisfied: number;
    readonly jsonLogicOnly: number;
  };
  /** One timed pass over every pair (a mean, outliers included), next to the round medians. */
  readonly fullPass: {
    readonly evaluatePerSecond: number;
    readonly jsonLogicPerSecond: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly maxMs: number;
    /** Pairs where the engine's search budget ran out (a partial explanation). */
    readonly budgetSpent: number;
  };
}

const countLeaves = (node: PathwayNode): number => {
  if ('allOf' in node) return node.allOf.reduce((s, c) => s + countLeaves(c), 0);
  if ('anyOf' in node) return node.anyOf.reduce((s, c) => s + countLeaves(c), 0);
  if ('nOf' in node) return node.nOf.of.reduce((s, c) => s + countLeaves(c), 0);
  if ('credits' in node) return 1 + (node.credits.of ? countLeaves(node.credits.of) : 0);
  return 1;
};

/**
 * Evaluations per second over learner × pathway pairs on one core: `evaluate`, `evaluate` +
 * `nextSteps`, and json-logic-js `apply` on the same rules, in alternating rounds.
 *
 * @example
 * const figures = await measurePathways({ rounds: 5, roundMs: 1000 });
 */
export async function measurePathways(
  options: { rounds?: number; roundMs?: number; pathways?: number; learners?: number } = {},
): Promise<PathwayFigures> {
  const rng = mulberry32(0x5eed);
  const cat = catalogue(rng);
  const pathways = Array.from({ length: options.pathways ?? 24 }, (_, i) =>
    generatePathway(rng, i, cat),
  );
  const learners = Array.from({ length: options.learners ?? 60 }, (_, i) =>
    generateLearner(rng, i, cat),
  );
  const compiled: CompiledPathway[] = pathways.map((p) => compilePathway(p));
  const rules = pathways.map((p) => toJsonLogic(p.root));
  const shaped = learners.map((credentials) => ({ credentials }));
  const data = learners.map(jsonLogicData);
  const context = { now: NOW };
  // Shuffled so consecutive calls hit different learners and pathways, as a service would.
  const pairs = sample(
    rng,
    learners.flatMap((_, l) => pathways.map((_, p) => [l, p] as const)),
    learners.length * pathways.length,
  );

  // One full pass over every pair: the verdict check, and per-call latencies including the
  // pairs where the engine's exact search runs into its budget.
  let agree = 0;
  let satisfied = 0;
  let jsonLogicOnly = 0;
  let budgetSpent = 0;
  const engineMs: number[] = [];
  let baselineMs = 0;
  for (const [l, p] of pairs) {
    const t0 = performance.now();
    const evaluation = evaluate(compiled[p]!, shaped[l]!, context);
    const t1 = performance.now();
    const baseline = jsonLogic.truthy(jsonLogic.apply(rules[p], data[l]));
    baselineMs += performance.now() - t1;
    engineMs.push(t1 - t0);
    if (!evaluation.exhaustive) budgetSpent += 1;
    if (evaluation.satisfied === baseline) agree += 1;
    else if (baseline) jsonLogicOnly += 1;
    else throw new Error(`JSON Logic encoding differs: pathway ${p}, learner ${l}`);
    if (evaluation.satisfied) satisfied += 1;
  }
  const sorted = [...engineMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const engineTotal = engineMs.reduce((s, ms) => s + ms, 0);

  // Each side walks the shuffled pairs with its own cursor across rounds, so rounds do not
  // all re-measure the same first pairs.
  const n = pairs.length;
  const cursor = (run: (l: number, p: number) => unknown) => {
    let next = 0;
    return () => {
      const [l, p] = pairs[next % n]!;
      next += 1;
      return run(l, p);
    };
  };
  const [engineRate, guidanceRate, baselineRate] = await compareRates(
    [
      cursor((l, p) => evaluate(compiled[p]!, shaped[l]!, context)),
      cursor((l, p) => nextSteps(compiled[p]!, evaluate(compiled[p]!, shaped[l]!, context))),
      cursor((l, p) => jsonLogic.apply(rules[p], data[l])),
    ],
    { rounds: options.rounds ?? 5, roundMs: options.roundMs ?? 1000 },
  );
  return {
    evaluatePerSecond: engineRate!.perSecond,
    guidancePerSecond: guidanceRate!.perSecond,
    jsonLogicPerSecond: baselineRate!.perSecond,
    pathways: pathways.length,
    learners: learners.length,
    meanRequirements: pathways.reduce((s, p) => s + countLeaves(p.root), 0) / pathways.length,
    meanCredentials: learners.reduce((s, c) => s + c.length, 0) / learners.length,
    agreement: { pairs: n, agree, satisfied, jsonLogicOnly },
    fullPass: {
      evaluatePerSecond: (n / engineTotal) * 1000,
      jsonLogicPerSecond: (n / baselineMs) * 1000,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      maxMs: sorted.at(-1)!,
      budgetSpent,
    },
  };
}
