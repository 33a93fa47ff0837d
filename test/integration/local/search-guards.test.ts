import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoServiceContext } from '#functions/service-context.ts';
import { DynamoConsentStore } from '#shared/adapters/dynamodb/consent-store.ts';
import { LocalKeyVault } from '#shared/adapters/key-files/local-key-vault.ts';
import { onetAlignment } from '#shared/credentials/model/alignment.ts';
import { createAchievement } from '#shared/domain/achievements.ts';
import { backfillIssued, reindexLearner } from '#shared/domain/candidate-index.ts';
import { giveConsent, withdrawConsent } from '#shared/domain/consent.ts';
import { issueCredential } from '#shared/domain/issuance.ts';
import { onboardIssuer } from '#shared/domain/issuers.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';
import type { Principal } from '#shared/domain/principal.ts';
import {
  exportCandidates,
  listEmployerSearches,
  searchCandidates,
  viewCandidate,
} from '#shared/domain/search.ts';
import { crosswalkConcept } from '#shared/search/crosswalk.ts';
import { EmbeddedSearchIndex } from '#shared/search/embedded/embedded-search-index.ts';
import { useDynamoDbLocal } from '#test/support/dynamodb.ts';
import { DEMO_ACHIEVEMENTS } from '../../../samples/demo-catalog.ts';

/**
 * What employer search guarantees beyond the index: a learner who withdrew is never shown even
 * while the index still holds them, "unknown skill" reveals nothing about hidden learners, only
 * the learner may make themself findable, the `until` instant is the same everywhere, and a
 * profile view that finds nobody is audited for the employer alone.
 */

const db = useDynamoDbLocal();
const ADMIN: Principal = { subject: 'admin', roles: ['platform-admin'] };
const ACME: Principal = { subject: 'u-acme', roles: ['employer'], employerId: 'acme' };
const GLOBEX: Principal = { subject: 'u-globex', roles: ['employer'], employerId: 'globex' };
const DATA_SCIENTISTS = 'ONET:15-2051.00';
// Information Technology Project Managers: not in the bundled crosswalk.
const RARE = 'ONET:15-1299.09';
const NEVER_SEEN = 'ONET:15-1299.08';
const START = Date.parse('2026-06-01T00:00:00.000Z');

const learner = (learnerId: string): Principal => ({
  subject: `u-${learnerId}`,
  roles: ['learner'],
  learnerId,
});

let dir: string;
let tableName: string;
let ctx: ServiceContext;
let index: EmbeddedSearchIndex;
let nowMs = START;

async function holder(learnerId: string, achievementId: string): Promise<void> {
  await issueCredential(ctx, ADMIN, {
    issuerId: 'northfield',
    achievementId,
    recipient: { email: `${learnerId}@mail.example` },
    learnerId,
  });
  await backfillIssued(ctx, learnerId);
}

async function consent(learnerId: string, employers: 'all' | string[], until?: string) {
  await giveConsent(ctx, learner(learnerId), learnerId, {
    displayName: learnerId,
    employers,
    ...(until === undefined ? {} : { until }),
  });
}

const learnersOf = (hits: readonly { learnerId: string }[]) =>
  hits.map((hit) => hit.learnerId).sort();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credstack-guards-'));
  index = new EmbeddedSearchIndex();
  tableName = await db.newTable();
  ctx = dynamoServiceContext({
    documents: db.documents,
    tableName,
    vault: new LocalKeyVault({ dir: join(dir, 'keys') }),
    baseUrl: 'http://127.0.0.1:9',
    clock: { now: () => new Date(nowMs) },
    searchIndex: index,
  });
  await onboardIssuer(ctx, ADMIN, { id: 'northfield', name: 'Northfield' });
  const [sql] = DEMO_ACHIEVEMENTS;
  if (!sql) throw new Error('the demo catalogue is empty');
  const { id: _id, ...definition } = sql;
  const sqlId = (await createAchievement(ctx, ADMIN, 'northfield', { definition })).id;
  const rareId = (
    await createAchievement(ctx, ADMIN, 'northfield', {
      definition: {
        ...definition,
        name: 'IT Project Delivery',
        alignment: [onetAlignment('15-1299.09', 'Information Technology Project Managers')],
      },
    })
  ).id;
  for (const id of ['ada', 'bea', 'cleo', 'dora']) await holder(id, sqlId);
  await holder('cleo', rareId);
  await consent('ada', 'all');
  await consent('bea', 'all');
  // Cleo, the only holder of the rare skill, lets acme alone find her.
  await consent('cleo', ['acme']);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the consent guard on every page', () => {
  it('leaves out a learner whose withdrawal the index has not seen, in search and export', async () => {
    const withdrawn = await ctx.consents.get('bea', 'default');
    if (withdrawn === undefined) throw new Error('bea consented in beforeAll');
    // The table says withdrawn; the index is never told (a re-index that failed).
    await ctx.consents.put({ ...withdrawn, state: 'withdrawn' });
    const stale = await index.search({
      tenantId: 'default',
      employerId: 'globex',
      now: new Date(nowMs).toISOString(),
      mustHave: [DATA_SCIENTISTS],
      niceToHave: [],
      filter: {},
      sort: 'relevance',
      size: 20,
      facets: false,
    });

    const found = await searchCandidates(ctx, GLOBEX, { mustHave: [DATA_SCIENTISTS] });
    const exported = await exportCandidates(ctx, GLOBEX, { mustHave: [DATA_SCIENTISTS] });

    expect(learnersOf(stale.hits)).toEqual(['ada', 'bea']);
    expect(learnersOf(found.hits)).toEqual(['ada']);
    expect(found.total).toBe(1);
    expect(exported.count).toBe(1);
    // The first column names the learner (other cells hold random ids, which may contain "bea").
    const exportedLearners = exported.csv
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .map((line) => line.split(',')[0]);
    expect(exportedLearners).toEqual(['ada']);
    await reindexLearner(ctx, 'bea');
  });

  it('reads a page of consents in one batch, skipping learners with none', async () => {
    const store = new DynamoConsentStore({ documents: db.documents, tableName });

    const read = await store.getMany('default', ['ada', 'bea', 'nobody', 'ada']);

    expect(read.map((c) => [c.learnerId, c.state]).sort()).toEqual([
      ['ada', 'given'],
      ['bea', 'withdrawn'],
    ]);
  });
});

describe('unknown skills', () => {
  it('reports a skill held only by a learner hidden from the employer exactly like a never-seen one', async () => {
    expect(crosswalkConcept(RARE)).toBeUndefined();

    const hidden = await searchCandidates(ctx, GLOBEX, { mustHave: [RARE] });
    const never = await searchCandidates(ctx, GLOBEX, { mustHave: [NEVER_SEEN] });
    const permitted = await searchCandidates(ctx, ACME, { mustHave: [RARE] });

    const reason = 'no badge you can see and no entry of the crosswalk names this skill';
    expect(hidden.unknownSkills).toEqual([{ input: RARE, key: RARE, reason }]);
    expect(never.unknownSkills).toEqual([{ input: NEVER_SEEN, key: NEVER_SEEN, reason }]);
    expect([hidden.skills, never.skills]).toEqual([[{ key: RARE }], [{ key: NEVER_SEEN }]]);
    expect([hidden.total, hidden.hits, hidden.next]).toEqual([never.total, never.hits, never.next]);
    expect(permitted.unknownSkills).toEqual([]);
    expect(permitted.skills).toEqual([
      { key: RARE, name: 'Information Technology Project Managers' },
    ]);
    expect(learnersOf(permitted.hits)).toEqual(['cleo']);
  });
});

describe('who may consent', () => {
  it('refuses a platform admin giving consent for a learner, but lets one withdraw it', async () => {
    const given = giveConsent(ctx, ADMIN, 'dora', { displayName: 'Dora', employers: 'all' });

    await expect(given).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await ctx.consents.get('dora', 'default')).toBeUndefined();
    const withdrawn = await withdrawConsent(ctx, ADMIN, 'cleo');
    expect([withdrawn.state, withdrawn.discoverable]).toEqual(['withdrawn', false]);
    await consent('cleo', ['acme']);
  });
});

describe('the until instant', () => {
  it('shows a learner in search and profile at exactly `until`, and in neither a millisecond later', async () => {
    const until = new Date(START + 60_000).toISOString();
    await consent('dora', 'all', until);

    nowMs = Date.parse(until);
    const atSearch = await searchCandidates(ctx, GLOBEX, { mustHave: [DATA_SCIENTISTS] });
    const atProfile = await viewCandidate(ctx, GLOBEX, 'dora');
    nowMs += 1;
    const afterSearch = await searchCandidates(ctx, GLOBEX, { mustHave: [DATA_SCIENTISTS] });
    const afterProfile = viewCandidate(ctx, GLOBEX, 'dora');

    expect(learnersOf(atSearch.hits)).toEqual(['ada', 'dora']);
    expect(atProfile.learnerId).toBe('dora');
    expect(learnersOf(afterSearch.hits)).toEqual(['ada']);
    await expect(afterProfile).rejects.toMatchObject({ code: 'NOT_FOUND' });
    nowMs = START;
  });
});

describe('the audit of profile views', () => {
  it("records a view that finds nobody in the employer's log, not in the learner's", async () => {
    const view = viewCandidate(ctx, GLOBEX, 'cleo');

    await expect(view).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const log = await listEmployerSearches(ctx, GLOBEX, 'globex');
    const seen = await ctx.searchAudit.listSeen('cleo');
    const attempt = log.items.find((entry) => entry.query.learnerId === 'cleo');
    expect(attempt).toMatchObject({
      kind: 'profile-view',
      query: { learnerId: 'cleo' },
      total: 0,
      learnerIds: [],
    });
    expect(seen.items.filter((event) => event.employerId === 'globex')).toEqual([]);
  });
});

describe('query caps', () => {
  it('names the field of every cap the service enforces', async () => {
    const niceToHave = Array.from({ length: 51 }, (_, i) => `ONET:15-${String(1000 + i)}.00`);

    await expect(searchCandidates(ctx, ACME, { niceToHave })).rejects.toMatchObject({
      code: 'VALIDATION',
      fields: [
        {
          pointer: '/niceToHave',
          detail: 'search query: niceToHave holds 51 skills, at most 50 allowed',
        },
      ],
    });
    await expect(
      searchCandidates(ctx, ACME, { atLeast: { n: 3, of: [DATA_SCIENTISTS] } }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      fields: [{ pointer: '/atLeast/n' }],
    });
  });
});
