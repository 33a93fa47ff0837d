import { describe, expect, it } from 'vitest';
import type { Clock } from '#shared/core/clock.ts';
import { recordIssuedCredential } from '#shared/domain/candidate-index.ts';
import { giveConsent, withdrawConsent } from '#shared/domain/consent.ts';
import {
  deleteSavedSearch,
  exportShortlist,
  listSavedSearches,
  listShortlist,
  markSavedSearchSeen,
  removeFromShortlist,
  saveSearch,
  shortlistCandidate,
} from '#shared/domain/employer-lists.ts';
import { issueCredential } from '#shared/domain/issuance.ts';
import type { Principal } from '#shared/domain/principal.ts';
import { listEmployerSearches } from '#shared/domain/search.ts';
import {
  ADMIN,
  MEMORY_NOW,
  memoryService,
  seedIssuer,
  useVaultDir,
} from '#test/support/memory-service.ts';

const vaultDir = useVaultDir();
const learner = (id: string): Principal => ({ subject: id, roles: ['learner'], learnerId: id });
const ACME: Principal = { subject: 'recruiter', roles: ['employer'], employerId: 'acme' };
const GLOBEX: Principal = { ...ACME, employerId: 'globex' };

/** A clock the test moves: consents expire as time passes. */
function movableClock(start: string) {
  let now = new Date(start);
  const clock: Clock = { now: () => new Date(now) };
  return { clock, set: (at: string) => (now = new Date(at)) };
}

/** Learners holding an SQL badge each, copied to their partitions as the stream indexer would. */
async function service(learners: readonly string[], clock?: Clock) {
  const ctx = memoryService(vaultDir(), clock === undefined ? {} : { clock });
  const ids = await seedIssuer(ctx, 'northfield', ['Advanced SQL']);
  let sequence = 0;
  for (const learnerId of learners) {
    const { record } = await issueCredential(ctx, ADMIN, {
      issuerId: 'northfield',
      achievementId: ids['Advanced SQL'] as string,
      recipient: { id: `did:example:${learnerId}` },
      learnerId,
    });
    sequence += 1;
    await recordIssuedCredential(ctx, record, String(sequence), false);
  }
  return ctx;
}

type Ctx = Awaited<ReturnType<typeof service>>;

const shortlisted = async (ctx: Ctx, employer = ACME) =>
  (await listShortlist(ctx, employer, employer.employerId as string, undefined)).items.map(
    (e) => e.learnerId,
  );

describe('shortlist', () => {
  it('keeps candidates with notes, replaces a note, and removes them', async () => {
    const ctx = await service(['ada', 'grace']);
    await giveConsent(ctx, learner('ada'), 'ada', { displayName: 'Ada L.', employers: 'all' });
    await giveConsent(ctx, learner('grace'), 'grace', {
      displayName: 'Grace H.',
      employers: 'all',
    });

    const added = await shortlistCandidate(ctx, ACME, 'acme', 'ada', { note: 'SQL' });
    await shortlistCandidate(ctx, ACME, 'acme', 'grace', { note: 'maybe' });
    const renoted = await shortlistCandidate(ctx, ACME, 'acme', 'ada', { note: 'call Monday' });

    expect(added).toMatchObject({ learnerId: 'ada', displayName: 'Ada L.', note: 'SQL' });
    expect(renoted).toMatchObject({ note: 'call Monday', addedAt: added.addedAt });
    expect((await listShortlist(ctx, ACME, 'acme', undefined)).items).toEqual([
      renoted,
      expect.objectContaining({ learnerId: 'grace', note: 'maybe' }),
    ]);
    expect(await shortlisted(ctx, GLOBEX)).toEqual([]);

    await removeFromShortlist(ctx, ACME, 'acme', 'grace');
    expect(await shortlisted(ctx)).toEqual(['ada']);
    await expect(removeFromShortlist(ctx, ACME, 'acme', 'grace')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it("refuses a candidate the employer may not find, another employer's list and a long note", async () => {
    const ctx = await service(['ada', 'grace']);
    await giveConsent(ctx, learner('ada'), 'ada', { displayName: 'Ada', employers: ['globex'] });

    await expect(shortlistCandidate(ctx, ACME, 'acme', 'ada', { note: '' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      shortlistCandidate(ctx, ACME, 'acme', 'grace', { note: '' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(listShortlist(ctx, ACME, 'globex', undefined)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      shortlistCandidate(ctx, GLOBEX, 'globex', 'ada', { note: 'x'.repeat(2001) }),
    ).rejects.toMatchObject({ code: 'VALIDATION', fields: [{ pointer: '/note' }] });
    expect(await shortlisted(ctx)).toEqual([]);
    expect(await shortlisted(ctx, GLOBEX)).toEqual([]);
  });

  it('hides a learner who withdrew, narrowed or let consent expire, from the list and its CSV', async () => {
    const time = movableClock(MEMORY_NOW);
    const ctx = await service(['ada', 'grace', 'alan'], time.clock);
    await giveConsent(ctx, learner('ada'), 'ada', { displayName: 'Ada', employers: 'all' });
    await giveConsent(ctx, learner('grace'), 'grace', { displayName: 'Grace', employers: 'all' });
    const until = new Date(Date.parse(MEMORY_NOW) + 86_400_000).toISOString();
    await giveConsent(ctx, learner('alan'), 'alan', {
      displayName: 'Alan',
      employers: 'all',
      until,
    });
    for (const id of ['ada', 'grace', 'alan'])
      await shortlistCandidate(ctx, ACME, 'acme', id, { note: `note ${id}` });
    const before = await exportShortlist(ctx, ACME, 'acme');

    await withdrawConsent(ctx, learner('ada'), 'ada');
    await giveConsent(ctx, learner('grace'), 'grace', {
      displayName: 'Grace',
      employers: ['globex'],
    });
    time.set(new Date(Date.parse(MEMORY_NOW) + 2 * 86_400_000).toISOString());
    const after = await exportShortlist(ctx, ACME, 'acme');

    expect(before.count).toBe(3);
    expect(await shortlisted(ctx)).toEqual([]);
    expect(after).toEqual({
      csv: 'learnerId,displayName,note,addedAt,badges,verifyUrls\r\n',
      count: 0,
    });
    // Consent given again: the entry, kept, shows again.
    await giveConsent(ctx, learner('ada'), 'ada', { displayName: 'Ada', employers: 'all' });
    expect(await shortlisted(ctx)).toEqual(['ada']);
  });

  it('exports RFC 4180 CSV with formula-looking cells neutralised, audited as an export', async () => {
    const ctx = await service(['ada']);
    await giveConsent(ctx, learner('ada'), 'ada', {
      displayName: '=HYPERLINK("x")',
      employers: 'all',
    });
    await shortlistCandidate(ctx, ACME, 'acme', 'ada', { note: '+1, said "yes"\nthen left' });

    const { csv, count } = await exportShortlist(ctx, ACME, 'acme');
    const [header, row] = csv.split('\r\n');

    expect(count).toBe(1);
    expect(header).toBe('learnerId,displayName,note,addedAt,badges,verifyUrls');
    expect(row).toMatch(
      /^ada,"'=HYPERLINK\(""x""\)","'\+1, said ""yes""\nthen left",[^,]+,Advanced SQL \(northfield Institute\),https?:\/\/\S+$/,
    );
    const log = await listEmployerSearches(ctx, ACME, 'acme');
    expect(log.items[0]).toMatchObject({ kind: 'export', learnerIds: ['ada'], total: 1 });
  });
});

describe('saved searches', () => {
  it('counts the consenting candidates matched since the employer last looked', async () => {
    const ctx = await service(['ada', 'grace', 'alan']);
    await giveConsent(ctx, learner('ada'), 'ada', { displayName: 'Ada', employers: 'all' });

    const saved = await saveSearch(ctx, ACME, 'acme', {
      name: ' SQL people ',
      query: { text: 'sql', size: 5, after: 'ignored', facets: true },
    });
    await giveConsent(ctx, learner('grace'), 'grace', { displayName: 'Grace', employers: 'all' });
    await giveConsent(ctx, learner('alan'), 'alan', { displayName: 'Alan', employers: ['globex'] });
    const listed = await listSavedSearches(ctx, ACME, 'acme', undefined);
    const looked = await markSavedSearchSeen(ctx, ACME, 'acme', saved.id);
    const afterLook = await listSavedSearches(ctx, ACME, 'acme', undefined);

    expect(saved).toMatchObject({ name: 'SQL people', query: { text: 'sql' }, newMatches: 0 });
    expect(listed.items).toEqual([expect.objectContaining({ id: saved.id, newMatches: 1 })]);
    expect(looked.newMatches).toBe(0);
    expect(afterLook.items[0]?.newMatches).toBe(0);
    expect((await listSavedSearches(ctx, GLOBEX, 'globex', undefined)).items).toEqual([]);
  });

  it('does not count a learner who withdrew before the employer looked again', async () => {
    const ctx = await service(['ada', 'grace']);
    const saved = await saveSearch(ctx, ACME, 'acme', { name: 'SQL', query: { text: 'sql' } });
    await giveConsent(ctx, learner('grace'), 'grace', { displayName: 'Grace', employers: 'all' });
    const withGrace = await listSavedSearches(ctx, ACME, 'acme', undefined);

    await withdrawConsent(ctx, learner('grace'), 'grace');

    expect(withGrace.items[0]?.newMatches).toBe(1);
    expect((await listSavedSearches(ctx, ACME, 'acme', undefined)).items[0]?.newMatches).toBe(0);
    await deleteSavedSearch(ctx, ACME, 'acme', saved.id);
    expect((await listSavedSearches(ctx, ACME, 'acme', undefined)).items).toEqual([]);
    await expect(markSavedSearchSeen(ctx, ACME, 'acme', saved.id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('refuses a bad name or query with a pointer into the request, saving nothing', async () => {
    const ctx = await service([]);

    await expect(
      saveSearch(ctx, ACME, 'acme', { name: '  ', query: { text: 'sql' } }),
    ).rejects.toMatchObject({ code: 'VALIDATION', fields: [{ pointer: '/name' }] });
    await expect(
      saveSearch(ctx, ACME, 'acme', { name: 'Bad', query: { mustHave: ['not a skill'] } }),
    ).rejects.toMatchObject({ code: 'VALIDATION', fields: [{ pointer: '/query/mustHave/0' }] });
    await expect(
      saveSearch(ctx, GLOBEX, 'acme', { name: 'Other', query: {} }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await listSavedSearches(ctx, ACME, 'acme', undefined)).items).toEqual([]);
  });
});
