import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { type StreamHandler, type StreamPoller, startStreamPoller } from '#local/stream-poller.ts';
import { useDynamoDbLocal } from '#test/support/dynamodb.ts';

const db = useDynamoDbLocal();

let poller: StreamPoller | undefined;
afterEach(async () => {
  await poller?.stop();
  poller = undefined;
});

const quietLog = () => {};

async function start(
  tableName: string,
  handler: StreamHandler,
  extra: {
    batchSize?: number;
    fromStart?: boolean;
    checkpointFile?: string;
    maxRetries?: number;
    onDiscard?: (e: DynamoDBStreamEvent, r: unknown) => void;
  } = {},
) {
  poller = await startStreamPoller({
    clientConfig: db.clientConfig,
    tableName,
    handler,
    intervalMs: 20,
    retryBackoffMs: 5,
    log: quietLog,
    ...extra,
  });
  return poller;
}

/** A handler that records every batch it receives. */
function recorder(
  answer: (event: DynamoDBStreamEvent, call: number) => DynamoDBBatchResponse | undefined = () =>
    undefined,
) {
  const batches: DynamoDBRecord[][] = [];
  const handler: StreamHandler = async (event) => {
    batches.push(event.Records);
    return answer(event, batches.length);
  };
  return { batches, handler };
}

const sk = (record: DynamoDBRecord | undefined) => record?.dynamodb?.Keys?.SK?.S;
const seq = (record: DynamoDBRecord | undefined) => record?.dynamodb?.SequenceNumber ?? '';

async function putItems(tableName: string, count: number) {
  for (let i = 1; i <= count; i += 1) {
    await db.documents.send(
      new PutCommand({ TableName: tableName, Item: { PK: 'P', SK: `item-${i}` } }),
    );
  }
}

describe('startStreamPoller', () => {
  it('delivers INSERT, MODIFY and REMOVE in order with new and old images, shaped as Lambda does', async () => {
    const table = await db.newTable();
    const { batches, handler } = recorder();
    const { Table } = await db.client.send(new DescribeTableCommand({ TableName: table }));
    const before = Math.floor(Date.now() / 1000);
    await start(table, handler);

    await db.documents.send(
      new PutCommand({
        TableName: table,
        Item: { PK: 'ISSUER#a', SK: 'PROFILE', name: 'A', logo: new Uint8Array([1, 2, 3]) },
      }),
    );
    await db.documents.send(
      new UpdateCommand({
        TableName: table,
        Key: { PK: 'ISSUER#a', SK: 'PROFILE' },
        UpdateExpression: 'SET #n = :n, tags = :t',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':n': 'B', ':t': ['x', 1, true, null, { deep: 'y' }] },
      }),
    );
    await db.documents.send(
      new DeleteCommand({ TableName: table, Key: { PK: 'ISSUER#a', SK: 'PROFILE' } }),
    );
    await poller?.drained();

    const records = batches.flat();
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    const [insert, modify, remove] = records;
    for (const record of records) {
      expect(record.eventSource).toBe('aws:dynamodb');
      expect(record.eventSourceARN).toBe(Table?.LatestStreamArn);
      // DynamoDB Local names its own region in the records and the stream ARN.
      expect(record.awsRegion).toBe(Table?.LatestStreamArn?.split(':')[3]);
      expect(record.eventVersion).toBe('1.1');
      expect(typeof record.eventID).toBe('string');
      expect(record.dynamodb?.Keys).toEqual({ PK: { S: 'ISSUER#a' }, SK: { S: 'PROFILE' } });
      expect(record.dynamodb?.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
      const created = record.dynamodb?.ApproximateCreationDateTime ?? 0;
      expect(Number.isInteger(created)).toBe(true);
      // Rounded down to the minute by DynamoDB Local (as the real stream did before 2023).
      expect(created).toBeGreaterThanOrEqual(before - 60);
      expect(created).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 1);
    }
    expect(insert?.dynamodb?.NewImage).toEqual({
      PK: { S: 'ISSUER#a' },
      SK: { S: 'PROFILE' },
      name: { S: 'A' },
      logo: { B: Buffer.from([1, 2, 3]).toString('base64') },
    });
    expect(insert?.dynamodb?.OldImage).toBeUndefined();
    expect(modify?.dynamodb?.OldImage?.name).toEqual({ S: 'A' });
    expect(modify?.dynamodb?.NewImage?.name).toEqual({ S: 'B' });
    expect(modify?.dynamodb?.NewImage?.tags).toEqual({
      L: [{ S: 'x' }, { N: '1' }, { BOOL: true }, { NULL: true }, { M: { deep: { S: 'y' } } }],
    });
    expect(remove?.dynamodb?.NewImage).toBeUndefined();
    expect(remove?.dynamodb?.OldImage?.name).toEqual({ S: 'B' });
    const sequence = records.map((r) => BigInt(seq(r)));
    expect(sequence[0]! < sequence[1]! && sequence[1]! < sequence[2]!).toBe(true);
  });

  it('starts at LATEST by default and from the oldest record with fromStart', async () => {
    const table = await db.newTable();
    await putItems(table, 2);
    const latest = recorder();
    const all = recorder();
    await start(table, latest.handler);
    const fromStart = await startStreamPoller({
      clientConfig: db.clientConfig,
      tableName: table,
      handler: all.handler,
      fromStart: true,
      intervalMs: 20,
      log: quietLog,
    });

    await db.documents.send(new PutCommand({ TableName: table, Item: { PK: 'P', SK: 'item-3' } }));
    await poller?.drained();
    await fromStart.drained();
    await fromStart.stop();

    expect(latest.batches.flat().map(sk)).toEqual(['item-3']);
    expect(all.batches.flat().map(sk)).toEqual(['item-1', 'item-2', 'item-3']);
  });

  it('delivers at most batchSize records per call', async () => {
    const table = await db.newTable();
    await putItems(table, 5);
    const { batches, handler } = recorder();

    await start(table, handler, { batchSize: 2, fromStart: true });
    await poller?.drained();

    expect(batches.map((batch) => batch.map(sk))).toEqual([
      ['item-1', 'item-2'],
      ['item-3', 'item-4'],
      ['item-5'],
    ]);
  });

  it('redelivers a partial batch failure from the first failed record', async () => {
    const table = await db.newTable();
    await putItems(table, 4);
    const { batches, handler } = recorder((event, call) =>
      call === 1
        ? {
            batchItemFailures: [
              { itemIdentifier: seq(event.Records[3]) },
              { itemIdentifier: seq(event.Records[1]) },
            ],
          }
        : { batchItemFailures: [] },
    );

    await start(table, handler, { fromStart: true });
    await poller?.drained();

    expect(batches.map((batch) => batch.map(sk))).toEqual([
      ['item-1', 'item-2', 'item-3', 'item-4'],
      ['item-2', 'item-3', 'item-4'],
    ]);
  });

  it('retries the whole batch after a handler error', async () => {
    const table = await db.newTable();
    await putItems(table, 2);
    const { batches, handler } = recorder((_event, call) => {
      if (call <= 2) throw new Error('transient');
      return undefined;
    });

    await start(table, handler, { fromStart: true });
    await poller?.drained();

    expect(batches.map((batch) => batch.map(sk))).toEqual([
      ['item-1', 'item-2'],
      ['item-1', 'item-2'],
      ['item-1', 'item-2'],
    ]);
  });

  it('discards a record that keeps failing after the retries and goes on', async () => {
    const table = await db.newTable();
    await putItems(table, 3);
    const discarded: { records: (string | undefined)[]; reason: unknown }[] = [];
    const { batches, handler } = recorder((event) => {
      const poison = event.Records.find((record) => sk(record) === 'item-2');
      return { batchItemFailures: poison ? [{ itemIdentifier: seq(poison) }] : [] };
    });

    await start(table, handler, {
      fromStart: true,
      batchSize: 1,
      maxRetries: 2,
      onDiscard: (event, reason) => discarded.push({ records: event.Records.map(sk), reason }),
    });
    await poller?.drained();

    expect(batches.map((batch) => batch.map(sk))).toEqual([
      ['item-1'],
      ['item-2'],
      ['item-2'],
      ['item-2'],
      ['item-3'],
    ]);
    expect(discarded).toEqual([
      { records: ['item-2'], reason: 'the handler reported batchItemFailures' },
    ]);
  });

  it('treats an unknown item identifier as a failure of the whole batch', async () => {
    const table = await db.newTable();
    await putItems(table, 2);
    const { batches, handler } = recorder((_event, call) => ({
      batchItemFailures: call === 1 ? [{ itemIdentifier: 'not-a-sequence-number' }] : [],
    }));

    await start(table, handler, { fromStart: true });
    await poller?.drained();

    expect(batches.map((batch) => batch.map(sk))).toEqual([
      ['item-1', 'item-2'],
      ['item-1', 'item-2'],
    ]);
  });

  it('stops polling after stop()', async () => {
    const table = await db.newTable();
    const { batches, handler } = recorder();
    const running = await start(table, handler);
    await putItems(table, 1);
    await running.drained();

    await running.stop();
    await db.documents.send(
      new PutCommand({ TableName: table, Item: { PK: 'P', SK: 'after-stop' } }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(batches.flat().map(sk)).toEqual(['item-1']);
    await expect(running.drained()).resolves.toBeUndefined();
  });

  describe('with a checkpoint file', () => {
    const checkpointFile = async () =>
      join(await mkdtemp(join(tmpdir(), 'credstack-checkpoints-')), 'stream-checkpoints.json');

    it('resumes after the last handled record, also with records written while it was stopped', async () => {
      const table = await db.newTable();
      const file = await checkpointFile();
      const first = recorder();
      const running = await start(table, first.handler, { checkpointFile: file });
      await putItems(table, 3);
      await running.drained();
      await running.stop();
      await db.documents.send(
        new PutCommand({ TableName: table, Item: { PK: 'P', SK: 'while-stopped' } }),
      );

      const second = recorder();
      const resumed = await start(table, second.handler, { checkpointFile: file });
      await resumed.drained();

      expect(first.batches.flat().map(sk)).toEqual(['item-1', 'item-2', 'item-3']);
      expect(second.batches.flat().map(sk)).toEqual(['while-stopped']);
      const saved = JSON.parse(await readFile(file, 'utf8'));
      expect(Object.values(saved.shards)).toEqual([seq(second.batches.flat()[0])]);
    });

    it('delivers again what the handler never finished (at least once)', async () => {
      const table = await db.newTable();
      const file = await checkpointFile();
      let calls = 0;
      const failing: StreamHandler = async () => {
        calls += 1;
        throw new Error('the process dies before the handler returns');
      };
      const running = await start(table, failing, { checkpointFile: file, maxRetries: 1000 });
      await putItems(table, 2);
      while (calls < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      await running.stop();

      const after = recorder();
      const resumed = await start(table, after.handler, { checkpointFile: file });
      await resumed.drained();

      expect(after.batches.flat().map(sk)).toEqual(['item-1', 'item-2']);
    });

    it('reads from the oldest record after a start that handled nothing yet', async () => {
      const table = await db.newTable();
      const file = await checkpointFile();
      // The first start begins at LATEST, but records the file at once.
      const idle = await start(table, recorder().handler, { checkpointFile: file });
      await idle.stop();
      await putItems(table, 2);

      const after = recorder();
      const resumed = await start(table, after.handler, { checkpointFile: file });
      await resumed.drained();

      expect(after.batches.flat().map(sk)).toEqual(['item-1', 'item-2']);
    });

    it('ignores the checkpoints of another stream and refuses a corrupt file', async () => {
      const table = await db.newTable();
      const file = await checkpointFile();
      await writeFile(
        file,
        JSON.stringify({
          streamArn: 'arn:aws:dynamodb:x:0:table/old/stream/1',
          shards: { s: '9' },
        }),
      );
      await putItems(table, 1);
      const fresh = recorder();
      const running = await start(table, fresh.handler, { checkpointFile: file });
      await db.documents.send(new PutCommand({ TableName: table, Item: { PK: 'P', SK: 'new' } }));
      await running.drained();
      await running.stop();
      // Another stream's file counts as no file: LATEST, as on a first start.
      expect(fresh.batches.flat().map(sk)).toEqual(['new']);
      expect(JSON.parse(await readFile(file, 'utf8')).shards.s).toBeUndefined();

      await writeFile(file, '{"streamArn": 42');
      await expect(start(table, recorder().handler, { checkpointFile: file })).rejects.toThrow(
        'is not JSON',
      );
      poller = undefined;
    });
  });

  it('refuses a table without a stream', async () => {
    const table = `no-stream-${Date.now()}`;
    await db.client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
      }),
    );

    await expect(start(table, recorder().handler)).rejects.toThrow(
      `table ${table} has no stream enabled`,
    );
    poller = undefined;
  });
});
