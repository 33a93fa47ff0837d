import { randomUUID } from 'node:crypto';
import { SingleFlight } from '#shared/core/single-flight.ts';
import { requireAchievement } from './achievements.ts';
import { ServiceError } from './errors.ts';
import { derivedCredentialId, issueCredential } from './issuance.ts';
import { requireIssuer } from './issuers.ts';
import type { BatchJobRecord, BatchRecipientRecord } from './ports/repositories.ts';
import type { ServiceContext } from './ports/service-context.ts';
import { type Principal, requireIssuerScope } from './principal.ts';

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
 * Issues every pending recipient of a job, `concurrency` at a time. A recipient whose
 * credential already exists (a replayed stream record, a retry after a crash) is recorded as
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
  const system: Principal = {
    subject: `batch:${jobId}`,
    roles: ['issuer-admin'],
    issuerId: job.issuerId,
  };
  const pending = await pendingRecipients(ctx, jobId);

  const issued = (recipient: BatchRecipientRecord, credentialId: string) =>
    ctx.batchJobs.recordOutcome(jobId, recipient.index, { state: 'issued', credentialId });

  const award = async (recipient: BatchRecipientRecord): Promise<void> => {
    const credentialId = credentialIdFor(jobId, recipient.index);
    // Reconciled without signing again (which would also spend a status list entry).
    if (resumed && (await ctx.credentials.get(credentialId))) {
      await issued(recipient, credentialId);
      return;
    }
    try {
      await issueCredential(ctx, system, {
        issuerId: job.issuerId,
        achievementId: job.achievementId,
        recipient: recipient.recipient,
        credentialId,
        ...(recipient.learnerId ? { learnerId: recipient.learnerId } : {}),
      });
    } catch (error) {
      // Whatever failed — signing, the write, or only the write's answer — the stored
      // credential is the truth: if it exists the recipient was issued, else it failed.
      // A read that fails too leaves the recipient pending and fails the run, to be resumed.
      if (await ctx.credentials.get(credentialId)) {
        await issued(recipient, credentialId);
        return;
      }
      await ctx.batchJobs.recordOutcome(jobId, recipient.index, {
        state: 'failed',
        error: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    await issued(recipient, credentialId);
  };

  let next = 0;
  const workers = Array.from({ length: Math.max(1, options.concurrency ?? 4) }, async () => {
    while (next < pending.length) {
      const recipient = pending[next];
      next += 1;
      if (recipient) await award(recipient);
    }
  });
  await Promise.all(workers);
  // Done only when nobody is pending: a recipient another run holds, or an outcome whose write
  // failed, keeps the job open (and this run failed, so the stream delivers it again).
  const left = await pendingRecipients(ctx, jobId);
  if (left.length > 0)
    throw new ServiceError('UNAVAILABLE', `batch job ${jobId} still has ${left.length} pending`);
  await ctx.batchJobs.setState(jobId, 'done');
  return (await ctx.batchJobs.get(jobId)) ?? job;
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
