/**
 * The page a browser gets for a credential the service does not hold: a readable HTML 404
 * in the verification page's style, instead of a problem+json document. JSON clients still
 * get the problem+json (the routes negotiate on `Accept`).
 */
import { html, raw } from './html.ts';
import { PAGE_CSS, PAGE_CSS_HASH } from './page-style.ts';

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
