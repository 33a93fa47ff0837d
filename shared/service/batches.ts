import { randomUUID } from 'node:crypto';
import { requireAchievement } from './achievements.ts';
import type { ServiceContext } from './context.ts';
import { ServiceError } from './errors.ts';
import { derivedCredentialId, issueCredential } from './issuance.ts';
import { requireIssuer } from './issuers.ts';
import type { BatchJobRecord, BatchRecipientRecord } from './ports.ts';
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
 * Queues a batch award and returns the job; nothing is issued until it is processed.
 *
 * @example
 * const job = await createBatch(ctx, admin, 'northfield', { achievementId, recipients });
 */
export async function createBatch(
  ctx: ServiceContext,
  principal: Principal,
  issuerId: string,
  input: { readonly achievementId: string; readonly recipients: readonly BatchRecipientInput[] },
  options: {
    /**
     * A job id derived by the caller (from an Idempotency-Key): when a job with it exists — a
     * first run stored it and lost its answer — that job is returned, never written again.
     */
    readonly jobId?: string;
  } = {},
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
  if (options.jobId !== undefined) {
    const existing = await ctx.batchJobs.get(options.jobId);
    if (existing !== undefined) return existing;
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
 * Issues every pending recipient of a job, `concurrency` at a time. A recipient whose
 * credential already exists (a replayed stream record, a retry after a crash) is recorded as
 * issued with that credential; a signing or storage failure is recorded as failed with its
 * reason; nobody is issued twice and nobody is left unrecorded.
 *
 * @example
 * await processBatch(ctx, jobId, { concurrency: 4 });
 */
export async function processBatch(
  ctx: ServiceContext,
  jobId: string,
  options: { readonly concurrency?: number } = {},
): Promise<BatchJobRecord> {
  const job = await ctx.batchJobs.get(jobId);
  if (!job) throw new ServiceError('NOT_FOUND', `no batch job ${jobId}`);
  if (job.state === 'done') return job;
  await ctx.batchJobs.setState(jobId, 'running');
  const system: Principal = {
    subject: `batch:${jobId}`,
    roles: ['issuer-admin'],
    issuerId: job.issuerId,
  };
  const pending: BatchRecipientRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.batchJobs.recipients(jobId, cursor);
    pending.push(...page.items.filter((recipient) => recipient.state === 'pending'));
    cursor = page.cursor;
  } while (cursor !== undefined);

  const award = async (recipient: BatchRecipientRecord): Promise<void> => {
    const credentialId = credentialIdFor(jobId, recipient.index);
    try {
      await issueCredential(ctx, system, {
        issuerId: job.issuerId,
        achievementId: job.achievementId,
        recipient: recipient.recipient,
        credentialId,
        ...(recipient.learnerId ? { learnerId: recipient.learnerId } : {}),
      });
      await ctx.batchJobs.recordOutcome(jobId, recipient.index, { state: 'issued', credentialId });
    } catch (error) {
      // Whatever failed — signing, the write, or only the write's answer — the stored
      // credential is the truth: if it exists the recipient was issued, else it failed.
      const existing = await ctx.credentials.get(credentialId).catch(() => undefined);
      if (existing)
        await ctx.batchJobs.recordOutcome(jobId, recipient.index, {
          state: 'issued',
          credentialId,
        });
      else {
        await ctx.batchJobs.recordOutcome(jobId, recipient.index, {
          state: 'failed',
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
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
  await ctx.batchJobs.setState(jobId, 'done');
  return (await ctx.batchJobs.get(jobId)) ?? job;
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
