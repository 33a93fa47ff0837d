import { resolve } from 'node:path';
import { onShutdown } from './lifecycle.ts';
import { OpenSearchNodeError, startOpenSearchNode } from './opensearch-node.ts';

/**
 * `npm run opensearch`: one real OpenSearch node on loopback in the foreground, data under
 * .data/opensearch (kept between runs), until Ctrl-C. OPENSEARCH_PORT picks the HTTP port
 * (default 9200; 0 for any free one). Point the contract tests or a script at it with
 * OPENSEARCH_URL=http://127.0.0.1:9200.
 */

const port = Number(process.env.OPENSEARCH_PORT ?? 9200);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write(
    `OPENSEARCH_PORT must be a TCP port number, not ${process.env.OPENSEARCH_PORT}\n`,
  );
  process.exit(2);
}
process.stdout.write('starting OpenSearch (resolving it with Maven on the first run)…\n');
try {
  const node = await startOpenSearchNode({
    home: resolve('.data/opensearch/home'),
    data: resolve('.data/opensearch/data'),
    port,
  });
  onShutdown([async () => node.stop()]);
  process.stdout.write(`OpenSearch is running at ${node.url} (pid ${node.pid}); Ctrl-C stops it\n`);
} catch (error) {
  process.stderr.write(`${error instanceof OpenSearchNodeError ? error.message : String(error)}\n`);
  process.exit(1);
}
