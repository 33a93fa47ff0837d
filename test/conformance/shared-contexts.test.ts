import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import jsonld from 'jsonld';
import ContextResolver from 'jsonld/lib/ContextResolver.js';
import { describe, expect, it } from 'vitest';
import { CLR_V2P0_CONTEXT_URL } from '#shared/credentials/jsonld/contexts.ts';
import {
  createDocumentLoader,
  type DocumentLoader,
  jsonLdOptionsFor,
} from '#shared/credentials/jsonld/document-loader.ts';
import { ob3Path, readOb3Json } from '#test/support/ob3-data.ts';
import { requireOb3Data } from '#test/support/require-ob3-data.ts';

/**
 * Every JSON-LD document of the standards data (1EdTech validator fixtures, the W3C VC 2.0 test
 * inputs, the vc-di-eddsa test vectors) canonicalizes to the same N-Quads, or fails with the
 * same error, whether contexts share their term definitions (credstack's calls, see
 * shared-contexts.ts) or are copied deeply (jsonld.js as shipped).
 */

const FOLDERS = [
  ['1edtech-validator', 'test-fixtures'],
  ['w3c', 'vc-data-model-2.0-test-suite-input'],
  ['w3c', 'vc-di-eddsa-TestVectors'],
] as const;

const OPTIONS = {
  safe: true,
  base: null,
  format: 'application/n-quads',
  canonizeOptions: { algorithm: 'RDFC-1.0', maxWorkFactor: 1 },
} as const;

async function jsonFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function outcome(promise: Promise<string>): Promise<string> {
  return promise.then(
    (nquads) => nquads,
    (error: { message?: string; details?: { code?: string; event?: { code?: string } } }) =>
      `error ${error.details?.code ?? error.details?.event?.code ?? ''}: ${error.message ?? ''}`,
  );
}

if (requireOb3Data()) {
  describe('shared active contexts on the standards data', () => {
    it('canonicalize every fixture exactly as jsonld.js does', async () => {
      const loader: DocumentLoader = createDocumentLoader(
        new Map<string, object>([
          [
            CLR_V2P0_CONTEXT_URL,
            await readOb3Json('1edtech-validator', 'contexts', 'clr-v2p0-2.0.1.json'),
          ],
          [
            'https://www.w3.org/ns/credentials/examples/v2',
            await readOb3Json('w3c', 'contexts', 'credentials-examples-v2.jsonld'),
          ],
        ]),
      );
      let canonicalized = 0;
      let compared = 0;
      for (const folder of FOLDERS) {
        for (const file of await jsonFiles(ob3Path(...folder))) {
          let document: unknown;
          try {
            document = JSON.parse(await readFile(file, 'utf8'));
          } catch {
            continue; // not JSON: nothing to canonicalize
          }
          if (typeof document !== 'object' || document === null || !('@context' in document))
            continue;
          const ours = await outcome(
            jsonld.canonize(structuredClone(document), { ...jsonLdOptionsFor(loader), ...OPTIONS }),
          );
          const library = await outcome(
            jsonld.canonize(structuredClone(document), {
              documentLoader: loader,
              contextResolver: new ContextResolver({ sharedCache: new Map() }),
              ...OPTIONS,
            }),
          );
          expect(ours, file).toBe(library);
          compared += 1;
          if (!ours.startsWith('error ')) canonicalized += 1;
        }
      }
      // The comparison covered the data, and most of it canonicalizes (the rest are fixtures
      // meant to fail, which must fail the same way).
      expect(compared).toBeGreaterThan(100);
      expect(canonicalized).toBeGreaterThan(50);
    });
  });
}
