import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CredstackError } from '#shared/core/errors.ts';
import { bakePng, extractFromPng, PNG_CREDENTIAL_KEYWORD } from '#shared/credentials/bake/png.ts';
import { bakeSvg, extractFromSvg } from '#shared/credentials/bake/svg.ts';
import { OB3_SVG_NAMESPACE } from '#shared/credentials/bake/svg-scanner.ts';
import { pngChunk, SAMPLE_JSON, SAMPLE_JWS, tinyPng } from '#test/support/bake-fixtures.ts';

/** Runs `action`: it may return a string or throw a CredstackError, nothing else. */
function outcome(action: () => string): 'ok' | 'refused' {
  try {
    expect(typeof action()).toBe('string');
    return 'ok';
  } catch (error) {
    if (error instanceof CredstackError) return 'refused';
    throw error;
  }
}

const BAKED_PNG = bakePng(tinyPng(), SAMPLE_JWS);
const BAKED_SVG = bakeSvg(
  '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><g><rect x="1"/></g></svg>',
  SAMPLE_JSON,
);

/** A byte string derived from a valid one by one edit. */
const pngMutation = fc.oneof(
  fc.nat().map((n) => (png: Uint8Array) => png.subarray(0, n % png.length)),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([n, mask]) => (png: Uint8Array) => {
    const copy = png.slice();
    copy[n % copy.length] = copy[n % copy.length]! ^ mask;
    return copy;
  }),
  fc
    .tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 }))
    .map(([n, bytes]) => (png: Uint8Array) => {
      const at = n % png.length;
      const out = new Uint8Array(png.length + bytes.length);
      out.set(png.subarray(0, at));
      out.set(bytes, at);
      out.set(png.subarray(at), at + bytes.length);
      return out;
    }),
);

const XML_PIECES = [
  '<',
  '>',
  '/',
  '/>',
  '</',
  '<svg',
  '</svg>',
  '<g>',
  '</g>',
  ' ',
  '\n',
  '=',
  '"',
  "'",
  '&',
  '&amp;',
  '&#x41;',
  '&#99999999;',
  ';',
  '<![CDATA[',
  ']]>',
  '<!--',
  '-->',
  '<?',
  '?>',
  '<!DOCTYPE svg ',
  '[',
  ']',
  '<!ENTITY',
  `xmlns:openbadges="${OB3_SVG_NAMESPACE}"`,
  'xmlns:ob="urn:x"',
  '<openbadges:credential',
  '</openbadges:credential>',
  ' verify=',
  'a.b.c',
  '{"a":1}',
  'x',
  '\ufeff',
];

describe('extractFromPng on hostile bytes', () => {
  it('only ever returns text or throws a CredstackError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.boolean(), (bytes, withSignature) => {
        const input = withSignature
          ? new Uint8Array([...BAKED_PNG.subarray(0, 8), ...bytes])
          : bytes;
        outcome(() => extractFromPng(input));
      }),
      { numRuns: 500 },
    );
  });

  it('only ever returns text or throws a CredstackError on truncated, flipped or padded PNGs', () => {
    fc.assert(
      fc.property(fc.array(pngMutation, { minLength: 1, maxLength: 3 }), (edits) => {
        const mutated = edits.reduce((png, edit) => edit(png), BAKED_PNG);
        outcome(() => extractFromPng(mutated));
        outcome(() => Buffer.from(bakePng(mutated, SAMPLE_JWS)).toString('latin1'));
      }),
      { numRuns: 1000 },
    );
  });

  it('copes with any iTXt body under the credential keyword, CRC kept valid', () => {
    const keyword = new TextEncoder().encode(`${PNG_CREDENTIAL_KEYWORD}\0`);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (body) => {
        const png = tinyPng([pngChunk('iTXt', new Uint8Array([...keyword, ...body]))]);
        outcome(() => extractFromPng(png));
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips any JSON credential text through a PNG', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (credential) => {
        const text = JSON.stringify(credential);
        expect(extractFromPng(bakePng(tinyPng(), text))).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});

describe('extractFromSvg on hostile text', () => {
  it('only ever returns text or throws a CredstackError on random strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        outcome(() => extractFromSvg(text));
        outcome(() => extractFromSvg(`<svg>${text}`));
      }),
      { numRuns: 500 },
    );
  });

  it('only ever returns text or throws a CredstackError on XML-like soup', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...XML_PIECES), { maxLength: 60 }), (pieces) => {
        const text = pieces.join('');
        outcome(() => extractFromSvg(text));
        outcome(() => bakeSvg(text, SAMPLE_JWS));
      }),
      { numRuns: 2000 },
    );
  });

  it('only ever returns text or throws a CredstackError on edited baked SVGs', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.nat({ max: 40 }),
        fc.constantFrom('', ...XML_PIECES),
        (at, cut, insert) => {
          const start = at % BAKED_SVG.length;
          const edited = BAKED_SVG.slice(0, start) + insert + BAKED_SVG.slice(start + cut);
          outcome(() => extractFromSvg(edited));
          outcome(() => extractFromSvg(edited.slice(0, start)));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('round-trips any JSON credential text through an SVG, "]]>" included', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.oneof(fc.string(), fc.constant(']]>')), fc.jsonValue()),
        (credential) => {
          const text = JSON.stringify(credential);
          expect(extractFromSvg(bakeSvg('<svg/>', text))).toBe(text);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('finishes quickly on long unterminated constructs', () => {
    const started = performance.now();
    for (const opener of ['<!--', '<![CDATA[', '<?', '<svg a="', '<svg><g ', '<!DOCTYPE svg "']) {
      outcome(() => extractFromSvg(`<svg>${opener}${'x'.repeat(2_000_000)}`));
      outcome(() => extractFromSvg(`${opener}${'&'.repeat(2_000_000)}`));
    }
    outcome(() => extractFromSvg(`<svg>${'<g>'.repeat(200_000)}`));
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
