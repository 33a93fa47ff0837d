import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type OpenSearchNode, startOpenSearchNode } from '#local/opensearch-node.ts';

/**
 * Global setup of the `opensearch` test tier: the cluster every file of the tier talks to,
 * started once per run. OPENSEARCH_URL names any cluster (a local one, an AWS domain or a
 * Serverless collection); without it a real OpenSearch node starts on loopback with its data in
 * a temporary folder, removed afterwards. A node that cannot start fails the tier with the cause
 * (no Maven, no Java, port taken, out of memory) rather than running against nothing.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** The cluster under test (OPENSEARCH_URL, or the local node). */
    opensearchUrl: string;
    /** Whether the cluster is the local node (no SigV4, plain HTTP). */
    opensearchLocal: boolean;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.OPENSEARCH_URL;
  if (given) {
    project.provide('opensearchUrl', given);
    project.provide('opensearchLocal', false);
    return async () => {};
  }
  const root = await mkdtemp(join(tmpdir(), 'credstack-opensearch-'));
  let node: OpenSearchNode;
  try {
    node = await startOpenSearchNode({ home: join(root, 'home'), data: join(root, 'data') });
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw new Error(
      `OpenSearch tier: ${error instanceof Error ? error.message : String(error)} ` +
        '(or set OPENSEARCH_URL to run it against another cluster)',
      { cause: error },
    );
  }
  project.provide('opensearchUrl', node.url);
  project.provide('opensearchLocal', true);
  return async () => {
    await node.stop();
    await rm(root, { recursive: true, force: true });
  };
}
