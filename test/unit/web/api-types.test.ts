import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { documentHash, SCHEMA_FILE } from '../../../scripts/gen-web-api.ts';
import { openApiDocument } from '../../../scripts/openapi-document.ts';
import { initialScripts } from '../../../scripts/web-size.ts';

/**
 * The web app's API types are generated from the service's OpenAPI document; when a route
 * changes and nobody regenerates them, this fails and says how to fix it.
 */
describe('the web app API types', () => {
  it('were generated from the OpenAPI document the routes build today', async () => {
    const header = (await readFile(SCHEMA_FILE, 'utf8')).split('\n', 1)[0];
    expect(header, 'run `npm run gen:web-api` and commit web/src/api/schema.d.ts').toBe(
      `// openapi-sha256: ${documentHash(openApiDocument())}`,
    );
  });

  it('describe every operation the app calls', () => {
    const paths = Object.keys(openApiDocument().paths as object);
    for (const path of [
      '/learners/{learnerId}/credentials',
      '/learners/{learnerId}/pathways',
      '/learners/{learnerId}/consent',
      '/candidates/search',
      '/candidates/export',
      '/credentials/verify',
    ])
      expect(paths).toContain(path);
  });
});

describe('the initial bundle measure', () => {
  it('counts the entry script and its module preloads, not lazy chunks or styles', () => {
    const html =
      '<script type="module" crossorigin src="/assets/index-a.js"></script>' +
      '<link rel="modulepreload" crossorigin href="/assets/vendor-b.js">' +
      '<link rel="stylesheet" crossorigin href="/assets/index-c.css">';
    expect(initialScripts(html)).toEqual(['/assets/index-a.js', '/assets/vendor-b.js']);
  });
});
