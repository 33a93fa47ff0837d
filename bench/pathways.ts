import jsonLogic from 'json-logic-js';
import { check } from '#pathways/check.ts';
import { type CompiledPathway, compilePathway } from '#pathways/compile.ts';
import { subtractDuration } from '#pathways/duration.ts';
import { evaluate, evaluateIndexed } from '#pathways/evaluate.ts';
import { nextSteps } from '#pathways/guidance.ts';
import { indexLearner, type LearnerIndex } from '#pathways/learner-index.ts';
import type {
  EvaluatedCredential,
  LeafConstraints,
  Pathway,
  PathwayNode,
} from '#pathways/rule-types.ts';
import { buildTriggerIndex } from '#pathways/trigger-index.ts';
import { type BenchRow, compareRates } from './measure.ts';
import { mulberry32, type Rng } from './random.ts';

/**
 * Pathway benchmarks on generated, seeded data, each next to json-logic-js in the same run:
 * verdicts per second (`indexLearner` + `check`), explained evaluations (`evaluate`, with and
 * without `nextSteps`), the reaction to one new credential with 1,000 pathways defined (with
 * and without the trigger index), and a retroactive pass of one new pathway over 100,000
 * learners. The JSON Logic rules give a verdict only and let one credential meet several
 * requirements, so they agree with the engine wherever that makes no difference.
 */

const NOW = new Date('2026-06-01T00:00:00Z');
const YEAR_MS = 365.25 * 24 * 3600 * 1000;
const TRACKS = 10;
const PER_TRACK = 20;
const SKILLS_PER_TRACK = 8;
const ISSUERS = Array.from({ length: 6 }, (_, i) => `did:web:college-${i}.example`);

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
function generateLearner(
  rng: Rng,
  index: number,
  cat: readonly CatalogueEntry[],
  count = Math.round(5 * 40 ** rng()),
) {
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

/** One row of the benchmark table, in the shape bench/run.ts prints. */
export interface PathwayFigures {
  readonly pathways: number;
  readonly learners: number;
  readonly meanRequirements: number;
  readonly meanCredentials: number;
  /** Median rates of alternating rounds, walking the pairs learner by learner. */
  readonly rates: {
    readonly checkPerSecond: number;
    readonly evaluatePerSecond: number;
    readonly guidancePerSecond: number;
    readonly jsonLogicPerSecond: number;
  };
  /** Verdicts compared on every pair (JSON Logic may count one credential twice). */
  readonly agreement: {
    readonly pairs: number;
    readonly agree: number;
    readonly satisfied: number;
    readonly jsonLogicOnly: number;
    /** Pairs where `check` gave the same verdict and credentials as `evaluate`. */
    readonly checkAgrees: number;
    /** Pairs where the engine's search budget ran out (a partial explanation). */
    readonly budgetSpent: number;
  };
  /** One timed pass over every pair (a mean, outliers included). */
  readonly fullPass: {
    readonly evaluatePerSecond: number;
    readonly jsonLogicPerSecond: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly maxMs: number;
  };
  readonly reaction: {
    readonly pathways: number;
    readonly held: number;
    readonly samples: number;
    readonly meanAffected: number;
    readonly newlySatisfied: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly allP50Ms: number;
    readonly allP99Ms: number;
  };
  readonly retroactive: {
    readonly learners: number;
    readonly meanCredentials: number;
    readonly seconds: number;
    readonly perSecond: number;
    readonly satisfied: number;
    readonly jsonLogicLearners: number;
    readonly jsonLogicSeconds: number;
    readonly jsonLogicPerSecond: number;
    readonly jsonLogicOnly: number;
  };
}

export interface PathwayBenchOptions {
  rounds?: number;
  roundMs?: number;
  pathways?: number;
  learners?: number;
  /** Pathways defined when one new credential arrives. */
  reactionPathways?: number;
  /** New credentials reacted to, each against the same 200 held ones, per round. */
  reactionSamples?: number;
  retroLearners?: number;
  /** json-logic-js runs on every n-th learner of the retroactive pass. */
  retroSampleEvery?: number;
}

const countLeaves = (node: PathwayNode): number => {
  if ('allOf' in node) return node.allOf.reduce((s, c) => s + countLeaves(c), 0);
  if ('anyOf' in node) return node.anyOf.reduce((s, c) => s + countLeaves(c), 0);
  if ('nOf' in node) return node.nOf.of.reduce((s, c) => s + countLeaves(c), 0);
  if ('credits' in node) return 1 + (node.credits.of ? countLeaves(node.credits.of) : 0);
  return 1;
};

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

/**
 * Walks the pairs learner by learner, as a service checks one learner's pathways together:
 * `prepare` runs when the learner changes (the engine's index, JSON Logic's data shape), so
 * its cost is spread over that learner's pathways on both sides alike.
 */
function walker<T>(
  walk: readonly (readonly [number, number])[],
  prepare: (learner: number) => T,
  run: (prepared: T, pathway: number) => unknown,
): () => unknown {
  let next = 0;
  let current = -1;
  let prepared: T | undefined;
  return () => {
    const [l, p] = walk[next % walk.length]!;
    next += 1;
    if (l !== current || prepared === undefined) {
      prepared = prepare(l);
      current = l;
    }
    return run(prepared, p);
  };
}

/**
 * Runs every pathway benchmark; see the file comment.
 *
 * @example
 * const figures = await measurePathways({ rounds: 5, roundMs: 1000 });
 */
export async function measurePathways(options: PathwayBenchOptions = {}): Promise<PathwayFigures> {
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
  // Learners in a shuffled order, each with its pathways in a shuffled order of its own.
  const walk = sample(
    rng,
    learners.map((_, l) => l),
    learners.length,
  ).flatMap((l) =>
    sample(
      rng,
      pathways.map((_, p) => p),
      pathways.length,
    ).map((p) => [l, p] as const),
  );

  // One full pass over every pair: the verdicts compared, and per-call latencies including
  // the pairs where the engine's exact search runs into its budget.
  let agree = 0;
  let satisfied = 0;
  let jsonLogicOnly = 0;
  let budgetSpent = 0;
  let checkAgrees = 0;
  const engineMs: number[] = [];
  let baselineMs = 0;
  let index: LearnerIndex | undefined;
  let indexed = -1;
  for (const [l, p] of walk) {
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
    if (index === undefined || indexed !== l) {
      index = indexLearner(learners[l]!, NOW);
      indexed = l;
    }
    const verdict = check(compiled[p]!, index);
    const same =
      verdict.satisfied === evaluation.satisfied &&
      (!verdict.satisfied || verdict.contributing.join() === evaluation.contributing.join());
    if (!same) throw new Error(`check differs from evaluate: pathway ${p}, learner ${l}`);
    checkAgrees += 1;
  }
  const engineTotal = engineMs.reduce((s, ms) => s + ms, 0);
  const n = walk.length;

  const [checkRate, evaluateRate, guidanceRate, baselineRate] = await compareRates(
    [
      walker(
        walk,
        (l) => indexLearner(learners[l]!, NOW),
        (ix, p) => check(compiled[p]!, ix),
      ),
      walker(
        walk,
        (l) => shaped[l]!,
        (learner, p) => evaluate(compiled[p]!, learner, context),
      ),
      walker(
        walk,
        (l) => shaped[l]!,
        (learner, p) => nextSteps(compiled[p]!, evaluate(compiled[p]!, learner, context)),
      ),
      walker(
        walk,
        (l) => jsonLogicData(learners[l]!),
        (shape, p) => jsonLogic.apply(rules[p], shape),
      ),
    ],
    { rounds: options.rounds ?? 5, roundMs: options.roundMs ?? 1000 },
  );

  return {
    pathways: pathways.length,
    learners: learners.length,
    meanRequirements: pathways.reduce((s, p) => s + countLeaves(p.root), 0) / pathways.length,
    meanCredentials: learners.reduce((s, c) => s + c.length, 0) / learners.length,
    rates: {
      checkPerSecond: checkRate!.perSecond,
      evaluatePerSecond: evaluateRate!.perSecond,
      guidancePerSecond: guidanceRate!.perSecond,
      jsonLogicPerSecond: baselineRate!.perSecond,
    },
    agreement: { pairs: n, agree, satisfied, jsonLogicOnly, checkAgrees, budgetSpent },
    fullPass: {
      evaluatePerSecond: (n / engineTotal) * 1000,
      jsonLogicPerSecond: (n / baselineMs) * 1000,
      p50Ms: quantile(engineMs, 0.5),
      p99Ms: quantile(engineMs, 0.99),
      maxMs: Math.max(...engineMs),
    },
    reaction: measureReaction(rng, cat, options),
    retroactive: measureRetroactive(cat, options),
  };
}

/**
 * One learner holding 200 credentials receives one more while `reactionPathways` pathways
 * are defined. The reaction: look up the pathways the credential can affect, index the
 * learner, check those, and explain the newly satisfied ones (what an award needs). The
 * baseline does the same for every pathway. Both must find the same newly satisfied ones.
 */
function measureReaction(rng: Rng, cat: readonly CatalogueEntry[], options: PathwayBenchOptions) {
  const count = options.reactionPathways ?? 1000;
  const samples = options.reactionSamples ?? 100;
  const rounds = Math.max(1, options.rounds ?? 5);
  const defined = Array.from({ length: count }, (_, i) =>
    compilePathway(generatePathway(rng, 1000 + i, cat)),
  );
  const triggers = buildTriggerIndex(defined);
  const HELD = 200;
  const all = generateLearner(rng, 100_000, cat, HELD + samples);
  const held = all.slice(0, HELD);
  const arriving = all.slice(HELD);
  const before = indexLearner(held, NOW);
  const met = new Set(defined.filter((p) => check(p, before).satisfied).map((p) => p.pathway.id));
  const react = (credential: EvaluatedCredential, candidates: readonly CompiledPathway[]) => {
    const index = indexLearner([...held, credential], NOW);
    const awarded: string[] = [];
    for (const p of candidates) {
      if (check(p, index).satisfied && !met.has(p.pathway.id)) {
        awarded.push(evaluateIndexed(p, index).pathwayId);
      }
    }
    return awarded.join();
  };
  const indexed: number[] = [];
  const everything: number[] = [];
  let affected = 0;
  let newlySatisfied = 0;
  for (let round = 0; round < rounds + 1; round += 1) {
    for (const [k, credential] of arriving.entries()) {
      // Alternate which side goes first, so neither always runs on a warmer cache.
      const t0 = performance.now();
      const first = k % 2 === 0;
      const a = first ? react(credential, triggers.affectedPathways(credential)) : '';
      const t1 = performance.now();
      const b = react(credential, defined);
      const t2 = performance.now();
      const c = first ? '' : react(credential, triggers.affectedPathways(credential));
      const t3 = performance.now();
      if ((first ? a : c) !== b) throw new Error(`the trigger index missed a pathway: ${b}`);
      // The first round warms up.
      if (round === 0) continue;
      indexed.push(first ? t1 - t0 : t3 - t2);
      everything.push(t2 - t1);
      affected += triggers.affectedPathways(credential).length;
      newlySatisfied += b === '' ? 0 : b.split(',').length;
    }
  }
  const total = rounds * samples;
  return {
    pathways: count,
    held: HELD,
    samples: total,
    meanAffected: affected / total,
    newlySatisfied,
    p50Ms: quantile(indexed, 0.5),
    p99Ms: quantile(indexed, 0.99),
    allP50Ms: quantile(everything, 0.5),
    allP99Ms: quantile(everything, 0.99),
  };
}

/**
 * A new pathway version checked against every learner, learners generated a chunk at a time
 * (generation not timed). The engine indexes each learner's credentials that the pathway can
 * read and checks it; json-logic-js shapes its data and applies the rule for every n-th
 * learner, on whom the engine's verdict is also checked against a full index.
 */
function measureRetroactive(cat: readonly CatalogueEntry[], options: PathwayBenchOptions) {
  const total = options.retroLearners ?? 100_000;
  const every = options.retroSampleEvery ?? 4;
  const source = generatePathway(mulberry32(0x7e70), 5000, cat);
  const target = compilePathway(source);
  const rule = toJsonLogic(source.root);
  // Only the credentials the pathway can read are indexed: one pathway per learner here.
  const only = { pathways: [target] };
  const learnerRng = mulberry32(0xbea7);
  const CHUNK = 1000;
  let engineMs = 0;
  let baselineMs = 0;
  let satisfied = 0;
  let sampled = 0;
  let credentials = 0;
  let jsonLogicOnly = 0;
  const verdicts = new Uint8Array(CHUNK);
  for (let start = 0; start < total; start += CHUNK) {
    const size = Math.min(CHUNK, total - start);
    const chunk = Array.from({ length: size }, (_, i) =>
      generateLearner(learnerRng, start + i, cat),
    );
    const t0 = performance.now();
    for (let i = 0; i < size; i += 1) {
      verdicts[i] = check(target, indexLearner(chunk[i]!, NOW, only)).satisfied ? 1 : 0;
    }
    const t1 = performance.now();
    const baseline: boolean[] = [];
    for (let i = 0; i < size; i += every) {
      baseline.push(jsonLogic.truthy(jsonLogic.apply(rule, jsonLogicData(chunk[i]!))));
    }
    const t2 = performance.now();
    engineMs += t1 - t0;
    baselineMs += t2 - t1;
    for (let i = 0; i < size; i += 1) {
      satisfied += verdicts[i]!;
      credentials += chunk[i]!.length;
    }
    for (const [j, yes] of baseline.entries()) {
      const learner = chunk[j * every]!;
      const engine = verdicts[j * every] === 1;
      if (engine && !yes)
        throw new Error(`JSON Logic encoding differs: learner ${start + j * every}`);
      if (yes && !engine) jsonLogicOnly += 1;
      // The limited index must give what a full one gives.
      if (check(target, indexLearner(learner, NOW)).satisfied !== engine) {
        throw new Error(`limited index differs: learner ${start + j * every}`);
      }
    }
    sampled += baseline.length;
  }
  return {
    learners: total,
    meanCredentials: credentials / total,
    seconds: engineMs / 1000,
    perSecond: (total / engineMs) * 1000,
    satisfied,
    jsonLogicLearners: sampled,
    jsonLogicSeconds: baselineMs / 1000,
    jsonLogicPerSecond: (sampled / baselineMs) * 1000,
    jsonLogicOnly,
  };
}

const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * The pathway rows of the benchmark table (and a line of context on stdout).
 *
 * @example
 * rows.push(...(await pathwayRows({ rounds, roundMs })));
 */
export async function pathwayRows(options: PathwayBenchOptions = {}): Promise<BenchRow[]> {
  const pw = await measurePathways(options);
  const { agreement: a, fullPass: f, rates: r, reaction: x, retroactive: z } = pw;
  process.stdout.write(
    `pathways: ${pw.pathways} × ${pw.learners} learners, mean ${pw.meanRequirements.toFixed(1)} requirements, ${pw.meanCredentials.toFixed(1)} credentials; verdicts agree on ${a.agree}/${a.pairs} pairs (${a.satisfied} satisfied; ${a.jsonLogicOnly} satisfied by json-logic only, one credential counted twice); check = evaluate on ${a.checkAgrees}/${a.pairs}; evaluate p50 ${f.p50Ms.toFixed(3)} ms, p99 ${f.p99Ms.toFixed(3)} ms, max ${f.maxMs.toFixed(2)} ms, search budget spent on ${a.budgetSpent}\n` +
      `pathway reaction: ${x.samples} new credentials, mean ${x.meanAffected.toFixed(0)} of ${x.pathways} pathways affected, ${x.newlySatisfied} newly satisfied; p50/p99 ${x.p50Ms.toFixed(3)}/${x.p99Ms.toFixed(3)} ms vs all pathways ${x.allP50Ms.toFixed(3)}/${x.allP99Ms.toFixed(3)} ms\n` +
      `pathway retroactive pass: ${thousands(z.learners)} learners (mean ${z.meanCredentials.toFixed(1)} credentials) in ${z.seconds.toFixed(2)} s, ${thousands(z.satisfied)} satisfied; json-logic-js on ${thousands(z.jsonLogicLearners)} of them in ${z.jsonLogicSeconds.toFixed(2)} s (${z.jsonLogicOnly} satisfied by json-logic only)\n`,
  );
  const perLearner = `data shaped once per learner, included; ${pw.pathways} pathways each`;
  const jsonLogicWalk = `json-logic-js apply, verdicts/s (${perLearner})`;
  const reaction = `reaction to one new credential (${x.held} held, ${thousands(x.pathways)} pathways): trigger index + indexLearner + check ${x.meanAffected.toFixed(0)} affected + evaluate the newly met`;
  const everyPathway = `same, checking all ${thousands(x.pathways)} pathways (no trigger index)`;
  return [
    {
      metric: `pathway verdicts/s, indexLearner + check (${pw.pathways} pathways × ${pw.learners} learners; index built once per learner, included)`,
      value: r.checkPerSecond,
      baselineName: jsonLogicWalk,
      baseline: r.jsonLogicPerSecond,
      target: '≥ 1000% (10×)',
    },
    {
      metric:
        'pathway evaluations/s, evaluate (exact assignment, explanations, learner indexed per call)',
      value: r.evaluatePerSecond,
      baselineName: jsonLogicWalk,
      baseline: r.jsonLogicPerSecond,
    },
    {
      metric: 'pathway evaluations/s, evaluate + nextSteps (guidance)',
      value: r.guidancePerSecond,
      baselineName: jsonLogicWalk,
      baseline: r.jsonLogicPerSecond,
    },
    {
      metric: 'pathway evaluations/s, evaluate, one pass over all pairs (mean)',
      value: f.evaluatePerSecond,
      baselineName: 'json-logic-js apply, same pass (mean; data shaped beforehand, not timed)',
      baseline: f.jsonLogicPerSecond,
    },
    {
      metric: `${reaction}, p50`,
      value: x.p50Ms,
      baselineName: `${everyPathway}, p50`,
      baseline: x.allP50Ms,
      unit: 'ms',
    },
    {
      metric: `${reaction}, p99`,
      value: x.p99Ms,
      baselineName: `${everyPathway}, p99`,
      baseline: x.allP99Ms,
      unit: 'ms',
    },
    {
      metric: `retroactive pass, one new pathway over ${thousands(z.learners)} learners (5–200 credentials): indexLearner (limited to the pathway) + check, learners/s (${z.seconds.toFixed(1)} s in all)`,
      value: z.perSecond,
      baselineName: `json-logic-js data shaping + apply, learners/s (every ${thousands(z.learners / z.jsonLogicLearners)}th learner, ${thousands(z.jsonLogicLearners)})`,
      baseline: z.jsonLogicPerSecond,
    },
  ];
}
