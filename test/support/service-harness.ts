import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet } from 'jose';
import { afterAll, beforeAll } from 'vitest';
import type { Logger } from '#functions/http/logging.ts';
import type { HttpLambdaHandler } from '#functions/http/router.ts';
import { buildLocalApp, type LocalApp } from '#local/app.ts';
import { type DevIssuer, loadOrCreateDevIssuer } from '#local/dev-tokens.ts';
import { localLiteOptions } from '#local/dynamodb-local.ts';
import { type HttpBridge, startHttpBridge } from '#local/http-bridge.ts';
import { localStreamHandlers } from '#local/stream-handlers.ts';
import { type StreamPoller, startStreamPoller } from '#local/stream-poller.ts';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { LocalKeyVault } from '#shared/adapters/key-files/local-key-vault.ts';
import { createJwtTokenVerifier } from '#shared/adapters/oidc/token-verifier.ts';
import type { Clock } from '#shared/core/clock.ts';
import { systemClock } from '#shared/core/clock.ts';
import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import type { KeyVault } from '#shared/domain/ports/repositories.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';
import { type TestDocuments, type TestTable, useDynamoDbLocal } from './dynamodb.ts';

/**
 * The issuer service as `npm start` runs it — the same route table, middleware and DynamoDB
 * stores, behind the same HTTP bridge — on DynamoDB Local and temporary key files, for API
 * integration tests. Each `start()` gets a fresh table.
 */
export interface ServiceHarness {
  readonly url: string;
  readonly ctx: ServiceContext;
  /** The table the service runs on, for tests that look at items the ports do not return. */
  readonly table: { readonly documents: TestDocuments; readonly name: string };
  readonly tokens: DevIssuer;
  /** JSON request helper: returns status, headers and the parsed body. */
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
    // biome-ignore lint/suspicious/noExplicitAny: responses are asserted structurally by the tests
  ): Promise<{ status: number; headers: Headers; body: any }>;
  /**
   * With `streams: true`: resolves once every stream record written before the call has been
   * handled by the stream consumers (as `npm start` runs them).
   */
  drained(): Promise<void>;
}

export function useService(
  options: {
    vault?: (dir: string) => KeyVault;
    clock?: Clock;
    statusListSize?: number;
    /** Run the stream consumers on the table's stream, as `npm start` does. */
    streams?: boolean;
    /** Where the verifier and imports by URL reach the network (default: nowhere). */
    network?: Fetcher;
    /**
     * The client the service's stores use (default: the test table's own), e.g. one reaching
     * DynamoDB Local through a relay the test can break.
     */
    documents?: (db: TestTable) => Promise<TestDocuments>;
    /** Receives the service's log entries (default: dropped). */
    logger?: Logger;
  } = {},
): () => ServiceHarness {
  const db = useDynamoDbLocal();
  let dir: string;
  let bridge: HttpBridge | undefined;
  let harness: ServiceHarness | undefined;
  let poller: StreamPoller | undefined;
  let app: LocalApp | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'credstack-service-'));
    const tableName = await db.newTable();
    // Listen first on a port the system picks, then build the app for that address: the base
    // URL is part of every issuer's DID, so it must be known before anything is created.
    let route: HttpLambdaHandler | undefined;
    bridge = await startHttpBridge({
      port: 0,
      handler: (event) => {
        if (!route) throw new Error('the service is still starting');
        return route(event);
      },
    });
    const baseUrl = bridge.url;
    const vault = options.vault
      ? options.vault(join(dir, 'keys'))
      : new LocalKeyVault({ dir: join(dir, 'keys') });
    const tokens = await loadOrCreateDevIssuer(dir);
    app = buildLocalApp({
      documents: options.documents ? await options.documents(db) : db.documents,
      tableName,
      vault,
      baseUrl,
      clock: options.clock ?? systemClock,
      tokenVerifier: createJwtTokenVerifier({
        issuer: tokens.issuer,
        audience: tokens.audience,
        jwks: createLocalJWKSet(tokens.jwks),
      }),
      network: options.network ?? new StaticFetcher({}),
      health: async () => ({ ok: true }),
      logger: options.logger ?? { log: () => {} },
      ...(options.statusListSize ? { statusListSize: options.statusListSize } : {}),
      // As `npm start`: the verification workers read their status lists' revisions
      // themselves. A suite that brings its own client keeps every read on it.
      ...(options.documents ? {} : { workerTable: localLiteOptions(db.endpoint) }),
    });
    const { ctx, handler } = app;
    route = handler;
    if (options.streams) {
      poller = await startStreamPoller({
        clientConfig: db.clientConfig,
        tableName,
        handler: localStreamHandlers(ctx),
        intervalMs: 25,
        retryBackoffMs: 20,
        log: () => {},
      });
    }
    harness = {
      async drained() {
        if (!poller) throw new Error('useService({ streams: true }) runs the stream consumers');
        await poller.drained();
      },
      url: baseUrl,
      ctx,
      table: { documents: db.documents, name: tableName },
      tokens,
      async call(method, path, callOptions = {}) {
        const response = await fetch(`${baseUrl}${path}`, {
          method,
          headers: {
            ...(callOptions.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(callOptions.token ? { authorization: `Bearer ${callOptions.token}` } : {}),
            ...callOptions.headers,
          },
          ...(callOptions.body !== undefined ? { body: JSON.stringify(callOptions.body) } : {}),
        });
        const text = await response.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        return { status: response.status, headers: response.headers, body };
      },
    };
  }, 120_000);
  afterAll(async () => {
    await poller?.stop();
    await bridge?.close();
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (!harness) throw new Error('the service is not started');
    return harness;
  };
}
