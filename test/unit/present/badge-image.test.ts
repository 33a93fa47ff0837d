import { crc32, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCredstackError } from '#shared/core/errors.ts';
import { bakePng, extractFromPng } from '#shared/credentials/bake/png.ts';
import { bakeSvg, extractFromSvg } from '#shared/credentials/bake/svg.ts';
import { BADGE_PALETTE, badgeColor, textColorOn } from '#shared/credentials/present/badge-color.ts';
import {
  BADGE_PNG_SIZE,
  badgePng,
  badgeSvg,
  escapeXml,
  wrapTitle,
} from '#shared/credentials/present/badge-image.ts';

const JWS = 'eyJhbGciOiJFZERTQSJ9.eyJ0eXBlIjpbIlZlcmlmaWFibGVDcmVkZW50aWFsIl19.c2lnbmF0dXJl';

interface PngChunk {
  readonly type: string;
  readonly data: Uint8Array;
  readonly crcMatches: boolean;
}

// An independent reader: walks the chunks and recomputes each CRC.
function readPng(png: Uint8Array): PngChunk[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: PngChunk[] = [];
  let offset = 8;
  while (offset < png.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crc = view.getUint32(offset + 8 + length);
    chunks.push({
      type,
      data,
      crcMatches: crc === crc32(png.subarray(offset + 4, offset + 8 + length)),
    });
    offset += 12 + length;
  }
  return chunks;
}

function pixelAt(png: Uint8Array, x: number, y: number): number[] {
  const idat = readPng(png).filter((chunk) => chunk.type === 'IDAT');
  const raw = inflateSync(Buffer.concat(idat.map((chunk) => chunk.data)));
  const start = y * (BADGE_PNG_SIZE * 4 + 1) + 1 + x * 4;
  return [...raw.subarray(start, start + 4)];
}

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isCredstackError(error) ? error.code : 'not a CredstackError';
  }
  return undefined;
}

describe('badgePng', () => {
  it('writes a PNG whose signature, chunk CRCs and IHDR are valid', () => {
    const png = badgePng({ title: 'Data Literacy' });

    const chunks = readPng(png);

    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(chunks.map((chunk) => chunk.type)).toEqual(['IHDR', 'iTXt', 'IDAT', 'IEND']);
    expect(chunks.every((chunk) => chunk.crcMatches)).toBe(true);
    const ihdr = new DataView(chunks[0]!.data.buffer, chunks[0]!.data.byteOffset, 13);
    expect([ihdr.getUint32(0), ihdr.getUint32(4)]).toEqual([256, 256]);
    expect([...chunks[0]!.data.subarray(8)]).toEqual([8, 6, 0, 0, 0]);
  });

  it('inflates to one filter byte 0 and 256 RGBA pixels per row', () => {
    const png = badgePng({ title: 'Data Literacy' });

    const idat = readPng(png).find((chunk) => chunk.type === 'IDAT')!;
    const raw = inflateSync(idat.data);

    expect(raw.length).toBe((256 * 4 + 1) * 256);
    for (let y = 0; y < 256; y++) expect(raw[y * (256 * 4 + 1)]).toBe(0);
  });

  it('draws a transparent corner, the badge colour and a star in the text colour', () => {
    const png = badgePng({ title: 'Data Literacy', color: '#0b5cad' });

    expect(pixelAt(png, 0, 0)).toEqual([0, 0, 0, 0]);
    expect(pixelAt(png, 128, 40)).toEqual([0x0b, 0x5c, 0xad, 255]);
    expect(pixelAt(png, 128, 128)).toEqual([255, 255, 255, 255]);
  });

  it('carries the title in an iTXt Title chunk', () => {
    const png = badgePng({ title: 'Données & <analyse>' });

    const itxt = readPng(png).find((chunk) => chunk.type === 'iTXt')!;

    expect(Buffer.from(itxt.data).toString('utf8')).toBe('Title\0\0\0\0\0Données & <analyse>');
  });

  it('round-trips a credential through bakePng and extractFromPng', () => {
    const png = badgePng({ title: 'Data Literacy' });

    const baked = bakePng(png, JWS);

    expect(extractFromPng(baked)).toBe(JWS);
    expect(readPng(baked).every((chunk) => chunk.crcMatches)).toBe(true);
  });

  it('is deterministic for the same input and differs by colour', () => {
    const a = badgePng({ title: 'Data Literacy', color: '#123456' });
    const b = badgePng({ title: 'Data Literacy', color: '#123456' });
    const c = badgePng({ title: 'Data Literacy', color: '#654321' });

    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('rejects an empty title and a colour that is not #rgb or #rrggbb', () => {
    expect(errorCode(() => badgePng({ title: '   ' }))).toBe('BUILD_INVALID');
    expect(errorCode(() => badgePng({ title: 'x', color: 'red' }))).toBe('BUILD_INVALID');
    expect(errorCode(() => badgePng({ title: 'x', color: '#12345' }))).toBe('BUILD_INVALID');
  });
});

describe('badgeSvg', () => {
  it('has a viewBox, role="img", an aria-label and a <title>', () => {
    const svg = badgeSvg({ title: 'Data Literacy', issuerName: 'Example Academy' });

    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 300"')).toBe(
      true,
    );
    expect(svg).toContain('role="img" aria-label="Data Literacy, issued by Example Academy"');
    expect(svg).toContain('<title>Data Literacy, issued by Example Academy</title>');
    expect(svg).toContain('<tspan x="150" y="149">Data Literacy</tspan>');
    expect(svg).toContain('>Example Academy</text>');
  });

  it('escapes <, &, and quotes in the title and issuer name', () => {
    const svg = badgeSvg({ title: `<R&D> "quoted" 'single'`, issuerName: `A&B "Co" <x>` });

    expect(svg).toContain(
      'aria-label="&lt;R&amp;D&gt; &quot;quoted&quot; &apos;single&apos;, issued by A&amp;B &quot;Co&quot; &lt;x&gt;"',
    );
    expect(svg).toContain(
      '<tspan x="150" y="133">&lt;R&amp;D&gt; &quot;quoted&quot;</tspan><tspan x="150" y="165">&apos;single&apos;</tspan>',
    );
    expect(svg).not.toContain('<R&D>');
    expect(svg).not.toContain('<x>');
  });

  it('wraps a long title to three lines ending with an ellipsis', () => {
    const svg = badgeSvg({
      title: 'Advanced Data Analysis and Visualisation with Python for Researchers',
      issuerName: 'Example Academy',
    });

    const lines = [...svg.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((match) => match[1]);

    expect(lines).toEqual(['Advanced Data', 'Analysis and', 'Visualisation…']);
  });

  it('bakes and extracts a VC-JWT and a JSON credential', () => {
    const svg = badgeSvg({ title: 'Data & <Literacy>', issuerName: 'Example Academy' });
    const json = '{"type":["VerifiableCredential"],"name":"a ]]> b"}';

    expect(extractFromSvg(bakeSvg(svg, JWS))).toBe(JWS);
    expect(extractFromSvg(bakeSvg(svg, json))).toBe(json);
  });

  it('stays bakeable for any title and issuer name', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (title, issuer) => {
        fc.pre(title.trim() !== '' && issuer.trim() !== '');
        const svg = badgeSvg({ title, issuerName: issuer });
        expect(extractFromSvg(bakeSvg(svg, JWS))).toBe(JWS);
        expect(svg.match(/<tspan/g)!.length).toBeLessThanOrEqual(3);
      }),
      { numRuns: 200 },
    );
  });

  it('picks the same palette colour for the same title, and dark text on a light colour', () => {
    const svg = badgeSvg({ title: 'Data Literacy', issuerName: 'X', color: '#ffee00' });

    expect(badgeColor('Data Literacy')).toBe(badgeColor('Data Literacy'));
    expect(BADGE_PALETTE).toContain(badgeColor('Data Literacy'));
    expect(svg).toContain('fill="#1f2328"');
    expect(textColorOn('#0b5cad')).toBe('#ffffff');
  });
});

describe('wrapTitle', () => {
  it('cuts a word longer than a line', () => {
    expect(wrapTitle('Supercalifragilistic', 8, 3)).toEqual(['Supercal', 'ifragili', 'stic']);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(wrapTitle('🏅🏅🏅🏅 ok', 4, 3)).toEqual(['🏅🏅🏅🏅', 'ok']);
  });
});

describe('escapeXml', () => {
  it('escapes markup characters and replaces characters XML forbids', () => {
    expect(escapeXml(`a<b>&"'\u0001`)).toBe('a&lt;b&gt;&amp;&quot;&apos;\uFFFD');
  });
});
