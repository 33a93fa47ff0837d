import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bakePng,
  extractFromPng,
  PNG_CREDENTIAL_KEYWORD,
  PNG_SIGNATURE,
} from '#shared/credentials/bake/png.ts';
import type { VerificationReport } from '#shared/credentials/verify/report.ts';
import {
  createVerifier,
  type Verifier,
  type VerifierInput,
} from '#shared/credentials/verify/verifier.ts';
import { itxtChunk, tinyPng } from '#test/support/bake-fixtures.ts';
import {
  createIssuerFixture,
  fixtureClock,
  type IssuerFixture,
  serveIssuers,
} from '#test/support/issuer-fixture.ts';

/**
 * Whatever it is given, the verifier resolves to a report with one of the three verdicts;
 * and an altered credential is never valid unless the alteration changed nothing that
 * means anything (whitespace around JSON tokens or around a JWS).
 */

const RUNS = 100;
const VERDICTS = ['valid', 'invalid', 'unusable'];
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let issuer: IssuerFixture;
let verifier: Verifier;
let jwt: string;
let jwtBytes: Uint8Array;
let signed: Record<string, unknown>;
let signedBytes: Uint8Array;
let png: Uint8Array;

beforeAll(async () => {
  issuer = await createIssuerFixture({ domain: 'college.example' });
  verifier = createVerifier({ fetcher: serveIssuers([issuer]), clock: fixtureClock });
  jwt = await issuer.issueJwt(issuer.build({ credentialStatus: issuer.statusEntry(11) }));
  jwtBytes = encoder.encode(jwt);
  signed = await issuer.issueDataIntegrity(issuer.build());
  signedBytes = encoder.encode(JSON.stringify(signed));
  png = bakePng(tinyPng(), jwt);
  // The unaltered inputs are valid: the properties below are not vacuous.
  for (const input of [jwt, signed, png])
    expect((await verifier.verify(input)).verdict).toBe('valid');
});

/** Verifies and checks the report is well formed; a throw or rejection fails the property. */
async function reportFor(input: VerifierInput): Promise<VerificationReport> {
  const report = await verifier.verify(input);
  expect(VERDICTS).toContain(report.verdict);
  if (report.verdict === 'valid') {
    expect(report.decidingCheck).toBeUndefined();
  } else {
    const deciding = report.checks.find((check) => check.outcome === 'failed');
    expect(deciding?.id).toBe(report.decidingCheck);
    expect(deciding?.reason.length).toBeGreaterThan(10);
  }
  return report;
}

type Mutate = (bytes: Uint8Array) => Uint8Array;

const WHITESPACE = [0x20, 0x09, 0x0a, 0x0d];
const BASE64URL = encoder.encode(
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
);
const PRINTABLE = Uint8Array.from({ length: 0x7f - 0x20 }, (_, i) => 0x20 + i);

function insertAt(bytes: Uint8Array, n: number, insert: Uint8Array, remove = 0): Uint8Array {
  const at = n % (bytes.length + 1);
  const removed = Math.min(remove, bytes.length - at);
  const out = new Uint8Array(bytes.length - removed + insert.length);
  out.set(bytes.subarray(0, at));
  out.set(insert, at);
  out.set(bytes.subarray(at + removed), at + insert.length);
  return out;
}

/**
 * One edit of a byte string: truncate, flip bits of a byte, splice random bytes, insert
 * whitespace, or replace a byte with one of `alphabet` — the edit that keeps a JWS decodable
 * or JSON parseable, so that it reaches the signature checks instead of stopping at input.
 */
function editOf(alphabet: Uint8Array): fc.Arbitrary<Mutate> {
  return fc.oneof(
    fc.nat().map<Mutate>((n) => (bytes) => bytes.slice(0, n % bytes.length)),
    fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map<Mutate>(([n, mask]) => (bytes) => {
      const copy = bytes.slice();
      const at = n % copy.length;
      copy[at] = copy[at]! ^ mask;
      return copy;
    }),
    fc.tuple(fc.nat(), fc.nat({ max: 24 }), fc.uint8Array({ maxLength: 24 })).map<Mutate>(
      ([n, remove, insert]) =>
        (bytes) =>
          insertAt(bytes, n, insert, remove),
    ),
    fc.tuple(fc.nat(), fc.constantFrom(...WHITESPACE)).map<Mutate>(
      ([n, space]) =>
        (bytes) =>
          insertAt(bytes, n, Uint8Array.of(space)),
    ),
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.nat(), fc.constantFrom(...alphabet))
        .map<Mutate>(([n, byte]) => (bytes) => {
          const copy = bytes.slice();
          copy[n % copy.length] = byte;
          return copy;
        }),
    },
  );
}

/** Mostly one edit, sometimes two or three in a row. */
function mutationsOver(alphabet: Uint8Array): fc.Arbitrary<Mutate> {
  const edit = editOf(alphabet);
  return fc.oneof(
    { weight: 3, arbitrary: edit },
    {
      weight: 1,
      arbitrary: fc
        .array(edit, { minLength: 2, maxLength: 3 })
        .map<Mutate>((edits) => (bytes) => edits.reduce((current, step) => step(current), bytes)),
    },
  );
}

function sameJson(text: string, expected: unknown): boolean {
  try {
    return isDeepStrictEqual(JSON.parse(text), expected);
  } catch {
    return false;
  }
}

describe('verify: properties', () => {
  it('resolves random bytes to a report', async () => {
    const prefixes = [
      new Uint8Array(0),
      Uint8Array.from(PNG_SIGNATURE),
      encoder.encode('{'),
      encoder.encode('<svg'),
      encoder.encode('eyJ'),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...prefixes),
        fc.uint8Array({ maxLength: 2048 }),
        async (prefix, tail) => {
          const bytes = new Uint8Array(prefix.length + tail.length);
          bytes.set(prefix);
          bytes.set(tail, prefix.length);
          const report = await reportFor(bytes);
          expect(report.verdict).not.toBe('valid');
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('resolves random strings — arbitrary, JWS-shaped and JSON — to a report', async () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9_-]{0,60}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 512 }),
          fc.tuple(segment, segment, segment).map((parts) => `ey${parts.join('.')}`),
          fc.json({ maxDepth: 5 }),
        ),
        async (text) => {
          const report = await reportFor(text);
          expect(report.verdict).not.toBe('valid');
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('resolves random objects, and credentials with one member replaced, to a report', async () => {
    const members = Object.keys(signed);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.object({ maxDepth: 3 }),
          fc
            .tuple(fc.constantFrom(...members), fc.jsonValue({ maxDepth: 3 }))
            .map(([member, value]) => ({ ...signed, [member]: value })),
        ),
        async (input) => {
          const report = await reportFor(input);
          if (report.verdict === 'valid') expect(input).toEqual(signed);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('never reports a mutated VC-JWT valid unless only surrounding whitespace changed', async () => {
    await fc.assert(
      fc.asyncProperty(mutationsOver(BASE64URL), fc.boolean(), async (mutate, asText) => {
        const bytes = mutate(jwtBytes);
        const text = decoder.decode(bytes);
        const report = await reportFor(asText ? text : bytes);
        // Any change to the signed part (header.payload) or the signature must show.
        if (text.trim() !== jwt) expect(report.verdict).not.toBe('valid');
      }),
      { numRuns: RUNS },
    );
  });

  it('never reports a mutated Data Integrity credential valid unless it parses to the same JSON', async () => {
    await fc.assert(
      fc.asyncProperty(mutationsOver(PRINTABLE), async (mutate) => {
        const bytes = mutate(signedBytes);
        const report = await reportFor(bytes);
        const same = sameJson(decoder.decode(bytes), signed);
        if (!same) expect(report.verdict).not.toBe('valid');
        // Whitespace between tokens changes nothing the proof covers.
        if (same) expect(report.verdict).toBe('valid');
      }),
      { numRuns: RUNS },
    );
  });

  it('never reports a mutated baked PNG valid unless the baked credential is intact', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          // Edits of the file: the chunk CRCs catch nearly all of them.
          mutationsOver(PRINTABLE).map((mutate) => mutate(png)),
          // Edits of the baked JWS in a well-formed PNG (correct CRC): they reach the JWS checks.
          mutationsOver(BASE64URL).map((mutate) =>
            tinyPng([itxtChunk(PNG_CREDENTIAL_KEYWORD, mutate(jwtBytes))]),
          ),
        ),
        async (bytes) => {
          const report = await reportFor(bytes);
          if (report.verdict === 'valid') expect(extractFromPng(bytes).trim()).toBe(jwt);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
