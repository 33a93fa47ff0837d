import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseJsonSafely } from '#shared/core/safe-json.ts';
import { bakePng, extractFromPng } from '#shared/credentials/bake/png.ts';
import { bakeSvg, extractFromSvg } from '#shared/credentials/bake/svg.ts';
import { readCredentialInput } from '#shared/credentials/verify/input.ts';
import { SAMPLE_JWS, tinyPng } from '#test/support/bake-fixtures.ts';
import { ob3Path, readOb3Text } from '#test/support/ob3-data.ts';
import { requireOb3Data } from '#test/support/require-ob3-data.ts';

const FIXTURES = ['1edtech-validator', 'test-fixtures', 'ob30'] as const;
const OB_TYPE = ['VerifiableCredential', 'OpenBadgeCredential'];

const CASES = [
  { file: 'simple-json.png', kind: 'json', id: 'http://example.com/credentials/3527' },
  { file: 'simple-jwt.png', kind: 'jwt', id: 'http://example.com/credentials/3527' },
  { file: 'simple-jwt_v1.png', kind: 'jwt', id: 'http://example.edu/credentials/3732' },
  { file: 'simple-json.svg', kind: 'json', id: 'http://example.com/credentials/3527' },
  { file: 'simple-jwt.svg', kind: 'jwt', id: 'http://example.com/credentials/3527' },
  { file: 'simple-jwt_v1.svg', kind: 'jwt', id: 'http://example.edu/credentials/3732' },
] as const;

/** The credential inside the text: the JSON itself, or a JWT payload (`vc` claim for VCDM 1.1). */
function credentialOf(text: string, kind: 'json' | 'jwt'): Record<string, unknown> {
  if (kind === 'json') return parseJsonSafely(text) as Record<string, unknown>;
  const payload = parseJsonSafely(
    Buffer.from(text.split('.')[1]!, 'base64url').toString('utf8'),
  ) as Record<string, unknown>;
  return (payload.vc ?? payload) as Record<string, unknown>;
}

async function extract(file: string): Promise<string> {
  return file.endsWith('.png')
    ? extractFromPng(new Uint8Array(await readFile(ob3Path(...FIXTURES, file))))
    : extractFromSvg(await readOb3Text(...FIXTURES, file));
}

if (requireOb3Data()) {
  describe('baked 1EdTech validator fixtures', () => {
    it.each(CASES)('$file carries a $kind credential with id $id', async ({ file, kind, id }) => {
      const bytes = new Uint8Array(await readFile(ob3Path(...FIXTURES, file)));

      const input = await readCredentialInput(bytes, { filename: file });

      expect(input.format).toBe(file.slice(-3));
      expect(input.embedded).toBe(kind);
      const credential = credentialOf(input.text, kind);
      expect(credential.id).toBe(id);
      expect(credential.type).toEqual(OB_TYPE);
    });

    it.each(CASES)('$file re-bakes into a fresh PNG and SVG unchanged', async ({ file }) => {
      const text = (await extract(file)).trim();

      const png = bakePng(tinyPng(), text);
      const svg = bakeSvg('<svg xmlns="http://www.w3.org/2000/svg"/>', text);

      expect(extractFromPng(png)).toBe(text);
      expect(extractFromSvg(svg)).toBe(text);
    });

    it.each(CASES)('$file takes a new credential in place of its own', async ({ file }) => {
      const rebaked = file.endsWith('.png')
        ? extractFromPng(
            bakePng(new Uint8Array(await readFile(ob3Path(...FIXTURES, file))), SAMPLE_JWS),
          )
        : extractFromSvg(bakeSvg(await readOb3Text(...FIXTURES, file), SAMPLE_JWS));

      expect(rebaked).toBe(SAMPLE_JWS);
    });
  });
}
