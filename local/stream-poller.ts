import {
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { structuredLogger } from '#functions/observability.ts';
import { type CheckpointFile, openCheckpointFile } from '#local/stream-checkpoints.ts';
import { lambdaStreamRecord } from '#shared/adapters/dynamodb/stream-images.ts';

/**
 * A local stand-in for Lambda's DynamoDB Streams event source mapping: it reads the table's
 * real stream from DynamoDB Local and delivers batches to a handler the way Lambda does, with
 * ReportBatchItemFailures semantics, bounded retries and a logged discard in place of a DLQ.
 * With `checkpointFile` it keeps, per shard, the sequence number of the last record handled
 * (or discarded) and a restart resumes right after it, as an event source mapping does: at
 * least once, the checkpoint moving only after the handler succeeded. Without one, checkpoints
 * live in memory and a restart begins at LATEST unless `fromStart` is set.
 */

// biome-ignore lint/suspicious/noConfusingVoidType: the return type of Lambda's own DynamoDBStreamHandler
export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

export interface StreamPollerOptions {
  /** DynamoDB Local client settings (endpoint, region, credentials). */
  readonly clientConfig: DynamoDBClientConfig;
  readonly tableName: string;
  readonly handler: StreamHandler;
  /** Most records per handler call (Lambda's BatchSize; default 100). */
  readonly batchSize?: number;
  /** Pause between polls when the stream is idle (default 250 ms). */
  readonly intervalMs?: number;
  /**
   * Read open shards from their oldest record instead of LATEST (default false). With a
   * checkpoint file this applies only when the file does not exist yet (the first start).
   */
  readonly fromStart?: boolean;
  /**
   * A JSON file keeping each shard's last handled sequence number across restarts. Shards it
   * does not name are read from TRIM_HORIZON (they appeared, or nothing was handled, since it
   * was written); a checkpoint the stream has trimmed falls back to TRIM_HORIZON too.
   */
  readonly checkpointFile?: string;
  /** Retries of a failing batch before it is discarded (Lambda's MaximumRetryAttempts; default 5). */
  readonly maxRetries?: number;
  /** First backoff after a handler error, doubled per retry up to 10 s (default 200 ms). */
  readonly retryBackoffMs?: number;
  /** Called with the records given up on, as an on-failure destination would receive them. */
  readonly onDiscard?: (discarded: DynamoDBStreamEvent, reason: unknown) => void;
  /** Where transient failures are reported (default: the service's structured logger). */
  readonly log?: (message: string, error?: unknown) => void;
}

export interface StreamPoller {
  /** Stops polling; resolves after the batch in flight (if any) has been handled. */
  stop(): Promise<void>;
  /** Resolves once every record written before the call has been handled or discarded. */
  drained(): Promise<void>;
}

const MAX_BACKOFF_MS = 10_000;

interface ShardState {
  readonly shardId: string;
  readonly parentShardId: string | undefined;
  iterator: string | undefined;
  /** How to get an iterator when none is held and nothing has been read yet. */
  startAt: ShardIteratorType;
  /** Sequence number of the last record read from the shard (where the next read starts). */
  lastRead: string | undefined;
  /** Records read but not yet handled, oldest first. */
  pending: DynamoDBRecord[];
  /** True once the shard is closed and every record in it has been read. */
  exhausted: boolean;
  attempts: number;
  retryAt: number;
}

/**
 * Index of the first record to retry after a handler's response, or -1 when all succeeded.
 * As with Lambda, a malformed or unknown item identifier fails the whole batch.
 */
function firstFailure(
  batch: DynamoDBRecord[],
  response: DynamoDBBatchResponse | undefined | null,
): number {
  const failures = response?.batchItemFailures;
  if (!Array.isArray(failures) || failures.length === 0) return -1;
  let first = batch.length;
  for (const failure of failures) {
    const id = failure?.itemIdentifier;
    const index = batch.findIndex((record) => record.dynamodb?.SequenceNumber === id);
    if (typeof id !== 'string' || id === '' || index === -1) return 0;
    first = Math.min(first, index);
  }
  return first;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

/**
 * Starts polling the table's stream and resolves once every open shard has an iterator, so
 * writes made after this resolves are delivered.
 *
 * @example
 * const poller = await startStreamPoller({ clientConfig, tableName: 'credstack', handler });
 * await poller.drained();
 * await poller.stop();
 */
export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const batchSize = options.batchSize ?? 100;
  const intervalMs = options.intervalMs ?? 250;
  const maxRetries = options.maxRetries ?? 5;
  const retryBackoffMs = options.retryBackoffMs ?? 200;
  const log =
    options.log ??
    ((message, error) =>
      structuredLogger().log({
        level: 'error',
        message: `stream-poller: ${message}`,
        ...(error === undefined ? {} : { error }),
      }));
  const onDiscard =
    options.onDiscard ??
    ((discarded: DynamoDBStreamEvent, reason: unknown) =>
      log(
        `discarded ${discarded.Records.length} record(s) after ${maxRetries} retries ` +
          `(first sequence number ${discarded.Records[0]?.dynamodb?.SequenceNumber})`,
        reason,
      ));

  const tables = new DynamoDBClient(options.clientConfig);
  const streams = new DynamoDBStreamsClient(options.clientConfig);
  const closeClients = () => {
    tables.destroy();
    streams.destroy();
  };

  let streamArn: string;
  let region: string;
  try {
    const { Table } = await tables.send(new DescribeTableCommand({ TableName: options.tableName }));
    if (!Table?.LatestStreamArn || Table.StreamSpecification?.StreamEnabled === false)
      throw new Error(`table ${options.tableName} has no stream enabled`);
    streamArn = Table.LatestStreamArn;
    region = await tables.config.region();
  } catch (error) {
    closeClients();
    throw error;
  }

  const shards = new Map<string, ShardState>();
  let firstDescribe = true;
  let checkpoints: CheckpointFile | undefined;
  try {
    checkpoints = options.checkpointFile
      ? await openCheckpointFile(options.checkpointFile, streamArn)
      : undefined;
  } catch (error) {
    closeClients();
    throw error;
  }
  // A checkpoint file that existed says where every shard stands: history is never skipped.
  const resuming = checkpoints?.resumed === true;

  const describeShards = async () => {
    const listed: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await streams.send(
        new DescribeStreamCommand({
          StreamArn: streamArn,
          ...(exclusiveStartShardId ? { ExclusiveStartShardId: exclusiveStartShardId } : {}),
        }),
      );
      listed.push(...(StreamDescription?.Shards ?? []));
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    for (const shard of listed) {
      if (!shard.ShardId || shards.has(shard.ShardId)) continue;
      const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
      // On first start history is skipped (LATEST, closed shards ignored) unless asked for or
      // resuming from checkpoints; shards that appear later are read from their start so no
      // record is lost.
      const skipHistory = firstDescribe && !options.fromStart && !resuming;
      const checkpoint = checkpoints?.get(shard.ShardId);
      shards.set(shard.ShardId, {
        shardId: shard.ShardId,
        parentShardId: shard.ParentShardId,
        iterator: undefined,
        startAt: skipHistory ? 'LATEST' : 'TRIM_HORIZON',
        // Reading resumes after the last record handled before the restart.
        lastRead: checkpoint,
        pending: [],
        exhausted: skipHistory && closed,
        attempts: 0,
        retryAt: 0,
      });
    }
    firstDescribe = false;
    // Shards the stream no longer lists were trimmed away: their checkpoints go with them.
    checkpoints?.retain(new Set(listed.flatMap((shard) => (shard.ShardId ? [shard.ShardId] : []))));
  };

  const acquireIterator = async (shard: ShardState) => {
    let ShardIterator: string | undefined;
    try {
      ({ ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.shardId,
          ...(shard.lastRead
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.lastRead }
            : { ShardIteratorType: shard.startAt }),
        }),
      ));
    } catch (error) {
      // A checkpoint older than the stream's retention: read what is left, from its start.
      if (!shard.lastRead || errorName(error) !== 'TrimmedDataAccessException') throw error;
      log(
        `checkpoint ${shard.lastRead} of ${shard.shardId} was trimmed; reading from TRIM_HORIZON`,
      );
      shard.lastRead = undefined;
      shard.startAt = 'TRIM_HORIZON';
      ({ ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      ));
    }
    shard.iterator = ShardIterator;
    if (!ShardIterator) shard.exhausted = true;
  };

  /** Moves the shard's checkpoint past the first `count` records of its buffer. */
  const settle = (shard: ShardState, count: number): DynamoDBRecord[] => {
    const settled = shard.pending.splice(0, count);
    const last = settled.at(-1)?.dynamodb?.SequenceNumber;
    if (last) checkpoints?.set(shard.shardId, last);
    return settled;
  };

  // Children are read only after their parent is fully handled, so per-key order holds.
  const readable = (shard: ShardState): boolean => {
    if (shard.exhausted && shard.pending.length === 0) return false;
    const parent = shard.parentShardId ? shards.get(shard.parentShardId) : undefined;
    return !parent || (parent.exhausted && parent.pending.length === 0);
  };

  /**
   * Reads more records into the shard's buffer; returns how many were read, or undefined
   * when the shard was not looked at (buffer full, iterator lost), so nothing is known.
   */
  const fill = async (shard: ShardState): Promise<number | undefined> => {
    if (shard.exhausted) return 0;
    if (shard.pending.length >= batchSize) return undefined;
    if (!shard.iterator) await acquireIterator(shard);
    if (!shard.iterator) return 0;
    try {
      const { Records, NextShardIterator } = await streams.send(
        new GetRecordsCommand({
          ShardIterator: shard.iterator,
          Limit: batchSize - shard.pending.length,
        }),
      );
      shard.iterator = NextShardIterator;
      if (!NextShardIterator) shard.exhausted = true;
      for (const record of Records ?? []) {
        shard.pending.push(lambdaStreamRecord(record, streamArn, region));
        shard.lastRead = record.dynamodb?.SequenceNumber ?? shard.lastRead;
      }
      return Records?.length ?? 0;
    } catch (error) {
      const name = errorName(error);
      if (name === 'ExpiredIteratorException') {
        shard.iterator = undefined;
        return undefined;
      }
      if (name === 'TrimmedDataAccessException') {
        shard.iterator = undefined;
        shard.lastRead = undefined;
        shard.startAt = 'TRIM_HORIZON';
        return undefined;
      }
      throw error;
    }
  };

  /** Hands the head of the buffer to the handler; returns how many records were settled. */
  const deliver = async (shard: ShardState): Promise<number> => {
    const batch = shard.pending.slice(0, batchSize);
    if (batch.length === 0 || Date.now() < shard.retryAt) return 0;
    let failedAt: number;
    let reason: unknown = 'the handler reported batchItemFailures';
    let threw = false;
    try {
      failedAt = firstFailure(batch, (await options.handler({ Records: batch })) ?? undefined);
    } catch (error) {
      failedAt = 0;
      reason = error;
      threw = true;
      log(
        `the handler failed on a batch of ${batch.length} record(s) from ${shard.shardId}`,
        error,
      );
    }
    if (failedAt === -1) {
      settle(shard, batch.length);
      shard.attempts = 0;
      shard.retryAt = 0;
      return batch.length;
    }
    settle(shard, failedAt);
    // Progress past the head earns the new head a fresh budget; otherwise the head is retried.
    shard.attempts = failedAt > 0 ? 1 : shard.attempts + 1;
    if (shard.attempts > maxRetries) {
      const discarded = settle(shard, batch.length - failedAt);
      shard.attempts = 0;
      shard.retryAt = 0;
      onDiscard({ Records: discarded }, reason);
      return batch.length;
    }
    // Reported item failures are retried at once; a thrown error backs off, as Lambda does.
    shard.retryAt = threw
      ? Date.now() + Math.min(retryBackoffMs * 2 ** (shard.attempts - 1), MAX_BACKOFF_MS)
      : 0;
    return failedAt;
  };

  let stopped = false;
  let cycle = 0;
  let failures = 0;
  let nextDescribeAt = 0;
  let wake: (() => void) | undefined;
  const waiters: { after: number; resolve: () => void }[] = [];

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const runCycle = async (): Promise<{ quiet: boolean; progressed: boolean; waitMs: number }> => {
    let quiet = true;
    let failure: Error | undefined;
    let progressed = false;
    let waitMs = intervalMs;
    if (Date.now() >= nextDescribeAt) {
      await describeShards();
      nextDescribeAt = Date.now() + Math.max(intervalMs * 4, 1000);
    }
    for (const shard of shards.values()) {
      if (stopped) break;
      // A shard waiting on its parent needs no check: the parent's own state decides quiet.
      if (!readable(shard)) continue;
      try {
        const read = await fill(shard);
        const settled = await deliver(shard);
        if ((read ?? 0) > 0 || settled > 0) progressed = true;
        // Quiet only when the stream was read to its end and everything read was handled.
        if (read !== 0 || shard.pending.length > 0) quiet = false;
        if (shard.retryAt > Date.now()) waitMs = Math.min(waitMs, shard.retryAt - Date.now());
        // A shard that just closed may have children waiting to be listed.
        if (shard.exhausted && shard.pending.length === 0) nextDescribeAt = 0;
      } catch (error) {
        quiet = false;
        failure ??= new Error(`reading shard ${shard.shardId} failed`, { cause: error });
      }
    }
    // One write per cycle at most: a crash before it only means those records come again.
    await checkpoints?.flush();
    // Other shards were still served; the failure makes the loop back off and log it.
    if (failure) throw failure;
    return { quiet, progressed, waitMs };
  };

  const loop = async () => {
    while (!stopped) {
      cycle += 1;
      const current = cycle;
      let outcome = { quiet: false, progressed: false, waitMs: intervalMs };
      try {
        outcome = await runCycle();
        failures = 0;
      } catch (error) {
        failures += 1;
        // Back off while DynamoDB Local is unreachable rather than logging every interval.
        outcome.waitMs = Math.min(intervalMs * 2 ** failures, MAX_BACKOFF_MS);
        if (failures === 1 || failures % 10 === 0) log('polling the stream failed', error);
      }
      if (outcome.quiet && !stopped) {
        for (let i = waiters.length - 1; i >= 0; i -= 1) {
          const waiter = waiters[i];
          if (waiter && waiter.after < current) {
            waiters.splice(i, 1);
            waiter.resolve();
          }
        }
      }
      if (!stopped && !outcome.progressed) await sleep(Math.max(0, outcome.waitMs));
    }
  };

  try {
    await describeShards();
    nextDescribeAt = Date.now() + Math.max(intervalMs * 4, 1000);
    for (const shard of shards.values()) {
      if (!shard.exhausted) await acquireIterator(shard);
    }
    // Written at once, so a crash before the first record still resumes instead of skipping.
    await checkpoints?.flush(true);
  } catch (error) {
    closeClients();
    throw error;
  }
  const running = loop();

  return {
    async stop() {
      if (stopped) return running;
      stopped = true;
      wake?.();
      await running;
      await checkpoints?.flush().catch((error: unknown) => log('saving checkpoints failed', error));
      closeClients();
      for (const waiter of waiters.splice(0)) waiter.resolve();
    },
    drained() {
      if (stopped) return Promise.resolve();
      return new Promise<void>((resolve) => {
        // Only a cycle that starts after this call, and re-lists the shards, proves the drain.
        waiters.push({ after: cycle, resolve });
        nextDescribeAt = 0;
        wake?.();
      });
    },
  };
}
