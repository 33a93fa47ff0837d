import { describe, expect, it } from 'vitest';
import { lambdaStreamRecord } from '#shared/store/dynamo/stream-images.ts';

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
