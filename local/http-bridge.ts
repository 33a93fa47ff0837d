import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { structuredLogger } from '#functions/observability.ts';
import { type GatewayReply, problemReply, toEvent, toReply } from '#local/api-gateway-mapping.ts';

/**
 * A local stand-in for an API Gateway HTTP API (payload format 2.0) in front of one Lambda
 * handler: each request becomes the event API Gateway would send and the handler's result
 * becomes the response API Gateway would give, so the handlers run unchanged on one machine.
 */

export type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

export interface HttpBridgeOptions {
  readonly handler: HttpHandler;
  /** Port to listen on; 0 picks a free one. */
  readonly port: number;
  /** Interface to bind; loopback by default so the dev server is never exposed. */
  readonly host?: string;
  /** Largest request body accepted (default 6 MiB, Lambda's synchronous payload limit). */
  readonly maxBodyBytes?: number;
  /**
   * Answers the requests that are not the API's (the dev sign-in provider, the app config):
   * returns true when it answered one (front.ts). Default: every request is the API's.
   */
  readonly front?: (request: IncomingMessage, response: ServerResponse) => boolean;
  /** Where failures of the handler are reported (default: the service's structured logger). */
  readonly onError?: (error: unknown, event: APIGatewayProxyEventV2 | undefined) => void;
}

export interface HttpBridge {
  /** Base URL, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  /** Stops accepting connections and resolves once in-flight requests have finished. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 6 * 1024 * 1024;
/**
 * Largest request head (request line and headers) accepted, fixed here rather than taken from
 * Node's `--max-http-header-size`, so a larger one gets the same 431 on every machine. Query
 * strings may carry a 2,000-character cursor, percent-encoded up to 24 KB: more than Node's
 * default 16 KiB.
 */
export const MAX_HEADER_BYTES = 64 * 1024;

/** Past this many discarded bytes an oversized upload is cut off instead of drained. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

type BodyOutcome = { readonly body: Buffer } | { readonly tooLarge: true };

/** Reads the body up to the cap; an oversized one is drained (bounded) so the client sees the 413. */
function readBody(request: IncomingMessage, maxBytes: number): Promise<BodyOutcome> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (tooLarge) {
        if (received > maxBytes + MAX_DRAIN_BYTES) request.destroy();
        return;
      }
      if (received > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () =>
      resolve(tooLarge ? { tooLarge: true } : { body: Buffer.concat(chunks) }),
    );
    request.on('error', reject);
  });
}

function send(response: ServerResponse, reply: GatewayReply, requestId: string): void {
  if (response.headersSent) return;
  // 204 and 304 carry no body, so neither a body nor a length may be sent with them.
  const bodiless = reply.statusCode === 204 || reply.statusCode === 304;
  response.writeHead(reply.statusCode, {
    ...reply.headers,
    'apigw-requestid': requestId,
    ...(bodiless ? {} : { 'content-length': String(reply.body.length) }),
  });
  response.end(bodiless ? undefined : reply.body);
}

/**
 * The raw HTTP/1.1 response for a request Node's parser refused before any handler ran: the
 * problem+json reply, then the connection closes (the parser cannot resync after bad input).
 */
function rawReply(reply: GatewayReply, reason: string): string {
  const head = [
    `HTTP/1.1 ${reply.statusCode} ${reason}`,
    ...Object.entries(reply.headers).map(([name, value]) => `${name}: ${value}`),
    `content-length: ${reply.body.length}`,
    'connection: close',
  ];
  return `${head.join('\r\n')}\r\n\r\n${reply.body.toString('utf8')}`;
}

/** What a parser error becomes: a head over the cap is a 431, any other malformed request a 400. */
function clientErrorReply(error: NodeJS.ErrnoException): string {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    const title = 'Request Header Fields Too Large';
    return rawReply(
      problemReply(431, title, `The request's headers exceed ${MAX_HEADER_BYTES} bytes.`),
      title,
    );
  }
  return rawReply(
    problemReply(400, 'Bad Request', 'The request is not valid HTTP/1.1.'),
    'Bad Request',
  );
}

function declaredTooLarge(request: IncomingMessage, maxBytes: number): boolean {
  const declared = Number(request.headers['content-length']);
  return Number.isFinite(declared) && declared > maxBytes;
}

/**
 * Starts the bridge and resolves once it listens.
 *
 * @example
 * const bridge = await startHttpBridge({ handler, port: 3000 });
 * console.log(`listening on ${bridge.url}`);
 * await bridge.close();
 */
export async function startHttpBridge(options: HttpBridgeOptions): Promise<HttpBridge> {
  const host = options.host ?? '127.0.0.1';
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const report =
    options.onError ??
    ((error: unknown, event: APIGatewayProxyEventV2 | undefined) => {
      structuredLogger().log({
        level: 'error',
        message: 'http-bridge: the handler failed',
        ...(event ? { method: event.requestContext.http.method, path: event.rawPath } : {}),
        error,
      });
    });

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const requestId = randomUUID();
    let event: APIGatewayProxyEventV2 | undefined;
    try {
      const outcome = await readBody(request, maxBytes);
      if ('tooLarge' in outcome) {
        send(
          response,
          problemReply(
            413,
            'Payload Too Large',
            `The request body exceeds ${maxBytes} bytes.`,
            request.url ?? '',
          ),
          requestId,
        );
        return;
      }
      event = toEvent(request, outcome.body, requestId, new Date());
      send(response, toReply(await options.handler(event)), requestId);
    } catch (error) {
      report(error, event);
      send(
        response,
        problemReply(
          500,
          'Internal Server Error',
          'The request could not be processed.',
          request.url ?? '',
        ),
        requestId,
      );
    }
  };

  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (request, response) => {
    if (options.front?.(request, response)) return;
    void handle(request, response);
  });
  // Refuse a declared oversized upload before the client sends it.
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (declaredTooLarge(request, maxBytes)) {
      response.setHeader('connection', 'close');
      send(
        response,
        problemReply(413, 'Payload Too Large', `The request body exceeds ${maxBytes} bytes.`),
        randomUUID(),
      );
      return;
    }
    response.writeContinue();
    void handle(request, response);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (socket.writable) socket.end(clientErrorReply(error));
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
