import { randomUUID } from 'node:crypto';
import { noteMetric } from '#shared/core/metrics.ts';
import { SingleFlight } from '#shared/core/single-flight.ts';
import type { Signer } from '#shared/credentials/crypto/signer.ts';
import { requireAchievement } from './achievements.ts';
import { ServiceError } from './errors.ts';
import { derivedCredentialId, signCredential, signingKeyFor, subjectOf } from './issuance.ts';
import { requireIssuer } from './issuers.ts';
import {
  type BatchJobRecord,
  type BatchOutcome,
  type BatchRecipientRecord,
  OUTCOME_BLOCK,
} from './ports/repositories.ts';
import type { ServiceContext } from './ports/service-context.ts';
import { type Principal, requireIssuerScope } from './principal.ts';
import type {
  AchievementRecord,
  CredentialRecord,
  IssuerRecord,
  StatusAssignment,
} from './records/records.ts';

/**
 * Batch awards: a graduating class in one request. The request stores a job and one item per
 * recipient; processing (started by the job's stream record) issues with bounded concurrency
 * so the signing service's quotas hold, and records each outcome exactly once.
 */

export const MAX_BATCH_RECIPIENTS = 10_000;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export interface BatchRecipientInput {
  readonly id?: string;
  readonly email?: string;
  readonly learnerId?: string;
}

/**
 * Queues a batch award and returns the job; nothing is issued until it is processed. With
 * `jobId` (derived from an Idempotency-Key) a job already queued under it is returned as is.
 *
 * @example
 * const job = await createBatch(ctx, admin, 'northfield', { achievementId, recipients });
 */
export async function createBatch(
  ctx: ServiceContext,
  principal: Principal,
  issuerId: string,
  input: { readonly achievementId: string; readonly recipients: readonly BatchRecipientInput[] },
  options: { readonly jobId?: string } = {},
): Promise<BatchJobRecord> {
  requireIssuerScope(principal, issuerId);
  await requireIssuer(ctx, issuerId);
  await requireAchievement(ctx, issuerId, input.achievementId);
  if (input.recipients.length === 0 || input.recipients.length > MAX_BATCH_RECIPIENTS) {
    throw new ServiceError('VALIDATION', `a batch holds 1 to ${MAX_BATCH_RECIPIENTS} recipients`, {
      fields: [{ pointer: '/recipients', detail: `${input.recipients.length} recipients` }],
    });
  }
  const fields = input.recipients.flatMap((recipient, index) => {
    const pointer = `/recipients/${index}`;
    if ((recipient.id === undefined) === (recipient.email === undefined))
      return [{ pointer, detail: 'give exactly one of id and email' }];
    if (recipient.email !== undefined && !EMAIL.test(recipient.email))
      return [{ pointer: `${pointer}/email`, detail: 'not an email address' }];
    if (recipient.id !== undefined && !URL.canParse(recipient.id))
      return [{ pointer: `${pointer}/id`, detail: 'not a DID or URL' }];
    return [];
  });
  if (fields.length > 0)
    throw new ServiceError('VALIDATION', `${fields.length} recipients are not valid`, {
      fields: fields.slice(0, 100),
    });
  // A job id chosen by the caller (derived from an Idempotency-Key) that is taken already is
  // this same request's job, queued by an earlier attempt.
  if (options.jobId !== undefined) {
    const queued = await ctx.batchJobs.get(options.jobId);
    if (queued) {
      requireIssuerScope(principal, queued.issuerId);
      return queued;
    }
  }
  const job: BatchJobRecord = {
    id: options.jobId ?? randomUUID(),
    issuerId,
    achievementId: input.achievementId,
    total: input.recipients.length,
    state: 'queued',
    issued: 0,
    failed: 0,
    createdAt: ctx.clock.now().toISOString(),
  };
  const recipients: BatchRecipientRecord[] = input.recipients.map((recipient, index) => ({
    jobId: job.id,
    index,
    recipient:
      recipient.id !== undefined ? { id: recipient.id } : { email: recipient.email as string },
    ...(recipient.learnerId ? { learnerId: recipient.learnerId } : {}),
    state: 'pending',
  }));
  await ctx.batchJobs.create(job, recipients);
  return job;
}

/** The credential id of a job's n-th recipient: the same on every attempt. */
const credentialIdFor = (jobId: string, index: number) => derivedCredentialId(`${jobId}:${index}`);

/**
 * Runs of a job in this process, so a second trigger (the stream delivering the job again while
 * the start-up sweep resumes it) joins the run instead of racing it. Runs in other processes
 * are safe too (each outcome is recorded once, credential ids are per recipient), only wasteful.
 */
const running = new SingleFlight<ServiceContext, BatchJobRecord>();

/**
 * Issues every pending recipient of a job, `concurrency` workers each on its own block of up to
 * 50 recipients (see {@link awardBlock}). A recipient whose credential already exists (a replayed stream record, a retry after a crash) is recorded as
 * issued with that credential; a signing or storage failure is recorded as failed with its
 * reason; nobody is issued twice and nobody is left unrecorded. The recipients' items are the
 * durable checkpoint: a run that dies part-way is resumed by running the job again, which
 * picks up the recipients still pending.
 *
 * @example
 * await processBatch(ctx, jobId, { concurrency: 4 });
 */
export function processBatch(
  ctx: ServiceContext,
  jobId: string,
  options: { readonly concurrency?: number } = {},
): Promise<BatchJobRecord> {
  return running.run(ctx, jobId, () => runBatch(ctx, jobId, options));
}

async function runBatch(
  ctx: ServiceContext,
  jobId: string,
  options: { readonly concurrency?: number },
): Promise<BatchJobRecord> {
  const job = await ctx.batchJobs.get(jobId);
  if (!job) throw new ServiceError('NOT_FOUND', `no batch job ${jobId}`);
  if (job.state === 'done') return job;
  // A job found running was left by a run that died (or is still going elsewhere): its
  // pending recipients may already hold a credential, recorded nowhere yet.
  const resumed = job.state === 'running';
  await ctx.batchJobs.setState(jobId, 'running');
  const setup = await issuanceSetup(ctx, job);
  const statuses = new StatusPool(ctx, job.issuerId, job.total - job.issued - job.failed);
  const blocks = new BlockQueue();
  // Listed page by page while the workers award what is listed already.
  const listing = listPendingBlocks(ctx, jobId, blocks);
  listing.catch(() => {});

  const workers = Array.from({ length: Math.max(1, options.concurrency ?? 4) }, async () => {
    // Each worker signs while its last write is in flight, so signing and the table's work
    // overlap; a worker has one request out at a time.
    const writes = new WriteQueue();
    try {
      for (let block = await blocks.next(); block; block = await blocks.next())
        await awardBlock(ctx, job, block, { setup, statuses, resumed, writes });
    } finally {
      // Nothing new starts once a worker has failed; what is in flight settles first.
      blocks.close();
    }
    await writes.drained();
  });
  await Promise.all([listing, ...workers]);
  // Done only when nobody is pending: a recipient another run holds, or an outcome whose write
  // failed, keeps the job open (and this run failed, so the stream delivers it again). The
  // counters move in the same write as the outcomes they count, so a full count settles it
  // without listing every recipient again.
  const counted = await ctx.batchJobs.get(jobId);
  if (!counted || counted.issued + counted.failed !== counted.total) {
    const left = await pendingRecipients(ctx, jobId);
    if (left.length > 0)
      throw new ServiceError('UNAVAILABLE', `batch job ${jobId} still has ${left.length} pending`);
  }
  await ctx.batchJobs.setState(jobId, 'done');
  return (await ctx.batchJobs.get(jobId)) ?? job;
}

/**
 * The pending recipients of a job in outcome blocks (indexes [50k, 50k + 50)), handed to
 * the workers as the listing reaches them: each block's credentials are stored together and
 * its outcomes recorded on one item, and no two workers ever have the same block.
 */
class BlockQueue {
  readonly #ready: BatchRecipientRecord[][] = [];
  #ended = false;
  #waiting: (() => void)[] = [];

  add(block: BatchRecipientRecord[]): void {
    this.#ready.push(block);
    this.#wake();
  }

  /** No more blocks: the listing ended, or failed, or a worker did. */
  close(): void {
    this.#ended = true;
    this.#wake();
  }

  /** The next block, waiting for the listing if need be; undefined once there is none. */
  async next(): Promise<BatchRecipientRecord[] | undefined> {
    for (;;) {
      const block = this.#ready.shift();
      if (block || this.#ended) return block;
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const resolve of waiting) resolve();
  }
}

/** Lists the job's pending recipients into `blocks`, a block once it is complete. */
async function listPendingBlocks(
  ctx: ServiceContext,
  jobId: string,
  blocks: BlockQueue,
): Promise<void> {
  let cursor: string | undefined;
  let current: BatchRecipientRecord[] = [];
  try {
    do {
      const page = await ctx.batchJobs.recipients(jobId, cursor);
      for (const recipient of page.items) {
        const block = Math.floor(recipient.index / OUTCOME_BLOCK);
        const first = current[0];
        if (first && Math.floor(first.index / OUTCOME_BLOCK) !== block) {
          blocks.add(current);
          current = [];
        }
        if (recipient.state === 'pending') current.push(recipient);
      }
      cursor = page.cursor;
    } while (cursor !== undefined);
    if (current.length > 0) blocks.add(current);
  } finally {
    blocks.close();
  }
}

/** What every credential of a job is made with, read once per run. */
interface IssuanceSetup {
  readonly issuer: IssuerRecord;
  readonly achievement: AchievementRecord;
  readonly key: { readonly signer: Signer; readonly verificationMethod: string };
}

/**
 * The job's issuer, achievement and signing key, read once for the whole run rather than once
 * per recipient. A refusal that no retry can change (the issuer or achievement is gone, no
 * active key) is returned, to be recorded as every recipient's failure, as a per-recipient
 * award would have failed each; anything else (the table out of reach) fails the run.
 */
async function issuanceSetup(
  ctx: ServiceContext,
  job: BatchJobRecord,
): Promise<IssuanceSetup | ServiceError> {
  const system: Principal = {
    subject: `batch:${job.id}`,
    roles: ['issuer-admin'],
    issuerId: job.issuerId,
  };
  try {
    requireIssuerScope(system, job.issuerId);
    const issuer = await requireIssuer(ctx, job.issuerId);
    const achievement = await requireAchievement(ctx, job.issuerId, job.achievementId);
    const key = await signingKeyFor(ctx, issuer, achievement);
    return { issuer, achievement, key };
  } catch (error) {
    if (error instanceof ServiceError && error.code !== 'UNAVAILABLE') return error;
    throw error;
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

const issuedOutcome = (index: number, credentialId: string): BatchOutcome => ({
  index,
  state: 'issued',
  credentialId,
});
const failedOutcome = (index: number, error: unknown): BatchOutcome => ({
  index,
  state: 'failed',
  error: messageOf(error),
});

/** Credentials stored per request of a block (BatchWriteItem's limit). */
const WRITE_CHUNK = 25;

/**
 * One worker's writes, one at a time and in order: `push` waits for the write before (and
 * throws its failure) and starts the next, so the worker signs on meanwhile.
 */
class WriteQueue {
  #tail: Promise<void> = Promise.resolve();

  async push(write: () => Promise<void>): Promise<void> {
    await this.#tail;
    const next = write();
    // Awaited by the next push or by drained(); a failure meanwhile is not unhandled.
    next.catch(() => {});
    this.#tail = next;
  }

  drained(): Promise<void> {
    return this.#tail;
  }
}

/**
 * Awards one block's pending recipients: status indexes from the run's pool, credentials
 * signed and stored 25 at a time, the block's outcomes recorded and counted in one write: with
 * blocks of 50, progress moves in steps a user sees (and the outcome item stays small). A recipient
 * whose credential already exists (a replayed stream record, a retry after a crash) is issued
 * with that credential without signing again (which would also spend a status entry); one
 * whose signing fails is failed with the reason.
 */
async function awardBlock(
  ctx: ServiceContext,
  job: BatchJobRecord,
  recipients: readonly BatchRecipientRecord[],
  run: {
    readonly setup: IssuanceSetup | ServiceError;
    readonly statuses: StatusPool;
    readonly resumed: boolean;
    readonly writes: WriteQueue;
  },
): Promise<void> {
  const { setup, statuses, resumed, writes } = run;
  const outcomes = new Map<number, BatchOutcome>();
  let todo = recipients;
  if (resumed) {
    const stored = await Promise.all(
      todo.map((recipient) => ctx.credentials.get(credentialIdFor(job.id, recipient.index))),
    );
    todo = todo.filter((recipient, n) => {
      const found = stored[n];
      if (found) outcomes.set(recipient.index, issuedOutcome(recipient.index, found.id));
      return !found;
    });
  }
  if (setup instanceof ServiceError) {
    for (const recipient of todo)
      outcomes.set(recipient.index, failedOutcome(recipient.index, setup));
    todo = [];
  }
  const assigned = todo.length > 0 ? await statuses.take(todo.length) : [];
  for (let start = 0; start < todo.length && !(setup instanceof ServiceError); ) {
    const records: { readonly index: number; readonly record: CredentialRecord }[] = [];
    for (const [n, recipient] of todo.slice(start, start + WRITE_CHUNK).entries()) {
      const status = assigned[start + n];
      try {
        if (status instanceof Error || status === undefined)
          throw status ?? new Error('no status index');
        const { record } = await signCredential(
          ctx,
          setup.issuer,
          setup.achievement,
          {
            recipient: subjectOf(recipient.recipient),
            credentialId: credentialIdFor(job.id, recipient.index),
            ...(recipient.learnerId ? { learnerId: recipient.learnerId } : {}),
          },
          status,
          setup.key,
        );
        records.push({ index: recipient.index, record });
      } catch (error) {
        outcomes.set(recipient.index, failedOutcome(recipient.index, error));
      }
    }
    start += WRITE_CHUNK;
    await writes.push(() => storeCredentials(ctx, records, outcomes));
  }
  // Queued after the credential writes: it records what they decided.
  await writes.push(() => recordOutcomes(ctx, job.id, [...outcomes.values()]));
}

/**
 * Stores signed credentials (in one request where the store can) and notes each outcome.
 * Whatever failed — the write, or only the write's answer — the stored credential is the
 * truth: if it exists the recipient was issued, else it failed. A read that fails too leaves
 * the block pending and fails the run, to be resumed.
 */
async function storeCredentials(
  ctx: ServiceContext,
  records: readonly { readonly index: number; readonly record: CredentialRecord }[],
  outcomes: Map<number, BatchOutcome>,
): Promise<void> {
  if (records.length === 0) return;
  const settle = async ({ index, record }: (typeof records)[number], error: unknown) => {
    outcomes.set(
      index,
      (await ctx.credentials.get(record.id))
        ? issuedOutcome(index, record.id)
        : failedOutcome(index, error),
    );
  };
  let made = 0;
  if (ctx.credentials.createMany) {
    try {
      await ctx.credentials.createMany(records.map(({ record }) => record));
      made = records.length;
      for (const { index, record } of records) outcomes.set(index, issuedOutcome(index, record.id));
    } catch (error) {
      for (const entry of records) await settle(entry, error);
    }
  } else {
    for (const entry of records) {
      try {
        await ctx.credentials.create(entry.record);
        made += 1;
        outcomes.set(entry.index, issuedOutcome(entry.index, entry.record.id));
      } catch (error) {
        await settle(entry, error);
      }
    }
  }
  noteMetric('CredentialsIssued', made);
}

/** Status indexes claimed for a run at most this many at a time (a crash leaves at most this gap). */
const STATUS_POOL = 500;

/**
 * The run's status indexes: claimed in blocks of up to {@link STATUS_POOL} with one
 * allocation each where the store offers block allocation, handed to the workers as they
 * sign. Indexes left over when the run ends, or dies, are gaps in the list, never reused.
 */
class StatusPool {
  readonly #ctx: ServiceContext;
  readonly #issuerId: string;
  #expected: number;
  #free: StatusAssignment[] = [];
  #turn: Promise<unknown> = Promise.resolve();

  constructor(ctx: ServiceContext, issuerId: string, expected: number) {
    this.#ctx = ctx;
    this.#issuerId = issuerId;
    this.#expected = expected;
  }

  /** `count` indexes, or for each recipient the failure that left it without one. */
  async take(count: number): Promise<(StatusAssignment | Error)[]> {
    const { allocateBlock } = this.#ctx.statusLists;
    if (allocateBlock) {
      // One taker at a time, so two workers never both refill.
      const taken = this.#turn.then(async () => {
        if (this.#free.length < count) {
          const want = Math.max(count, Math.min(STATUS_POOL, this.#expected)) - this.#free.length;
          this.#free.push(
            ...(await allocateBlock.call(this.#ctx.statusLists, this.#issuerId, want)),
          );
        }
        this.#expected = Math.max(0, this.#expected - count);
        return this.#free.splice(0, count);
      });
      this.#turn = taken.catch(() => {});
      try {
        return await taken;
      } catch {
        // Recipient by recipient instead: each gets its own allocation and its own reason.
      }
    }
    const statuses: (StatusAssignment | Error)[] = [];
    for (let n = 0; n < count; n += 1) {
      try {
        statuses.push(await this.#ctx.statusLists.allocate(this.#issuerId));
      } catch (error) {
        statuses.push(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return statuses;
  }
}

/** Records a block's outcomes in one write where the store can, else one by one. */
async function recordOutcomes(
  ctx: ServiceContext,
  jobId: string,
  outcomes: readonly BatchOutcome[],
): Promise<void> {
  if (outcomes.length === 0) return;
  // One at a time also when some are recorded already (another run): each once.
  if (ctx.batchJobs.recordOutcomes && (await ctx.batchJobs.recordOutcomes(jobId, outcomes))) return;
  for (const { index, ...outcome } of outcomes)
    await ctx.batchJobs.recordOutcome(jobId, index, outcome);
}

async function pendingRecipients(
  ctx: ServiceContext,
  jobId: string,
): Promise<BatchRecipientRecord[]> {
  const pending: BatchRecipientRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.batchJobs.recipients(jobId, cursor);
    pending.push(...page.items.filter((recipient) => recipient.state === 'pending'));
    cursor = page.cursor;
  } while (cursor !== undefined);
  return pending;
}

/**
 * A job's progress and, page by page, its per-recipient results.
 *
 * @example
 * const { job, recipients } = await batchStatus(ctx, admin, jobId);
 */
export async function batchStatus(
  ctx: ServiceContext,
  principal: Principal,
  jobId: string,
  cursor?: string,
) {
  const job = await ctx.batchJobs.get(jobId);
  if (!job) throw new ServiceError('NOT_FOUND', `no batch job ${jobId}`);
  requireIssuerScope(principal, job.issuerId);
  const page = await ctx.batchJobs.recipients(jobId, cursor);
  return { job, recipients: page.items, ...(page.cursor ? { cursor: page.cursor } : {}) };
}
