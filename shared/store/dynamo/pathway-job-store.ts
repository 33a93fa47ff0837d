import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ServiceError } from '#shared/service/errors.ts';
import type { PathwayJobRecord, PathwayJobRepository } from '#shared/service/ports.ts';
import { KEY } from '#shared/store/table.ts';
import { isConditionFailure, putNew, throwAsServiceError } from './errors.ts';
import { type ItemKey, issuerPartition, recordOf, withoutUndefined } from './keys.ts';
import { DynamoStore } from './paging.ts';

/** Partition prefix of evaluation jobs; distinct from batch jobs (`JOB#`) so each consumer filters on its own. */
export const PATHWAY_JOB_PK_PREFIX = 'PWJOB#';

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
 * (`ISSUER#<issuerId>#PWJOBS`, by creation time). Counters move with ADD, so concurrent
 * workers never lose an update.
 *
 * @example
 * const jobs = new DynamoPathwayJobStore({ documents, tableName: 'credstack' });
 * await jobs.progress(jobId, 50, 3);
 */
export class DynamoPathwayJobStore extends DynamoStore implements PathwayJobRepository {
  async create(job: PathwayJobRecord): Promise<void> {
    await putNew(
      this.documents,
      this.table,
      {
        ...withoutUndefined(job),
        ...pathwayJobKey(job.id),
        [KEY.gsi1pk]: `${issuerPartition(job.issuerId)}#PWJOBS`,
        [KEY.gsi1sk]: `${job.createdAt}#${job.id}`,
      },
      `pathway job ${job.id} already exists`,
    );
  }

  async get(jobId: string): Promise<PathwayJobRecord | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.table, Key: pathwayJobKey(jobId), ConsistentRead: true }),
    );
    return Item === undefined ? undefined : recordOf<PathwayJobRecord>(Item);
  }

  start(jobId: string, learners: number): Promise<void> {
    // A redelivered job starts over: its counts restart with it.
    return this.#update(
      jobId,
      'SET #state = :running, #learners = :learners, #evaluated = :zero, #awarded = :zero',
      { ':running': 'running', ':learners': learners, ':zero': 0 },
    );
  }

  progress(jobId: string, evaluated: number, awarded: number): Promise<void> {
    return this.#update(jobId, 'ADD #evaluated :evaluated, #awarded :awarded', {
      ':evaluated': evaluated,
      ':awarded': awarded,
    });
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

  finish(jobId: string, at: string): Promise<void> {
    return this.#update(jobId, 'SET #state = :done, #finishedAt = :at', {
      ':done': 'done',
      ':at': at,
    });
  }

  async #update(jobId: string, expression: string, values: Record<string, unknown>) {
    const names: Record<string, string> = { '#pk': KEY.pk };
    for (const name of ['state', 'learners', 'evaluated', 'awarded', 'finishedAt']) {
      if (expression.includes(`#${name}`)) names[`#${name}`] = name;
    }
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.table,
          Key: pathwayJobKey(jobId),
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ServiceError('NOT_FOUND', `no pathway job ${jobId}`, { cause: error });
      }
      throwAsServiceError(error, `cannot update pathway job ${jobId}`);
    }
  }
}
