import { GSI2, KEY } from '#shared/adapters/dynamodb/table.ts';
import { type Clock, systemClock } from '#shared/core/clock.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import type { PathwayJobRecord, PathwayJobRepository } from '#shared/domain/ports/repositories.ts';
import { isConditionFailure, putNew, throwAsServiceError } from './errors.ts';
import { type ItemKey, issuerPartition, recordOf, withoutUndefined } from './keys.ts';
import { DynamoStore, type DynamoStoreOptions, queryAll } from './paging.ts';

/** Partition prefix of evaluation jobs; distinct from batch jobs (`JOB#`) so each consumer filters on its own. */
export const PATHWAY_JOB_PK_PREFIX = 'PWJOB#';

/** GSI2 partition of the pathway jobs not yet done (a sparse index: removed when done). */
export const OPEN_PATHWAY_JOBS = 'JOBS#OPEN#PATHWAY';

/** Sort-key prefix of a job's continuation items. */
export const PATHWAY_JOB_CHUNK_PREFIX = 'CHUNK#';

/**
 * A pathway evaluation job's item.
 *
 * @example
 * pathwayJobKey('1f0c…'); // { PK: 'PWJOB#1f0c…', SK: 'META' }
 */
export function pathwayJobKey(jobId: string): ItemKey {
  return { PK: `${PATHWAY_JOB_PK_PREFIX}${jobId}`, SK: 'META' };
}

/** Digits of a continuation's offset, so chunks sort in order. */
const OFFSET_DIGITS = 9;

/**
 * The continuation of a job from learner `offset` on: its INSERT runs the next chunk.
 *
 * @example
 * pathwayJobChunkKey('1f0c…', 2000); // { PK: 'PWJOB#1f0c…', SK: 'CHUNK#000002000' }
 */
export function pathwayJobChunkKey(jobId: string, offset: number): ItemKey {
  return {
    PK: `${PATHWAY_JOB_PK_PREFIX}${jobId}`,
    SK: `${PATHWAY_JOB_CHUNK_PREFIX}${String(offset).padStart(OFFSET_DIGITS, '0')}`,
  };
}

/**
 * Pathway evaluation jobs on the single table: `PWJOB#<id>`/`META`, listed per issuer on GSI1
 * (`ISSUER#<issuerId>#PWJOBS`, by creation time) and, while open, on GSI2
 * `JOBS#OPEN#PATHWAY`. Counters move with the cursor in one conditional update, so a block of
 * learners is counted once however many runs evaluate it.
 *
 * @example
 * const jobs = new DynamoPathwayJobStore({ documents, tableName: 'credstack' });
 * await jobs.commit(jobId, { from: undefined, to: "learner-025", evaluated: 25, awarded: 3 });
 */
export class DynamoPathwayJobStore extends DynamoStore implements PathwayJobRepository {
  readonly #clock: Clock;

  constructor(options: DynamoStoreOptions & { readonly clock?: Clock }) {
    super(options);
    this.#clock = options.clock ?? systemClock;
  }

  async create(job: PathwayJobRecord): Promise<void> {
    await putNew(
      this.documents,
      this.table,
      {
        ...withoutUndefined(job),
        ...pathwayJobKey(job.id),
        [KEY.gsi1pk]: `${issuerPartition(job.issuerId)}#PWJOBS`,
        [KEY.gsi1sk]: `${job.createdAt}#${job.id}`,
        [KEY.gsi2pk]: OPEN_PATHWAY_JOBS,
        [KEY.gsi2sk]: `${job.createdAt}#${job.id}`,
      },
      `pathway job ${job.id} already exists`,
    );
  }

  async get(jobId: string): Promise<PathwayJobRecord | undefined> {
    const { Item } = await this.documents.get({
      TableName: this.table,
      Key: pathwayJobKey(jobId),
      ConsistentRead: true,
    });
    return Item === undefined ? undefined : recordOf<PathwayJobRecord>(Item);
  }

  start(jobId: string, learners: number): Promise<boolean> {
    return this.#update(
      jobId,
      'SET #state = :running, #learners = :learners, #evaluated = :zero, #awarded = :zero',
      { ':running': 'running', ':learners': learners, ':zero': 0, ':queued': 'queued' },
      '#state = :queued',
    );
  }

  commit(
    jobId: string,
    block: { from: string | undefined; to: string; evaluated: number; awarded: number },
  ): Promise<boolean> {
    return this.#update(
      jobId,
      'SET #cursor = :to ADD #evaluated :evaluated, #awarded :awarded',
      {
        ':to': block.to,
        ':evaluated': block.evaluated,
        ':awarded': block.awarded,
        ':running': 'running',
        ...(block.from === undefined ? {} : { ':from': block.from }),
      },
      `#state = :running AND ${block.from === undefined ? 'attribute_not_exists(#cursor)' : '#cursor = :from'}`,
    );
  }

  async finish(jobId: string, at: string): Promise<void> {
    await this.#update(jobId, 'SET #state = :done, #finishedAt = :at REMOVE #gsi2pk, #gsi2sk', {
      ':done': 'done',
      ':at': at,
    });
  }

  async listOpen(): Promise<readonly PathwayJobRecord[]> {
    const items = await queryAll(this.documents, {
      TableName: this.table,
      IndexName: GSI2,
      KeyConditionExpression: '#pk = :open',
      ExpressionAttributeNames: { '#pk': KEY.gsi2pk },
      ExpressionAttributeValues: { ':open': OPEN_PATHWAY_JOBS },
    });
    return items.map((item) => recordOf<PathwayJobRecord>(item));
  }

  async continueAt(jobId: string, offset: number): Promise<void> {
    try {
      await putNew(
        this.documents,
        this.table,
        { ...pathwayJobChunkKey(jobId, offset), jobId, offset },
        `pathway job ${jobId} already continues at ${offset}`,
      );
    } catch (error) {
      // A replayed chunk hands over again: the first continuation stands.
      if (!(error instanceof ServiceError && error.code === 'CONFLICT')) throw error;
    }
  }

  /** One conditional update of the job's item; false when `condition` (beyond existence) failed. */
  async #update(
    jobId: string,
    expression: string,
    values: Record<string, unknown>,
    condition?: string,
  ): Promise<boolean> {
    const names: Record<string, string> = { '#pk': KEY.pk, '#updatedAt': 'updatedAt' };
    for (const name of ['state', 'learners', 'evaluated', 'awarded', 'finishedAt', 'cursor']) {
      if (expression.includes(`#${name}`) || condition?.includes(`#${name}`))
        names[`#${name}`] = name;
    }
    if (expression.includes('#gsi2pk')) {
      names['#gsi2pk'] = KEY.gsi2pk;
      names['#gsi2sk'] = KEY.gsi2sk;
    }
    // Every write is a heartbeat: a sweeper resumes only jobs nobody has moved for a while.
    // (Every expression here begins with its SET clause.)
    const updateExpression = expression.replace(/^SET /, 'SET #updatedAt = :now, ');
    try {
      await this.documents.update({
        TableName: this.table,
        Key: pathwayJobKey(jobId),
        UpdateExpression: updateExpression,
        ConditionExpression: `attribute_exists(#pk)${condition ? ` AND ${condition}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ...values, ':now': this.#clock.now().toISOString() },
      });
      return true;
    } catch (error) {
      if (isConditionFailure(error)) {
        if (condition !== undefined && (await this.get(jobId))) return false;
        throw new ServiceError('NOT_FOUND', `no pathway job ${jobId}`, { cause: error });
      }
      throwAsServiceError(error, `cannot update pathway job ${jobId}`);
    }
  }
}
