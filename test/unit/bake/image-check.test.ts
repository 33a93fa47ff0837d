import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileImageStore } from '#shared/adapters/files/image-store.ts';
import { checkBadgeImage } from '#shared/credentials/bake/image-check.ts';
import { MAX_BADGE_IMAGE_BYTES, uploadBadgeImage } from '#shared/domain/badge-images.ts';
import { ADMIN, memoryService, seedIssuer, useVaultDir } from '#test/support/memory-service.ts';

const vaultDir = useVaultDir();
const encode = (text: string) => new TextEncoder().encode(text);
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const svg = (body: string, attributes = '') =>
  `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"${attributes}>${body}</svg>`;

describe('checkBadgeImage', () => {
  it('accepts a PNG by its signature and a plain SVG with internal references and embedded rasters', () => {
    const safe = svg(
      '<defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs>' +
        '<rect width="10" height="10" fill="url(#g)"/><use href="#g"/>' +
        '<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>',
    );

    expect(checkBadgeImage(PNG, 'image/png')).toBeUndefined();
    expect(checkBadgeImage(encode(safe), 'image/svg+xml')).toBeUndefined();
  });

  it.each([
    ['a script', svg('<script>alert(1)</script>'), /script/],
    [
      'an event handler',
      svg('<rect width="1" height="1"/>', ' onload="alert(1)"'),
      /event handler: onload/,
    ],
    ['a foreignObject', svg('<foreignObject><p>hi</p></foreignObject>'), /foreignObject/],
    ['an external href', svg('<image href="https://tracker.example/x.png"/>'), /external resource/],
    ['an external xlink:href', svg('<use xlink:href="other.svg#a"/>'), /external resource/],
    [
      'an external url()',
      svg('<rect fill="url(https://x.example/p.svg#g)"/>'),
      /external resource: url/,
    ],
    [
      'a javascript: link',
      svg('<a href="#x"><rect/></a><a href="javascript:alert(1)"/>'),
      /external resource|javascript/,
    ],
    ['a style sheet', svg('<style>@import url(https://x.example/a.css);</style>'), /style sheet/],
    [
      'an animated link',
      svg('<a href="#a"><set attributeName="href" to="x"/></a>'),
      /animates a link/,
    ],
    ['a malformed document', '<svg xmlns="http://www.w3.org/2000/svg"><g></svg>', /well-formed/],
    ['HTML', '<html><body>hi</body></html>', /well-formed/],
  ])('refuses an SVG with %s, saying why', (_what, text, reason) => {
    expect(checkBadgeImage(encode(text), 'image/svg+xml')?.reason).toMatch(reason);
  });

  it('refuses a file whose bytes are not what its type says', () => {
    expect(checkBadgeImage(encode(svg('')), 'image/png')?.reason).toMatch(/not a PNG/);
    expect(checkBadgeImage(PNG, 'image/svg+xml')?.reason).toMatch(/UTF-8|PNG, not an SVG/);
    expect(checkBadgeImage(Uint8Array.from([0xff, 0xfe, 0x3c]), 'image/svg+xml')?.reason).toMatch(
      /UTF-8/,
    );
  });
});

describe('uploadBadgeImage', () => {
  it('keeps a checked image by its hash and refuses a too large or unsafe one, storing nothing', async () => {
    const ctx = memoryService(vaultDir());
    await seedIssuer(ctx, 'northfield', []);
    const upload = (contentType: 'image/png' | 'image/svg+xml', bytes: Uint8Array) =>
      uploadBadgeImage(ctx, ADMIN, 'northfield', {
        contentType,
        data: Buffer.from(bytes).toString('base64'),
      });

    const stored = await upload('image/png', PNG);
    const again = await upload('image/png', PNG);
    const big = new Uint8Array(MAX_BADGE_IMAGE_BYTES + 1);
    big.set(PNG);

    expect(stored.url).toMatch(
      /^https:\/\/issuer\.example\/issuers\/northfield\/uploads\/[0-9a-f]{64}\.png$/,
    );
    expect(again.name).toBe(stored.name);
    expect((await ctx.images?.get('northfield', stored.name))?.bytes).toEqual(PNG);
    await expect(upload('image/png', big)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await expect(upload('image/svg+xml', encode(svg('<script/>')))).rejects.toMatchObject({
      code: 'VALIDATION',
      fields: [{ pointer: '/data' }],
    });
    await expect(
      uploadBadgeImage(ctx, ADMIN, 'northfield', { contentType: 'image/png', data: '!!!' }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});

describe('FileImageStore', () => {
  it('writes and reads images under its folder, and names nothing outside it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'credstack-images-'));
    try {
      const store = new FileImageStore(dir);
      const name = `${'a'.repeat(64)}.png`;
      await store.put({ issuerId: 'northfield', name, contentType: 'image/png', bytes: PNG });

      expect(await store.get('northfield', name)).toEqual({
        issuerId: 'northfield',
        name,
        contentType: 'image/png',
        bytes: PNG,
      });
      expect(await store.get('northfield', `${'b'.repeat(64)}.png`)).toBeUndefined();
      await expect(store.get('..', name)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(store.get('northfield', '../../etc/passwd')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
