import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A DynamoDB endpoint on loopback that speaks the JSON 1.0 protocol and answers what a test
 * scripts, for unit tests of the SDK-free client and of the Lambda roots that use it: it
 * records every request (operation, headers, parsed body) and answers each operation with the
 * next scripted answer, or `{}` when none is left.
 */

export interface FakeRequest {
  /** `GetItem`, `TransactWriteItems`, … (from X-Amz-Target). */
  readonly operation: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

export type FakeAnswer =
  | { readonly status?: 200; readonly body: Record<string, unknown> }
  /** An error answer: `__type` names the error, as DynamoDB's do. */
  | { readonly status: number; readonly body: Record<string, unknown> | string }
  /** The connection is dropped before any answer. */
  | { readonly reset: true };

export interface FakeDynamoDb {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly requests: readonly FakeRequest[];
  /** Answers the next requests of `operation` in turn, one answer each. */
  answer(operation: string, ...answers: FakeAnswer[]): void;
  /** Forgets requests and scripted answers. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * Starts the fake endpoint.
 *
 * @example
 * const fake = await startFakeDynamoDb();
 * fake.answer('GetItem', { body: { Item: { PK: { S: 'a' } } } });
 */
export async function startFakeDynamoDb(): Promise<FakeDynamoDb> {
  const requests: FakeRequest[] = [];
  const scripted = new Map<string, FakeAnswer[]>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.slice(target.indexOf('.') + 1);
      const text = Buffer.concat(chunks).toString('utf8');
      requests.push({
        operation,
        headers: request.headers,
        body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
      });
      const next = scripted.get(operation)?.shift() ?? { body: {} };
      if ('reset' in next) {
        request.socket.destroy();
        return;
      }
      const body = typeof next.body === 'string' ? next.body : JSON.stringify(next.body);
      response
        .writeHead(next.status ?? 200, {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-requestid': `fake-${requests.length}`,
        })
        .end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    answer(operation, ...answers) {
      scripted.set(operation, [...(scripted.get(operation) ?? []), ...answers]);
    },
    reset() {
      requests.length = 0;
      scripted.clear();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
