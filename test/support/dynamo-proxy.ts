import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An HTTP relay between the service and DynamoDB Local that a test can break: `down()` stops
 * listening and drops every connection (the client then gets ECONNREFUSED, as when DynamoDB is
 * stopped), `failAfter(n)` relays `n` more requests and then resets the connection of every
 * later one (an outage in the middle of an operation), `up()` restores it. DynamoDB Local keeps
 * its data throughout, so the test can look at what was written.
 */
export interface DynamoProxy {
  /** `http://127.0.0.1:<port>`, the endpoint to give the service's client. */
  readonly endpoint: string;
  /** Requests relayed so far. */
  readonly relayed: number;
  down(): Promise<void>;
  up(): Promise<void>;
  failAfter(requests: number): void;
  close(): Promise<void>;
}

export async function startDynamoProxy(upstream: string): Promise<DynamoProxy> {
  const target = new URL(upstream);
  const sockets = new Set<Socket>();
  let relayed = 0;
  let budget = Number.POSITIVE_INFINITY;
  const server: Server = createServer((req, res) => {
    if (budget <= 0) {
      req.socket.destroy();
      return;
    }
    budget -= 1;
    relayed += 1;
    const forward = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => req.socket.destroy());
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  const drop = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get relayed() {
      return relayed;
    },
    async down() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      drop();
      await closed;
    },
    async up() {
      budget = Number.POSITIVE_INFINITY;
      if (!server.listening) await listen(port);
    },
    failAfter(requests) {
      budget = requests;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      drop();
      await closed;
    },
  };
}
