import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { decodeStreamRecord, lambdaStreamRecord } from '#shared/adapters/dynamodb/stream-images.ts';

const ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/2026-01-01T00:00:00.000';

describe('lambdaStreamRecord', () => {
  it('converts every attribute type to the JSON form of a Lambda event', () => {
    const record = lambdaStreamRecord(
      {
        eventID: 'e1',
        eventName: 'REMOVE',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'ddblocal',
        dynamodb: {
          ApproximateCreationDateTime: new Date('2026-03-01T10:00:59.900Z'),
          Keys: { PK: { S: 'A' }, SK: { S: 'B' } },
          OldImage: {
            PK: { S: 'A' },
            SK: { S: 'B' },
            n: { N: '1.5' },
            bin: { B: new Uint8Array([255, 0]) },
            bins: { BS: [new Uint8Array([1]), new Uint8Array([2])] },
            strings: { SS: ['x', 'y'] },
            numbers: { NS: ['1', '2'] },
            flag: { BOOL: false },
            nothing: { NULL: true },
            nested: { M: { list: { L: [{ S: 'z' }, { M: {} }] } } },
          },
          SequenceNumber: '000001',
          SizeBytes: 64,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' },
      },
      ARN,
      'local',
    );

    expect(record).toEqual({
      eventID: 'e1',
      eventName: 'REMOVE',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ddblocal',
      eventSourceARN: ARN,
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
      dynamodb: {
        ApproximateCreationDateTime: 1772359259,
        Keys: { PK: { S: 'A' }, SK: { S: 'B' } },
        OldImage: {
          PK: { S: 'A' },
          SK: { S: 'B' },
          n: { N: '1.5' },
          bin: { B: '/wA=' },
          bins: { BS: ['AQ==', 'Ag=='] },
          strings: { SS: ['x', 'y'] },
          numbers: { NS: ['1', '2'] },
          flag: { BOOL: false },
          nothing: { NULL: true },
          nested: { M: { list: { L: [{ S: 'z' }, { M: {} }] } } },
        },
        SequenceNumber: '000001',
        SizeBytes: 64,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
  });

  it('fills the region and event source when the record leaves them out', () => {
    const record = lambdaStreamRecord({ eventName: 'INSERT', dynamodb: {} }, ARN, 'eu-west-1');

    expect(record).toEqual({
      eventID: undefined,
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-1',
      eventSourceARN: ARN,
      dynamodb: {},
    });
  });
});

function record(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  pk: string,
  sk: string,
  images: Pick<NonNullable<DynamoDBRecord['dynamodb']>, 'NewImage' | 'OldImage'> = {},
  sequence: string | null = '4100',
): DynamoDBRecord {
  return {
    eventName,
    dynamodb: {
      Keys: { PK: { S: pk }, SK: { S: sk } },
      ...images,
      ...(sequence === null ? {} : { SequenceNumber: sequence }),
    },
  };
}

const credentialImage = (state: string) => ({
  PK: { S: 'CRED#urn:uuid:1' },
  SK: { S: 'CRED' },
  GSI1PK: { S: 'LEARNER#ada' },
  id: { S: 'urn:uuid:1' },
  learnerId: { S: 'ada' },
  state: { S: state },
  status: { M: { listId: { S: 'l1' }, index: { N: '42' } } },
  tags: { SS: ['a', 'b'] },
  raw: { B: Buffer.from('hi').toString('base64') },
});

describe('decodeStreamRecord', () => {
  it('decodes a credential change into its records before and after, without table attributes', () => {
    const change = decodeStreamRecord(
      record('MODIFY', 'CRED#urn:uuid:1', 'CRED', {
        OldImage: credentialImage('active'),
        NewImage: credentialImage('revoked'),
      }),
    );

    expect(change).toMatchObject({
      entity: 'credential',
      removed: false,
      before: { id: 'urn:uuid:1', learnerId: 'ada', state: 'active' },
      after: { id: 'urn:uuid:1', state: 'revoked', status: { listId: 'l1', index: 42 } },
    });
    if (change.entity !== 'credential') throw new Error('not a credential change');
    const after = change.after as unknown as Record<string, unknown>;
    expect(Object.keys(after)).not.toContain('PK');
    expect(Object.keys(after)).not.toContain('GSI1PK');
    expect(after.tags).toEqual(new Set(['a', 'b']));
    expect(after.raw).toEqual(Buffer.from('hi'));
    expect(change.position()).toBe('4100'.padStart(40, '0'));
  });

  it('marks a removal and refuses a position when the record has no sequence number', () => {
    const change = decodeStreamRecord(
      record('REMOVE', 'CRED#urn:uuid:1', 'CRED', { OldImage: credentialImage('active') }, null),
    );

    expect(change).toMatchObject({
      entity: 'credential',
      removed: true,
      before: { state: 'active' },
    });
    if (change.entity !== 'credential') throw new Error('not a credential change');
    expect(change.after).toBeUndefined();
    expect(() => change.position()).toThrow(/not a stream sequence number/);
  });

  it('names the jobs, consents, imports and settings the consumers act on', () => {
    expect(decodeStreamRecord(record('INSERT', 'JOB#j1', 'META'))).toEqual({
      entity: 'batch-job',
      jobId: 'j1',
      inserted: true,
    });
    expect(decodeStreamRecord(record('MODIFY', 'JOB#j1', 'META'))).toMatchObject({
      inserted: false,
    });
    expect(decodeStreamRecord(record('INSERT', 'PWJOB#p1', 'META'))).toEqual({
      entity: 'pathway-job',
      jobId: 'p1',
      inserted: true,
      from: 0,
    });
    expect(decodeStreamRecord(record('INSERT', 'PWJOB#p1', 'CHUNK#000002000'))).toEqual({
      entity: 'pathway-job',
      jobId: 'p1',
      inserted: true,
      from: 2000,
    });
    expect(decodeStreamRecord(record('INSERT', 'LEARNER#ada', 'CONSENT#acme'))).toEqual({
      entity: 'learner',
      learnerId: 'ada',
      consentTenantId: 'acme',
    });
    expect(decodeStreamRecord(record('REMOVE', 'LEARNER#ada', 'IMPORT#i1'))).toEqual({
      entity: 'learner',
      learnerId: 'ada',
    });
    expect(decodeStreamRecord(record('MODIFY', 'TENANT#acme', 'SETTINGS'))).toEqual({
      entity: 'tenant',
      tenantId: 'acme',
    });
  });

  it('leaves everything else, a record without keys included, as other', () => {
    for (const other of [
      record('INSERT', 'JOB#j1', 'R#000001'),
      record('INSERT', 'JOBS#OPEN#BATCH', 'JOB#j1'),
      record('INSERT', 'LEARNER#ada', 'INDEX'),
      record('INSERT', 'ISSUER#a', 'PROFILE'),
      { eventName: 'INSERT', dynamodb: {} } as DynamoDBRecord,
      {} as DynamoDBRecord,
    ])
      expect(decodeStreamRecord(other)).toEqual({ entity: 'other' });
  });

  it('reads a record the local poller converted exactly as one Lambda delivered', () => {
    const converted = lambdaStreamRecord(
      {
        eventName: 'INSERT',
        dynamodb: {
          Keys: { PK: { S: 'CRED#urn:uuid:1' }, SK: { S: 'CRED' } },
          NewImage: {
            PK: { S: 'CRED#urn:uuid:1' },
            id: { S: 'urn:uuid:1' },
            raw: { B: Buffer.from('hi') },
            count: { N: '7' },
          },
          SequenceNumber: '9',
        },
      },
      ARN,
      'eu-west-1',
    );

    expect(decodeStreamRecord(converted)).toMatchObject({
      entity: 'credential',
      after: { id: 'urn:uuid:1', raw: Buffer.from('hi'), count: 7 },
    });
  });
});
