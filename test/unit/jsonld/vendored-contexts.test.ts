import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CLR_V2P0_CONTEXT_URL, KNOWN_CONTEXTS } from '#shared/credentials/jsonld/contexts.ts';
import { ob3Path } from '#test/support/ob3-data.ts';
import { requireOb3Data } from '#test/support/require-ob3-data.ts';

/**
 * The CLR 2.0.1 context is vendored (no npm package ships it): pinned by SHA-256 so that no
 * byte changes unnoticed, and served for its URL exactly as the file reads.
 */

const VENDORED = new URL(
  '../../../shared/credentials/jsonld/vendor/clr-v2p0-context-2.0.1.json',
  import.meta.url,
);
const PINNED_SHA256 = '880f1902d4158f2f33ce06af41b90719977cd1ea337a9de2e41edb3ff5e543d6';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('the vendored CLR 2.0.1 context', () => {
  it('has the pinned SHA-256, which its README records with the origin', async () => {
    const readme = await readFile(new URL('README.md', VENDORED), 'utf8');

    expect(sha256(await readFile(VENDORED))).toBe(PINNED_SHA256);
    expect(readme).toContain(PINNED_SHA256);
    expect(readme).toContain(CLR_V2P0_CONTEXT_URL);
  });

  it('is the document served for the CLR 2.0.1 URL', async () => {
    const document = JSON.parse(await readFile(VENDORED, 'utf8'));

    expect(KNOWN_CONTEXTS.get(CLR_V2P0_CONTEXT_URL)).toEqual(document);
  });

  if (requireOb3Data()) {
    it('is byte for byte the copy the 1EdTech validator caches', async () => {
      const reference = await readFile(
        ob3Path('1edtech-validator', 'contexts', 'clr-v2p0-2.0.1.json'),
      );

      expect(sha256(reference)).toBe(PINNED_SHA256);
    });
  }
});
