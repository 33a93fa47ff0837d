import { randomUUID } from 'node:crypto';
import { SingleFlight } from '#shared/core/single-flight.ts';
import { ServiceError } from './errors.ts';
import { type ReevaluationOutcome, reevaluateLearner } from './pathway-awards.ts';
import {
  dependentsOf,
  pathwayVersion,
  publishedPathways,
  withReferences,
} from './pathway-evaluation.ts';
import type { PathwayJobRecord } from './ports/repositories.ts';
import type { ServiceContext } from './ports/service-context.ts';
import { type Principal, requireIssuerScope } from './principal.ts';

/**
 * Retroactive evaluation: publishing a pathway version queues a job (its item's INSERT on the
 * table's stream starts it) that evaluates every learner who could qualify and awards those who
 * already do. Progress is counted on the job item together with a cursor (the last learner
 * counted), block by block in one conditional write: a run that dies part-way is resumed after
 * the cursor by whatever runs the job again (the stream's retry, the sweep of open jobs), and
 * the awards its dead run made are counted once, since each award names the job that made it.
 */

/** Learners evaluated at a time inside a job. */
const JOB_CONCURRENCY = 4;
/** Learners between two progress writes. */
const PROGRESS_EVERY = 25;

/**
 * Queues the evaluation of a newly published version.
 *
 * @example
 * const job = await queuePathwayJob(ctx, 'northfield', 'analyst', 2);
 */
export async function queuePathwayJob(
  ctx: ServiceContext,
  issuerId: string,
  pathwayId: string,
  version: number,
): Promise<PathwayJobRecord> {
  const job: PathwayJobRecord = {
    id: randomUUID(),
    issuerId,
    pathwayId,
    version,
    state: 'queued',
    evaluated: 0,
    awarded: 0,
    createdAt: ctx.clock.now().toISOString(),
  };
  await ctx.pathwayJobs.create(job);
  return job;
}

/**
 * A job's progress, for the issuer's admins.
 *
 * @example
 * const job = await pathwayJobStatus(ctx, admin, 'northfield', jobId);
 */
export async function pathwayJobStatus(
  ctx: ServiceContext,
  principal: Principal,
  issuerId: string,
  jobId: string,
): Promise<PathwayJobRecord> {
  requireIssuerScope(principal, issuerId);
  const job = await ctx.pathwayJobs.get(jobId);
  if (!job || job.issuerId !== issuerId) {
    throw new ServiceError('NOT_FOUND', `issuer ${issuerId} has no pathway job ${jobId}`);
  }
  return job;
}

/** The learners holding any credential of `issuerId`. */
async function learnersOf(ctx: ServiceContext, issuerId: string, into: Set<string>): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await ctx.credentials.listByIssuer(issuerId, cursor);
    for (const record of page.items) if (record.learnerId) into.add(record.learnerId);
    cursor = page.cursor;
  } while (cursor !== undefined);
}

async function allIssuerIds(ctx: ServiceContext): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.issuers.list(cursor);
    ids.push(...page.items.map((i) => i.id));
    cursor = page.cursor;
  } while (cursor !== undefined);
  return ids;
}

/** When a run of a job must hand the rest on. */
export interface PathwayJobRunOptions {
  /** Most learners this run evaluates before handing on (default: no limit). */
  readonly maxLearners?: number;
  /** Epoch ms after which this run stops taking learners and hands on (default: none). */
  readonly deadline?: number;
}

/** Runs in this process, so a second trigger of a job joins its run instead of racing it. */
const running = new SingleFlight<ServiceContext, PathwayJobRecord>();

/**
 * Runs a queued job, or the rest of one: lists the learners who could qualify (holders of the
 * issuer's credentials, or of any issuer's when the rules accept skills or credits from
 * anyone) in id order, evaluates those after the job's cursor against the version, and counts
 * evaluations and awards block by block, moving the cursor with the counts. When `maxLearners`
 * or `deadline` stops it early it writes a continuation, whose stream record runs the next
 * part: a job of any size fits in runs of bounded length. A run started twice (a replayed
 * record, a sweep) resumes from the cursor; two runs at once count each block once (the
 * cursor's condition) and award once (derived ids). A learner whose credentials change
 * meanwhile is evaluated by the stream consumer anyway, so a listing that shifts between runs
 * loses nobody's award.
 *
 * @example
 * await runPathwayJob(ctx, jobId, { deadline: Date.now() + 600_000 });
 */
export function runPathwayJob(
  ctx: ServiceContext,
  jobId: string,
  options: PathwayJobRunOptions = {},
): Promise<PathwayJobRecord> {
  return running.run(ctx, jobId, () => runJob(ctx, jobId, options));
}

async function runJob(
  ctx: ServiceContext,
  jobId: string,
  options: PathwayJobRunOptions,
): Promise<PathwayJobRecord> {
  const job = await ctx.pathwayJobs.get(jobId);
  if (!job) throw new ServiceError('NOT_FOUND', `no pathway job ${jobId}`);
  if (job.state === 'done') return job;
  // The head, read consistently: the published listing (a GSI) may not show the version yet.
  const head = await ctx.pathways.getHead(job.issuerId, job.pathwayId);
  const target =
    head?.publishedVersion === job.version
      ? await pathwayVersion(ctx, job.issuerId, job.pathwayId, job.version)
      : undefined;
  // A version replaced before its job ran has nobody left to award: the newer one's job does it.
  if (!target) {
    if (job.state === 'queued') await ctx.pathwayJobs.start(jobId, 0);
    await ctx.pathwayJobs.finish(jobId, ctx.clock.now().toISOString());
    return (await ctx.pathwayJobs.get(jobId)) ?? job;
  }
  const published = [
    ...(await publishedPathways(ctx)).filter(
      (p) => p.record.issuerId !== job.issuerId || p.record.pathwayId !== job.pathwayId,
    ),
    target,
  ];
  // Whoever qualifies through a sub-pathway open to all issuers must be listed too.
  const reach = withReferences([target], published);
  const openToAll = reach.some((p) =>
    p.compiled.nodes.some((n) => n.kind === 'skill' || n.kind === 'credits'),
  );
  const learners = new Set<string>();
  const issuers = openToAll ? await allIssuerIds(ctx) : [job.issuerId];
  for (const issuerId of issuers) await learnersOf(ctx, issuerId, learners);
  const queue = [...learners].sort();
  // Started here, or by a run before (whose counts and cursor stand).
  const started = job.state === 'queued' && (await ctx.pathwayJobs.start(jobId, queue.length));
  const current = started ? job : await ctx.pathwayJobs.get(jobId);
  if (!current || current.state === 'done') return current ?? job;
  const resumeAfter = started ? undefined : current.cursor;
  let cursor = resumeAfter;
  let offset = resumeAfter === undefined ? 0 : queue.filter((id) => id <= resumeAfter).length;
  const end = Math.min(queue.length, offset + (options.maxLearners ?? queue.length));
  const timeUp = () => options.deadline !== undefined && Date.now() >= options.deadline;

  // Awards for the version, and for the pathways built on it that it now completes.
  const only = new Set(
    [target, ...dependentsOf(published, job.issuerId, job.pathwayId)].map(
      (p) => `${p.record.issuerId}/${p.record.pathwayId}`,
    ),
  );
  while (offset < end && !timeUp()) {
    const block = queue.slice(offset, Math.min(end, offset + PROGRESS_EVERY));
    let next = 0;
    let awarded = 0;
    const workers = Array.from({ length: JOB_CONCURRENCY }, async () => {
      while (next < block.length) {
        const learnerId = block[next] as string;
        next += 1;
        const outcome: ReevaluationOutcome = await reevaluateLearner(ctx, learnerId, {
          only,
          published,
          jobId,
        });
        // Made by this job, now or by a run that died before counting them.
        awarded += outcome.byJob.length;
      }
    });
    await Promise.all(workers);
    const to = block.at(-1) as string;
    const counted = await ctx.pathwayJobs.commit(jobId, {
      from: cursor,
      to,
      evaluated: block.length,
      awarded,
    });
    // Another run counted this block first: it carries the job on from here.
    if (!counted) return (await ctx.pathwayJobs.get(jobId)) ?? job;
    cursor = to;
    offset += block.length;
  }
  if (offset < queue.length) {
    await ctx.pathwayJobs.continueAt(jobId, offset);
    return (await ctx.pathwayJobs.get(jobId)) ?? job;
  }
  await ctx.pathwayJobs.finish(jobId, ctx.clock.now().toISOString());
  return (await ctx.pathwayJobs.get(jobId)) ?? job;
}

/**
 * Re-checks every learner holding a pathway award, so awards lapse when a contributing
 * credential expires (expiry changes no item, so no stream record announces it). Run on a
 * schedule. Returns the outcomes that changed something.
 *
 * @example
 * const changed = await sweepPathwayAwards(ctx);
 */
export async function sweepPathwayAwards(ctx: ServiceContext): Promise<ReevaluationOutcome[]> {
  const published = await publishedPathways(ctx);
  const learners = new Set<string>();
  for (const issuerId of new Set(published.map((p) => p.record.issuerId))) {
    let cursor: string | undefined;
    do {
      const page = await ctx.credentials.listByIssuer(issuerId, cursor);
      for (const record of page.items) {
        if (record.award && record.state !== 'revoked' && record.learnerId) {
          learners.add(record.learnerId);
        }
      }
      cursor = page.cursor;
    } while (cursor !== undefined);
  }
  const changed: ReevaluationOutcome[] = [];
  for (const learnerId of [...learners].sort()) {
    // `only` empty: held awards are checked, nothing new is awarded by the sweep itself.
    const outcome = await reevaluateLearner(ctx, learnerId, { published, only: new Set() });
    const total =
      outcome.awarded.length +
      outcome.suspended.length +
      outcome.revoked.length +
      outcome.reinstated.length;
    if (total > 0) changed.push(outcome);
  }
  return changed;
}
