import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { bakePng } from '#shared/credentials/bake/png.ts';
import type { SigningAlgorithm } from '#shared/credentials/crypto/signer.ts';
import type { CheckId, Verdict, VerificationReport } from '#shared/credentials/verify/report.ts';
import {
  createVerifier,
  type Verifier,
  type VerifierInput,
} from '#shared/credentials/verify/verifier.ts';
import { tinyPng } from '#test/support/bake-fixtures.ts';
import {
  createIssuerFixture,
  fixtureClock,
  type IssuerFixture,
  publicKeyPem,
  serveIssuers,
} from '#test/support/issuer-fixture.ts';

/**
 * Hostile and broken input: every case yields a report — never a throw — whose verdict,
 * deciding check and reason say what is wrong.
 */

let college: IssuerFixture;
let other: IssuerFixture;
let verifier: Verifier;
let credential: Record<string, unknown>;
let jwt: string;
let payload: Record<string, unknown>;

beforeAll(async () => {
  [college, other] = await Promise.all([
    createIssuerFixture({ domain: 'college.example' }),
    createIssuerFixture({ domain: 'other.example', name: 'Other Institute' }),
  ]);
  verifier = createVerifier({ fetcher: serveIssuers([college, other]), clock: fixtureClock });
  credential = college.build({ credentialStatus: college.statusEntry(3) });
  jwt = await college.issueJwt(credential);
  payload = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
});

function b64(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString(
    'base64url',
  );
}

/** A JWS over `header` and `payload`, signed with a key of the issuer (or another signer). */
async function signJws(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  issuer: IssuerFixture = college,
  algorithm: SigningAlgorithm = 'ES256',
): Promise<string> {
  const signingInput = `${b64(header)}.${b64(claims)}`;
  const signature = await issuer.signers[algorithm].sign(Buffer.from(signingInput, 'ascii'));
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
}

function parts(token: string): [string, string, string] {
  const [header = '', body = '', signature = ''] = token.split('.');
  return [header, body, signature];
}

/** The failed checks of a report, as `id: reason` lines. */
function failures(report: VerificationReport): string[] {
  return report.checks
    .filter((check) => check.outcome === 'failed')
    .map((check) => `${check.id}: ${check.reason}`);
}

async function expectReport(
  input: VerifierInput | Promise<VerifierInput>,
  verdict: Verdict,
  decidingCheck: CheckId,
  reason: string,
  using: Verifier = verifier,
): Promise<VerificationReport> {
  const report = await using.verify(await input);
  expect({ verdict: report.verdict, decidingCheck: report.decidingCheck }).toEqual({
    verdict,
    decidingCheck,
  });
  const deciding = report.checks.find((check) => check.outcome === 'failed');
  expect(deciding?.reason).toContain(reason);
  return report;
}

function nested(depth: number): string {
  return `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

describe('verify: unreadable input', () => {
  it('reports malformed JSON as unusable, deciding input', async () => {
    const text = '{"@context": ["https://www.w3.org/ns/credentials/v2",';

    const report = await expectReport(
      new TextEncoder().encode(text),
      'unusable',
      'input',
      'the credential JSON cannot be read: JSON input is malformed',
    );

    expect(report.input.format).toBe('json');
    expect(report.credential).toBeUndefined();
  });

  it('reports a JWS payload with a character outside base64url as unusable, deciding format', async () => {
    const [header, body, signature] = parts(jwt);
    const broken = `${header}.${body.slice(0, 20)}!${body.slice(21)}.${signature}`;

    await expectReport(
      broken,
      'unusable',
      'format',
      'the VC-JWT cannot be decoded: the JWS payload is not base64url',
    );
  });

  it('reports padded or base64 (not base64url) JWS segments as unusable, deciding format', async () => {
    const [header, body, signature] = parts(jwt);

    await expectReport(
      `${header}.${body}.${signature.slice(0, 10)}+${signature.slice(11)}`,
      'unusable',
      'format',
      'the JWS signature is not base64url',
    );
    await expectReport(
      `${header}=.${body}.${signature}`,
      'unusable',
      'format',
      'the JWS header is not base64url',
    );
  });

  it('reports a truncated PNG as unusable, deciding input, with where it breaks', async () => {
    const png = bakePng(tinyPng(), jwt);

    await expectReport(png.subarray(0, png.length - 40), 'unusable', 'input', 'truncated PNG');
    await expectReport(png.subarray(0, 20), 'unusable', 'input', 'truncated PNG');
  });

  it('refuses input over maxInputBytes, as bytes and as JWS text', async () => {
    const small = createVerifier({
      fetcher: serveIssuers([college]),
      clock: fixtureClock,
      maxInputBytes: 1024,
    });
    const json = new TextEncoder().encode(JSON.stringify(credential));

    await expectReport(
      json,
      'unusable',
      'input',
      `the input is ${json.length} bytes, larger than the limit of 1024`,
      small,
    );
    await expectReport(
      jwt,
      'unusable',
      'input',
      `the input is ${jwt.length} bytes, larger than the limit of 1024`,
      small,
    );
    await expectReport(
      bakePng(tinyPng(), jwt),
      'unusable',
      'input',
      'larger than the limit of 1024',
      small,
    );
  });

  for (const depth of [10_000, 100_000]) {
    it(`refuses JSON nested ${depth} deep in a file, deciding input`, async () => {
      await expectReport(
        new TextEncoder().encode(nested(depth)),
        'unusable',
        'input',
        'JSON input nests arrays/objects deeper than the limit of 64',
      );
    });

    it(`refuses a JWT payload nested ${depth} deep, deciding format`, async () => {
      const [, , signature] = parts(jwt);
      const token = `${b64({ alg: 'ES256', kid: college.kids.ES256, typ: 'JWT' })}.${b64(nested(depth))}.${signature}`;

      await expectReport(
        token,
        'unusable',
        'format',
        'the VC-JWT cannot be decoded: the JWS payload nests too deep',
      );
    });

    it(`refuses an already-parsed object nested ${depth} deep, deciding input`, async () => {
      const deep = { ...credential, extra: JSON.parse(nested(depth)) };

      await expectReport(
        deep,
        'unusable',
        'input',
        'the credential object nests arrays/objects deeper than the limit of 64',
      );
    });
  }

  it('refuses an object that refers to itself, deciding input', async () => {
    const cyclic: Record<string, unknown> = { ...credential };
    cyclic.self = cyclic;

    await expectReport(cyclic, 'unusable', 'input', '(or refers to itself)');
  });

  it('turns an object whose property getter throws into a report', async () => {
    const hostile = Object.defineProperty({ ...credential }, 'trap', {
      enumerable: true,
      get() {
        throw new Error('trap sprung');
      },
    });

    await expectReport(hostile, 'unusable', 'input', 'trap sprung');
  });
});

describe('verify: refused JOSE headers and keys', () => {
  it('refuses alg none, deciding jwt.header, without looking at a key', async () => {
    const [, body] = parts(jwt);
    const token = `${b64({ alg: 'none', kid: college.kids.ES256, typ: 'JWT' })}.${body}.`;

    const report = await expectReport(
      token,
      'invalid',
      'jwt.header',
      'alg "none" means the credential is unsigned; it is refused',
    );

    expect(report.checks.find((check) => check.id === 'proof')?.outcome).toBe('skipped');
    expect(report.issuerBinding.bound).toBe(false);
  });

  it("refuses HS256 keyed with the issuer's public key PEM (algorithm confusion)", async () => {
    const [, body] = parts(jwt);
    const signingInput = `${b64({ alg: 'HS256', kid: college.kids.RS256, typ: 'JWT' })}.${body}`;
    const mac = createHmac('sha256', publicKeyPem(college, 'RS256'))
      .update(signingInput)
      .digest('base64url');

    const report = await expectReport(
      `${signingInput}.${mac}`,
      'invalid',
      'jwt.header',
      'alg "HS256" is a shared-secret MAC',
    );

    expect(report.issuerBinding.bound).toBe(false);
    expect(failures(report)).toHaveLength(1);
  });

  it("fails key when the kid is another issuer's did:web key, saying whose key it is", async () => {
    const token = await other.issueJwt(credential);

    const report = await expectReport(
      token,
      'invalid',
      'key',
      `The signing key belongs to ${other.did}, but the credential's issuer is ${college.did}`,
    );

    expect(report.issuerBinding.bound).toBe(false);
    expect(report.checks.find((check) => check.id === 'proof')).toBeUndefined();
  });

  it("fails key when the kid names a key id the issuer's DID document does not have", async () => {
    const kid = `${college.did}#key-retired`;

    await expectReport(
      signJws({ alg: 'ES256', kid, typ: 'JWT' }, payload),
      'invalid',
      'key',
      `the DID document of ${college.did} has no verification method ${kid}`,
    );
  });

  it("fails key when the kid's key is of another type than alg needs", async () => {
    await expectReport(
      signJws({ alg: 'ES256', kid: college.kids.RS256, typ: 'JWT' }, payload),
      'invalid',
      'key',
      'ES256 needs a P-256 key, not rsa',
    );
  });

  it('verifies a JWS with an embedded public jwk header but does not bind it to the issuer', async () => {
    const token = await signJws(
      { alg: 'ES256', jwk: college.publicJwks.ES256, typ: 'JWT' },
      payload,
    );

    const report = await verifier.verify(token);

    expect(report.verdict).toBe('valid');
    expect(report.decidingCheck).toBeUndefined();
    expect(report.issuerBinding).toEqual({
      bound: false,
      keyId: 'embedded jwk',
      reason:
        'The key travels inside the credential itself; it shows the credential was not altered, not who issued it.',
    });
  });

  it('fails key when the embedded jwk carries the private key (d)', async () => {
    const privateJwk = college.privateKeys.ES256.export({ format: 'jwk' });

    const report = await expectReport(
      signJws({ alg: 'ES256', jwk: privateJwk, typ: 'JWT' }, payload),
      'invalid',
      'key',
      'the JWK carries the private or symmetric member "d"; only public keys are accepted',
    );

    expect(JSON.stringify(report)).not.toContain(String(privateJwk.d));
  });

  it('fails key when an embedded RSA jwk carries its prime factors but no d', async () => {
    const { d: _d, ...factors } = college.privateKeys.RS256.export({ format: 'jwk' });

    await expectReport(
      signJws({ alg: 'RS256', jwk: factors, typ: 'JWT' }, payload, college, 'RS256'),
      'invalid',
      'key',
      'the JWK carries the private or symmetric member "p"',
    );
  });
});

describe('verify: JWT claims and signatures', () => {
  const wrongClaims: readonly [string, () => unknown, string][] = [
    [
      'iss',
      () => other.did,
      'iss is "did:web:other.example" but the issuer id is "did:web:college.example"',
    ],
    [
      'jti',
      () => 'urn:uuid:6a2f8c1e-0000-4000-8000-000000000000',
      'jti is "urn:uuid:6a2f8c1e-0000-4000-8000-000000000000" but the credential id is "https://college.example/credentials/0001"',
    ],
    [
      'sub',
      () => 'did:example:mallory',
      'sub is "did:example:mallory" but the credentialSubject id is "did:example:learner-ada"',
    ],
    [
      'nbf',
      () => (payload.nbf as number) + 3600,
      'nbf is 2026-05-01T10:00:00.000Z but the validFrom is 2026-05-01T09:00:00.000Z',
    ],
    [
      'exp',
      () => (payload.nbf as number) + 365 * 86_400,
      'exp is set but the credential has no validUntil',
    ],
  ];

  for (const [claim, value, reason] of wrongClaims) {
    it(`fails jwt.claims when ${claim} disagrees with the credential (signature valid)`, async () => {
      const token = await signJws(
        { alg: 'ES256', kid: college.kids.ES256, typ: 'JWT' },
        { ...payload, [claim]: value() },
      );

      const report = await expectReport(
        token,
        'invalid',
        'jwt.claims',
        `the JWT claims disagree with the credential: ${reason}`,
      );

      expect(report.checks.find((check) => check.id === 'proof')?.outcome).toBe('passed');
      expect(failures(report)).toHaveLength(1);
    });
  }

  it('fails jwt.claims when exp disagrees with validUntil', async () => {
    const expiring = college.build({ validUntil: '2027-05-01T09:00:00Z' });
    const claims = JSON.parse(
      Buffer.from(parts(await college.issueJwt(expiring))[1], 'base64url').toString('utf8'),
    );

    await expectReport(
      signJws(
        { alg: 'ES256', kid: college.kids.ES256, typ: 'JWT' },
        { ...claims, exp: claims.exp + 86_400 },
      ),
      'invalid',
      'jwt.claims',
      'exp is 2027-05-02T09:00:00.000Z but the validUntil is 2027-05-01T09:00:00.000Z',
    );
  });

  it('fails proof when the payload was re-encoded with a change under the original signature', async () => {
    const [header, , signature] = parts(jwt);
    const forged = `${header}.${b64({ ...payload, name: 'Doctorate in Everything' })}.${signature}`;

    const report = await expectReport(
      forged,
      'invalid',
      'proof',
      'the ES256 signature does not match the header and payload',
    );

    expect(report.issuerBinding.bound).toBe(false);
  });
});

describe('verify: embedded proofs, status and terms', () => {
  it('fails proof for a lone proof of a cryptosuite the verifier does not know', async () => {
    const signed = await college.issueDataIntegrity(credential);
    const unknown = {
      ...signed,
      proof: { ...(signed.proof as Record<string, unknown>), cryptosuite: 'ecdsa-rdfc-2019' },
    };

    const report = await expectReport(
      unknown,
      'invalid',
      'proof',
      'proof type "ecdsa-rdfc-2019" is not supported (eddsa-rdfc-2022, eddsa-2022, Ed25519Signature2020 are)',
    );

    expect(report.input.proof).toBe('unknown');
  });

  it('fails terms first for a proof type no context defines, and proof after it', async () => {
    const signed = await college.issueDataIntegrity(credential);
    const unknown = {
      ...signed,
      proof: { ...(signed.proof as Record<string, unknown>), type: 'QuantumProof2031' },
    };

    const report = await expectReport(
      unknown,
      'invalid',
      'terms',
      '"QuantumProof2031" (at /proof/type)',
    );

    expect(failures(report)).toContain(
      'proof: proof type "QuantumProof2031" is not supported (eddsa-rdfc-2022, eddsa-2022, Ed25519Signature2020 are)',
    );
  });

  it('only warns about an unknown proof beside one that verifies', async () => {
    const signed = await college.issueDataIntegrity(credential);
    const alien = {
      type: 'DataIntegrityProof',
      cryptosuite: 'bbs-2023',
      verificationMethod: college.kids.EdDSA,
      proofPurpose: 'assertionMethod',
      proofValue: 'u2V0ChVhA',
    };

    const report = await verifier.verify({ ...signed, proof: [signed.proof, alien] });

    expect(report.verdict).toBe('valid');
    expect(report.checks).toContainEqual({
      id: 'proof',
      outcome: 'warning',
      reason: 'proof of type "bbs-2023" is not one this verifier knows; it was not used',
      path: '/proof/1',
    });
  });

  it('fails proof for a credential with no proof at all', async () => {
    await expectReport(
      credential,
      'invalid',
      'proof',
      'the credential has no proof: it is neither a VC-JWT nor signed with an embedded proof',
    );
  });

  it('fails status with the reason when the status list cannot be fetched', async () => {
    const gone = 'https://college.example/status/retired';
    const unreachable = college.build({
      credentialStatus: { ...college.statusEntry(9), id: `${gone}#9`, statusListCredential: gone },
    });

    const report = await expectReport(
      college.issueJwt(unreachable),
      'invalid',
      'status',
      `the status list ${gone} could not be fetched`,
    );

    expect(report.issuerBinding.bound).toBe(true);
  });

  it('fails status when the list is served by an endpoint answering 503', async () => {
    const flaky = createVerifier({
      fetcher: serveIssuers([college], {
        [college.statusListUrls.revocation]: { body: 'busy', status: 503 },
      }),
      clock: fixtureClock,
    });

    await expectReport(
      jwt,
      'invalid',
      'status',
      `${college.statusListUrls.revocation} could not be fetched (HTTP 503)`,
      flaky,
    );
  });

  it('fails terms for a credential whose contexts include an unknown URL', async () => {
    const unknownContext = 'https://contexts.example/badges/v9.jsonld';
    const extended = {
      ...credential,
      '@context': [...(credential['@context'] as string[]), unknownContext],
    };

    const report = await expectReport(
      college.issueJwt(extended),
      'invalid',
      'terms',
      `the JSON-LD context ${unknownContext} is not one credstack knows; contexts are never fetched`,
    );

    // The context is unknown to credstack, not malformed: the context check itself passed.
    expect(report.checks.find((check) => check.id === 'context')?.outcome).toBe('passed');
  });
});
