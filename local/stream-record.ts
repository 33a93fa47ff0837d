import type {
  AttributeValue as StreamAttributeValue,
  _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';

/**
 * The Streams API and Lambda spell the same record differently: the SDK gives Dates and
 * binary as bytes, Lambda's event has epoch seconds and base64 strings, plus the event source
 * fields. Handlers are written against Lambda's shape, so the local poller converts.
 */

function toLambdaValue(value: StreamAttributeValue): AttributeValue {
  const v = value as unknown as Record<string, unknown>;
  if (v.B instanceof Uint8Array) return { B: Buffer.from(v.B).toString('base64') };
  if (Array.isArray(v.BS))
    return { BS: (v.BS as Uint8Array[]).map((b) => Buffer.from(b).toString('base64')) };
  if (Array.isArray(v.L)) return { L: (v.L as StreamAttributeValue[]).map(toLambdaValue) };
  if (v.M !== undefined && v.M !== null)
    return { M: toLambdaImage(v.M as Record<string, StreamAttributeValue>) ?? {} };
  for (const key of ['S', 'N', 'BOOL', 'NULL', 'SS', 'NS'] as const) {
    if (v[key] !== undefined) return { [key]: v[key] } as unknown as AttributeValue;
  }
  return {} as AttributeValue;
}

function toLambdaImage(
  image: Record<string, StreamAttributeValue> | undefined,
): Record<string, AttributeValue> | undefined {
  if (!image) return undefined;
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(image)) out[name] = toLambdaValue(value);
  return out;
}

/**
 * Converts a record from the Streams API into the shape Lambda hands to a stream handler
 * (epoch-second creation time, base64 binaries, the stream ARN as eventSourceARN).
 *
 * @example
 * const lambdaRecord = toLambdaRecord(sdkRecord, streamArn, 'eu-west-1');
 */
export function toLambdaRecord(
  record: StreamRecord,
  streamArn: string,
  region: string,
): DynamoDBRecord {
  const data = record.dynamodb ?? {};
  const created = data.ApproximateCreationDateTime;
  const dynamodb: NonNullable<DynamoDBRecord['dynamodb']> = {};
  if (created) dynamodb.ApproximateCreationDateTime = Math.floor(created.getTime() / 1000);
  const keys = toLambdaImage(data.Keys);
  if (keys) dynamodb.Keys = keys;
  const newImage = toLambdaImage(data.NewImage);
  if (newImage) dynamodb.NewImage = newImage;
  const oldImage = toLambdaImage(data.OldImage);
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
