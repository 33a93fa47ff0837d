import { describe, expect, it } from 'vitest';
import { fixedClock } from '#shared/core/clock.ts';
import {
  type BatchJobRecord,
  type BatchRecipientRecord,
  OUTCOME_BLOCK,
  type PathwayJobRecord,
  type PathwayVersionRecord,
} from '#shared/domain/ports/repositories.ts';
import type { NewStoreTable } from './store-fixture.ts';

/**
 * What the batch job, pathway and pathway job repositories owe the use cases, written once and
 * run against each adapter: outcomes recorded once and counted, jobs never reopened once done,
 * pathway versions numbered under a condition (the loser of two saves gets CONFLICT), a
 * publication time kept once set, and job cursors that move only from where they were.
 */

const NOW = '2026-04-01T00:00:00.000Z';
const clock = fixedClock(NOW);

function batch(id: string, createdAt = '2026-01-01T00:00:00.000Z'): BatchJobRecord {
  return {
    id,
    issuerId: 'northfield',
    achievementId: 'sql',
    total: 3,
    state: 'queued',
    issued: 0,
    failed: 0,
    createdAt,
  };
}

function recipient(jobId: string, index: number): BatchRecipientRecord {
  return { jobId, index, recipient: { id: `did:example:${index}` }, state: 'pending' };
}

function version(n: number, pathwayId = 'analyst'): PathwayVersionRecord {
  return {
    issuerId: 'northfield',
    pathwayId,
    version: n,
    definition: { format: 'credstack-pathway/1', id: pathwayId, version: n, name: `v${n}` },
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

function pathwayJob(id: string, createdAt = '2026-01-01T00:00:00.000Z'): PathwayJobRecord {
  return {
    id,
    issuerId: 'northfield',
    pathwayId: 'analyst',
    version: 1,
    state: 'queued',
    evaluated: 0,
    awarded: 0,
    createdAt,
  };
}

export function jobRepositoryContracts(name: string, newTable: NewStoreTable): void {
  describe(`BatchJobRepository contract: ${name}`, () => {
    it('stores a job with its recipients, listed in index order', async () => {
      const jobs = (await newTable()).batchJobs(clock);
      await jobs.create(
        batch('j1'),
        [2, 0, 1].map((index) => recipient('j1', index)),
      );

      expect(await jobs.get('j1')).toEqual(batch('j1'));
      expect((await jobs.recipients('j1')).items).toEqual(
        [0, 1, 2].map((index) => recipient('j1', index)),
      );
      expect(await jobs.get('nope')).toBeUndefined();
    });

    it('records an outcome once, counting it on the job with a heartbeat', async () => {
      const jobs = (await newTable()).batchJobs(clock);
      await jobs.create(
        batch('j1'),
        [0, 1, 2].map((index) => recipient('j1', index)),
      );

      const first = await jobs.recordOutcome('j1', 0, { state: 'issued', credentialId: 'c0' });
      const again = await jobs.recordOutcome('j1', 0, { state: 'failed', error: 'late' });
      const failed = await jobs.recordOutcome('j1', 1, { state: 'failed', error: 'no key' });
      const unknown = await jobs.recordOutcome('j1', 9, { state: 'issued', credentialId: 'c9' });

      expect([first, again, failed, unknown]).toEqual([true, false, true, false]);
      expect(await jobs.get('j1')).toEqual({
        ...batch('j1'),
        issued: 1,
        failed: 1,
        updatedAt: NOW,
      });
      expect((await jobs.recipients('j1')).items).toEqual([
        { ...recipient('j1', 0), state: 'issued', credentialId: 'c0' },
        { ...recipient('j1', 1), state: 'failed', error: 'no key' },
        recipient('j1', 2),
      ]);
    });

    it('records a block of outcomes in one write, all or none, counted and listed per recipient', async () => {
      const jobs = (await newTable()).batchJobs(clock);
      // Indexes of the first outcome block (0, 1, 2, B - 1) and of the second (B, B + 1).
      const B = OUTCOME_BLOCK;
      const indexes = [0, 1, 2, B - 1, B, B + 1];
      await jobs.create(
        { ...batch('j1'), total: indexes.length },
        indexes.map((i) => recipient('j1', i)),
      );
      const recordOutcomes = jobs.recordOutcomes?.bind(jobs);
      if (!recordOutcomes) throw new Error('the store offers no block outcomes');

      const first = await recordOutcomes('j1', [
        { index: 0, state: 'issued', credentialId: 'c0' },
        { index: 2, state: 'failed', error: 'no key' },
        { index: B - 1, state: 'issued', credentialId: 'c99' },
      ]);
      // One of these is recorded already: nothing of the call is.
      const overlapping = await recordOutcomes('j1', [
        { index: 1, state: 'issued', credentialId: 'c1' },
        { index: 2, state: 'issued', credentialId: 'c2' },
      ]);
      const single = await jobs.recordOutcome('j1', B - 1, { state: 'failed', error: 'late' });
      const nextBlock = await recordOutcomes('j1', [
        { index: B, state: 'issued', credentialId: 'c100' },
      ]);

      expect([first, overlapping, single, nextBlock]).toEqual([true, false, false, true]);
      expect(await jobs.get('j1')).toMatchObject({ issued: 3, failed: 1, updatedAt: NOW });
      expect((await jobs.recipients('j1')).items).toEqual([
        { ...recipient('j1', 0), state: 'issued', credentialId: 'c0' },
        recipient('j1', 1),
        { ...recipient('j1', 2), state: 'failed', error: 'no key' },
        { ...recipient('j1', B - 1), state: 'issued', credentialId: 'c99' },
        { ...recipient('j1', B), state: 'issued', credentialId: 'c100' },
        recipient('j1', B + 1),
      ]);
      // Outcomes of two blocks, or one recipient twice, are refused before anything is written.
      await expect(
        recordOutcomes('j1', [
          { index: 1, state: 'issued', credentialId: 'c1' },
          { index: B + 1, state: 'issued', credentialId: 'c101' },
        ]),
      ).rejects.toMatchObject({ code: 'VALIDATION' });
      await expect(
        recordOutcomes('j1', [
          { index: 1, state: 'issued', credentialId: 'c1' },
          { index: 1, state: 'failed', error: 'twice' },
        ]),
      ).rejects.toMatchObject({ code: 'VALIDATION' });
      expect(await jobs.get('j1')).toMatchObject({ issued: 3, failed: 1 });
    });

    it('records a block of outcomes beside ones of the block recorded one by one', async () => {
      const jobs = (await newTable()).batchJobs(clock);
      await jobs.create(
        { ...batch('j1'), total: 4 },
        [0, 1, 2, 3].map((i) => recipient('j1', i)),
      );
      const recordOutcomes = jobs.recordOutcomes?.bind(jobs);
      if (!recordOutcomes) throw new Error('the store offers no block outcomes');

      const single = await jobs.recordOutcome('j1', 1, { state: 'issued', credentialId: 'c1' });
      // The block is partly recorded: the others of it are recorded still, each once.
      const rest = await recordOutcomes('j1', [
        { index: 0, state: 'issued', credentialId: 'c0' },
        { index: 2, state: 'failed', error: 'no key' },
      ]);
      const again = await recordOutcomes('j1', [
        { index: 2, state: 'issued', credentialId: 'c2' },
        { index: 3, state: 'issued', credentialId: 'c3' },
      ]);

      expect([single, rest, again]).toEqual([true, true, false]);
      expect(await jobs.get('j1')).toMatchObject({ issued: 2, failed: 1 });
      expect((await jobs.recipients('j1')).items).toEqual([
        { ...recipient('j1', 0), state: 'issued', credentialId: 'c0' },
        { ...recipient('j1', 1), state: 'issued', credentialId: 'c1' },
        { ...recipient('j1', 2), state: 'failed', error: 'no key' },
        recipient('j1', 3),
      ]);
      await expect(
        recordOutcomes('gone', [{ index: 0, state: 'issued', credentialId: 'c0' }]),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('lists open jobs oldest first, and never reopens a done one', async () => {
      const jobs = (await newTable()).batchJobs(clock);
      await jobs.create(batch('late', '2026-01-03T00:00:00.000Z'), []);
      await jobs.create(batch('early', '2026-01-01T00:00:00.000Z'), []);
      await jobs.create(batch('mid', '2026-01-02T00:00:00.000Z'), []);

      await jobs.setState('mid', 'running');
      await jobs.setState('early', 'done');
      await jobs.setState('early', 'running');

      expect((await jobs.listOpen()).map((job) => [job.id, job.state])).toEqual([
        ['mid', 'running'],
        ['late', 'queued'],
      ]);
      expect(await jobs.get('early')).toMatchObject({ state: 'done', updatedAt: NOW });
      await expect(jobs.setState('nope', 'running')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe(`PathwayRepository contract: ${name}`, () => {
    it('numbers versions under a condition on the previous one', async () => {
      const pathways = (await newTable()).pathways();
      await pathways.createVersion(version(1), 0);

      await expect(pathways.createVersion(version(1), 0)).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      const race = await Promise.allSettled([
        pathways.createVersion(version(2), 1),
        pathways.createVersion({ ...version(2), createdAt: '2026-02-02T00:00:00.000Z' }, 1),
      ]);

      expect(race.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(race.find((r) => r.status === 'rejected')).toMatchObject({
        reason: { code: 'CONFLICT' },
      });
      expect(await pathways.getHead('northfield', 'analyst')).toEqual({
        issuerId: 'northfield',
        pathwayId: 'analyst',
        latestVersion: 2,
      });
      expect(await pathways.getVersion('northfield', 'analyst', 1)).toEqual(version(1));
      expect(await pathways.getVersion('northfield', 'analyst', 3)).toBeUndefined();
    });

    it('publishes a version, keeping its first publication time', async () => {
      const pathways = (await newTable()).pathways();
      await pathways.createVersion(version(1), 0);
      await pathways.createVersion(version(2), 1);

      await pathways.publish('northfield', 'analyst', 1, '2026-02-01T00:00:00.000Z');
      await pathways.publish('northfield', 'analyst', 2, '2026-02-02T00:00:00.000Z');
      await pathways.publish('northfield', 'analyst', 1, '2026-02-03T00:00:00.000Z');

      expect((await pathways.getHead('northfield', 'analyst'))?.publishedVersion).toBe(1);
      expect((await pathways.getVersion('northfield', 'analyst', 1))?.publishedAt).toBe(
        '2026-02-01T00:00:00.000Z',
      );
      expect((await pathways.getVersion('northfield', 'analyst', 2))?.publishedAt).toBe(
        '2026-02-02T00:00:00.000Z',
      );
      await expect(
        pathways.publish('northfield', 'analyst', 3, '2026-02-04T00:00:00.000Z'),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(
        pathways.publish('northfield', 'nothing', 1, '2026-02-04T00:00:00.000Z'),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('lists heads in pathway id order, and the published ones across issuers', async () => {
      const pathways = (await newTable()).pathways();
      for (const id of ['zeta', 'alpha', 'mid']) await pathways.createVersion(version(1, id), 0);
      await pathways.createVersion({ ...version(1, 'other'), issuerId: 'elsewhere' }, 0);
      await pathways.publish('northfield', 'mid', 1, NOW);
      await pathways.publish('elsewhere', 'other', 1, NOW);

      expect((await pathways.listHeads('northfield')).map((head) => head.pathwayId)).toEqual([
        'alpha',
        'mid',
        'zeta',
      ]);
      const published = await pathways.listPublished();
      expect(published.map((head) => `${head.issuerId}/${head.pathwayId}`).sort()).toEqual([
        'elsewhere/other',
        'northfield/mid',
      ]);
    });

    it('refuses a pathway id with "#" or "/" with VALIDATION', async () => {
      const pathways = (await newTable()).pathways();

      for (const id of ['a#b', 'a/b', '']) {
        await expect(pathways.getHead('northfield', id)).rejects.toMatchObject({
          code: 'VALIDATION',
        });
      }
    });
  });

  describe(`PathwayJobRepository contract: ${name}`, () => {
    it('starts a queued job once, and counts blocks only from where the cursor is', async () => {
      const jobs = (await newTable()).pathwayJobs(clock);
      await jobs.create(pathwayJob('p1'));

      const started = [await jobs.start('p1', 10), await jobs.start('p1', 99)];
      const blocks = [
        await jobs.commit('p1', { from: undefined, to: 'bo', evaluated: 2, awarded: 1 }),
        await jobs.commit('p1', { from: undefined, to: 'cy', evaluated: 3, awarded: 3 }),
        await jobs.commit('p1', { from: 'bo', to: 'ed', evaluated: 3, awarded: 0 }),
      ];

      expect(started).toEqual([true, false]);
      expect(blocks).toEqual([true, false, true]);
      expect(await jobs.get('p1')).toEqual({
        ...pathwayJob('p1'),
        state: 'running',
        learners: 10,
        evaluated: 5,
        awarded: 1,
        cursor: 'ed',
        updatedAt: NOW,
      });
    });

    it('takes a finished job off the open ones, which are listed oldest first', async () => {
      const jobs = (await newTable()).pathwayJobs(clock);
      await jobs.create(pathwayJob('late', '2026-01-02T00:00:00.000Z'));
      await jobs.create(pathwayJob('early', '2026-01-01T00:00:00.000Z'));
      await jobs.create(pathwayJob('done', '2026-01-01T12:00:00.000Z'));

      await jobs.finish('done', NOW);

      expect((await jobs.listOpen()).map((job) => job.id)).toEqual(['early', 'late']);
      expect(await jobs.get('done')).toMatchObject({ state: 'done', finishedAt: NOW });
      await expect(jobs.create(pathwayJob('late'))).rejects.toMatchObject({ code: 'CONFLICT' });
    });

    it('refuses to move an unknown job with NOT_FOUND, and accepts a repeated hand-over', async () => {
      const jobs = (await newTable()).pathwayJobs(clock);
      await jobs.create(pathwayJob('p1'));

      await expect(jobs.start('nope', 1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(jobs.finish('nope', NOW)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await jobs.continueAt('p1', 100);
      await jobs.continueAt('p1', 100);
      expect((await jobs.get('p1'))?.state).toBe('queued');
    });
  });
}
