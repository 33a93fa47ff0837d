import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePathway } from '#pathways/compile.ts';
import type { LapsePolicy, PathwayNode } from '#pathways/rule-types.ts';
import {
  type AwardPlan,
  awardId,
  type PlanInput,
  type PlanStep,
  planAwards,
} from '#shared/domain/award-plan.ts';
import type { PublishedPathway } from '#shared/domain/pathway-evaluation.ts';
import type {
  CredentialRecord,
  CredentialState,
  PathwayAward,
  StateReason,
} from '#shared/domain/records/records.ts';

/**
 * The award planner on its own: records in, decisions out, no store and no keys. Credentials
 * are stored as unsigned JSON documents (the planner reads their subject, never their proof).
 */

const ISSUER = 'northfield';
const LEARNER = 'ada';
const NOW = new Date('2026-03-01T12:00:00.000Z');

function pathway(
  id: string,
  root: PathwayNode,
  options: { version?: number; onLapse?: LapsePolicy } = {},
): PublishedPathway {
  const version = options.version ?? 1;
  const definition = {
    format: 'credstack-pathway/1',
    id,
    version,
    name: `${id} pathway`,
    issuerId: ISSUER,
    root,
    ...(options.onLapse ? { policy: { onLapse: options.onLapse } } : {}),
  };
  return {
    record: {
      issuerId: ISSUER,
      pathwayId: id,
      version,
      definition,
      createdAt: '2026-01-01T00:00:00.000Z',
      publishedAt: '2026-01-01T00:00:00.000Z',
    },
    compiled: compilePathway(definition),
  };
}

let serial = 0;

function credential(
  achievementId: string,
  options: {
    id?: string;
    state?: CredentialState;
    stateReason?: StateReason;
    issuedAt?: string;
    validUntil?: string;
    credits?: number;
    award?: PathwayAward;
  } = {},
): CredentialRecord {
  serial += 1;
  const id = options.id ?? `urn:uuid:00000000-0000-4000-8000-${String(serial).padStart(12, '0')}`;
  const json = {
    id,
    credentialSubject: {
      id: `did:example:${LEARNER}`,
      achievement: { id: achievementId, name: achievementId },
      ...(options.credits === undefined ? {} : { creditsEarned: options.credits }),
    },
  };
  return {
    id,
    issuerId: ISSUER,
    achievementId,
    recipient: { id: `did:example:${LEARNER}` },
    learnerId: LEARNER,
    proofFormat: 'eddsa-rdfc-2022',
    signed: JSON.stringify(json),
    status: { listId: `${ISSUER}.1`, index: serial },
    state: options.state ?? 'active',
    ...(options.stateReason ? { stateReason: options.stateReason } : {}),
    issuedAt: options.issuedAt ?? '2026-02-01T00:00:00.000Z',
    ...(options.validUntil ? { validUntil: options.validUntil } : {}),
    ...(options.award ? { award: options.award } : {}),
  };
}

/** A stored pathway award of `p` for the learner, citing `contributing`. */
function held(
  p: PublishedPathway,
  contributing: readonly CredentialRecord[],
  options: {
    generation?: number;
    state?: CredentialState;
    stateReason?: StateReason;
    jobId?: string;
  } = {},
): CredentialRecord {
  const generation = options.generation ?? 1;
  return credential(`pathway:${p.record.pathwayId}`, {
    id: awardId(p, LEARNER, undefined, generation),
    ...(options.state ? { state: options.state } : {}),
    ...(options.stateReason ? { stateReason: options.stateReason } : {}),
    award: {
      pathwayId: p.record.pathwayId,
      version: p.record.version,
      contributing: contributing.map((c) => c.id),
      ...(generation > 1 ? { generation } : {}),
      ...(options.jobId ? { jobId: options.jobId } : {}),
    },
  });
}

function plan(
  records: readonly CredentialRecord[],
  published: readonly PublishedPathway[],
  extra: Partial<PlanInput> = {},
): AwardPlan {
  return planAwards({ learnerId: LEARNER, records, published, now: NOW, ...extra });
}

/** The steps without the compiled pathway and requirement nodes: what a reader checks. */
function summary(steps: readonly PlanStep[]) {
  return steps.map((s) =>
    s.kind === 'award'
      ? {
          kind: s.kind,
          pathway: s.pathway.record.pathwayId,
          ...(s.milestone === undefined ? {} : { milestone: s.milestone }),
          generation: s.generation,
          credentialId: s.credentialId,
          contributing: s.contributing,
          reason: s.reason,
        }
      : s,
  );
}

const both: PathwayNode = { allOf: [{ achievement: 'A' }, { achievement: 'B' }] };
const either: PathwayNode = {
  allOf: [{ achievement: 'A' }, { anyOf: [{ achievement: 'B' }, { achievement: 'C' }] }],
};

describe('planAwards: new awards', () => {
  it('plans nothing for a learner with no credentials', () => {
    expect(plan([], [pathway('p', both)])).toEqual({ steps: [], heldByJob: [] });
  });

  it('plans nothing while a requirement is missing, or met only by a credential that no longer counts', () => {
    const p = pathway('p', both);
    const a = credential('A');
    const cases = [
      [a],
      [a, credential('B', { state: 'revoked' })],
      [a, credential('B', { state: 'suspended' })],
      [a, credential('B', { validUntil: '2026-02-15T00:00:00.000Z' })],
      [a, credential('C')],
    ];
    for (const records of cases) expect(plan(records, [p]).steps).toEqual([]);
  });

  it('awards a completed pathway once, citing what completed it in the rules’ order', () => {
    const p = pathway('p', both);
    const a = credential('A');
    const b = credential('B');

    const { steps } = plan([b, a, credential('C')], [p]);

    expect(summary(steps)).toEqual([
      {
        kind: 'award',
        pathway: 'p',
        generation: 1,
        credentialId: awardId(p, LEARNER),
        contributing: [a.id, b.id],
        reason: 'completed',
      },
    ]);
  });

  it('plans nothing when the learner holds a current award', () => {
    const p = pathway('p', both);
    const a = credential('A');
    const b = credential('B');
    expect(plan([a, b, held(p, [a, b])], [p]).steps).toEqual([]);
  });

  it('awards each of several pathways, and only those `only` names', () => {
    const p = pathway('p', both);
    const q = pathway('q', { achievement: 'C' });
    const records = [credential('A'), credential('B'), credential('C')];

    const all = plan(records, [p, q]).steps.map((s) => s.credentialId);
    const onlyQ = plan(records, [p, q], { only: new Set([`${ISSUER}/q`]) }).steps;
    const none = plan(records, [p, q], { only: new Set() }).steps;

    expect(all.sort()).toEqual([awardId(p, LEARNER), awardId(q, LEARNER)].sort());
    expect(onlyQ.map((s) => s.credentialId)).toEqual([awardId(q, LEARNER)]);
    expect(none).toEqual([]);
  });

  it('with `changed`, awards only the pathways a changed credential can move', () => {
    const p = pathway('p', both);
    const a = credential('A');
    const b = credential('B');
    const c = credential('C');

    expect(plan([a, b, c], [p], { changed: [c] }).steps).toEqual([]);
    expect(plan([a, b, c], [p], { changed: [b] }).steps.map((s) => s.credentialId)).toEqual([
      awardId(p, LEARNER),
    ]);
  });

  it('awards a sub-pathway before the pathway built on it, which cites the planned award', () => {
    const sub = pathway('sub', both);
    const top = pathway('top', { allOf: [{ pathway: 'sub' }, { achievement: 'C' }] });
    const a = credential('A');
    const b = credential('B');
    const c = credential('C');

    const { steps } = plan([a, b, c], [top, sub]);

    expect(summary(steps)).toEqual([
      expect.objectContaining({ pathway: 'sub', contributing: [a.id, b.id] }),
      expect.objectContaining({
        pathway: 'top',
        contributing: [awardId(sub, LEARNER), c.id],
        reason: 'completed',
      }),
    ]);
  });

  it('awards a milestone as its part completes, before the whole pathway does', () => {
    const p = pathway('p', {
      allOf: [
        { title: 'Basics', milestone: 'M', allOf: [{ achievement: 'A' }, { achievement: 'B' }] },
        { achievement: 'C' },
      ],
    });
    const a = credential('A');
    const b = credential('B');

    const partway = plan([a, b], [p]).steps;
    const done = plan(
      [a, b, credential('C'), credential('M', { id: awardId(p, LEARNER, 'M') })],
      [p],
    ).steps;

    expect(summary(partway)).toEqual([
      {
        kind: 'award',
        pathway: 'p',
        milestone: 'M',
        generation: 1,
        credentialId: awardId(p, LEARNER, 'M'),
        contributing: [a.id, b.id],
        reason: 'milestone',
      },
    ]);
    expect(summary(done).map((s) => s.kind === 'award' && s.milestone)).toEqual([undefined]);
  });

  it('records the requirement each cited credential met, and its credits', () => {
    const p = pathway('p', {
      allOf: [
        { title: 'Core', allOf: [{ achievement: 'A' }] },
        { credits: { atLeast: 3, of: { anyOf: [{ achievement: 'B' }, { achievement: 'C' }] } } },
      ],
    });
    const a = credential('A');
    const b = credential('B', { credits: 2 });
    const c = credential('C', { credits: 1 });

    const [step] = plan([a, b, c], [p]).steps;

    expect(step?.kind).toBe('award');
    if (step?.kind !== 'award') return;
    expect(step.contributing).toEqual([a.id, b.id, c.id]);
    expect(step.met.get(a.id)).toMatchObject({ partOf: 'Core', node: { kind: 'achievement' } });
    expect(step.met.get(b.id)).toMatchObject({ credits: 2, node: { kind: 'credits' } });
    expect(step.met.get(c.id)).toMatchObject({ credits: 1, node: { kind: 'credits' } });
  });
});

describe('planAwards: held awards', () => {
  const a = credential('A');
  const b = credential('B');

  it.each([
    ['revoked', undefined, 'suspended'],
    ['revoked', 'suspend', 'suspended'],
    ['revoked', 'revoke', 'revoked'],
    ['suspended', 'revoke', 'revoked'],
  ] as const)(
    'a %s supporting badge under onLapse %s lapses the award to %s',
    (state, onLapse, to) => {
      const p = pathway('p', both, onLapse ? { onLapse } : {});
      const lost = { ...b, state };
      const award = held(p, [a, b]);

      expect(plan([a, lost, award], [p]).steps).toEqual([
        { kind: 'lapse', credentialId: award.id, to, reason: 'lapsed' },
      ]);
    },
  );

  it('lapses an award when a supporting badge expires', () => {
    const p = pathway('p', both);
    const expiring = credential('B', { validUntil: '2026-02-20T00:00:00.000Z' });
    const award = held(p, [a, expiring]);

    expect(plan([a, expiring, award], [p]).steps).toEqual([
      { kind: 'lapse', credentialId: award.id, to: 'suspended', reason: 'lapsed' },
    ]);
  });

  it('reinstates an award the service suspended once the pathway holds again', () => {
    const p = pathway('p', both);
    const award = held(p, [a, b], { state: 'suspended', stateReason: 'lapsed' });

    expect(plan([a, b, award], [p]).steps).toEqual([
      { kind: 'reinstate', credentialId: award.id, reason: 'holds-again' },
    ]);
  });

  it('leaves an admin’s suspension or revocation as it is', () => {
    const p = pathway('p', both);
    for (const state of ['suspended', 'revoked'] as const)
      expect(plan([a, b, held(p, [a, b], { state })], [p]).steps).toEqual([]);
  });

  it('leaves a lapsed award lapsed while the pathway still does not hold', () => {
    const p = pathway('p', both);
    const award = held(p, [a, b], { state: 'suspended', stateReason: 'lapsed' });
    expect(plan([a, { ...b, state: 'revoked' }, award], [p]).steps).toEqual([]);
  });

  it('awards the next generation when the learner qualifies again after a revoking lapse', () => {
    const p = pathway('p', both, { onLapse: 'revoke' });
    const old = held(p, [a, b], { state: 'revoked', stateReason: 'lapsed' });
    const b2 = credential('B');

    const { steps } = plan([a, { ...b, state: 'revoked' }, b2, old], [p]);

    expect(summary(steps)).toEqual([
      {
        kind: 'award',
        pathway: 'p',
        generation: 2,
        credentialId: awardId(p, LEARNER, undefined, 2),
        contributing: [a.id, b2.id],
        reason: 'qualified-again',
      },
    ]);
  });

  it('replaces a live award citing a credential that no longer counts, superseding it', () => {
    const p = pathway('p', either);
    const c = credential('C');
    const old = held(p, [a, b]);
    const next = awardId(p, LEARNER, undefined, 2);

    const { steps } = plan([a, { ...b, state: 'revoked' }, c, old], [p]);

    expect(summary(steps)).toEqual([
      {
        kind: 'award',
        pathway: 'p',
        generation: 2,
        credentialId: next,
        contributing: [a.id, c.id],
        reason: 'evidence-changed',
      },
      { kind: 'supersede', credentialId: old.id, by: next, reason: 'superseded' },
    ]);
  });

  it('supersedes an older generation left live beside a newer one', () => {
    const p = pathway('p', both);
    const first = held(p, [a, b]);
    const second = held(p, [a, b], { generation: 2 });

    expect(plan([a, b, first, second], [p]).steps).toEqual([
      { kind: 'supersede', credentialId: first.id, reason: 'superseded' },
    ]);
  });

  it('judges an award by its own version, even after a newer one is published', () => {
    const v1 = pathway('p', both, { onLapse: 'revoke' });
    const v2 = pathway('p', { achievement: 'A' }, { version: 2 });
    const award = held(v1, [a, b]);
    const records = [a, { ...b, state: 'revoked' as const }, award];

    // v2 holds on A alone, so it is awarded; v1 no longer holds, so its award lapses as v1 says.
    expect(summary(plan(records, [v2], { versions: [v1] }).steps)).toEqual([
      expect.objectContaining({ kind: 'award', pathway: 'p', credentialId: awardId(v2, LEARNER) }),
      { kind: 'lapse', credentialId: award.id, to: 'revoked', reason: 'lapsed' },
    ]);
    // A version the planner is not given is taken as gone: its award is left alone.
    expect(plan(records, [v2], { only: new Set() }).steps).toEqual([]);
  });

  it('checks held awards even when `only` rules out new ones', () => {
    const p = pathway('p', both);
    const award = held(p, [a, b]);
    expect(plan([a, { ...b, state: 'revoked' }, award], [p], { only: new Set() }).steps).toEqual([
      { kind: 'lapse', credentialId: award.id, to: 'suspended', reason: 'lapsed' },
    ]);
  });

  it('counts for a resumed job the awards an earlier run of it made', () => {
    const p = pathway('p', both);
    const award = held(p, [a, b], { jobId: 'job-1' });

    expect(plan([a, b, award], [p], { jobId: 'job-1' })).toEqual({
      steps: [],
      heldByJob: [award.id],
    });
    expect(plan([a, b, award], [p], { jobId: 'job-2' }).heldByJob).toEqual([]);
  });
});

/**
 * A model of the applier for the properties: each step changes the records as the store would
 * (an award becomes an active credential citing what exists; a status change sets the state and
 * why). The integration tests prove the real applier does the same through the ports.
 */
function applied(records: readonly CredentialRecord[], steps: readonly PlanStep[]) {
  const out = new Map(records.map((r) => [r.id, r]));
  for (const step of steps) {
    const current = out.get(step.credentialId);
    if (step.kind === 'award') {
      const p = step.pathway.record;
      out.set(
        step.credentialId,
        credential(step.milestone ?? `pathway:${p.pathwayId}`, {
          id: step.credentialId,
          issuedAt: NOW.toISOString(),
          award: {
            pathwayId: p.pathwayId,
            version: p.version,
            ...(step.milestone === undefined ? {} : { milestone: step.milestone }),
            contributing: step.contributing.filter((id) => out.has(id)),
            ...(step.generation > 1 ? { generation: step.generation } : {}),
          },
        }),
      );
    } else if (current && step.kind === 'supersede') {
      if (step.by === undefined || out.has(step.by))
        out.set(current.id, { ...current, state: 'revoked', stateReason: 'superseded' });
    } else if (current && step.kind === 'lapse') {
      out.set(current.id, { ...current, state: step.to, stateReason: 'lapsed' });
    } else if (current && step.kind === 'reinstate') {
      const { stateReason: _, ...rest } = current;
      out.set(current.id, { ...rest, state: 'active' });
    }
  }
  return [...out.values()];
}

const badgeState = fc.constantFrom<'absent' | CredentialState | 'expired'>(
  'absent',
  'active',
  'active',
  'revoked',
  'suspended',
  'expired',
);

/** A learner's badges for A, B and C, each absent, active, revoked, suspended or expired. */
const badges = fc.tuple(badgeState, badgeState, badgeState).map((states) =>
  states.flatMap((state, i) => {
    const achievement = ['A', 'B', 'C'][i] as string;
    if (state === 'absent') return [];
    if (state === 'expired')
      return [credential(achievement, { validUntil: '2026-02-15T00:00:00.000Z' })];
    return [credential(achievement, { state })];
  }),
);

/** Flips each badge's state as `flips` says (a revoked badge stays revoked, as in the store). */
function flip(records: readonly CredentialRecord[], flips: readonly CredentialState[]) {
  return records.map((r, i) => {
    const to = flips[i % flips.length];
    if (r.award || r.state === 'revoked' || to === undefined) return r;
    return { ...r, state: to };
  });
}

describe('planAwards properties', () => {
  it('a plan applied in full leaves nothing to plan, through any history of badge changes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(both, either),
        fc.constantFrom<LapsePolicy>('suspend', 'revoke'),
        badges,
        fc.array(fc.array(fc.constantFrom<CredentialState>('active', 'suspended', 'revoked')), {
          maxLength: 4,
        }),
        (root, onLapse, start, history) => {
          const p = pathway('p', root, { onLapse });
          let records = applied(start, plan(start, [p]).steps);
          expect(plan(records, [p]).steps).toEqual([]);
          for (const flips of history) {
            const changed = flip(records, flips);
            records = applied(changed, plan(changed, [p]).steps);
            expect(plan(records, [p]).steps).toEqual([]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('an active award whose pathway no longer holds lapses exactly as its policy says', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<LapsePolicy>('suspend', 'revoke'),
        fc.constantFrom<CredentialState>('revoked', 'suspended'),
        fc.constantFrom(0, 1),
        (onLapse, state, which) => {
          const p = pathway('p', both, { onLapse });
          const records = [credential('A'), credential('B')];
          const award = held(p, records);
          const lost = records.map((r, i) => (i === which ? { ...r, state } : r));

          const { steps } = plan([...lost, award], [p]);

          expect(steps).toEqual([
            {
              kind: 'lapse',
              credentialId: award.id,
              to: onLapse === 'revoke' ? 'revoked' : 'suspended',
              reason: 'lapsed',
            },
          ]);
        },
      ),
    );
  });

  it('with a sub-pathway, applying plans settles within three passes', () => {
    fc.assert(
      fc.property(
        badges,
        fc.array(fc.constantFrom<CredentialState>('active', 'suspended')),
        (start, flips) => {
          const sub = pathway('sub', { allOf: [{ achievement: 'A' }, { achievement: 'B' }] });
          const top = pathway('top', { allOf: [{ pathway: 'sub' }, { achievement: 'C' }] });
          const settle = (from: readonly CredentialRecord[]) => {
            let records = [...from];
            for (let pass = 0; pass < 3; pass += 1)
              records = applied(records, plan(records, [top, sub]).steps);
            return records;
          };
          const first = settle(start);
          expect(plan(first, [top, sub]).steps).toEqual([]);
          const second = settle(flip(first, flips));
          expect(plan(second, [top, sub]).steps).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is pure: the same input gives the same plan', () => {
    fc.assert(
      fc.property(badges, (records) => {
        const p = pathway('p', either);
        expect(summary(plan(records, [p]).steps)).toEqual(summary(plan(records, [p]).steps));
      }),
      { numRuns: 50 },
    );
  });
});
