import { describe, expect, it } from 'vitest';
import type { Clock } from '#shared/core/clock.ts';
import { issueCredential } from '#shared/domain/issuance.ts';
import {
  issuerDashboard,
  reviseAchievement,
  searchIssuerCredentials,
  updateIssuerProfile,
} from '#shared/domain/issuer-console.ts';
import { getIssuer, rotateKey } from '#shared/domain/issuers.ts';
import type { Principal } from '#shared/domain/principal.ts';
import type { CredentialRecord } from '#shared/domain/records/records.ts';
import type { ImportRecord, StoredReport } from '#shared/domain/records/search-records.ts';
import { changeStatus } from '#shared/domain/status.ts';
import { ADMIN, memoryService, seedIssuer, useVaultDir } from '#test/support/memory-service.ts';

const vaultDir = useVaultDir();

/** A clock the test sets: credentials get the issue dates the test chooses. */
function settableClock(start: string): Clock & { set(at: string): void } {
  let at = Date.parse(start);
  return {
    now: () => new Date(at),
    set: (next) => {
      at = Date.parse(next);
    },
  };
}

const OTHER_ADMIN: Principal = { subject: 'o', roles: ['issuer-admin'], issuerId: 'other' };

describe('the issuer profile', () => {
  it('replaces the profile, keeps the did:web and keys, and lists retired keys with their dates', async () => {
    const clock = settableClock('2026-03-01T12:00:00.000Z');
    const ctx = memoryService(vaultDir(), { clock });
    await seedIssuer(ctx, 'northfield', []);
    clock.set('2026-04-01T12:00:00.000Z');
    await rotateKey(ctx, ADMIN, 'northfield', 'ES256');

    const view = await updateIssuerProfile(ctx, ADMIN, 'northfield', {
      name: 'Northfield College',
      url: 'https://northfield.example.edu',
      description: 'Evening courses',
    });

    expect(view.profile).toEqual({
      name: 'Northfield College',
      url: 'https://northfield.example.edu',
      description: 'Evening courses',
    });
    expect(view.did).toBe('did:web:issuer.example:issuers:northfield');
    expect((await getIssuer(ctx, ADMIN, 'northfield')).name).toBe('Northfield College');
    const retired = view.keys.filter((key) => key.status === 'retired');
    expect(retired.map((key) => [key.algorithm, key.retiredAt])).toEqual([
      ['ES256', '2026-04-01T12:00:00.000Z'],
    ]);
    await expect(
      updateIssuerProfile(ctx, OTHER_ADMIN, 'northfield', { name: 'Taken over' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await ctx.issuers.get('northfield'))?.profile.name).toBe('Northfield College');
  });
});

describe('achievement versions', () => {
  it('makes an edit a new version, leaving the first and its credentials as they were', async () => {
    const ctx = memoryService(vaultDir());
    const ids = await seedIssuer(ctx, 'northfield', ['SQL']);
    const first = ids.SQL as string;
    const issued = await issueCredential(ctx, ADMIN, {
      issuerId: 'northfield',
      achievementId: first,
      recipient: { id: 'did:example:ada' },
    });

    const second = await reviseAchievement(ctx, ADMIN, 'northfield', first, {
      definition: { name: 'SQL II', description: 'Joins.', criteria: { narrative: 'Passed.' } },
    });

    expect(second).toMatchObject({ revision: 2, previousId: first });
    expect(second.id).not.toBe(first);
    expect(second.definition.version).toBe('2');
    expect((await ctx.achievements.get('northfield', first))?.definition.name).toBe('SQL');
    expect((await ctx.credentials.get(issued.record.id))?.achievementId).toBe(first);
    // Only the newest version is edited: the line of versions never forks.
    await expect(
      reviseAchievement(ctx, ADMIN, 'northfield', first, {
        definition: { name: 'Fork', description: 'x', criteria: { narrative: 'x' } },
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    const third = await reviseAchievement(ctx, ADMIN, 'northfield', second.id, {
      definition: { name: 'SQL III', description: 'x', criteria: { narrative: 'x' } },
    });
    expect(third).toMatchObject({ revision: 3, previousId: second.id });
  });

  it('refuses a definition that cannot build with VALIDATION, storing nothing', async () => {
    const ctx = memoryService(vaultDir());
    const ids = await seedIssuer(ctx, 'northfield', ['SQL']);

    await expect(
      reviseAchievement(ctx, ADMIN, 'northfield', ids.SQL as string, {
        definition: {
          name: 'SQL',
          description: 'x',
          criteria: { narrative: 'x' },
          creditsAvailable: -1,
        },
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    expect((await ctx.achievements.list('northfield')).items).toHaveLength(1);
  });
});

async function issuedAt(
  ctx: ReturnType<typeof memoryService>,
  clock: ReturnType<typeof settableClock>,
  at: string,
  achievementId: string,
  recipient: { id?: string; email?: string },
  learnerId?: string,
) {
  clock.set(at);
  return (
    await issueCredential(ctx, ADMIN, {
      issuerId: 'northfield',
      achievementId,
      recipient,
      ...(learnerId ? { learnerId } : {}),
    })
  ).record;
}

describe('credential search', () => {
  it('filters by recipient (email, DID, learner), achievement, dates and status, newest first', async () => {
    const clock = settableClock('2026-01-01T00:00:00.000Z');
    const ctx = memoryService(vaultDir(), { clock });
    const ids = await seedIssuer(ctx, 'northfield', ['SQL', 'Python'], {
      statusPurpose: 'suspension',
    });
    const sql = ids.SQL as string;
    const python = ids.Python as string;
    const a = await issuedAt(
      ctx,
      clock,
      '2026-01-10T10:00:00.000Z',
      sql,
      { email: 'Ada@Mail.example' },
      'ada',
    );
    const b = await issuedAt(ctx, clock, '2026-02-10T10:00:00.000Z', python, {
      id: 'did:example:bo',
    });
    const c = await issuedAt(ctx, clock, '2026-03-10T10:00:00.000Z', sql, { id: 'did:example:cy' });
    await changeStatus(ctx, ADMIN, b.id, 'suspended', { note: 'Under review' });
    const search = (query: Parameters<typeof searchIssuerCredentials>[3]) =>
      searchIssuerCredentials(ctx, ADMIN, 'northfield', query).then((r) =>
        r.items.map((i) => i.id),
      );

    expect(await search({})).toEqual([c.id, b.id, a.id]);
    expect(await search({ recipient: 'ada@mail.example' })).toEqual([a.id]);
    expect(await search({ recipient: 'someone@mail.example' })).toEqual([]);
    expect(await search({ recipient: 'did:example:cy' })).toEqual([c.id]);
    expect(await search({ recipient: 'ada' })).toEqual([a.id]);
    expect(await search({ achievementId: sql })).toEqual([c.id, a.id]);
    expect(await search({ from: '2026-02-10', to: '2026-02-10' })).toEqual([b.id]);
    expect(await search({ from: '2026-02-01' })).toEqual([c.id, b.id]);
    expect(await search({ status: 'suspended' })).toEqual([b.id]);
    const [suspended] = (
      await searchIssuerCredentials(ctx, ADMIN, 'northfield', { status: 'suspended' })
    ).items;
    expect(suspended).toMatchObject({
      achievementName: 'Python',
      recipient: 'did:example:bo',
      stateNote: 'Under review',
      statusPurpose: 'suspension',
    });
  });

  it('pages without skipping or repeating, and says how long a status change takes to show', async () => {
    const clock = settableClock('2026-01-01T00:00:00.000Z');
    const ctx = memoryService(vaultDir(), { clock });
    const ids = await seedIssuer(ctx, 'northfield', ['SQL']);
    const all: string[] = [];
    for (let n = 0; n < 7; n += 1)
      all.unshift(
        (
          await issuedAt(ctx, clock, `2026-01-0${n + 1}T00:00:00.000Z`, ids.SQL as string, {
            id: `did:example:${n}`,
          })
        ).id,
      );

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await searchIssuerCredentials(ctx, ADMIN, 'northfield', {
        limit: 3,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.statusListMaxAgeSeconds).toBe(60);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.cursor;
      pages += 1;
    } while (cursor !== undefined && pages < 10);

    expect(seen).toEqual(all);
    await expect(
      searchIssuerCredentials(ctx, ADMIN, 'northfield', { cursor: 'not-a-cursor' }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(
      searchIssuerCredentials(ctx, ADMIN, 'northfield', { from: 'last week' }),
    ).rejects.toMatchObject({ code: 'VALIDATION', fields: [{ pointer: 'from' }] });
    await expect(searchIssuerCredentials(ctx, OTHER_ADMIN, 'northfield', {})).rejects.toMatchObject(
      { code: 'FORBIDDEN' },
    );
  });
});

describe('the dashboard', () => {
  it('counts what the test created: issued per achievement and month, revocations, completions, imports', async () => {
    const clock = settableClock('2026-01-01T00:00:00.000Z');
    const ctx = memoryService(vaultDir(), { clock });
    const ids = await seedIssuer(ctx, 'northfield', ['SQL', 'Python']);
    const sql = ids.SQL as string;
    const python = ids.Python as string;
    await issuedAt(ctx, clock, '2026-01-05T00:00:00.000Z', sql, { id: 'did:example:1' });
    const revoked = await issuedAt(ctx, clock, '2026-01-06T00:00:00.000Z', sql, {
      id: 'did:example:2',
    });
    const cited = await issuedAt(ctx, clock, '2026-02-06T00:00:00.000Z', python, {
      id: 'did:example:3',
    });
    await changeStatus(ctx, ADMIN, revoked.id, 'revoked');
    // A pathway credential and a milestone, as the pathway consumer writes them.
    const award = (n: number, milestone?: string): CredentialRecord => ({
      ...cited,
      id: `urn:uuid:00000000-0000-4000-8000-00000000000${n}`,
      status: { ...cited.status, index: cited.status.index + n },
      award: {
        pathwayId: 'analyst',
        version: 1,
        contributing: [cited.id],
        ...(milestone ? { milestone } : {}),
      },
    });
    await ctx.credentials.create(award(1));
    await ctx.credentials.create(award(2, 'core'));
    const report = { verdict: 'valid', checks: [] } as unknown as StoredReport;
    const imported = (
      learnerId: string,
      signed: string,
      state: 'verified' | 'invalid',
    ): ImportRecord => ({
      id: `import-${learnerId}`,
      learnerId,
      credentialId: 'urn:uuid:x',
      source: { format: 'jwt' },
      signed,
      state,
      report,
      importedAt: '2026-02-07T00:00:00.000Z',
      verifiedAt: '2026-02-07T00:00:00.000Z',
      revision: 1,
    });
    await ctx.imports.create(imported('ada', cited.signed, 'verified'));
    await ctx.imports.create(imported('bo', cited.signed, 'invalid'));
    await ctx.imports.create(imported('cy', '{"issuer":"did:web:elsewhere.example"}', 'verified'));

    const dashboard = await issuerDashboard(ctx, ADMIN, 'northfield');

    expect(dashboard.totals).toEqual({ issued: 5, active: 4, suspended: 0, revoked: 1 });
    expect(
      dashboard.issuedByMonth.map((row) => [row.month, row.achievementName, row.issued]),
    ).toEqual([
      ['2026-02', 'Python', 3],
      ['2026-01', 'SQL', 2],
    ]);
    expect(dashboard.revocations).toEqual([
      { achievementId: sql, achievementName: 'SQL', revoked: 1, suspended: 0 },
    ]);
    expect(dashboard.pathwayCompletions).toEqual([
      { pathwayId: 'analyst', awarded: 1, active: 1, milestones: 1 },
    ]);
    expect(dashboard.imports).toEqual({ citing: 2, verified: 1, read: 3 });
    expect(dashboard.complete).toBe(true);
    expect(python).not.toBe(sql);
  });
});
