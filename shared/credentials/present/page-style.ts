/**
 * The verification page's stylesheet, inlined so the page needs no other request, and its
 * CSP hash so the page can forbid every other style source.
 */
import { createHash } from 'node:crypto';

/** The page's whole stylesheet. Status colours meet WCAG AA contrast on white. */
export const PAGE_CSS = `
:root{color-scheme:light;--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--gone:#59636e}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#f6f8fa;overflow-wrap:anywhere}
main{max-width:46rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:1.75rem;line-height:1.25;margin:.25rem 0}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
a{color:#0550ae}
.status{border:2px solid;border-radius:.75rem;padding:1rem 1.25rem;background:#fff}
.status h2{margin:0;font-size:1.5rem}
.status p{margin:.25rem 0 0}
.status-verified{border-color:var(--ok)}.status-verified h2{color:var(--ok)}
.status-not-valid,.status-revoked{border-color:var(--bad)}.status-not-valid h2,.status-revoked h2{color:var(--bad)}
.status-suspended,.status-expired{border-color:var(--warn)}.status-suspended h2,.status-expired h2{color:var(--warn)}
.notice{border-color:var(--warn);margin-top:1rem}.notice h2{color:var(--warn)}
.card{background:#fff;border:1px solid var(--line);border-radius:.75rem;padding:1.25rem;margin-top:1rem}
.card>h2:first-child{margin-top:0}
.head{display:flex;gap:1.25rem;align-items:flex-start;flex-wrap:wrap}
.head img{width:8rem;height:8rem;object-fit:contain;flex:none}
.kind{margin:0;color:var(--muted);font-size:.875rem;text-transform:uppercase;letter-spacing:.05em}
.muted{color:var(--muted)}
.text{white-space:pre-line;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:1rem 0 0}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
code{font-size:.875em;overflow-wrap:anywhere}
ul,ol{padding-left:1.25rem}
.checks li{margin:.25rem 0}
.outcome{display:inline-block;min-width:4.5rem;font-weight:600}
.outcome-passed{color:var(--ok)}.outcome-failed{color:var(--bad)}.outcome-warning{color:var(--warn)}.outcome-skipped{color:var(--gone)}
button{font:inherit;padding:.5rem 1rem;border-radius:.5rem;border:1px solid var(--ink);background:var(--ink);color:#fff;cursor:pointer}
button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #0969da;outline-offset:2px}
.downloads{display:flex;flex-wrap:wrap;gap:.75rem;list-style:none;padding:0}
.checked{color:var(--muted);font-size:.9rem}
.evidence li{margin:.5rem 0}
.recipient-form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.recipient-form label{font-weight:600;flex-basis:100%}
.recipient-form input{font:inherit;padding:.45rem .6rem;border:1px solid var(--muted);border-radius:.5rem;flex:1 1 12rem;min-width:0}
.answer{font-weight:600;padding:.5rem .75rem;border-radius:.5rem;border:2px solid}
.answer-yes{color:var(--ok);border-color:var(--ok)}.answer-no{color:var(--bad);border-color:var(--bad)}
@media (max-width:30rem){main{padding:1rem .75rem 2rem}h1{font-size:1.4rem}.card{padding:1rem}dl{grid-template-columns:1fr}dd{margin-bottom:.5rem}.head img{width:6rem;height:6rem}}
`.trim();

/** `'sha256-…'` source expression of {@link PAGE_CSS} for a Content-Security-Policy. */
export const PAGE_CSS_HASH = `'sha256-${createHash('sha256').update(PAGE_CSS, 'utf8').digest('base64')}'`;
