import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { isCredstackError } from '#shared/core/errors.ts';
import {
  recordIssuedCredential,
  reindexCandidates,
  reindexLearner,
} from '#shared/service/candidate-index.ts';
import type { ServiceContext } from '#shared/service/context.ts';
import { ServiceError } from '#shared/service/errors.ts';
import { isId } from '#shared/service/ids.ts';
import { searchChange } from '#shared/store/dynamo/stream-images.ts';

/**
 * The stream handler that keeps the search index in step with the table:
 *
 * - `CRED#<id>` (issued, revoked, suspended, reinstated): its copy in the learner's partition
 *   is replaced, conditional on the record's sequence number, then the learner is re-indexed;
 * - `LEARNER#<id>` / `CONSENT#…` or `IMPORT#…` (consent given, changed or withdrawn; import
 *   added, re-verified or removed): the learner is re-indexed;
 * - `TENANT#<id>` / `SETTINGS` (issuer trust tiers): every candidate of the tenant is.
 *
 * Everything else, the indexer's own writes included, is ignored. A batch touching a learner
 * many times re-indexes them once, after the batch's copies are written. Safe to replay: copies
 * only move forward by sequence number, and every re-index reads the table afresh and writes at
 * a new version. On a failure the earliest record whose work is not done is reported, so the
 * stream delivers it and everything after it again (ReportBatchItemFailures).
 *
 * A record that can never succeed — a learner or tenant id outside the id grammar, data the
 * store or the service refuses as invalid — is logged and skipped, not reported: reporting it
 * would have the stream deliver it again and again until its retries ran out and it dropped
 * the records queued behind it, good ones included. Only passing failures (an unreachable
 * table or index) are reported for redelivery.
 *
 * Expiry needs no record: badges past `validUntil` and consents past `until` stop counting at
 * query time, and the next re-index of the learner drops them from the document.
 *
 * @example
 * export const handler = searchIndexerHandler(ctx);
 */

type Work =
  | { readonly kind: 'none' }
  | { readonly kind: 'learner'; readonly learnerId: string }
  | { readonly kind: 'tenant'; readonly tenantId: string }
  /** A record naming an id outside the grammar: skipped, never retried. */
  | { readonly kind: 'invalid'; readonly what: string };

/**
 * True when retrying cannot help: the record names something the service refuses as invalid
 * (a DynamoDB ValidationException — a key over its size limits —, a VALIDATION service error,
 * malformed input). An outage or an unknown failure may pass, so it is retried.
 */
function isPermanent(error: unknown): boolean {
  if (error instanceof ServiceError) return error.code === 'VALIDATION';
  if (isCredstackError(error, 'INPUT_MALFORMED') || isCredstackError(error, 'INPUT_TOO_LARGE'))
    return true;
  return error instanceof Error && error.name === 'ValidationException';
}

/** Does the record's own part of the work (a credential's copy) and says what to re-index. */
async function recordWork(ctx: ServiceContext, record: DynamoDBRecord): Promise<Work> {
  // The table's key layout stays in the store adapter; the handler sees what changed.
  const change = searchChange(record);
  if (change.entity === 'credential') {
    const credential = change.record;
    if (credential === undefined || credential.learnerId === undefined) return { kind: 'none' };
    if (!isId(credential.learnerId)) return { kind: 'invalid', what: 'learner id' };
    await recordIssuedCredential(ctx, credential, change.position(), change.removed);
    return { kind: 'learner', learnerId: credential.learnerId };
  }
  if (change.entity === 'learner') {
    const { learnerId, consentTenantId } = change;
    if (!isId(learnerId) || (consentTenantId !== undefined && !isId(consentTenantId)))
      return { kind: 'invalid', what: 'learner or tenant id' };
    return { kind: 'learner', learnerId };
  }
  if (change.entity === 'tenant') {
    if (!isId(change.tenantId)) return { kind: 'invalid', what: 'tenant id' };
    return { kind: 'tenant', tenantId: change.tenantId };
  }
  return { kind: 'none' };
}

/**
 * Builds the search indexer's stream handler.
 *
 * @example
 * const handler = searchIndexerHandler(ctx);
 * const { batchItemFailures } = await handler(event);
 */
export function searchIndexerHandler(
  ctx: ServiceContext,
  options: { readonly log?: (message: string, error: unknown) => void } = {},
): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  const log =
    options.log ?? ((message, error) => console.error(`[search-indexer] ${message}`, error));
  return async (event) => {
    const records = event.Records;
    // Each learner or tenant to re-index, with the earliest record that asked for it.
    const learners = new Map<string, number>();
    const tenants = new Map<string, number>();
    let failedAt: number | undefined;
    for (const [index, record] of records.entries()) {
      const sequence = record.dynamodb?.SequenceNumber;
      try {
        const work = await recordWork(ctx, record);
        if (work.kind === 'invalid') log(`record ${sequence} skipped: invalid ${work.what}`, null);
        if (work.kind === 'learner' && !learners.has(work.learnerId))
          learners.set(work.learnerId, index);
        if (work.kind === 'tenant' && !tenants.has(work.tenantId))
          tenants.set(work.tenantId, index);
      } catch (error) {
        if (isPermanent(error)) {
          log(`record ${sequence} skipped: it cannot succeed`, error);
          continue;
        }
        log(`record ${sequence} failed`, error);
        failedAt = index;
        break;
      }
    }
    const fail = (index: number, what: string, error: unknown) => {
      if (isPermanent(error)) {
        log(`re-indexing ${what} skipped: it cannot succeed`, error);
        return;
      }
      log(`re-indexing ${what} failed`, error);
      failedAt = Math.min(failedAt ?? index, index);
    };
    for (const [learnerId, index] of learners) {
      try {
        await reindexLearner(ctx, learnerId);
      } catch (error) {
        fail(index, `learner ${learnerId}`, error);
      }
    }
    for (const [tenantId, index] of tenants) {
      try {
        await reindexCandidates(ctx, tenantId);
      } catch (error) {
        fail(index, `tenant ${tenantId}`, error);
      }
    }
    const failed = failedAt === undefined ? undefined : records[failedAt];
    return {
      batchItemFailures:
        failed === undefined ? [] : [{ itemIdentifier: failed.dynamodb?.SequenceNumber ?? '' }],
    };
  };
}
