import { createServer } from 'node:net';

/**
 * A TCP port free on loopback right now, chosen by the system (listen on 0, read it, close).
 * Another process may take it before the caller binds it: callers that can, bind port 0
 * themselves; this is for programs that must be told a port (DynamoDB Local, a child runtime).
 *
 * @example
 * const port = await freePort();
 */
export async function freePort(): Promise<number> {
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
