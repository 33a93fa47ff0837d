import { escapeHtml } from '#shared/present/html.ts';

/**
 * A self-contained HTML reference of an OpenAPI document: no script, no CDN, no external
 * asset, every value escaped — so it can be served under `default-src 'none'`.
 */

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Content-Security-Policy the page is meant to be served with: inline styles only. */
export const DOCS_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function record(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function anchor(value: string): string {
  return `op-${value.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

function jsonBlock(value: unknown): string {
  return `<pre>${escapeHtml(JSON.stringify(value, null, 2) ?? '')}</pre>`;
}

function authOf(operation: Json): string {
  const security = operation.security;
  if (!Array.isArray(security) || security.length === 0) return 'public';
  const roles = security.flatMap((requirement) =>
    Object.values(record(requirement)).flatMap((scopes) => (Array.isArray(scopes) ? scopes : [])),
  );
  return roles.length === 0 ? 'bearer token' : `bearer token with a role: ${roles.join(', ')}`;
}

function parametersSection(operation: Json): string {
  const parameters = Array.isArray(operation.parameters) ? operation.parameters.map(record) : [];
  if (parameters.length === 0) return '';
  const rows = parameters
    .map(
      (parameter) =>
        `<tr><td><code>${escapeHtml(text(parameter.name))}</code></td><td>${escapeHtml(text(parameter.in))}</td>` +
        `<td>${parameter.required === true ? 'yes' : 'no'}</td><td>${jsonBlock(parameter.schema ?? {})}</td></tr>`,
    )
    .join('');
  return `<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Required</th><th>Schema</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function contentSection(content: unknown): string {
  return Object.entries(record(content))
    .map(([mediaType, media]) => {
      const schema = record(media).schema;
      return `<p><code>${escapeHtml(mediaType)}</code></p>${schema === undefined ? '' : jsonBlock(schema)}`;
    })
    .join('');
}

function requestSection(operation: Json): string {
  const body = record(operation.requestBody);
  if (body.content === undefined) return '';
  return `<h4>Request body</h4>${contentSection(body.content)}`;
}

function responsesSection(operation: Json): string {
  const items = Object.entries(record(operation.responses))
    .map(([status, value]) => {
      const spec = record(value);
      const ref = text(spec.$ref);
      const description = ref === '' ? text(spec.description) : `see ${ref}`;
      return `<li><strong>${escapeHtml(status)}</strong> ${escapeHtml(description)}${contentSection(spec.content)}</li>`;
    })
    .join('');
  return `<h4>Responses</h4><ul>${items}</ul>`;
}

function operationSection(path: string, method: string, operation: Json): string {
  const id = text(operation.operationId) || `${method}-${path}`;
  const description = text(operation.description);
  return (
    `<section class="op" id="${escapeHtml(anchor(id))}">` +
    `<h3><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>` +
    `<p class="summary">${escapeHtml(text(operation.summary))}</p>` +
    (description === '' ? '' : `<p>${escapeHtml(description)}</p>`) +
    `<p><strong>Operation:</strong> <code>${escapeHtml(id)}</code> · <strong>Auth:</strong> ${escapeHtml(authOf(operation))}</p>` +
    parametersSection(operation) +
    requestSection(operation) +
    responsesSection(operation) +
    '</section>'
  );
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem 2rem;color:#1d232a}
pre{background:#f4f6f8;padding:.5rem;overflow:auto;font-size:13px}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #d0d7de;padding:.25rem .5rem;vertical-align:top;text-align:left}
.op{border-top:1px solid #d0d7de;margin-top:1.5rem}.method{display:inline-block;min-width:4.5rem;font-weight:700}
.get{color:#0a6e31}.post{color:#0550ae}.put,.patch{color:#8a4b00}.delete{color:#b3261e}`;

/**
 * Renders the documentation page of an OpenAPI document: every operation with its method,
 * path, summary, auth, parameters and request/response schemas.
 *
 * @example
 * const page = renderDocsPage(buildOpenApi(routes, info));
 */
export function renderDocsPage(openApi: object): string {
  const document = openApi as Json;
  const info = record(document.info);
  const title = `${text(info.title) || 'API'} ${text(info.version)}`.trim();
  const operations: { path: string; method: string; operation: Json }[] = [];
  for (const [path, item] of Object.entries(record(document.paths)))
    for (const method of METHODS) {
      const operation = record(item)[method];
      if (operation !== undefined) operations.push({ path, method, operation: record(operation) });
    }
  const index = operations
    .map(({ path, method, operation }) => {
      const id = text(operation.operationId) || `${method}-${path}`;
      return `<li><a href="#${escapeHtml(anchor(id))}">${escapeHtml(method.toUpperCase())} ${escapeHtml(path)}</a> — ${escapeHtml(text(operation.summary))}</li>`;
    })
    .join('');
  const description = text(info.description);
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>` +
    `<h1>${escapeHtml(title)}</h1>` +
    (description === '' ? '' : `<p>${escapeHtml(description)}</p>`) +
    '<p>The machine-readable contract is at <a href="openapi.json">openapi.json</a>. Errors are RFC 9457 problem details (<code>application/problem+json</code>).</p>' +
    `<h2>Operations</h2><ul>${index}</ul>` +
    operations
      .map(({ path, method, operation }) => operationSection(path, method, operation))
      .join('') +
    `<h2>Components</h2>${jsonBlock(document.components ?? {})}` +
    '</body></html>\n'
  );
}
