import { describe, expect, it } from 'vitest';
import type { CredentialRecord } from '#shared/domain/records/records.ts';
import type {
  ConsentRecord,
  ImportRecord,
  IssuedBadgeRecord,
  SearchAuditRecord,
  SeenRecord,
  StoredReport,
} from '#shared/domain/records/search-records.ts';
import type { NewStoreTable } from './store-fixture.ts';

/**
 * What the repositories of learners' imports, consents and employer search owe the use cases,
 * written once and run against each adapter: imports conditional on their revision, the
 * re-verification schedule oldest first, consents per tenant, audit trails newest first with
 * cursors, and the indexer's sources read together.
 */

const NOW_ISO = '2026-04-01T00:00:00.000Z';
const report = { verified: true, checks: [] } as unknown as StoredReport;

function imported(learnerId: string, id: string, verifiedAt: string, revision = 1): ImportRecord {
  return {
    id,
    learnerId,
    credentialId: `urn:uuid:${id}`,
    source: { format: 'jwt' },
    signed: 'header.payload.signature',
    state: 'verified',
    report,
    importedAt: '2026-01-01T00:00:00.000Z',
    verifiedAt,
    revision,
  };
}

function consent(learnerId: string, tenantId: string): ConsentRecord {
  return {
    learnerId,
    tenantId,
    state: 'given',
    displayName: learnerId,
    employers: 'all',
    givenAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

function search(id: string, at: string): SearchAuditRecord {
  return {
    id,
    tenantId: 'default',
    employerId: 'acme',
    subject: 'recruiter',
    kind: 'search',
    at,
    query: { skills: ['sql'] },
    total: 1,
    learnerIds: ['ada'],
  };
}

function seen(id: string, at: string): SeenRecord {
  return {
    id,
    learnerId: 'ada',
    tenantId: 'default',
    employerId: 'acme',
    kind: 'search-hit',
    at,
    skills: ['sql'],
  };
}

function issued(credentialId: string, sequence: string): IssuedBadgeRecord {
  return {
    learnerId: 'ada',
    credential: { id: credentialId, issuerId: 'northfield' } as CredentialRecord,
    sequence,
  };
}

export function learnerRepositoryContracts(name: string, newTable: NewStoreTable): void {
  describe(`ImportRepository contract: ${name}`, () => {
    it('imports a credential once, lists the learner imports in id order, page by page', async () => {
      const imports = (await newTable()).imports({ pageSize: 2 });
      for (const id of ['c', 'a', 'b'])
        await imports.create(imported('ada', id, '2026-02-01T00:00:00.000Z'));
      await imports.create(imported('bo', 'z', '2026-02-01T00:00:00.000Z'));

      await expect(
        imports.create(imported('ada', 'a', '2026-03-01T00:00:00.000Z')),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      const first = await imports.list('ada');
      const second = await imports.list('ada', first.cursor);

      expect(first.items.map((r) => r.id)).toEqual(['a', 'b']);
      expect(second.items.map((r) => r.id)).toEqual(['c']);
      expect(await imports.get('ada', 'a')).toEqual(
        imported('ada', 'a', '2026-02-01T00:00:00.000Z'),
      );
      await expect(imports.list('bo', first.cursor)).rejects.toMatchObject({ code: 'VALIDATION' });
    });

    it('saves a re-verification only over the revision it read', async () => {
      const imports = (await newTable()).imports();
      await imports.create(imported('ada', 'a', '2026-02-01T00:00:00.000Z', 1));
      const next = {
        ...imported('ada', 'a', '2026-03-01T00:00:00.000Z', 2),
        state: 'invalid' as const,
      };

      await imports.saveVerification(next, 1);
      const stale = imports.saveVerification({ ...next, revision: 2 }, 1);

      await expect(stale).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await imports.get('ada', 'a')).toEqual(next);
      await expect(
        imports.saveVerification(imported('ada', 'gone', NOW_ISO, 2), 1),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('deletes an import, NOT_FOUND for one that is not there', async () => {
      const imports = (await newTable()).imports();
      await imports.create(imported('ada', 'a', '2026-02-01T00:00:00.000Z'));

      await imports.delete('ada', 'a');

      expect(await imports.get('ada', 'a')).toBeUndefined();
      await expect(imports.delete('ada', 'a')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('lists the imports due for re-verification, oldest first, at most `limit`', async () => {
      const imports = (await newTable()).imports();
      await imports.create(imported('ada', 'a', '2026-01-03T00:00:00.000Z'));
      await imports.create(imported('bo', 'b', '2026-01-01T00:00:00.000Z'));
      await imports.create(imported('cy', 'c', '2026-01-02T00:00:00.000Z'));
      await imports.create(imported('di', 'd', '2026-01-09T00:00:00.000Z'));

      const due = await imports.listDue('2026-01-05T00:00:00.000Z', 2);

      expect(due.map((r) => r.id)).toEqual(['b', 'c']);
    });
  });

  describe(`ConsentRepository contract: ${name}`, () => {
    it('keeps one consent per learner and tenant, read one by one or many at once', async () => {
      const consents = (await newTable()).consents();
      await consents.put(consent('ada', 'default'));
      await consents.put(consent('ada', 'other'));
      await consents.put(consent('bo', 'default'));
      await consents.put({ ...consent('bo', 'default'), state: 'withdrawn' });

      expect(await consents.get('ada', 'default')).toEqual(consent('ada', 'default'));
      expect(await consents.get('cy', 'default')).toBeUndefined();
      const many = await consents.getMany('default', ['ada', 'bo', 'cy']);
      expect(many.map((c) => [c.learnerId, c.state]).sort()).toEqual([
        ['ada', 'given'],
        ['bo', 'withdrawn'],
      ]);
      expect((await consents.list('ada')).map((c) => c.tenantId)).toEqual(['default', 'other']);
    });

    it('lists candidates by tenant then learner, for one tenant or all', async () => {
      const consents = (await newTable()).consents({ pageSize: 2 });
      for (const [learner, tenant] of [
        ['cy', 'default'],
        ['ada', 'default'],
        ['bo', 'other'],
      ] as const)
        await consents.put(consent(learner, tenant));

      const all: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await consents.listCandidates(undefined, cursor);
        all.push(...page.items.map((c) => `${c.tenantId}/${c.learnerId}`));
        cursor = page.cursor;
      } while (cursor !== undefined);

      expect(all).toEqual(['default/ada', 'default/cy', 'other/bo']);
      expect((await consents.listCandidates('other')).items).toEqual([
        { tenantId: 'other', learnerId: 'bo' },
      ]);
      await expect(consents.get('ada', 'a#b')).rejects.toMatchObject({ code: 'VALIDATION' });
    });
  });

  describe(`SearchAuditRepository contract: ${name}`, () => {
    it("lists an employer's searches and a learner's sightings newest first, page by page", async () => {
      const audit = (await newTable()).searchAudit({ pageSize: 2 });
      for (const [id, at] of [
        ['s1', '2026-01-01T00:00:00.000Z'],
        ['s3', '2026-01-03T00:00:00.000Z'],
        ['s2', '2026-01-02T00:00:00.000Z'],
      ] as const)
        await audit.record(search(id, at), [seen(`e-${id}`, at)]);

      const first = await audit.listSearches('default', 'acme');
      const second = await audit.listSearches('default', 'acme', first.cursor);
      const sightings = await audit.listSeen('ada');

      expect(first.items.map((s) => s.id)).toEqual(['s3', 's2']);
      expect(second.items.map((s) => s.id)).toEqual(['s1']);
      expect(sightings.items.map((s) => s.id)).toEqual(['e-s3', 'e-s2']);
      expect((await audit.listSearches('default', 'other')).items).toEqual([]);
      await expect(audit.listSeen('bo', sightings.cursor)).rejects.toMatchObject({
        code: 'VALIDATION',
      });
    });
  });

  describe(`SearchSettingsRepository contract: ${name}`, () => {
    it("keeps a tenant's settings and the skills its badges named", async () => {
      const settings = (await newTable()).searchSettings();
      const tiers = {
        tenantId: 'default',
        issuerTiers: { 'did:web:x': 'gold' },
        updatedAt: NOW_ISO,
      };
      await settings.put(tiers);
      await settings.recordSkills('default', [
        { key: 'ESCO:1', name: 'SQL' },
        { key: 'ESCO:2' },
        { key: 'ESCO:1', name: 'SQL' },
      ]);

      expect(await settings.get('default')).toEqual(tiers);
      expect(await settings.get('other')).toBeUndefined();
      const known = await settings.knownSkills('default', ['ESCO:2', 'ESCO:1', 'ESCO:9']);
      expect([...known].sort((a, b) => a.key.localeCompare(b.key))).toEqual([
        { key: 'ESCO:1', name: 'SQL' },
        { key: 'ESCO:2' },
      ]);
      expect(await settings.knownSkills('other', ['ESCO:1'])).toEqual([]);
    });
  });

  describe(`CandidateSourceRepository contract: ${name}`, () => {
    it('counts versions per learner and keeps the copy of the latest stream record', async () => {
      const table = await newTable();
      const sources = table.candidateSources();

      const versions = [
        await sources.nextVersion('ada'),
        await sources.nextVersion('ada'),
        await sources.nextVersion('bo'),
      ];
      const writes = [
        await sources.putIssued(issued('c1', '0002')),
        await sources.putIssued(issued('c1', '0001')),
        await sources.putIssued(issued('c1', '0003')),
      ];

      expect(versions).toEqual([1, 2, 1]);
      expect(writes).toEqual([true, false, true]);
      await table.consents().put(consent('ada', 'default'));
      await table.imports().create(imported('ada', 'a', NOW_ISO));
      const loaded = await sources.load('ada');
      expect(loaded.consents).toEqual([consent('ada', 'default')]);
      expect(loaded.imports).toEqual([imported('ada', 'a', NOW_ISO)]);
      expect(loaded.issued).toEqual([issued('c1', '0003')]);
      expect(await sources.load('cy')).toEqual({ consents: [], imports: [], issued: [] });
    });
  });
}
