import { describe, expect, it } from 'vitest';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { prefersHtml } from '#shared/credentials/present/accept.ts';
import {
  badgeImageFor,
  MAX_BADGE_IMAGE_BYTES,
} from '#shared/credentials/present/badge-image-source.ts';
import { readCredentialView } from '#shared/credentials/present/credential-view.ts';

function viewWithImage(image?: string) {
  return readCredentialView({
    issuer: { id: 'did:web:college.example', name: 'Example College' },
    credentialSubject: { achievement: { name: 'Data Literacy', ...(image ? { image } : {}) } },
  });
}

const PNG_BYTES = Buffer.from('89504e470d0a1a0a0000', 'hex');

describe('badgeImageFor', () => {
  it('decodes an embedded raster data URL', async () => {
    const image = await badgeImageFor(
      viewWithImage(`data:image/png;base64,${PNG_BYTES.toString('base64')}`),
    );

    expect([image.source, image.contentType]).toEqual(['embedded', 'image/png']);
    expect(Buffer.from(image.body as Uint8Array).equals(PNG_BYTES)).toBe(true);
  });

  it('draws instead of serving an embedded SVG from the service origin', async () => {
    const image = await badgeImageFor(viewWithImage('data:image/svg+xml;base64,PHN2Zy8+'));

    expect([image.source, image.contentType]).toEqual(['drawn', 'image/svg+xml']);
    expect(image.body).toContain('Data Literacy');
  });

  it('fetches a hosted raster image, and draws for an oversized or failing one', async () => {
    const network = new StaticFetcher({
      'https://img.example/ok.png': { body: PNG_BYTES, contentType: 'image/png; charset=binary' },
      'https://img.example/huge.png': {
        body: new Uint8Array(MAX_BADGE_IMAGE_BYTES + 1),
        contentType: 'image/png',
      },
      'https://img.example/gone.png': { body: 'gone', contentType: 'image/png', status: 404 },
    });

    const sources = await Promise.all(
      ['ok', 'huge', 'gone', 'missing'].map(
        async (name) =>
          (await badgeImageFor(viewWithImage(`https://img.example/${name}.png`), { network }))
            .source,
      ),
    );

    expect(sources).toEqual(['hosted', 'drawn', 'drawn', 'drawn']);
  });

  it("never fetches the service's own URLs, nor anything without a network", async () => {
    const network = new StaticFetcher({});

    const own = await badgeImageFor(
      viewWithImage('https://service.example/issuers/a/images/x.svg'),
      {
        network,
        ownBaseUrl: 'https://service.example',
      },
    );
    const offline = await badgeImageFor(viewWithImage('https://img.example/ok.png'));

    expect([own.source, offline.source, network.requests]).toEqual(['drawn', 'drawn', []]);
  });
});

describe('prefersHtml', () => {
  it.each([
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['text/html', true],
    ['application/json', false],
    ['application/problem+json, text/html;q=0.5', false],
    ['*/*', false],
    ['text/html;q=0', false],
    [undefined, false],
  ])('%s → %s', (accept, expected) => {
    expect(prefersHtml(accept)).toBe(expected);
  });
});
