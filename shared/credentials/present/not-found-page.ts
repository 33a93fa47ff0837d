/**
 * The page a browser gets for a credential the service does not hold: a readable HTML 404
 * in the verification page's style, instead of a problem+json document. JSON clients still
 * get the problem+json (the routes negotiate on `Accept`).
 */
import { html, raw } from './html.ts';
import { PAGE_CSS, PAGE_CSS_HASH } from './page-style.ts';

/**
 * True when the client asked for HTML before JSON: a browser's navigation `Accept`
 * (`text/html,…`), not an API client's (`application/json`, `application/problem+json`, none).
 *
 * @example
 * prefersHtml('text/html,application/xhtml+xml,*\/*;q=0.8'); // true
 * prefersHtml('application/json'); // false
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const types = accept
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
      const q = params.find((param) => param.startsWith('q='));
      return { type, q: q === undefined ? 1 : Number(q.slice(2)) || 0 };
    })
    .filter((entry) => entry.q > 0);
  const weight = (match: (type: string) => boolean) =>
    Math.max(0, ...types.filter((entry) => match(entry.type)).map((entry) => entry.q));
  const htmlWeight = weight((type) => type === 'text/html' || type === 'application/xhtml+xml');
  const jsonWeight = weight((type) => type === 'application/json' || type.endsWith('+json'));
  return htmlWeight > 0 && htmlWeight >= jsonWeight;
}

/**
 * The HTML 404 page for `credentialId`.
 *
 * @example
 * renderNotFoundPage('urn:uuid:…');
 */
export function renderNotFoundPage(credentialId: string): string {
  const csp = ["default-src 'none'", `style-src ${PAGE_CSS_HASH}`, "base-uri 'none'"].join('; ');
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<title>Credential not found</title>
<style>${raw(PAGE_CSS)}</style>
</head>
<body>
<main>
<section class="status status-not-valid" aria-labelledby="status-label">
<h1 id="status-label">Credential not found</h1>
<p>This service holds no credential <code>${credentialId}</code>. Check the link you were given: it may be mistyped or cut short. A credential that was revoked is still found here, and says so.</p>
</section>
</main>
</body>
</html>
`.value;
}
