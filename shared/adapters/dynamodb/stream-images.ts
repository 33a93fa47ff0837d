import type {
  AttributeValue as StreamsApiAttributeValue,
  _Record as StreamsApiRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, AttributeValue as LambdaAttributeValue } from 'aws-lambda';
import { KEY } from '#shared/adapters/dynamodb/table.ts';
import type { CredentialRecord } from '#shared/domain/records/records.ts';
import { paddedSequence } from './candidate-source-store.ts';
import { recordOf } from './keys.ts';
import { PATHWAY_JOB_CHUNK_PREFIX, PATHWAY_JOB_PK_PREFIX } from './pathway-job-store.ts';

/**
 * The table's stream, read in one place: which entity a record is about and what changed, as
 * the service's records. Every stream consumer (functions/streams/) asks {@link decodeStreamRecord}
 * instead of knowing the item layout, and the local poller turns the Streams API's records
 * into Lambda's shape with {@link lambdaStreamRecord}, so consumers meet one shape everywhere.
 */

/** What one stream record changed, in the service's terms. */
export type StreamChange =
  | {
      readonly entity: 'credential';
      /** The credential before the change (absent on INSERT). */
      readonly before?: CredentialRecord;
      /** The credential after the change (absent on REMOVE). */
      readonly after?: CredentialRecord;
      readonly removed: boolean;
      /**
       * The record's place in the stream, padded so string order is stream order; throws
       * VALIDATION when the record carries no sequence number. A function, so a record the
       * consumer refuses first never has its sequence checked.
       */
      readonly position: () => string;
    }
  /** A batch award job's item (`JOB#<id>` / `META`). */
  | { readonly entity: 'batch-job'; readonly jobId: string; readonly inserted: boolean }
  | {
      readonly entity: 'pathway-job';
      readonly jobId: string;
      readonly inserted: boolean;
      /** The learner offset a continuation item resumes at (0 for the job item itself). */
      readonly from: number;
    }
  /** A consent (with the tenant it names) or an import of the learner changed. */
  | { readonly entity: 'learner'; readonly learnerId: string; readonly consentTenantId?: string }
  /** A tenant's search settings (trust tiers) changed. */
  | { readonly entity: 'tenant'; readonly tenantId: string }
  | { readonly entity: 'other' };

/** Lambda's stream value (numbers as strings, binaries as base64) as a plain value. */
function plain(value: LambdaAttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.L !== undefined) return value.L.map(plain);
  if (value.M !== undefined) return plainImage(value.M);
  if (value.SS !== undefined) return new Set(value.SS);
  if (value.NS !== undefined) return new Set(value.NS.map(Number));
  if (value.B !== undefined) return Buffer.from(value.B, 'base64');
  if (value.BS !== undefined) return new Set(value.BS.map((b) => Buffer.from(b, 'base64')));
  return undefined;
}

function plainImage(map: Readonly<Record<string, LambdaAttributeValue>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(map)) out[name] = plain(value);
  return out;
}

function recordFrom<T>(image: Record<string, LambdaAttributeValue> | undefined): T | undefined {
  return image === undefined ? undefined : recordOf<T>(plainImage(image));
}

/**
 * Classifies a Lambda stream record by the table's key layout and decodes its images.
 *
 * @example
 * const change = decodeStreamRecord(record);
 * if (change.entity === 'credential') console.log(change.after?.state);
 */
export function decodeStreamRecord(record: DynamoDBRecord): StreamChange {
  const data = record.dynamodb;
  const pk = data?.Keys?.[KEY.pk]?.S;
  const sk = data?.Keys?.[KEY.sk]?.S;
  if (pk === undefined || sk === undefined) return { entity: 'other' };
  const inserted = record.eventName === 'INSERT';
  if (pk.startsWith('CRED#') && sk === 'CRED') {
    const before = recordFrom<CredentialRecord>(data?.OldImage);
    const after = recordFrom<CredentialRecord>(data?.NewImage);
    return {
      entity: 'credential',
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
      removed: record.eventName === 'REMOVE',
      position: () => paddedSequence(data?.SequenceNumber ?? ''),
    };
  }
  if (pk.startsWith('JOB#') && sk === 'META')
    return { entity: 'batch-job', jobId: pk.slice('JOB#'.length), inserted };
  const chunk = sk.startsWith(PATHWAY_JOB_CHUNK_PREFIX);
  if ((sk === 'META' || chunk) && pk.startsWith(PATHWAY_JOB_PK_PREFIX)) {
    return {
      entity: 'pathway-job',
      jobId: pk.slice(PATHWAY_JOB_PK_PREFIX.length),
      inserted,
      from: chunk ? Number(sk.slice(PATHWAY_JOB_CHUNK_PREFIX.length)) : 0,
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

/** The Streams API's value (binaries as bytes) in Lambda's JSON form (binaries as base64). */
function lambdaValue(value: StreamsApiAttributeValue): LambdaAttributeValue {
  const v = value as unknown as Record<string, unknown>;
  if (v.B instanceof Uint8Array) return { B: Buffer.from(v.B).toString('base64') };
  if (Array.isArray(v.BS))
    return { BS: (v.BS as Uint8Array[]).map((b) => Buffer.from(b).toString('base64')) };
  if (Array.isArray(v.L)) return { L: (v.L as StreamsApiAttributeValue[]).map(lambdaValue) };
  if (v.M !== undefined && v.M !== null)
    return { M: lambdaImage(v.M as Record<string, StreamsApiAttributeValue>) ?? {} };
  for (const key of ['S', 'N', 'BOOL', 'NULL', 'SS', 'NS'] as const) {
    if (v[key] !== undefined) return { [key]: v[key] } as unknown as LambdaAttributeValue;
  }
  return {} as LambdaAttributeValue;
}

function lambdaImage(
  image: Record<string, StreamsApiAttributeValue> | undefined,
): Record<string, LambdaAttributeValue> | undefined {
  if (!image) return undefined;
  const out: Record<string, LambdaAttributeValue> = {};
  for (const [name, value] of Object.entries(image)) out[name] = lambdaValue(value);
  return out;
}

/**
 * A record read from the Streams API (Dates, binaries as bytes) in the shape Lambda hands to a
 * stream consumer (epoch-second creation time, base64 binaries, the stream ARN as
 * eventSourceARN), for the local runtime's poller.
 *
 * @example
 * const record = lambdaStreamRecord(sdkRecord, streamArn, 'eu-west-1');
 */
export function lambdaStreamRecord(
  record: StreamsApiRecord,
  streamArn: string,
  region: string,
): DynamoDBRecord {
  const data = record.dynamodb ?? {};
  const created = data.ApproximateCreationDateTime;
  const dynamodb: NonNullable<DynamoDBRecord['dynamodb']> = {};
  if (created) dynamodb.ApproximateCreationDateTime = Math.floor(created.getTime() / 1000);
  const keys = lambdaImage(data.Keys);
  if (keys) dynamodb.Keys = keys;
  const newImage = lambdaImage(data.NewImage);
  if (newImage) dynamodb.NewImage = newImage;
  const oldImage = lambdaImage(data.OldImage);
  if (oldImage) dynamodb.OldImage = oldImage;
  if (data.SequenceNumber) dynamodb.SequenceNumber = data.SequenceNumber;
  if (data.SizeBytes !== undefined) dynamodb.SizeBytes = data.SizeBytes;
  if (data.StreamViewType) dynamodb.StreamViewType = data.StreamViewType;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? region,
    dynamodb,
    eventSourceARN: streamArn,
    // TTL deletions carry the service identity; Lambda spells its fields in lower camel case.
    ...(record.userIdentity
      ? {
          userIdentity: {
            type: record.userIdentity.Type,
            principalId: record.userIdentity.PrincipalId,
          },
        }
      : {}),
  };
}
