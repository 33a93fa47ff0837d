import { escapeHtml } from '#shared/credentials/present/html.ts';

/**
 * A self-contained HTML reference of an OpenAPI document: no script, no CDN, no external
 * asset, every value escaped — so it can be served under `default-src 'none'`, works offline
 * and weighs nothing in the Lambda bundle. Every operation shows its parameters, request and
 * responses with an example each (schemas fold away), in one column that reads on a phone.
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
  const shown = typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? '');
  return `<pre>${escapeHtml(shown)}</pre>`;
}

function exampleBlock(value: unknown): string {
  return value === undefined ? '' : `<p class="label">Example</p>${jsonBlock(value)}`;
}

function schemaBlock(schema: unknown): string {
  return schema === undefined
    ? ''
    : `<details><summary>Schema</summary>${jsonBlock(schema)}</details>`;
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
  // A list, not a table: it reflows on a phone instead of scrolling sideways.
  const items = parameters
    .map((parameter) => {
      const schema = record(parameter.schema);
      const description = text(parameter.description) || text(schema.description);
      const example = parameter.example ?? schema.example;
      const facts = `${text(parameter.in)}${parameter.required === true ? ', required' : ''}`;
      return (
        `<li><code>${escapeHtml(text(parameter.name))}</code> <span class="muted">(${escapeHtml(facts)})</span>` +
        (description === '' ? '' : ` ${escapeHtml(description)}`) +
        (example === undefined
          ? ''
          : ` <span class="muted">Example:</span> <code>${escapeHtml(String(example))}</code>`) +
        '</li>'
      );
    })
    .join('');
  return `<h4>Parameters</h4><ul class="plain">${items}</ul>`;
}

function contentSection(content: unknown): string {
  return Object.entries(record(content))
    .map(([mediaType, media]) => {
      const { schema, example } = record(media);
      return `<p class="media"><code>${escapeHtml(mediaType)}</code></p>${exampleBlock(example)}${schemaBlock(schema)}`;
    })
    .join('');
}

function requestSection(operation: Json): string {
  const body = record(operation.requestBody);
  if (body.content === undefined) return '';
  return `<h4>Request body</h4>${contentSection(body.content)}`;
}

function responsesSection(operation: Json, shared: Json): string {
  const items = Object.entries(record(operation.responses))
    .map(([status, value]) => {
      const spec = record(value);
      const ref = text(spec.$ref);
      if (ref !== '') {
        // A shared problem response: its description here, its schema once under Errors.
        const named = record(shared[ref.split('/').pop() ?? '']);
        return `<li><strong>${escapeHtml(status)}</strong> ${escapeHtml(text(named.description))} <a href="#errors">problem details</a></li>`;
      }
      return `<li><strong>${escapeHtml(status)}</strong> ${escapeHtml(text(spec.description))}${contentSection(spec.content)}</li>`;
    })
    .join('');
  return `<h4>Responses</h4><ul class="plain">${items}</ul>`;
}

function operationSection(path: string, method: string, operation: Json, shared: Json): string {
  const id = text(operation.operationId) || `${method}-${path}`;
  const description = text(operation.description);
  return (
    `<section class="op" id="${escapeHtml(anchor(id))}">` +
    `<h3><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>` +
    `<p class="summary">${escapeHtml(text(operation.summary))}</p>` +
    (description === '' ? '' : `<p>${escapeHtml(description)}</p>`) +
    `<p class="muted"><strong>Operation:</strong> <code>${escapeHtml(id)}</code> · <strong>Auth:</strong> ${escapeHtml(authOf(operation))}</p>` +
    parametersSection(operation) +
    requestSection(operation) +
    responsesSection(operation, shared) +
    '</section>'
  );
}

// One column, nothing wider than the screen: long paths, ids and JSON wrap instead of
// pushing the page sideways on a 390 px phone.
const STYLE = `*{box-sizing:border-box}
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1d232a;overflow-wrap:anywhere}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.3rem;margin-top:2rem}h3{font-size:1.05rem;margin:.5rem 0}h4{margin:.75rem 0 .25rem}
.subtitle{font-size:1.05rem;color:#3d4752;margin-top:0}.muted{color:#57606a}.summary{margin:.25rem 0}
code{font:13px/1.4 ui-monospace,monospace;background:#f4f6f8;padding:0 .2rem;border-radius:3px}
pre{background:#f4f6f8;padding:.5rem;font:12px/1.4 ui-monospace,monospace;white-space:pre-wrap;word-break:break-word;max-width:100%;margin:.25rem 0}
pre,details{overflow-x:auto}summary{cursor:pointer;color:#0550ae}
ul.plain{padding-left:1.1rem}ul.plain li{margin:.35rem 0}.label,.media{margin:.25rem 0 0;font-size:.9rem}
nav ul{padding-left:1.1rem}nav li{margin:.2rem 0}
.op{border-top:1px solid #d0d7de;margin-top:1.5rem;padding-top:.5rem}.method{display:inline-block;min-width:3.5rem;font-weight:700}
.get{color:#0a6e31}.post{color:#0550ae}.put,.patch{color:#8a4b00}.delete{color:#b3261e}
@media (min-width:48rem){body{padding:1rem 2rem}pre{font-size:13px}}`;

interface Entry {
  readonly path: string;
  readonly method: string;
  readonly operation: Json;
}

/** Operations by their first tag, in the document's tag order (untagged ones last). */
function byTag(document: Json, operations: readonly Entry[]): [string, Entry[]][] {
  const order = (Array.isArray(document.tags) ? document.tags : []).map((tag) =>
    text(record(tag).name),
  );
  const groups = new Map<string, Entry[]>(order.map((name) => [name, []]));
  for (const entry of operations) {
    const tags = entry.operation.tags;
    const tag = Array.isArray(tags) && typeof tags[0] === 'string' ? tags[0] : 'other';
    groups.set(tag, [...(groups.get(tag) ?? []), entry]);
  }
  return [...groups].filter(([, entries]) => entries.length > 0);
}

/**
 * Renders the documentation page of an OpenAPI document: every operation with its method,
 * path, summary, auth, parameters, request and responses (example and schema), grouped by tag.
 *
 * @example
 * const page = renderDocsPage(buildOpenApi(routes, info));
 */
export function renderDocsPage(openApi: object): string {
  const document = openApi as Json;
  const info = record(document.info);
  const title = `${text(info.title) || 'API'} ${text(info.version)}`.trim();
  const components = record(document.components);
  const shared = record(components.responses);
  const operations: Entry[] = [];
  for (const [path, item] of Object.entries(record(document.paths)))
    for (const method of METHODS) {
      const operation = record(item)[method];
      if (operation !== undefined) operations.push({ path, method, operation: record(operation) });
    }
  const groups = byTag(document, operations);
  const index = groups
    .map(
      ([tag, entries]) =>
        `<li>${escapeHtml(tag)}<ul>${entries
          .map(({ path, method, operation }) => {
            const id = text(operation.operationId) || `${method}-${path}`;
            return `<li><a href="#${escapeHtml(anchor(id))}">${escapeHtml(method.toUpperCase())} ${escapeHtml(path)}</a> — ${escapeHtml(text(operation.summary))}</li>`;
          })
          .join('')}</ul></li>`,
    )
    .join('');
  const description = text(info.description);
  const problem = record(record(components.schemas).Problem);
  const errors = Object.values(shared)
    .map((response) => `<li>${escapeHtml(text(record(response).description))}</li>`)
    .join('');
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>` +
    `<header><h1>${escapeHtml(title)}</h1>` +
    (description === '' ? '' : `<p class="subtitle">${escapeHtml(description)}</p>`) +
    '<p>The machine-readable contract is at <a href="openapi.json">openapi.json</a> (OpenAPI 3.1). Operations that are not public take a bearer token whose roles the operation lists.</p></header>' +
    `<nav><h2>Operations</h2><ul>${index}</ul></nav><main>` +
    groups
      .map(
        ([tag, entries]) =>
          `<h2>${escapeHtml(tag)}</h2>` +
          entries
            .map(({ path, method, operation }) => operationSection(path, method, operation, shared))
            .join(''),
      )
      .join('') +
    '<h2 id="errors">Errors</h2><p>Every error is an RFC 9457 problem document (<code>application/problem+json</code>); a 400 lists each offending field in <code>errors</code>.</p>' +
    `<ul class="plain">${errors}</ul>` +
    exampleBlock(problem.example) +
    schemaBlock(Object.keys(problem).length === 0 ? undefined : problem) +
    '</main></body></html>\n'
  );
}
