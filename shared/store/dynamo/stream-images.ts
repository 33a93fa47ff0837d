import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue as LambdaAttributeValue } from 'aws-lambda';
import type { CredentialRecord } from '#shared/service/records.ts';
import { KEY } from '#shared/store/table.ts';
import { paddedSequence } from './candidate-source-store.ts';
import { recordOf } from './keys.ts';
import { PATHWAY_JOB_CHUNK_PREFIX, PATHWAY_JOB_PK_PREFIX } from './pathway-job-store.ts';

/**
 * Reading the table's stream: which entity a record is about, and its record before and after
 * the change. Stream consumers ask here instead of knowing the item layout.
 */

/** What one stream record changed, as the service's records. */
export type StreamChange =
  | {
      readonly entity: 'credential';
      readonly before?: CredentialRecord;
      readonly after?: CredentialRecord;
    }
  | {
      readonly entity: 'pathway-job';
      readonly jobId: string;
      readonly inserted: boolean;
      /** The learner offset a continuation item resumes at (0 for the job item itself). */
      readonly from: number;
    }
  | { readonly entity: 'other' };

type Image = Record<string, AttributeValue> | undefined;

function recordFrom<T>(image: Image): T | undefined {
  // Lambda's event and the SDK share the attribute-value shape for everything stored here.
  return image === undefined ? undefined : recordOf<T>(unmarshall(image));
}

/**
 * Classifies a stream record by its keys and unmarshalls its images.
 *
 * @example
 * const change = streamChange(record.eventName, record.dynamodb);
 */
export function streamChange(
  eventName: string | undefined,
  data:
    | {
        readonly Keys?: Image | object;
        readonly NewImage?: Image | object;
        readonly OldImage?: Image | object;
      }
    | undefined,
): StreamChange {
  const keys = data?.Keys as Record<string, { S?: string }> | undefined;
  const pk = keys?.[KEY.pk]?.S;
  const sk = keys?.[KEY.sk]?.S;
  if (pk === undefined || sk === undefined) return { entity: 'other' };
  if (sk === 'CRED' && pk.startsWith('CRED#')) {
    const before = recordFrom<CredentialRecord>(data?.OldImage as Image);
    const after = recordFrom<CredentialRecord>(data?.NewImage as Image);
    return {
      entity: 'credential',
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
    };
  }
  const chunk = sk.startsWith(PATHWAY_JOB_CHUNK_PREFIX);
  if ((sk === 'META' || chunk) && pk.startsWith(PATHWAY_JOB_PK_PREFIX)) {
    return {
      entity: 'pathway-job',
      jobId: pk.slice(PATHWAY_JOB_PK_PREFIX.length),
      inserted: eventName === 'INSERT',
      from: chunk ? Number(sk.slice(PATHWAY_JOB_CHUNK_PREFIX.length)) : 0,
    };
  }
  return { entity: 'other' };
}

/** Lambda's stream image (numbers as strings, binaries as base64) as plain values. */
function plain(value: LambdaAttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.L !== undefined) return value.L.map(plain);
  if (value.M !== undefined) return image(value.M);
  if (value.SS !== undefined) return new Set(value.SS);
  if (value.NS !== undefined) return new Set(value.NS.map(Number));
  if (value.B !== undefined) return Buffer.from(value.B, 'base64');
  if (value.BS !== undefined) return new Set(value.BS.map((b) => Buffer.from(b, 'base64')));
  return undefined;
}

function image(map: Readonly<Record<string, LambdaAttributeValue>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(map)) out[name] = plain(value);
  return out;
}

/** What one stream record asks of the search index, in the service's terms. */
export type SearchChange =
  | {
      readonly entity: 'credential';
      /** The credential after the change, or before it for a removal. */
      readonly record?: CredentialRecord;
      readonly removed: boolean;
      /**
       * The record's place in the stream, padded so string order is stream order; throws
       * VALIDATION when the record carries no sequence number. A function, so a record the
       * handler refuses first never has its sequence checked.
       */
      readonly position: () => string;
    }
  /** A consent (with the tenant it names) or an import of the learner changed. */
  | { readonly entity: 'learner'; readonly learnerId: string; readonly consentTenantId?: string }
  /** A tenant's search settings (trust tiers) changed. */
  | { readonly entity: 'tenant'; readonly tenantId: string }
  | { readonly entity: 'other' };

/**
 * Classifies a Lambda stream record for the search indexer by the table's key layout, so the
 * handler never parses keys itself.
 *
 * @example
 * const change = searchChange(record);
 */
export function searchChange(record: {
  readonly eventName?: string;
  readonly dynamodb?: {
    readonly Keys?: Record<string, LambdaAttributeValue>;
    readonly NewImage?: Record<string, LambdaAttributeValue>;
    readonly OldImage?: Record<string, LambdaAttributeValue>;
    readonly SequenceNumber?: string;
  };
}): SearchChange {
  const pk = record.dynamodb?.Keys?.[KEY.pk]?.S ?? '';
  const sk = record.dynamodb?.Keys?.[KEY.sk]?.S ?? '';
  if (pk.startsWith('CRED#') && sk === 'CRED') {
    const raw = record.dynamodb?.NewImage ?? record.dynamodb?.OldImage;
    return {
      entity: 'credential',
      ...(raw === undefined ? {} : { record: recordOf<CredentialRecord>(image(raw)) }),
      removed: record.eventName === 'REMOVE',
      position: () => paddedSequence(record.dynamodb?.SequenceNumber ?? ''),
    };
  }
  if (pk.startsWith('LEARNER#') && (sk.startsWith('CONSENT#') || sk.startsWith('IMPORT#'))) {
    const learnerId = pk.slice('LEARNER#'.length);
    return sk.startsWith('CONSENT#')
      ? { entity: 'learner', learnerId, consentTenantId: sk.slice('CONSENT#'.length) }
      : { entity: 'learner', learnerId };
  }
  if (pk.startsWith('TENANT#') && sk === 'SETTINGS')
    return { entity: 'tenant', tenantId: pk.slice('TENANT#'.length) };
  return { entity: 'other' };
}
