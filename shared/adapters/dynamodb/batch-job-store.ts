import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
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
} from '#shared/domain/ports/repositories.ts';
import type { DynamoDocuments } from './documents.ts';
import { cancellationCodes, isConditionFailure } from './errors.ts';
import { recordOf } from './keys.ts';
import { queryAll, queryPage } from './paging.ts';
import { GSI2, KEY } from './table.ts';

/**
 * Batch jobs on the single table: `PK=JOB#<id>`, `SK=META` for the job (listed per issuer on
 * GSI1 `ISSUER#<issuerId>#JOBS`), `SK=R#<index>` for each recipient (zero-padded so recipients
 * sort in request order). While a job is open (queued or running) its item is also on GSI2
 * `JOBS#OPEN#BATCH` (a sparse index: the keys are removed when it is done), so a sweeper finds
 * the jobs a dead process left behind without scanning.
 *
 * A recipient's outcome is recorded on the outcome item of its block of 50 (`SK=O#<block>`,
 * one attribute `o<index>` per recipient), conditional on that attribute being absent: one
 * write records a block (`recordOutcomes`) or one recipient (`recordOutcome`), and no
 * recipient is ever recorded or counted twice. Jobs recorded before outcome items existed
 * have their outcomes on the recipients' own items. Listing merges the two, so readers see one
 * record per recipient.
 */

const META = 'META';
/** GSI2 partition of the batch jobs not yet done. */
export const OPEN_BATCH_JOBS = 'JOBS#OPEN#BATCH';
const recipientSk = (index: number) => `R#${index.toString().padStart(6, '0')}`;
/** BatchWriteItem requests in flight while a job's recipients are stored. */
const CREATE_CONCURRENCY = 4;
const blockOf = (index: number) => Math.floor(index / OUTCOME_BLOCK);
const outcomeSk = (block: number) => `O#${block.toString().padStart(6, '0')}`;
const outcomeAttribute = (index: number) => `o${index}`;
/** What an outcome attribute holds; absent fields stay absent (no nulls), as the record type says. */
const outcomeValue = (outcome: Omit<BatchOutcome, 'index'>) => ({
  state: outcome.state,
  ...(outcome.credentialId ? { credentialId: outcome.credentialId } : {}),
  ...(outcome.error ? { error: outcome.error } : {}),
});

export class DynamoBatchJobStore implements BatchJobRepository {
  readonly #documents: DynamoDocuments;
  readonly #table: string;
  readonly #clock: Clock;

  constructor(options: { documents: DynamoDocuments; tableName: string; clock?: Clock }) {
    this.#documents = options.documents;
    this.#table = options.tableName;
    this.#clock = options.clock ?? systemClock;
  }

  async create(job: BatchJobRecord, recipients: readonly BatchRecipientRecord[]): Promise<void> {
    // Recipients first, the job item last: the job's INSERT on the stream is what starts the
    // processing, and by then every recipient is in place. A few requests in flight at once
    // keep a 10,000-recipient request well within an API's time limit.
    let next = 0;
    const writer = async () => {
      while (next < recipients.length) {
        const start = next;
        next += 25;
        let requests = recipients.slice(start, start + 25).map((recipient) => ({
          PutRequest: {
            Item: {
              [KEY.pk]: `JOB#${job.id}`,
              [KEY.sk]: recipientSk(recipient.index),
              ...recipient,
            },
          },
        }));
        for (let attempt = 0; requests.length > 0; attempt += 1) {
          const result = await this.#documents.batchWrite({
            RequestItems: { [this.#table]: requests },
          });
          requests = (result.UnprocessedItems?.[this.#table] ?? []) as typeof requests;
          if (requests.length > 0) {
            if (attempt >= 8)
              throw new ServiceError('UNAVAILABLE', 'the table is throttling the batch; try again');
            await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, writer));
    await this.#documents.transactWrite({
      TransactItems: [
        {
          Put: {
            TableName: this.#table,
            Item: {
              [KEY.pk]: `JOB#${job.id}`,
              [KEY.sk]: META,
              [KEY.gsi1pk]: `ISSUER#${job.issuerId}#JOBS`,
              [KEY.gsi1sk]: `${job.createdAt}#${job.id}`,
              [KEY.gsi2pk]: OPEN_BATCH_JOBS,
              [KEY.gsi2sk]: `${job.createdAt}#${job.id}`,
              ...job,
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': KEY.pk },
          },
        },
      ],
    });
  }

  async get(jobId: string): Promise<BatchJobRecord | undefined> {
    const { Item } = await this.#documents.get({
      TableName: this.#table,
      Key: { [KEY.pk]: `JOB#${jobId}`, [KEY.sk]: META },
    });
    return Item ? recordOf<BatchJobRecord>(Item) : undefined;
  }

  async recipients(jobId: string, cursor?: string): Promise<Page<BatchRecipientRecord>> {
    const page = await queryPage<BatchRecipientRecord>(
      this.#documents,
      {
        TableName: this.#table,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :r)',
        ExpressionAttributeNames: { '#pk': KEY.pk, '#sk': KEY.sk },
        ExpressionAttributeValues: { ':pk': `JOB#${jobId}`, ':r': 'R#' },
        ConsistentRead: true,
        Limit: 1000,
      },
      cursor,
      { [KEY.pk]: `JOB#${jobId}` },
    );
    const first = page.items[0];
    const last = page.items.at(-1);
    if (first === undefined || last === undefined) return page;
    // The outcomes recorded by block, for the blocks this page spans (one query).
    const blocks = await queryAll(this.#documents, {
      TableName: this.#table,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': KEY.pk, '#sk': KEY.sk },
      ExpressionAttributeValues: {
        ':pk': `JOB#${jobId}`,
        ':from': outcomeSk(blockOf(first.index)),
        ':to': outcomeSk(blockOf(last.index)),
      },
      ConsistentRead: true,
    });
    if (blocks.length === 0) return page;
    const outcomes = new Map<number, Omit<BatchOutcome, 'index'>>();
    for (const block of blocks)
      for (const [name, value] of Object.entries(block))
        if (/^o\d+$/.test(name)) outcomes.set(Number(name.slice(1)), value as BatchOutcome);
    return {
      ...page,
      items: page.items.map((recipient) => {
        const outcome = outcomes.get(recipient.index);
        return outcome && recipient.state === 'pending' ? { ...recipient, ...outcome } : recipient;
      }),
    };
  }

  async setState(jobId: string, state: BatchJobState): Promise<void> {
    const done = state === 'done';
    try {
      await this.#documents.update({
        TableName: this.#table,
        Key: { [KEY.pk]: `JOB#${jobId}`, [KEY.sk]: META },
        // Done takes the job off the open-jobs index; nothing moves a done job back.
        UpdateExpression: `SET #state = :state, #updatedAt = :now${done ? ' REMOVE #gsi2pk, #gsi2sk' : ''}`,
        ConditionExpression: done
          ? 'attribute_exists(#pk)'
          : 'attribute_exists(#pk) AND #state <> :done',
        ExpressionAttributeNames: {
          '#state': 'state',
          '#pk': KEY.pk,
          '#updatedAt': 'updatedAt',
          ...(done ? { '#gsi2pk': KEY.gsi2pk, '#gsi2sk': KEY.gsi2sk } : {}),
        },
        ExpressionAttributeValues: {
          ':state': state,
          ':now': this.#clock.now().toISOString(),
          ...(done ? {} : { ':done': 'done' }),
        },
      });
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      if (!(await this.get(jobId))) throw new ServiceError('NOT_FOUND', `no batch job ${jobId}`);
      // A job another run finished stays finished.
    }
  }

  async listOpen(): Promise<readonly BatchJobRecord[]> {
    const items = await queryAll(this.#documents, {
      TableName: this.#table,
      IndexName: GSI2,
      KeyConditionExpression: '#pk = :open',
      ExpressionAttributeNames: { '#pk': KEY.gsi2pk },
      ExpressionAttributeValues: { ':open': OPEN_BATCH_JOBS },
    });
    return items.map((item) => recordOf<BatchJobRecord>(item));
  }

  async recordOutcome(
    jobId: string,
    index: number,
    outcome: { state: 'issued' | 'failed'; credentialId?: string; error?: string },
  ): Promise<boolean> {
    const counter = outcome.state === 'issued' ? 'issued' : 'failed';
    try {
      await this.#documents.transactWrite({
        TransactItems: [
          {
            // Pending on its own item: it exists, and no run from before block outcomes
            // recorded it there.
            ConditionCheck: {
              TableName: this.#table,
              Key: { [KEY.pk]: `JOB#${jobId}`, [KEY.sk]: recipientSk(index) },
              ConditionExpression: '#state = :pending',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':pending': 'pending' },
            },
          },
          {
            // Recorded where every outcome is, so one condition covers both ways to record.
            Update: {
              TableName: this.#table,
              Key: { [KEY.pk]: `JOB#${jobId}`, [KEY.sk]: outcomeSk(blockOf(index)) },
              UpdateExpression: 'SET #outcome = :outcome',
              ConditionExpression: 'attribute_not_exists(#outcome)',
              ExpressionAttributeNames: { '#outcome': outcomeAttribute(index) },
              ExpressionAttributeValues: { ':outcome': outcomeValue(outcome) },
            },
          },
          {
            Update: {
              TableName: this.#table,
              Key: { [KEY.pk]: `JOB#${jobId}`, [KEY.sk]: META },
              UpdateExpression: 'ADD #counter :one SET #updatedAt = :now',
              ExpressionAttributeNames: { '#counter': counter, '#updatedAt': 'updatedAt' },
              ExpressionAttributeValues: { ':one': 1, ':now': this.#clock.now().toISOString() },
            },
          },
        ],
      });
      return true;
    } catch (error) {
      const codes = cancellationCodes(error) ?? [];
      if (codes[0] === 'ConditionalCheckFailed' || codes[1] === 'ConditionalCheckFailed')
        return false;
      throw error;
    }
  }

  async recordOutcomes(jobId: string, outcomes: readonly BatchOutcome[]): Promise<boolean> {
    const first = outcomes[0];
    if (first === undefined) return true;
    const block = blockOf(first.index);
    if (outcomes.some((outcome) => blockOf(outcome.index) !== block))
      throw new ServiceError('VALIDATION', `outcomes must be of one block of ${OUTCOME_BLOCK}`);
    if (new Set(outcomes.map((outcome) => outcome.index)).size !== outcomes.length)
      throw new ServiceError('VALIDATION', 'an outcome is given twice');
    // A block is nearly always recorded whole by one write, before anything else of it: then
    // its item is written new, conditional on there being none (so on none of its outcomes),
    // which costs the table far less than one update clause and one condition per recipient.
    // Where some of the block is recorded already, each outcome is conditional on its own.
    return (
      (await this.#recordBlock(jobId, block, outcomes, 'new')) ??
      (await this.#recordBlock(jobId, block, outcomes, 'each')) ??
      false
    );
  }

  /**
   * Records `outcomes` of `block` and counts them in one transaction: `new` writes the block's
   * outcome item only where it does not exist yet, `each` adds each outcome only where it is
   * absent. Undefined when the condition failed (nothing was written), NOT_FOUND without the
   * job.
   */
  async #recordBlock(
    jobId: string,
    block: number,
    outcomes: readonly BatchOutcome[],
    write: 'new' | 'each',
  ): Promise<true | undefined> {
    const key = { [KEY.pk]: `JOB#${jobId}`, [KEY.sk]: outcomeSk(block) };
    let outcomeWrite: NonNullable<TransactWriteCommandInput['TransactItems']>[number];
    if (write === 'new') {
      const item: Record<string, unknown> = { ...key };
      for (const outcome of outcomes) item[outcomeAttribute(outcome.index)] = outcomeValue(outcome);
      outcomeWrite = {
        Put: {
          TableName: this.#table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': KEY.pk },
        },
      };
    } else {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const set: string[] = [];
      const conditions: string[] = [];
      outcomes.forEach((outcome, n) => {
        names[`#o${n}`] = outcomeAttribute(outcome.index);
        values[`:o${n}`] = outcomeValue(outcome);
        set.push(`#o${n} = :o${n}`);
        conditions.push(`attribute_not_exists(#o${n})`);
      });
      outcomeWrite = {
        Update: {
          TableName: this.#table,
          Key: key,
          UpdateExpression: `SET ${set.join(', ')}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      };
    }
    const issued = outcomes.filter((outcome) => outcome.state === 'issued').length;
    try {
      await this.#documents.transactWrite({
        TransactItems: [
          outcomeWrite,
          {
            Update: {
              TableName: this.#table,
              Key: { [KEY.pk]: `JOB#${jobId}`, [KEY.sk]: META },
              UpdateExpression: 'ADD #issued :issued, #failed :failed SET #updatedAt = :now',
              ConditionExpression: 'attribute_exists(#pk)',
              ExpressionAttributeNames: {
                '#pk': KEY.pk,
                '#issued': 'issued',
                '#failed': 'failed',
                '#updatedAt': 'updatedAt',
              },
              ExpressionAttributeValues: {
                ':issued': issued,
                ':failed': outcomes.length - issued,
                ':now': this.#clock.now().toISOString(),
              },
            },
          },
        ],
      });
      return true;
    } catch (error) {
      const codes = cancellationCodes(error) ?? [];
      if (codes[0] === 'ConditionalCheckFailed') return undefined;
      if (codes[1] === 'ConditionalCheckFailed')
        throw new ServiceError('NOT_FOUND', `no batch job ${jobId}`, { cause: error });
      throw error;
    }
  }
}
