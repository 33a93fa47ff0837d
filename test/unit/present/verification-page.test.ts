import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '#shared/core/clock.ts';
import {
  renderVerificationPage,
  statusBanner,
  type VerificationPageInput,
} from '#shared/credentials/present/verification-page.ts';
import type { Check, VerificationReport } from '#shared/credentials/verify/report.ts';

const CLOCK = fixedClock('2026-06-01T00:00:00Z');
const LINKS = {
  json: '/credentials/abc.json',
  jwt: '/credentials/abc.jwt',
  png: '/credentials/abc.png',
  svg: '/credentials/abc.svg',
  reverify: '/credentials/abc/verify',
};

function credential(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id: 'urn:uuid:3f2b8a4e-0000-4000-8000-000000000001',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: {
      id: 'did:web:issuer.example.org',
      type: ['Profile'],
      name: 'Example Academy',
      url: 'https://academy.example.org',
    },
    validFrom: '2026-01-05T10:30:00Z',
    validUntil: '2027-01-05T10:30:00Z',
    credentialSubject: {
      type: ['AchievementSubject'],
      achievement: {
        id: 'https://academy.example.org/achievements/data',
        type: ['Achievement'],
        name: 'Data Literacy',
        description: 'Reads and communicates data.',
        criteria: {
          id: 'https://academy.example.org/criteria/data',
          narrative: 'Completed the four modules.',
        },
        image: {
          id: 'https://academy.example.org/badge.png',
          type: 'Image',
          caption: 'A blue medal',
        },
        alignment: [
          {
            type: ['Alignment'],
            targetName: 'Data analysis',
            targetUrl: 'https://esco.example.org/skill/1',
            targetFramework: 'ESCO',
          },
        ],
      },
    },
    ...overrides,
  };
}

const PASSED: Check[] = [
  { id: 'input', outcome: 'passed', reason: 'The input was read.' },
  { id: 'proof', outcome: 'passed', reason: 'The signature is valid.' },
  { id: 'status', outcome: 'skipped', reason: 'The credential has no credentialStatus.' },
];

function report(overrides: Partial<VerificationReport> = {}): VerificationReport {
  return {
    verdict: 'valid',
    checks: PASSED,
    issuerBinding: {
      bound: true,
      reason: 'The key is listed in the issuer DID document.',
      keyId: 'did:web:issuer.example.org#key-1',
    },
    input: { format: 'json', proof: 'eddsa-rdfc-2022' },
    ...overrides,
  };
}

function input(overrides: Partial<VerificationPageInput> = {}): VerificationPageInput {
  return {
    credential: credential(),
    report: report(),
    state: 'active',
    links: LINKS,
    clock: CLOCK,
    ...overrides,
  };
}

function statusLabel(page: string): string | undefined {
  return /<h2 id="status-label">([^<]*)<\/h2>/.exec(page)?.[1];
}

const TAGS = new Set(
  'html head meta title style body main section h1 h2 p article div img dl dt dd br code a time strong ul ol li span form button label input'.split(
    ' ',
  ),
);
const ATTRIBUTES = new Set(
  'lang charset name content http-equiv class aria-labelledby id src alt width height referrerpolicy href rel download datetime method action type for autocomplete required maxlength role'.split(
    ' ',
  ),
);

// Every `<` must open a known tag whose attributes are known names with double-quoted values;
// an injected tag, attribute or unsafe URL shows up as a finding.
function markupFindings(page: string): string[] {
  const findings: string[] = [];
  const body = page
    .replace(/<style>[^<]*<\/style>/, '<style></style>')
    .replace(/^<!doctype html>/, '');
  const tag = /<(\/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>/g;
  let tags = 0;
  for (const match of body.matchAll(tag)) {
    tags++;
    const [, closing, name, attributes] = match;
    if (!TAGS.has(name!)) findings.push(`tag <${name}>`);
    if (closing) continue;
    const attribute = /\s+([a-z-]+)(?:="([^"]*)")?/y;
    let consumed = 0;
    for (let m = attribute.exec(attributes!); m !== null; m = attribute.exec(attributes!)) {
      consumed = attribute.lastIndex;
      if (!ATTRIBUTES.has(m[1]!)) findings.push(`attribute ${m[1]} on <${name}>`);
      if (
        ['href', 'src', 'action'].includes(m[1]!) &&
        !/^(https?:|\/|data:image\/)/.test(m[2] ?? '')
      ) {
        findings.push(`unsafe URL ${m[2]}`);
      }
    }
    if (consumed !== attributes!.length)
      findings.push(`unparsed attributes on <${name}>: ${attributes}`);
  }
  const opens = (body.match(/</g) ?? []).length;
  if (opens !== tags) findings.push(`${opens - tags} stray "<"`);
  return findings;
}

describe('markupFindings (test helper)', () => {
  it('flags injected tags, attributes, unsafe URLs and stray "<"', () => {
    const bad =
      '<p><script>x</script><img src="x.png" onerror="y"><a href="javascript:z">a</a><p class="a"b>1 < 2</p>';

    expect(markupFindings(bad)).toEqual([
      'tag <script>',
      'tag <script>',
      'unsafe URL x.png',
      'attribute onerror on <img>',
      'unsafe URL javascript:z',
      'unparsed attributes on <p>:  class="a"b',
      '1 stray "<"',
    ]);
  });
});

describe('renderVerificationPage: what a person checking a badge needs', () => {
  const hashedSubject = {
    type: ['AchievementSubject'],
    identifier: [
      {
        type: 'IdentityObject',
        hashed: true,
        identityHash: 'sha256$0000000000000000000000000000000000000000000000000000000000000abc',
        identityType: 'emailAddress',
        salt: 'pepper',
      },
    ],
    creditsEarned: 3,
    result: [{ type: ['Result'], resultDescription: 'urn:rd:1', achievedLevel: 'urn:lvl:2' }],
    achievement: {
      ...(credential().credentialSubject as { achievement: Record<string, unknown> }).achievement,
      creditsAvailable: 4,
      resultDescription: [
        {
          id: 'urn:rd:1',
          name: 'Project',
          resultType: 'RubricCriterionLevel',
          rubricCriterionLevel: [
            { id: 'urn:lvl:1', name: 'Pass' },
            { id: 'urn:lvl:2', name: 'Distinction' },
          ],
        },
      ],
    },
  };

  it('shows results by their level name, credits, and a labelled recipient form, never the hash', () => {
    const page = renderVerificationPage(
      input({ credential: credential({ credentialSubject: hashedSubject }) }),
    );

    expect(page).toContain('<dt>Project</dt><dd>Distinction</dd>');
    expect(page).toContain('<dt>Credits</dt><dd>3 of 4</dd>');
    expect(page).toContain('<label for="recipient-email">Email address</label>');
    expect(page).not.toContain('0abc');
    expect(page).not.toContain('pepper');
    expect(markupFindings(page)).toEqual([]);
  });

  it('shows the answer of a recipient check, with the address typed kept inert', () => {
    const typed = '"><script>alert(1)</script>@x.example';
    const yes = renderVerificationPage(
      input({
        credential: credential({ credentialSubject: hashedSubject }),
        recipientCheck: { email: typed, matched: true },
      }),
    );
    const no = renderVerificationPage(
      input({
        credential: credential({ credentialSubject: hashedSubject }),
        recipientCheck: { email: 'b@x.example', matched: false },
      }),
    );

    expect(yes).toContain('Yes: this credential was issued to <strong>&quot;&gt;&lt;script&gt;');
    expect(markupFindings(yes)).toEqual([]);
    expect(no).toContain('No: this credential was not issued to <strong>b@x.example</strong>.');
  });

  it("links evidence naming a credential of this service to that credential's page", () => {
    const page = renderVerificationPage(
      input({
        credential: credential({
          evidence: [
            { id: 'urn:uuid:c1', name: 'SQL', genre: 'Contributing credential' },
            { id: 'https://college.example/portfolio', name: 'Portfolio' },
            { id: 'urn:uuid:elsewhere', name: 'Held elsewhere' },
          ],
        }),
        evidencePages: new Map([['urn:uuid:c1', '/credentials/urn%3Auuid%3Ac1/verify']]),
      }),
    );

    expect(page).toContain('<a href="/credentials/urn%3Auuid%3Ac1/verify">SQL</a>');
    expect(page).toContain('href="https://college.example/portfolio"');
    expect(page).toContain('<li>Held elsewhere</li>');
  });

  it('says when it was checked, and that a requested check ran again', () => {
    const first = renderVerificationPage(input({ checkedAt: '2026-06-01T09:15:07.120Z' }));
    const again = renderVerificationPage(
      input({ checkedAt: '2026-06-01T09:15:42Z', rechecked: true }),
    );

    expect(first).toContain(
      'Last checked at <time datetime="2026-06-01T09:15:07.120Z">1 June 2026, 09:15:07 UTC</time>.',
    );
    expect(again).toContain(
      'Verified again just now, at <time datetime="2026-06-01T09:15:42.000Z">',
    );
  });

  it('shows the service image route when given, allowing only it in the CSP', () => {
    const page = renderVerificationPage(
      input({ links: { ...LINKS, image: '/credentials/abc/image' } }),
    );

    expect(page).toContain('<img src="/credentials/abc/image"');
    expect(page).toContain('img-src &#39;self&#39;;');
  });
});

describe('renderVerificationPage', () => {
  it('shows what a displayer must show: image, name, description, issuer, dates, status', () => {
    const page = renderVerificationPage(input());

    expect(page.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(statusLabel(page)).toBe('Verified');
    expect(page).toContain(
      '<img src="https://academy.example.org/badge.png" alt="A blue medal" width="128" height="128" referrerpolicy="no-referrer">',
    );
    expect(page).toContain('<h1>Data Literacy</h1>');
    expect(page).toContain('<p class="text">Reads and communicates data.</p>');
    expect(page).toContain('<p class="text">Completed the four modules.</p>');
    expect(page).toContain(
      'Issued by <a href="https://academy.example.org/" rel="noopener noreferrer nofollow">Example Academy</a>',
    );
    expect(page).toContain(
      '<dt>Issued on</dt><dd><time datetime="2026-01-05T10:30:00.000Z">5 January 2026, 10:30 UTC</time></dd>',
    );
    expect(page).toContain(
      '<dt>Expires on</dt><dd><time datetime="2027-01-05T10:30:00.000Z">5 January 2027, 10:30 UTC</time></dd>',
    );
  });

  it('lists the skills, the key binding, every check, the verify form and downloads', () => {
    const page = renderVerificationPage(input());

    expect(page).toContain(
      '<li><a href="https://esco.example.org/skill/1" rel="noopener noreferrer nofollow">Data analysis</a> <span class="muted">(ESCO)</span></li>',
    );
    expect(page).toContain(
      'Bound to the issuer: The key is listed in the issuer DID document.<br><code>did:web:issuer.example.org#key-1</code>',
    );
    expect(page.match(/<li><span class="outcome outcome-/g)).toHaveLength(3);
    expect(page).toContain(
      '<span class="outcome outcome-skipped">Skipped</span> <code>status</code> The credential has no credentialStatus.',
    );
    expect(page).toContain(
      '<form method="post" action="/credentials/abc/verify"><button type="submit">Verify again</button></form>',
    );
    for (const href of Object.values(LINKS).slice(0, 4)) {
      expect(page).toContain(`<a href="${href}" download>`);
    }
  });

  it('says when the key is not shown to belong to the issuer', () => {
    const page = renderVerificationPage(
      input({
        report: report({ issuerBinding: { bound: false, reason: 'The key is a did:key.' } }),
      }),
    );

    expect(page).toContain(
      '<strong>Not shown to belong to the issuer:</strong> The key is a did:key.',
    );
  });

  it('shows the awarded date, and no JWT link when there is no JWT', () => {
    const { jwt: _jwt, ...links } = LINKS;
    const page = renderVerificationPage(
      input({ credential: credential({ awardedDate: '2025-12-31T23:59:00-01:00' }), links }),
    );

    expect(page).toContain(
      '<dt>Awarded on</dt><dd><time datetime="2026-01-01T00:59:00.000Z">1 January 2026, 00:59 UTC</time></dd>',
    );
    expect(page).not.toContain('.jwt');
  });

  it('pins its only stylesheet with a CSP hash and has no script', () => {
    const page = renderVerificationPage(input());

    const css = /<style>([^<]*)<\/style>/.exec(page)![1]!;
    const hash = createHash('sha256').update(css).digest('base64');

    expect(page).toContain(
      `content="default-src &#39;none&#39;; img-src https: http: data:; style-src &#39;sha256-${hash}&#39;; form-action &#39;self&#39;; base-uri &#39;none&#39;"`,
    );
    expect(page).not.toMatch(/<script/i);
    expect(markupFindings(page)).toEqual([]);
  });

  it('renders a credential with markup in every text field inert', () => {
    const evil = `<script>alert(1)</script>"onerror="alert(1)' onload='x`;
    const page = renderVerificationPage(
      input({
        credential: {
          type: ['VerifiableCredential', 'OpenBadgeCredential'],
          name: evil,
          issuer: { id: evil, name: evil, url: 'javascript:alert(1)' },
          validFrom: evil,
          validUntil: evil,
          awardedDate: evil,
          credentialSubject: {
            achievement: {
              id: evil,
              name: evil,
              description: evil,
              achievementType: evil,
              criteria: { id: evil, narrative: evil },
              image: { id: 'https://example.org/x.png" onerror="alert(1)', caption: evil },
              alignment: [
                { targetName: evil, targetFramework: evil, targetCode: evil, targetUrl: evil },
              ],
            },
          },
        },
        report: report({
          checks: [{ id: 'proof', outcome: 'passed', reason: evil }],
          issuerBinding: { bound: false, reason: evil, keyId: evil },
        }),
      }),
    );

    expect(page).not.toMatch(/<script/i);
    expect(page).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&quot;onerror=&quot;alert(1)&#39; onload=&#39;x',
    );
    expect(markupFindings(page)).toEqual([]);
  });

  it('keeps any text fields inert (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (name, description, issuer) => {
        const page = renderVerificationPage(
          input({
            credential: credential({
              name,
              issuer: { id: 'did:example:1', name: issuer, url: issuer },
              credentialSubject: { achievement: { name, description, image: { id: description } } },
            }),
          }),
        );
        expect(markupFindings(page)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('drops javascript: and other non-http(s) URLs, keeping the text', () => {
    const achievement = (credential().credentialSubject as { achievement: Record<string, unknown> })
      .achievement;
    const page = renderVerificationPage(
      input({
        credential: credential({
          credentialSubject: {
            achievement: {
              ...achievement,
              image: { id: 'javascript:alert(1)', type: 'Image' },
              criteria: { id: 'javascript:alert(2)', narrative: 'Do it.' },
              alignment: [{ targetName: 'Skill A', targetUrl: 'javascript:alert(3)' }],
            },
          },
        }),
      }),
    );

    expect(page).not.toContain('<img');
    expect(page).not.toMatch(/javascript:/i);
    expect(page).toContain('<li>Skill A</li>');
    expect(page).not.toContain('Criteria page');
  });

  it('shows a data:image badge image', () => {
    const achievement = (credential().credentialSubject as { achievement: Record<string, unknown> })
      .achievement;
    const page = renderVerificationPage(
      input({
        credential: credential({
          credentialSubject: {
            achievement: { ...achievement, image: 'data:image/png;base64,iVBORw0KGgo=' },
          },
        }),
      }),
    );

    expect(page).toContain(
      '<img src="data:image/png;base64,iVBORw0KGgo=" alt="Badge image: Data Literacy"',
    );
  });

  it('omits the verify form when the reverify link is not a service link', () => {
    const page = renderVerificationPage(
      input({ links: { ...LINKS, reverify: 'javascript:alert(1)' } }),
    );

    expect(page).not.toContain('<form');
    expect(page).toContain('form-action &#39;none&#39;');
  });

  it('allows the form to post to an absolute reverify URL on its origin only', () => {
    const page = renderVerificationPage(
      input({ links: { ...LINKS, reverify: 'https://api.example.org/v1/verify?id=1' } }),
    );

    expect(page).toContain('form-action https://api.example.org;');
    expect(page).toContain('action="https://api.example.org/v1/verify?id=1"');
  });

  it('shows an unreadable date as text', () => {
    const page = renderVerificationPage(input({ credential: credential({ validFrom: 'soon' }) }));

    expect(page).toContain('<dt>Issued on</dt><dd>Unreadable date <code>soon</code></dd>');
  });
});

describe('statusBanner', () => {
  it('shows Revoked and Suspended from the issuer state, whatever the report says', () => {
    expect(statusBanner(input({ state: 'revoked' }))).toEqual({
      status: 'revoked',
      label: 'Revoked',
      detail: 'The issuer has revoked this credential; it is no longer valid.',
    });
    expect(statusBanner(input({ state: 'suspended' })).label).toBe('Suspended');
    expect(statusLabel(renderVerificationPage(input({ state: 'revoked' })))).toBe('Revoked');
  });

  it('shows Not valid with the reason of the deciding check', () => {
    const failed = report({
      verdict: 'invalid',
      decidingCheck: 'proof',
      checks: [
        { id: 'input', outcome: 'passed', reason: 'ok' },
        { id: 'proof', outcome: 'failed', reason: 'The signature does not match.' },
        { id: 'expiration', outcome: 'failed', reason: 'Expired.' },
      ],
    });

    const page = renderVerificationPage(input({ report: failed }));

    expect(statusLabel(page)).toBe('Not valid');
    expect(page).toContain('<p>Check “proof” failed: The signature does not match.</p>');
  });

  it('shows Expired when the report fails on expiration', () => {
    const expired = report({
      verdict: 'invalid',
      decidingCheck: 'expiration',
      checks: [{ id: 'expiration', outcome: 'failed', reason: 'validUntil is past.' }],
    });

    const banner = statusBanner(
      input({ report: expired, credential: credential({ validUntil: '2026-02-01T00:00:00Z' }) }),
    );

    expect(banner).toEqual({
      status: 'expired',
      label: 'Expired',
      detail: 'This credential expired on 1 February 2026, 00:00 UTC.',
    });
  });

  it('shows Expired when validUntil is past by the clock, and "Expired on" in the facts', () => {
    const page = renderVerificationPage(
      input({ credential: credential({ validUntil: '2026-05-31T23:59:59Z' }) }),
    );

    expect(statusLabel(page)).toBe('Expired');
    expect(page).toContain('<dt>Expired on</dt>');
  });

  it('shows Verified with the number of warnings', () => {
    const warned = report({
      checks: [...PASSED, { id: 'context', outcome: 'warning', reason: 'Old context.' }],
    });

    expect(statusBanner(input({ report: warned })).detail).toBe(
      'Every check that ran passed, with 1 warning.',
    );
  });
});
