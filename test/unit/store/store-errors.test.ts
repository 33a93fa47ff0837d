import { createServer } from 'node:net';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  isStoreUnavailable,
  raiseStoreUnavailable,
  STORE_UNAVAILABLE_MESSAGE,
} from '#shared/adapters/dynamodb/errors.ts';
import { liteDynamoDb } from '#shared/adapters/dynamodb/lite/documents.ts';
import { decodeCursor, encodeCursor } from '#shared/adapters/dynamodb/paging.ts';
import { ServiceError } from '#shared/domain/errors.ts';

const metadata = { $metadata: {} };
const socketError = (code: string) =>
  Object.assign(new Error(`connect ${code} 10.0.0.7:443`), { code });

describe('isStoreUnavailable', () => {
  it.each([
    ['a refused connection', socketError('ECONNREFUSED')],
    ['a reset connection', socketError('ECONNRESET')],
    ['a socket timeout', socketError('ETIMEDOUT')],
    ['refused on every address', new AggregateError([socketError('ECONNREFUSED')], 'x')],
    ['throttling', new ProvisionedThroughputExceededException({ message: 'slow', ...metadata })],
    ['a DynamoDB 500', new InternalServerError({ message: 'oops', ...metadata })],
    [
      'any 5xx answer',
      Object.assign(new Error('Service Unavailable'), {
        name: 'Unknown',
        $metadata: { httpStatusCode: 503 },
      }),
    ],
    ['an SDK timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
  ])('is true for %s', (_, error) => {
    expect(isStoreUnavailable(error)).toBe(true);
  });

  it.each([
    ['a failed condition', new ConditionalCheckFailedException({ message: 'no', ...metadata })],
    [
      'a request DynamoDB refuses (a key over its size)',
      Object.assign(new Error('Key too large'), {
        name: 'ValidationException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      }),
    ],
    ['a bug', new TypeError('x is undefined')],
    ['a service error', new ServiceError('NOT_FOUND', 'none')],
    ['not an error', 'ECONNREFUSED'],
  ])('is false for %s', (_, error) => {
    expect(isStoreUnavailable(error)).toBe(false);
  });
});

describe('raiseStoreUnavailable', () => {
  it.each(['sdk', 'lite'] as const)(
    'makes the %s client fail with UNAVAILABLE when its table is unreachable, the socket error as cause',
    async (kind) => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (address === null || typeof address === 'string') throw new Error('no port');
      const config = {
        endpoint: `http://127.0.0.1:${address.port}`,
        region: 'eu-west-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        maxAttempts: 1,
      };
      const client = kind === 'sdk' ? new DynamoDBClient(config) : undefined;
      const documents = client ? DynamoDBDocument.from(client) : liteDynamoDb(config);
      // Twice: the outer wrapper passes the inner one's ServiceError through unchanged.
      const reported = raiseStoreUnavailable(raiseStoreUnavailable(documents));

      const error = await reported.get({ TableName: 't', Key: { PK: 'a', SK: 'b' } }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      client?.destroy();

      expect(error).toBeInstanceOf(ServiceError);
      expect(error).toMatchObject({ code: 'UNAVAILABLE', message: STORE_UNAVAILABLE_MESSAGE });
      expect((error as Error).cause).not.toBeInstanceOf(ServiceError);
      expect(String((error as Error).cause)).toMatch(/ECONNREFUSED/);
    },
  );
});

describe('decodeCursor', () => {
  const table = { PK: 'ISSUER#northfield', SK: 'ACH#1' };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('reads back what encodeCursor wrote, for the table and for an index', () => {
    const indexed = { ...table, GSI1PK: 'LEARNER#ada', GSI1SK: '2026' };

    expect(decodeCursor(encodeCursor(table), { PK: 'ISSUER#northfield' })).toEqual(table);
    expect(decodeCursor(encodeCursor(indexed), { GSI1PK: 'LEARNER#ada' }, 'GSI1')).toEqual(indexed);
  });

  it.each([
    ['without its sort key', encode({ PK: 'ISSUER#northfield' })],
    ['with an attribute of another index', encode({ ...table, GSI2PK: 'x' })],
    ['of another partition', encode({ PK: 'ISSUER#other', SK: 'ACH#1' })],
    ['with a sort key over 1,024 bytes', encode({ PK: 'ISSUER#northfield', SK: 'é'.repeat(513) })],
    ['with an empty sort key', encode({ PK: 'ISSUER#northfield', SK: '' })],
    ['with a number', encode({ PK: 'ISSUER#northfield', SK: 1 })],
    ['of an array', encode(['ISSUER#northfield', 'ACH#1'])],
    ['not base64url', 'eyJQSyI6+/='],
    ['not JSON', Buffer.from('{"PK":').toString('base64url')],
    ['too long', 'A'.repeat(2001)],
  ])('refuses a cursor %s with VALIDATION', (_, cursor) => {
    expect(() => decodeCursor(cursor, { PK: 'ISSUER#northfield' })).toThrow(
      expect.objectContaining({
        code: 'VALIDATION',
        fields: [expect.objectContaining({ pointer: '/cursor' })],
      }),
    );
  });

  it('refuses a table cursor where an index cursor is expected', () => {
    expect(() => decodeCursor(encodeCursor(table), {}, 'GSI1')).toThrow(ServiceError);
  });
});
