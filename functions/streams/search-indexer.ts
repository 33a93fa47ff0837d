import type { DynamoDBRecord } from 'aws-lambda';
import { decodeStreamRecord, type StreamChange } from '#shared/adapters/dynamodb/stream-images.ts';
import { isCredstackError } from '#shared/core/errors.ts';
import {
  recordIssuedCredential,
  reindexCandidates,
  reindexLearner,
} from '#shared/domain/candidate-index.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import { isId } from '#shared/domain/ids.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';
import { type Logger, structuredLogger } from '../observability.ts';
import { type StreamConsumer, streamConsumer } from './stream-consumer.ts';

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
 * a new version. Records are handled in stream order through the shared partial-batch loop
 * (stream-consumer.ts): a learner or tenant is re-indexed at the last record of the batch that
 * names it, so a failed re-index reports that record and the stream delivers it (and
 * everything after it) again, re-indexing from the table with every copy written.
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

/** What a change asks to re-index, decided from the record alone (no I/O). */
function targetOf(change: StreamChange): Work {
  if (change.entity === 'credential') {
    const learnerId = (change.after ?? change.before)?.learnerId;
    if (learnerId === undefined) return { kind: 'none' };
    if (!isId(learnerId)) return { kind: 'invalid', what: 'learner id' };
    return { kind: 'learner', learnerId };
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

function keyOf(work: Work): string | undefined {
  if (work.kind === 'learner') return `learner ${work.learnerId}`;
  if (work.kind === 'tenant') return `tenant ${work.tenantId}`;
  return undefined;
}

/**
 * Builds the search indexer's stream consumer.
 *
 * @example
 * const handler = searchIndexerHandler(ctx);
 * const { batchItemFailures } = await handler(event);
 */
export function searchIndexerHandler(
  ctx: ServiceContext,
  options: { readonly logger?: Logger } = {},
): StreamConsumer {
  return streamConsumer({
    name: 'search-indexer',
    logger: options.logger ?? structuredLogger(),
    batch: (records, log) => {
      const changes = new Map<DynamoDBRecord, { change: StreamChange; work: Work }>();
      // Each learner or tenant to re-index, with the last record of the batch that names it.
      const last = new Map<string, DynamoDBRecord>();
      for (const record of records) {
        const change = decodeStreamRecord(record);
        const work = targetOf(change);
        changes.set(record, { change, work });
        const key = keyOf(work);
        if (key !== undefined) last.set(key, record);
      }
      const skip = (record: DynamoDBRecord, reason: string, error?: unknown) =>
        log({
          level: 'warn',
          message: `search-indexer: record ${record.dynamodb?.SequenceNumber} skipped: ${reason}`,
          ...(error === undefined ? {} : { error }),
        });
      return async (record) => {
        const planned = changes.get(record) ?? {
          change: decodeStreamRecord(record),
          work: { kind: 'none' },
        };
        const { change, work } = planned;
        if (work.kind === 'invalid') return skip(record, `invalid ${work.what}`);
        // Work that can never succeed is skipped, not reported: reporting it would block the
        // records behind it until its retries ran out.
        const unlessPermanent = async (step: () => Promise<unknown>): Promise<void> => {
          try {
            await step();
          } catch (error) {
            if (!isPermanent(error)) throw error;
            skip(record, 'it cannot succeed', error);
          }
        };
        if (change.entity === 'credential' && work.kind === 'learner') {
          const credential = change.after ?? change.before;
          if (credential !== undefined)
            await unlessPermanent(() =>
              recordIssuedCredential(ctx, credential, change.position(), change.removed),
            );
        }
        const key = keyOf(work);
        if (key === undefined || last.get(key) !== record) return;
        if (work.kind === 'learner')
          await unlessPermanent(() => reindexLearner(ctx, work.learnerId));
        if (work.kind === 'tenant')
          await unlessPermanent(() => reindexCandidates(ctx, work.tenantId));
      };
    },
  });
}
