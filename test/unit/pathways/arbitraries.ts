import fc from 'fast-check';
import type {
  EvaluatedCredential,
  EvaluationContext,
  Pathway,
  PathwayNode,
} from '#pathways/rule-types.ts';
import { NOW } from './fixtures.ts';

/**
 * Small generated pathways and learners, in two mixes. The general one draws on a small
 * universe (five achievements, four skills, three issuers, two sub-pathways, a handful of
 * issuance dates) with every rule: nesting, credits, recency, issuers, trust lists, minimum
 * results, order, held sub-pathways. The dense one has two achievements and three skills, no
 * constraints and more credentials, so requirements compete for the same credentials and a
 * greedy choice often blocks a later requirement: the case the exact search exists for.
 */

const ISSUERS = ['i0', 'i1', 'i2'];
const SUB_PATHWAYS = ['p0', 'p1'];
const DAY = 24 * 3600 * 1000;
// Few distinct dates, so ties (broken by id) and recency windows both matter.
const DAYS_AGO = [900, 500, 300, 100, 30, 30, -5];

interface Universe {
  achievements: string[];
  skills: { framework: string; code: string }[];
  /** Share of leaves with constraints, in [0, 1]. */
  constrained: number;
  minCredentials: number;
  maxCredentials: number;
  /** Fewest alignments a credential has. */
  minAlignments: number;
  /** Share of credentials that are unverified, not issuer-bound or revoked (each). */
  flawed: number;
}

const GENERAL: Universe = {
  achievements: ['a0', 'a1', 'a2', 'a3', 'a4'],
  skills: [
    { framework: 'F', code: 'k0' },
    { framework: 'F', code: 'k1' },
    { framework: 'F', code: 'k2' },
    { framework: 'G', code: 'k0' },
  ],
  constrained: 0.25,
  minCredentials: 0,
  maxCredentials: 9,
  minAlignments: 0,
  flawed: 0.08,
};

const DENSE: Universe = {
  achievements: ['a0', 'a1'],
  skills: [
    { framework: 'F', code: 'k0' },
    { framework: 'F', code: 'k1' },
    { framework: 'G', code: 'k0' },
  ],
  constrained: 0,
  minCredentials: 3,
  maxCredentials: 10,
  minAlignments: 1,
  flawed: 0,
};

const constraintsArb = fc.record(
  {
    within: fc.constantFrom('P1Y', 'P2Y'),
    issuers: fc.oneof(
      fc.record({ anyOf: fc.subarray(ISSUERS, { minLength: 1 }) }),
      fc.constant({ trustList: 'tl' }),
    ),
    minResult: fc.record(
      { resultDescription: fc.constant('score'), atLeast: fc.constantFrom('50', '70') },
      { requiredKeys: ['atLeast'] },
    ),
    // How many top-level requirements back the `before` target is (resolved in `pathwayArb`).
    before: fc.constantFrom('^1', '^2'),
  },
  { requiredKeys: [] },
);

function nodeArb(u: Universe): fc.Arbitrary<PathwayNode> {
  const some = <T>(share: number, arb: fc.Arbitrary<T>): fc.Arbitrary<T | object> =>
    share === 0
      ? fc.constant({})
      : fc.oneof(
          { weight: Math.round((1 - share) * 100), arbitrary: fc.constant({}) },
          { weight: Math.round(share * 100), arbitrary: arb },
        );
  const leafArb: fc.Arbitrary<PathwayNode> = fc
    .tuple(
      fc.oneof(
        {
          weight: 4,
          arbitrary: fc.constantFrom(...u.achievements).map((achievement) => ({ achievement })),
        },
        {
          weight: 1,
          arbitrary: fc
            .tuple(
              fc.constantFrom(...u.achievements),
              fc.subarray(u.achievements, { minLength: 1, maxLength: 2 }),
            )
            .map(([achievement, alternatives]) => ({ achievement, alternatives })),
        },
        { weight: 3, arbitrary: fc.constantFrom(...u.skills).map((skill) => ({ skill })) },
        { weight: 1, arbitrary: fc.constantFrom(...SUB_PATHWAYS).map((pathway) => ({ pathway })) },
      ),
      some(u.constrained, constraintsArb),
    )
    .map(([kind, constraints]) => ({ ...kind, ...constraints }) as PathwayNode);
  return fc.letrec<{ node: PathwayNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true, maxDepth: 3 },
      { weight: 4, arbitrary: leafArb },
      fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((allOf) => ({ allOf })),
      fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((anyOf) => ({ anyOf })),
      fc
        .array(tie('node'), { minLength: 1, maxLength: 4 })
        .chain((of) => fc.integer({ min: 1, max: of.length }).map((n) => ({ nOf: { n, of } }))),
      fc
        .tuple(
          fc.integer({ min: 1, max: 6 }),
          fc.option(tie('node'), { nil: undefined }),
          some(u.constrained, fc.record({ within: fc.constantFrom('P1Y', 'P2Y') })),
        )
        .map(
          ([atLeast, of, k]) =>
            ({ credits: of === undefined ? { atLeast } : { atLeast, of }, ...k }) as PathwayNode,
        ),
    ),
  })).node;
}

/** Drops `before` markers that reach outside, and points the others at earlier siblings. */
function resolveBefore(node: PathwayNode, top: number): PathwayNode {
  const copy = { ...node } as Record<string, unknown>;
  if (typeof copy.before === 'string') {
    const target = top - Number(copy.before.slice(1));
    if (target < 0) delete copy.before;
    else copy.before = `L${target}`;
  }
  if ('allOf' in node) copy.allOf = node.allOf.map((c) => resolveBefore(c, top));
  if ('anyOf' in node) copy.anyOf = node.anyOf.map((c) => resolveBefore(c, top));
  if ('nOf' in node)
    copy.nOf = { n: node.nOf.n, of: node.nOf.of.map((c) => resolveBefore(c, top)) };
  if ('credits' in node && node.credits.of) {
    copy.credits = { ...node.credits, of: resolveBefore(node.credits.of, top) };
  }
  return copy as unknown as PathwayNode;
}

/**
 * A valid pathway: an allOf or nOf of one to four labelled requirements (L0, L1, ...), where
 * a leaf may have to come `before` an earlier requirement (so order constraints never cycle).
 */
function pathwayArb(u: Universe): fc.Arbitrary<Pathway> {
  return fc
    .tuple(fc.array(nodeArb(u), { minLength: 1, maxLength: 4 }), fc.boolean(), fc.nat())
    .map(([tops, all, pick]) => {
      const of = tops.map((t, i) => ({ ...resolveBefore(t, i), label: `L${i}` }) as PathwayNode);
      const root: PathwayNode = all ? { allOf: of } : { nOf: { n: 1 + (pick % of.length), of } };
      return {
        format: 'credstack-pathway/1',
        id: 'urn:pathway:generated',
        version: 1,
        name: 'Generated',
        issuerId: 'did:web:issuer.example',
        root,
      };
    });
}

/** One credential; ids repeat across a learner on purpose (a repeated id counts once). */
function credentialArb(u: Universe): fc.Arbitrary<EvaluatedCredential> {
  const mostly = (yes: boolean) =>
    u.flawed === 0
      ? fc.constant(yes)
      : fc.oneof(
          { weight: Math.round((1 - u.flawed) * 100), arbitrary: fc.constant(yes) },
          { weight: Math.round(u.flawed * 100), arbitrary: fc.constant(!yes) },
        );
  return fc
    .record(
      {
        id: fc.constantFrom('c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10'),
        achievementId: fc.constantFrom(...u.achievements, ...SUB_PATHWAYS),
        issuerId: fc.constantFrom(...ISSUERS),
        daysAgo: fc.constantFrom(...DAYS_AGO),
        validForDays: fc.option(fc.constantFrom(10, 400, 2000), { nil: undefined }),
        verified: mostly(true),
        issuerBound: mostly(true),
        revoked: mostly(false),
        alignments: fc.subarray(u.skills, { minLength: u.minAlignments, maxLength: 2 }),
        creditsEarned: fc.integer({ min: 0, max: 4 }),
        creditsAvailable: fc.integer({ min: 0, max: 4 }),
        results: fc.array(
          fc.record(
            {
              resultDescription: fc.constant('score'),
              value: fc.constantFrom('40', '60', '80', 'n/a'),
            },
            { requiredKeys: ['value'] },
          ),
          { maxLength: 2 },
        ),
      },
      {
        requiredKeys: [
          'id',
          'achievementId',
          'issuerId',
          'daysAgo',
          'verified',
          'issuerBound',
          'alignments',
        ],
      },
    )
    .map(({ daysAgo, validForDays, ...c }) => {
      const issued = NOW.getTime() - daysAgo * DAY;
      const out: EvaluatedCredential = { ...c, issuedAt: new Date(issued).toISOString() };
      if (validForDays !== undefined) {
        out.validUntil = new Date(issued + validForDays * DAY).toISOString();
      }
      return out;
    });
}

export interface Case {
  pathway: Pathway;
  credentials: EvaluatedCredential[];
  /** A credential that may arrive next (its id is new to the learner). */
  arriving: EvaluatedCredential;
  context: EvaluationContext & {
    heldPathways: string[];
    trustLists: Record<string, string[]>;
  };
}

function caseOf(u: Universe): fc.Arbitrary<Case> {
  return fc
    .record({
      pathway: pathwayArb(u),
      credentials: fc.array(credentialArb(u), {
        minLength: u.minCredentials,
        maxLength: u.maxCredentials,
      }),
      arriving: credentialArb(u).map((c) => ({ ...c, id: 'c-new' })),
      held: fc.subarray(SUB_PATHWAYS),
      trusted: fc.subarray(ISSUERS),
    })
    .map(({ held, trusted, ...rest }) => ({
      ...rest,
      context: { now: NOW, heldPathways: held, trustLists: { tl: trusted } },
    }));
}

/** A pathway, a learner, a credential that may arrive, and the context; either mix. */
export const caseArb: fc.Arbitrary<Case> = fc.oneof(caseOf(GENERAL), caseOf(DENSE));
