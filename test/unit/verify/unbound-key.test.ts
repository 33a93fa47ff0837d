import { beforeAll, describe, expect, it } from 'vitest';
import { renderVerificationPage } from '#shared/credentials/present/verification-page.ts';
import { createVerifier, type Verifier } from '#shared/credentials/verify/verifier.ts';
import { verifyCredential } from '#shared/domain/verification.ts';
import {
  createIssuerFixture,
  fixtureClock,
  type IssuerFixture,
  serveIssuers,
} from '#test/support/issuer-fixture.ts';
import { formatReport } from '../../../cli/format-report.ts';

/**
 * A credential naming one issuer but signed with a self-certifying key someone else holds (an
 * embedded jwk, a did:jwk) has a valid signature and is still a forgery of the issuer. Every
 * presentation says so: the VC-API result's top-level warning (or, when binding is required,
 * `verified: false`), the verification page's notice and the CLI's pretty report.
 */

let college: IssuerFixture;
let attacker: IssuerFixture;
let verifier: Verifier;
let credential: Record<string, unknown>;

beforeAll(async () => {
  [college, attacker] = await Promise.all([
    createIssuerFixture({ domain: 'college.example' }),
    createIssuerFixture({ domain: 'attacker.example', name: 'Attacker' }),
  ]);
  verifier = createVerifier({ fetcher: serveIssuers([college]), clock: fixtureClock });
  credential = college.build();
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** A VC-JWT of the college's credential, signed by the attacker with `header`'s key. */
async function forge(header: Record<string, unknown>): Promise<string> {
  const signingInput = `${b64({ alg: 'ES256', typ: 'JWT', ...header })}.${b64({
    ...credential,
    iss: college.did,
    jti: credential.id,
  })}`;
  const signature = await attacker.signers.ES256.sign(Buffer.from(signingInput, 'ascii'));
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
}

function embeddedJwk(): Promise<string> {
  return forge({ jwk: attacker.publicJwks.ES256 });
}

function didJwk(): Promise<string> {
  return forge({ kid: `did:jwk:${b64(attacker.publicJwks.ES256)}#0` });
}

const LINKS = {
  json: 'https://svc.example/c.json',
  png: 'https://svc.example/c.png',
  svg: 'https://svc.example/c.svg',
  reverify: 'https://svc.example/verify',
};

describe('VC-API verify result', () => {
  it.each([
    ['an embedded jwk', embeddedJwk, 'embedded jwk'],
    ['a did:jwk', didJwk, 'did:jwk:'],
  ])('warns at the top level for %s not bound to the issuer', async (_, make, keyId) => {
    const result = await verifyCredential(verifier, await make());

    expect(result.verified).toBe(true);
    expect(result.report.issuerBinding.bound).toBe(false);
    expect(result.warnings[0]?.check).toBe('issuerBinding');
    expect(result.warnings[0]?.message).toContain(`The signing key ${keyId}`);
    expect(result.warnings[0]?.message).toContain(
      `is not bound to ${college.did}: the signature shows the credential was not altered, not that ${college.did} issued it`,
    );
  });

  it('fails verification with a failed key check when binding is required', async () => {
    const result = await verifyCredential(verifier, await embeddedJwk(), {
      requireIssuerBinding: true,
    });

    expect(result.verified).toBe(false);
    expect(result.report.decidingCheck).toBe('key');
    expect(result.errors).toEqual([
      {
        check: 'key',
        message: expect.stringContaining(
          'is not bound to the issuer and issuer binding is required',
        ),
      },
    ]);
    expect(result.report.checks.some((check) => check.id === 'proof')).toBe(false);
  });

  it("neither warns nor fails for the issuer's own key, binding required or not", async () => {
    const token = await college.issueJwt(credential);
    for (const requireIssuerBinding of [false, true]) {
      const result = await verifyCredential(verifier, token, { requireIssuerBinding });

      expect(result.verified).toBe(true);
      expect(result.warnings).toEqual([]);
      expect(result.report.issuerBinding.bound).toBe(true);
    }
  });

  it('does not warn about binding when no signature verified', async () => {
    const [header, body] = (await embeddedJwk()).split('.');
    const result = await verifyCredential(verifier, `${header}.${body}.${'A'.repeat(86)}`);

    expect(result.verified).toBe(false);
    expect(result.warnings.some((warning) => warning.check === 'issuerBinding')).toBe(false);
  });
});

describe('verification page', () => {
  it('says plainly, next to the banner, that the issuer is not confirmed', async () => {
    const { report } = await verifyCredential(verifier, await didJwk());

    const page = renderVerificationPage({
      credential,
      report,
      state: 'active',
      links: LINKS,
      clock: fixtureClock,
    });

    expect(page).toMatch(
      /<\/section>\n<section class="status notice" aria-labelledby="binding-notice">\n<h2 id="binding-notice">Issuer not confirmed<\/h2>\n<p>The signing key did:jwk:[^ ]+ is not bound to did:web:college\.example: the signature shows the credential was not altered, not that did:web:college\.example issued it/,
    );
  });

  it('has no notice for a key bound to the issuer', async () => {
    const { report } = await verifyCredential(verifier, await college.issueJwt(credential));

    const page = renderVerificationPage({ credential, report, state: 'active', links: LINKS });

    expect(page).not.toContain('binding-notice');
  });
});

describe('CLI pretty report', () => {
  it('marks the verdict and prints the warning under it', async () => {
    const report = await verifier.verify(await embeddedJwk());

    const lines = formatReport(report).split('\n');

    expect(lines[0]).toMatch(/^VALID \(issuer not confirmed\)/);
    expect(lines).toContain(
      `  ! WARNING: The signing key embedded jwk is not bound to ${college.did}: the signature shows the credential was not altered, not that ${college.did} issued it (${report.issuerBinding.reason}).`,
    );
  });

  it('prints no such warning for a bound key', async () => {
    const report = await verifier.verify(await college.issueJwt(credential));

    expect(formatReport(report)).not.toContain('WARNING');
    expect(formatReport(report).split('\n')[0]).toMatch(/^VALID {2}/);
  });
});
