/**
 * The public verification page of a credential: what the Open Badges 3.0 displayer
 * conformance asks a viewer to see (image, name, description, issuer, issue date, expired /
 * revoked status, viewer-triggered verification), plus what a person checking a badge needs:
 * results and credits, evidence (for a pathway credential, the page of each credential that
 * counted), who it was issued to with a form to check an email address against it, when it
 * was last checked, criteria, skills, every check of the report and download links. A
 * self-contained HTML5 document: inline CSS pinned by a CSP hash, no scripts, no external
 * assets other than the badge image.
 */
import type { Clock } from '#shared/core/clock.ts';
import { systemClock } from '#shared/core/clock.ts';
import { signedByUnboundKey, unboundKeyMessage } from '#shared/credentials/verify/issuer-notice.ts';
import type { Check, CheckOutcome, VerificationReport } from '#shared/credentials/verify/report.ts';
import {
  type CredentialView,
  type EvidenceView,
  type RecipientView,
  readCredentialView,
} from './credential-view.ts';
import { formatUtcDate, isoInstant } from './format-date.ts';
import { type HtmlValue, html, raw, type SafeHtml, serviceLink } from './html.ts';
import { PAGE_CSS, PAGE_CSS_HASH } from './page-style.ts';

/** The issuer's own record of the credential. */
export type CredentialState = 'active' | 'revoked' | 'suspended';

/** The status shown in the page's banner. */
export type DisplayStatus = 'verified' | 'not-valid' | 'revoked' | 'suspended' | 'expired';

/** Where the service serves this credential's other forms. */
export interface VerificationPageLinks {
  readonly json: string;
  readonly jwt?: string;
  readonly png: string;
  readonly svg: string;
  /** Target of the "Verify again" and recipient forms (POST). */
  readonly reverify: string;
  /** The badge image as the service serves it (hosted, embedded or drawn); else the credential's own. */
  readonly image?: string;
}

/** The answer to "was this issued to this email address?", compared on the server. */
export type RecipientCheck =
  | { readonly email: string; readonly matched: boolean }
  | { readonly problem: string };

export interface VerificationPageInput {
  readonly credential: Record<string, unknown>;
  readonly report: VerificationReport;
  readonly state: CredentialState;
  readonly links: VerificationPageLinks;
  /** Decides whether `validUntil` is past; the system clock by default. */
  readonly clock?: Clock;
  /** When the report was made (ISO 8601); shown as the time of the last check. */
  readonly checkedAt?: string;
  /** True when a viewer asked for this check ("Verify again"), not only opened the page. */
  readonly rechecked?: boolean;
  readonly recipientCheck?: RecipientCheck;
  /** Evidence ids (credential ids) with a page on this service: linked to that page. */
  readonly evidencePages?: ReadonlyMap<string, string>;
}

/** The banner: which status, its label and the sentence that explains it. */
export interface StatusBanner {
  readonly status: DisplayStatus;
  readonly label: string;
  readonly detail: string;
}

const LABELS: Readonly<Record<DisplayStatus, string>> = {
  verified: 'Verified',
  'not-valid': 'Not valid',
  revoked: 'Revoked',
  suspended: 'Suspended',
  expired: 'Expired',
};

// The stylesheet is a constant of this code base, never data, so it goes in unescaped.
const CSS = raw(PAGE_CSS);

const OUTCOME_LABELS: Readonly<Record<CheckOutcome, string>> = {
  passed: 'Passed',
  failed: 'Failed',
  warning: 'Warning',
  skipped: 'Skipped',
};

/**
 * Decides the banner. The issuer's revocation or suspension wins; then a failed check other
 * than expiry ("Not valid", with that check's reason); then expiry, by the report or by the
 * clock; else "Verified".
 *
 * @example
 * statusBanner({ credential, report, state: 'active', links }).label; // 'Verified'
 */
export function statusBanner(input: VerificationPageInput): StatusBanner {
  if (input.state === 'revoked') {
    // An achievement with a suspension entry is revoked by suspending it for good: its status
    // list (all a verifier elsewhere sees) says suspended, and the page says both.
    const suspensionOnly = readCredentialView(input.credential).statusPurpose === 'suspension';
    return banner(
      'revoked',
      suspensionOnly
        ? 'The issuer has revoked this credential for good; it is no longer valid. Its status list can only mark it suspended, which is what the status check reports; it will not be reinstated.'
        : 'The issuer has revoked this credential; it is no longer valid.',
    );
  }
  if (input.state === 'suspended') {
    return banner('suspended', 'The issuer has suspended this credential; it is not valid now.');
  }
  const { report } = input;
  const deciding = report.verdict === 'valid' ? undefined : decidingCheck(report);
  if (report.verdict !== 'valid' && deciding?.id !== 'expiration') {
    const reason = deciding?.reason ?? 'The credential could not be verified.';
    return banner('not-valid', deciding ? `Check “${deciding.id}” failed: ${reason}` : reason);
  }
  const view = readCredentialView(input.credential);
  const until = view.validUntil === undefined ? Number.NaN : Date.parse(view.validUntil);
  const now = (input.clock ?? systemClock).now().getTime();
  if (deciding?.id === 'expiration' || until < now) {
    const on = view.validUntil === undefined ? undefined : formatUtcDate(view.validUntil);
    return banner(
      'expired',
      on
        ? `This credential expired on ${on}.`
        : (deciding?.reason ?? 'This credential has expired.'),
    );
  }
  return banner('verified', verifiedDetail(report));
}

/**
 * Renders the complete verification page. Every value from the credential or the report
 * is HTML-escaped, and only http(s) (and data:image for the badge image) URLs are linked.
 *
 * @example
 * const page = renderVerificationPage({ credential, report, state: 'active', links });
 */
export function renderVerificationPage(input: VerificationPageInput): string {
  const view = readCredentialView(input.credential);
  const status = statusBanner(input);
  const reverify = serviceLink(input.links.reverify);
  const csp = [
    "default-src 'none'",
    `img-src ${imageSource(input.links)}`,
    `style-src ${PAGE_CSS_HASH}`,
    `form-action ${formActionSource(reverify)}`,
    "base-uri 'none'",
  ].join('; ');

  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<title>${view.achievementName} · ${status.label}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<section class="status status-${status.status}" aria-labelledby="status-label">
<h2 id="status-label">${status.label}</h2>
<p>${status.detail}</p>
${renderCheckedAt(input)}
</section>
${renderBindingNotice(input.report)}
${renderCard(view, input)}
${renderRecipient(view, input.recipientCheck, reverify)}
${renderChecks(input.report.checks)}
${renderActions(input.links, reverify)}
</main>
</body>
</html>
`;
  return page.value;
}

function renderCard(view: CredentialView, input: VerificationPageInput): SafeHtml {
  const source = serviceLink(input.links.image) ?? view.imageUrl;
  const image = source
    ? html`<img src="${source}" alt="${view.imageAlt}" width="128" height="128" referrerpolicy="no-referrer">`
    : undefined;
  const kind = view.isEndorsement ? 'Endorsement' : (view.achievementType ?? 'Open Badge');
  return html`<article class="card">
<div class="head">${image}<div>
<p class="kind">${kind}</p>
<h1>${view.achievementName}</h1>
${view.issuerName ? html`<p>Issued by ${link(view.issuerName, view.issuerUrl)}</p>` : undefined}
</div></div>
${view.description ? html`<p class="text">${view.description}</p>` : undefined}
<dl>
<dt>Issuer</dt><dd>${renderIssuer(view)}</dd>
<dt>Issued on</dt><dd>${renderDate(view.validFrom, 'Not stated')}</dd>
${view.awardedDate ? html`<dt>Awarded on</dt><dd>${renderDate(view.awardedDate, '')}</dd>` : undefined}
<dt>${expiryTerm(view, input.clock ?? systemClock)}</dt><dd>${renderDate(view.validUntil, 'Does not expire')}</dd>
${renderCredits(view)}
<dt>Signing key</dt><dd>${renderBinding(input.report)}</dd>
</dl>
${renderResults(view)}
${renderEvidence(view.evidence, input.evidencePages)}
${renderCriteria(view)}
${renderSkills(view)}
</article>`;
}

function renderCheckedAt(input: VerificationPageInput): HtmlValue {
  const at = input.checkedAt === undefined ? undefined : isoInstant(input.checkedAt);
  if (at === undefined) return undefined;
  const when = html`<time datetime="${at}">${formatUtcDateTime(at)}</time>`;
  return input.rechecked
    ? html`<p class="checked">Verified again just now, at ${when}.</p>`
    : html`<p class="checked">Last checked at ${when}.</p>`;
}

/** `7 December 2026, 05:08:40 UTC`: to the second, so two checks a moment apart differ. */
function formatUtcDateTime(iso: string): string {
  const minute = formatUtcDate(iso);
  return minute === undefined ? iso : minute.replace(/ UTC$/, `:${iso.slice(17, 19)} UTC`);
}

function renderCredits(view: CredentialView): HtmlValue {
  if (view.creditsEarned === undefined && view.creditsAvailable === undefined) return undefined;
  const text =
    view.creditsEarned === undefined
      ? `${view.creditsAvailable} available`
      : view.creditsAvailable === undefined
        ? `${view.creditsEarned}`
        : `${view.creditsEarned} of ${view.creditsAvailable}`;
  return html`<dt>Credits</dt><dd>${text}</dd>`;
}

function renderResults(view: CredentialView): HtmlValue {
  if (view.results.length === 0) return undefined;
  const items = view.results.map((result) => html`<dt>${result.name}</dt><dd>${result.value}</dd>`);
  return html`<section aria-labelledby="results">
<h2 id="results">Results</h2>
<dl>${items}</dl>
</section>`;
}

function renderEvidence(
  evidence: readonly EvidenceView[],
  pages: ReadonlyMap<string, string> | undefined,
): HtmlValue {
  if (evidence.length === 0) return undefined;
  const items = evidence.map((entry) => {
    const page = entry.id === undefined ? undefined : serviceLink(pages?.get(entry.id));
    const title = entry.name ?? entry.genre ?? entry.id ?? 'Evidence';
    const heading = page
      ? html`<a href="${page}">${title}</a> <span class="muted">(verification page)</span>`
      : link(title, entry.url);
    const genre =
      entry.genre && entry.name ? html` <span class="muted">· ${entry.genre}</span>` : undefined;
    return html`<li>${heading}${genre}${
      entry.description ? html`<br>${entry.description}` : undefined
    }${entry.narrative ? html`<br><span class="text">${entry.narrative}</span>` : undefined}</li>`;
  });
  return html`<section aria-labelledby="evidence">
<h2 id="evidence">Evidence</h2>
<ul class="evidence">${items}</ul>
</section>`;
}

function renderRecipient(
  view: CredentialView,
  check: RecipientCheck | undefined,
  action: string | undefined,
): SafeHtml {
  const answer =
    check === undefined
      ? undefined
      : 'problem' in check
        ? html`<p class="answer answer-no" role="status">${check.problem}</p>`
        : check.matched
          ? html`<p class="answer answer-yes" role="status">Yes: this credential was issued to <strong>${check.email}</strong>.</p>`
          : html`<p class="answer answer-no" role="status">No: this credential was not issued to <strong>${check.email}</strong>.</p>`;
  const form =
    action && (view.recipient.kind === 'hashed-email' || view.recipient.kind === 'email')
      ? html`<form method="post" action="${action}" class="recipient-form">
<label for="recipient-email">Email address</label>
<input id="recipient-email" name="email" type="email" autocomplete="email" required maxlength="320">
<button type="submit">Check</button>
</form>`
      : undefined;
  return html`<section class="card" aria-labelledby="recipient">
<h2 id="recipient">Issued to</h2>
<p>${recipientText(view.recipient)}</p>
${answer}
${form}
</section>`;
}

function recipientText(recipient: RecipientView): HtmlValue {
  switch (recipient.kind) {
    case 'id':
      return html`The holder of <code>${recipient.id}</code>.`;
    case 'hashed-email':
      return 'A person identified by an email address, which the credential holds only as a salted hash. Enter an address to check whether it is the one.';
    case 'email':
      return html`The email address <strong>${recipient.email}</strong>.`;
    default:
      return 'The credential does not say who it was issued to.';
  }
}

function renderIssuer(view: CredentialView): HtmlValue {
  const name = view.issuerName ? link(view.issuerName, view.issuerUrl) : 'Name not stated';
  return view.issuerId ? html`${name}<br><code>${view.issuerId}</code>` : name;
}

function renderDate(value: string | undefined, absent: string): HtmlValue {
  if (value === undefined) return absent;
  const iso = isoInstant(value);
  const text = formatUtcDate(value);
  if (iso === undefined || text === undefined) return html`Unreadable date <code>${value}</code>`;
  return html`<time datetime="${iso}">${text}</time>`;
}

function expiryTerm(view: CredentialView, clock: Clock): string {
  if (view.validUntil === undefined) return 'Expires';
  return Date.parse(view.validUntil) < clock.now().getTime() ? 'Expired on' : 'Expires on';
}

function renderBinding(report: VerificationReport): SafeHtml {
  const { bound, reason, keyId } = report.issuerBinding;
  const key = keyId ? html`<br><code>${keyId}</code>` : undefined;
  return bound
    ? html`Bound to the issuer: ${reason}${key}`
    : html`<strong>Not shown to belong to the issuer:</strong> ${reason}${key}`;
}

/**
 * Said next to the banner, not only in the card: a valid signature by a key anyone could
 * hold would otherwise read as the issuer's credential.
 */
function renderBindingNotice(report: VerificationReport): HtmlValue {
  if (!signedByUnboundKey(report)) return undefined;
  return html`<section class="status notice" aria-labelledby="binding-notice">
<h2 id="binding-notice">Issuer not confirmed</h2>
<p>${unboundKeyMessage(report)} Anyone can sign a credential in another issuer's name this way.</p>
</section>`;
}

function renderCriteria(view: CredentialView): HtmlValue {
  if (!view.criteriaNarrative && !view.criteriaUrl) return undefined;
  return html`<section aria-labelledby="criteria">
<h2 id="criteria">Criteria</h2>
${view.criteriaNarrative ? html`<p class="text">${view.criteriaNarrative}</p>` : undefined}
${view.criteriaUrl ? html`<p>${link('Criteria page', view.criteriaUrl)}</p>` : undefined}
</section>`;
}

function renderSkills(view: CredentialView): HtmlValue {
  if (view.skills.length === 0) return undefined;
  const items = view.skills.map((skill) => {
    const framework = [skill.framework, skill.code].filter(Boolean).join(' ');
    return html`<li>${link(skill.name, skill.url)}${framework ? html` <span class="muted">(${framework})</span>` : undefined}</li>`;
  });
  return html`<section aria-labelledby="skills">
<h2 id="skills">Skills</h2>
<ul>${items}</ul>
</section>`;
}

function renderChecks(checks: readonly Check[]): SafeHtml {
  const items = checks.map(
    (check) =>
      html`<li><span class="outcome outcome-${check.outcome}">${OUTCOME_LABELS[check.outcome] ?? check.outcome}</span> <code>${check.id}</code> ${check.reason}</li>`,
  );
  return html`<section class="card" aria-labelledby="checks">
<h2 id="checks">Checks</h2>
${items.length > 0 ? html`<ol class="checks">${items}</ol>` : html`<p>No checks were run.</p>`}
</section>`;
}

function renderActions(links: VerificationPageLinks, reverify: string | undefined): SafeHtml {
  const downloads = [
    ['Credential (JSON)', links.json],
    ['Credential (VC-JWT)', links.jwt],
    ['Badge image (PNG)', links.png],
    ['Badge image (SVG)', links.svg],
  ] as const;
  const items = downloads.map(([label, href]) => {
    const safe = serviceLink(href);
    return safe ? html`<li><a href="${safe}" download>${label}</a></li>` : undefined;
  });
  return html`<section class="card" aria-labelledby="actions">
<h2 id="actions">Verify or download</h2>
${reverify ? html`<form method="post" action="${reverify}"><button type="submit">Verify again</button></form>` : undefined}
<ul class="downloads">${items}</ul>
</section>`;
}

function link(text: string, url: string | undefined): HtmlValue {
  return url ? html`<a href="${url}" rel="noopener noreferrer nofollow">${text}</a>` : text;
}

function banner(status: DisplayStatus, detail: string): StatusBanner {
  return { status, label: LABELS[status], detail };
}

function decidingCheck(report: VerificationReport): Check | undefined {
  const failed = report.checks.filter((check) => check.outcome === 'failed');
  return failed.find((check) => check.id === report.decidingCheck) ?? failed[0];
}

function verifiedDetail(report: VerificationReport): string {
  const warnings = report.checks.filter((check) => check.outcome === 'warning').length;
  const note =
    warnings === 1 ? ', with 1 warning' : warnings > 1 ? `, with ${warnings} warnings` : '';
  return `Every check that ran passed${note}.`;
}

function imageSource(links: VerificationPageLinks): string {
  const image = serviceLink(links.image);
  // The service's own image route when there is one; the credential's hosted or embedded
  // image otherwise.
  if (image === undefined) return 'https: http: data:';
  return image.startsWith('/') ? "'self'" : new URL(image).origin;
}

function formActionSource(reverify: string | undefined): string {
  if (reverify === undefined) return "'none'";
  return reverify.startsWith('/') ? "'self'" : new URL(reverify).origin;
}
