import type { Context, DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { Logger } from '#functions/observability.ts';
import { streamConsumer } from '#functions/streams/stream-consumer.ts';
import { noteDiagnostic } from '#shared/core/diagnostics.ts';

const records = (...sequences: (string | undefined)[]): DynamoDBRecord[] =>
  sequences.map((sequence) => ({
    eventName: 'INSERT',
    dynamodb: {
      Keys: { PK: { S: `K#${sequence}` }, SK: { S: 'X' } },
      ...(sequence === undefined ? {} : { SequenceNumber: sequence }),
    },
  }));

function collecting(): Logger & { entries: Record<string, unknown>[] } {
  const entries: Record<string, unknown>[] = [];
  return { entries, log: (entry) => entries.push({ ...entry }) };
}

const sequenceOf = (record: DynamoDBRecord) => record.dynamodb?.SequenceNumber ?? '';

describe('the partial-batch loop of the stream consumers', () => {
  it('handles records one at a time in stream order and reports only those that failed', async () => {
    const logger = collecting();
    const order: string[] = [];
    let running = 0;
    let overlapped = false;
    const consumer = streamConsumer({
      name: 'test',
      logger,
      batch: () => async (record) => {
        running += 1;
        overlapped ||= running > 1;
        await new Promise((resolve) => setTimeout(resolve, 1));
        order.push(sequenceOf(record));
        running -= 1;
        if (sequenceOf(record) === '2') throw new Error('table unreachable');
      },
    });

    const response = await consumer({ Records: records('1', '2', '3') });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
    expect(order).toEqual(['1', '2', '3']);
    expect(overlapped).toBe(false);
  });

  it('logs each failure with its cause, the consumer and the batch correlation id', async () => {
    const logger = collecting();
    const consumer = streamConsumer({
      name: 'test',
      logger,
      batch: () => async () => {
        throw new Error('re-evaluation failed', { cause: new Error('ThrottlingException') });
      },
    });

    await consumer({ Records: records('7') }, { awsRequestId: 'req-1' } as Context);

    expect(logger.entries).toHaveLength(1);
    expect(logger.entries[0]).toMatchObject({
      level: 'error',
      consumer: 'test',
      correlationId: 'req-1',
      sequenceNumber: '7',
      eventName: 'INSERT',
    });
    const error = logger.entries[0]?.error as Error;
    expect(error.message).toBe('re-evaluation failed');
    expect((error.cause as Error).message).toBe('ThrottlingException');
  });

  it('reports a batch that failed entirely instead of throwing, and an unnamed failure as the whole batch', async () => {
    const consumer = streamConsumer({
      name: 'test',
      logger: collecting(),
      batch: () => async () => {
        throw new Error('down');
      },
    });

    expect(await consumer({ Records: records('1', '2') })).toEqual({
      batchItemFailures: [{ itemIdentifier: '1' }, { itemIdentifier: '2' }],
    });
    expect(await consumer({ Records: records('1', undefined) })).toEqual({
      batchItemFailures: [{ itemIdentifier: '1' }, { itemIdentifier: '' }],
    });
  });

  it('plans each batch from all its records, and logs the diagnostics noted while handling one', async () => {
    const logger = collecting();
    const seen: string[][] = [];
    const consumer = streamConsumer({
      name: 'test',
      logger,
      batch: (all) => {
        seen.push(all.map(sequenceOf));
        return async () => noteDiagnostic('the key could not be fetched', new Error('refused'));
      },
    });

    const response = await consumer({ Records: records('1', '2') });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([['1', '2']]);
    expect(logger.entries).toHaveLength(2);
    expect(logger.entries[0]).toMatchObject({
      level: 'warn',
      consumer: 'test',
      message: 'the key could not be fetched',
      error: { message: 'refused' },
    });
    // Without a Lambda context, one fresh id per batch ties its entries together.
    expect(logger.entries[0]?.correlationId).toEqual(logger.entries[1]?.correlationId);
    expect(logger.entries[0]?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an empty batch with no failures', async () => {
    const consumer = streamConsumer({
      name: 'test',
      logger: collecting(),
      batch: () => async () => {},
    });

    expect(await consumer({ Records: [] })).toEqual({ batchItemFailures: [] });
  });
});
