import { type Clock, systemClock } from '#shared/core/clock.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import {
  type BatchJobRecord,
  type BatchJobRepository,
  type BatchJobState,
  type BatchOutcome,
  type BatchRecipientRecord,
  OUTCOME_BLOCK,
  type Page,
  type PathwayHeadRecord,
  type PathwayJobRecord,
  type PathwayJobRepository,
  type PathwayRepository,
  type PathwayVersionRecord,
} from '#shared/domain/ports/repositories.ts';
import { conflict, keyPart, pageOf, stored } from './table.ts';

/**
 * Batch jobs, pathways and pathway jobs in process memory, with the semantics of their
 * DynamoDB counterparts. There is no table stream here: a job's creation or continuation
 * starts nothing by itself, the caller (a test, a composition root) runs it.
 */

/** Recipients per page, as the DynamoDB store's query limit. */
const RECIPIENTS_PAGE_SIZE = 1000;

export class MemoryBatchJobStore implements BatchJobRepository {
  readonly #jobs = new Map<string, BatchJobRecord>();
  readonly #recipients = new Map<string, Map<number, BatchRecipientRecord>>();
  readonly #clock: Clock;

  constructor(options: { readonly clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  async create(job: BatchJobRecord, recipients: readonly BatchRecipientRecord[]): Promise<void> {
    keyPart(job.id, 'batch job id');
    if (this.#jobs.has(job.id)) throw conflict(`batch job ${job.id} already exists`);
    const byIndex = this.#recipients.get(job.id) ?? new Map<number, BatchRecipientRecord>();
    for (const recipient of recipients) byIndex.set(recipient.index, stored(recipient));
    this.#recipients.set(job.id, byIndex);
    this.#jobs.set(job.id, stored(job));
  }

  async get(jobId: string): Promise<BatchJobRecord | undefined> {
    return stored(this.#jobs.get(jobId));
  }

  /** The job's recipients in index order. */
  async recipients(jobId: string, cursor?: string): Promise<Page<BatchRecipientRecord>> {
    const entries = [
      ...(this.#recipients.get(jobId) ?? new Map<number, BatchRecipientRecord>()),
    ].map(([index, recipient]) => [`R#${index.toString().padStart(6, '0')}`, recipient] as const);
    return pageOf(`JOB#${jobId}`, entries, cursor, RECIPIENTS_PAGE_SIZE, false);
  }

  async setState(jobId: string, state: BatchJobState): Promise<void> {
    const job = this.#jobs.get(jobId);
    if (job === undefined) throw new ServiceError('NOT_FOUND', `no batch job ${jobId}`);
    // A job another run finished stays finished.
    if (job.state === 'done' && state !== 'done') return;
    this.#jobs.set(jobId, { ...job, state, updatedAt: this.#clock.now().toISOString() });
  }

  /** Jobs not yet done, oldest first (by creation time, then id). */
  async listOpen(): Promise<readonly BatchJobRecord[]> {
    return [...this.#jobs.values()]
      .filter((job) => job.state !== 'done')
      .sort((a, b) => order(`${a.createdAt}#${a.id}`, `${b.createdAt}#${b.id}`))
      .map((job) => stored(job));
  }

  async recordOutcome(
    jobId: string,
    index: number,
    outcome: { state: 'issued' | 'failed'; credentialId?: string; error?: string },
  ): Promise<boolean> {
    const recipient = this.#recipients.get(jobId)?.get(index);
    if (recipient === undefined || recipient.state !== 'pending') return false;
    const job = this.#jobs.get(jobId);
    (this.#recipients.get(jobId) as Map<number, BatchRecipientRecord>).set(index, {
      ...recipient,
      state: outcome.state,
      ...(outcome.credentialId ? { credentialId: outcome.credentialId } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
    });
    if (job !== undefined) {
      this.#jobs.set(jobId, {
        ...job,
        ...(outcome.state === 'issued' ? { issued: job.issued + 1 } : { failed: job.failed + 1 }),
        updatedAt: this.#clock.now().toISOString(),
      });
    }
    return true;
  }

  /** All of one block's outcomes, or none when any is recorded already (as on DynamoDB). */
  async recordOutcomes(jobId: string, outcomes: readonly BatchOutcome[]): Promise<boolean> {
    const block = Math.floor((outcomes[0]?.index ?? 0) / OUTCOME_BLOCK);
    if (outcomes.some((outcome) => Math.floor(outcome.index / OUTCOME_BLOCK) !== block))
      throw new ServiceError('VALIDATION', `outcomes must be of one block of ${OUTCOME_BLOCK}`);
    if (new Set(outcomes.map((outcome) => outcome.index)).size !== outcomes.length)
      throw new ServiceError('VALIDATION', 'an outcome is given twice');
    if (!this.#jobs.has(jobId)) throw new ServiceError('NOT_FOUND', `no batch job ${jobId}`);
    const recipients = this.#recipients.get(jobId);
    if (outcomes.some((outcome) => recipients?.get(outcome.index)?.state !== 'pending'))
      return false;
    for (const { index, ...outcome } of outcomes) await this.recordOutcome(jobId, index, outcome);
    return true;
  }
}

function order(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function pathwayPart(pathwayId: string): string {
  // The same refusal as the DynamoDB key: `#` or `/` could not be a key or URL segment there.
  if (pathwayId.length === 0 || pathwayId.includes('#') || pathwayId.includes('/')) {
    throw new ServiceError('VALIDATION', 'a pathway id must be non-empty, without "#" or "/"', {
      fields: [{ pointer: '/id', detail: `invalid pathway id: ${JSON.stringify(pathwayId)}` }],
    });
  }
  return pathwayId;
}

export class MemoryPathwayStore implements PathwayRepository {
  readonly #heads = new Map<string, PathwayHeadRecord>();
  readonly #versions = new Map<string, PathwayVersionRecord>();

  async createVersion(record: PathwayVersionRecord, previous: number): Promise<void> {
    const head = this.#headId(record.issuerId, record.pathwayId);
    const current = this.#heads.get(head);
    const versionId = `${head}#${record.version}`;
    const moved = previous === 0 ? current !== undefined : current?.latestVersion !== previous;
    if (moved || this.#versions.has(versionId)) {
      throw conflict(
        `pathway ${record.pathwayId} changed meanwhile: version ${record.version} was taken`,
      );
    }
    this.#heads.set(head, {
      ...(current ?? {}),
      issuerId: record.issuerId,
      pathwayId: record.pathwayId,
      latestVersion: record.version,
    });
    this.#versions.set(versionId, stored(record));
  }

  async getHead(issuerId: string, pathwayId: string): Promise<PathwayHeadRecord | undefined> {
    return stored(this.#heads.get(this.#headId(issuerId, pathwayId)));
  }

  async getVersion(
    issuerId: string,
    pathwayId: string,
    version: number,
  ): Promise<PathwayVersionRecord | undefined> {
    return stored(this.#versions.get(`${this.#headId(issuerId, pathwayId)}#${version}`));
  }

  /** The issuer's heads in pathway id order. */
  async listHeads(issuerId: string): Promise<readonly PathwayHeadRecord[]> {
    keyPart(issuerId, 'issuer id');
    return [...this.#heads.values()]
      .filter((head) => head.issuerId === issuerId)
      .sort((a, b) => order(a.pathwayId, b.pathwayId))
      .map((head) => stored(head));
  }

  async publish(issuerId: string, pathwayId: string, version: number, at: string): Promise<void> {
    const head = this.#headId(issuerId, pathwayId);
    const current = this.#heads.get(head);
    const versionId = `${head}#${version}`;
    const existing = this.#versions.get(versionId);
    if (current === undefined || current.latestVersion < version || existing === undefined) {
      throw new ServiceError('NOT_FOUND', `pathway ${pathwayId} has no version ${version}`);
    }
    this.#heads.set(head, { ...current, publishedVersion: version });
    // A version once published keeps its first publication time.
    this.#versions.set(versionId, { ...existing, publishedAt: existing.publishedAt ?? at });
  }

  /** Published heads across issuers, by issuer then pathway id. */
  async listPublished(): Promise<readonly PathwayHeadRecord[]> {
    return [...this.#heads.values()]
      .filter((head) => head.publishedVersion !== undefined)
      .sort((a, b) => order(`${a.issuerId}#${a.pathwayId}`, `${b.issuerId}#${b.pathwayId}`))
      .map((head) => stored(head));
  }

  #headId(issuerId: string, pathwayId: string): string {
    return `${keyPart(issuerId, 'issuer id')}#${pathwayPart(pathwayId)}`;
  }
}

export class MemoryPathwayJobStore implements PathwayJobRepository {
  readonly #jobs = new Map<string, PathwayJobRecord>();
  readonly #continuations = new Map<string, Set<number>>();
  readonly #clock: Clock;

  constructor(options: { readonly clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  async create(job: PathwayJobRecord): Promise<void> {
    keyPart(job.issuerId, 'issuer id');
    if (this.#jobs.has(job.id)) throw conflict(`pathway job ${job.id} already exists`);
    this.#jobs.set(job.id, stored(job));
  }

  async get(jobId: string): Promise<PathwayJobRecord | undefined> {
    return stored(this.#jobs.get(jobId));
  }

  async start(jobId: string, learners: number): Promise<boolean> {
    const job = this.#existing(jobId);
    if (job.state !== 'queued') return false;
    this.#save({ ...job, state: 'running', learners, evaluated: 0, awarded: 0 });
    return true;
  }

  async commit(
    jobId: string,
    block: { from: string | undefined; to: string; evaluated: number; awarded: number },
  ): Promise<boolean> {
    const job = this.#existing(jobId);
    if (job.state !== 'running' || job.cursor !== block.from) return false;
    this.#save({
      ...job,
      cursor: block.to,
      evaluated: job.evaluated + block.evaluated,
      awarded: job.awarded + block.awarded,
    });
    return true;
  }

  async finish(jobId: string, at: string): Promise<void> {
    this.#save({ ...this.#existing(jobId), state: 'done', finishedAt: at });
  }

  /** Jobs not yet done, oldest first (by creation time, then id). */
  async listOpen(): Promise<readonly PathwayJobRecord[]> {
    return [...this.#jobs.values()]
      .filter((job) => job.state !== 'done')
      .sort((a, b) => order(`${a.createdAt}#${a.id}`, `${b.createdAt}#${b.id}`))
      .map((job) => stored(job));
  }

  /** Remembers the hand-over; a repeated one for the same offset changes nothing. */
  async continueAt(jobId: string, offset: number): Promise<void> {
    const offsets = this.#continuations.get(jobId) ?? new Set<number>();
    offsets.add(offset);
    this.#continuations.set(jobId, offsets);
  }

  /**
   * The offsets the job was handed on at, in order: what a stream would run next (no stream
   * runs them here).
   */
  continuations(jobId: string): readonly number[] {
    return [...(this.#continuations.get(jobId) ?? [])].sort((a, b) => a - b);
  }

  #existing(jobId: string): PathwayJobRecord {
    const job = this.#jobs.get(jobId);
    if (job === undefined) throw new ServiceError('NOT_FOUND', `no pathway job ${jobId}`);
    return job;
  }

  #save(job: PathwayJobRecord): void {
    this.#jobs.set(job.id, { ...job, updatedAt: this.#clock.now().toISOString() });
  }
}
