import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { API_DESCRIPTION, appRoutes } from '#functions/api/app.ts';
import type { ApiDeps } from '#functions/api/deps.ts';
import { createHttpHandler } from '#functions/http/router.ts';
import { collectingLogger, gatewayEvent, jsonBody, tableVerifier } from './http-test-kit.ts';

/**
 * The API reference as a reader meets it: /openapi.json of the real route table documents
 * every operation with a response schema and an example for each success, an example for
 * every request body and path parameter, and examples that satisfy their own schemas; /docs
 * shows all of it, loads nothing from anywhere, and fits a phone.
 */

type Json = Record<string, unknown>;

const addFormats = addFormatsModule.default;

// Reading the document never reaches a handler, so the use cases' dependencies stay unset.
const deps = { ctx: { baseUrl: 'https://api.example.org' }, verifier: {} } as unknown as ApiDeps;
const handler = createHttpHandler(appRoutes(deps, { health: async () => ({ ok: true }) }), {
  tokenVerifier: tableVerifier({}),
  logger: collectingLogger(),
});

async function openApi(): Promise<Json> {
  const result = await handler(gatewayEvent({ path: '/openapi.json' }));
  expect(result.statusCode).toBe(200);
  return jsonBody(result) as Json;
}

interface Operation {
  readonly key: string;
  readonly operation: Json;
}

function operations(document: Json): Operation[] {
  return Object.entries(document.paths as Json).flatMap(([path, item]) =>
    Object.entries(item as Json).map(([method, operation]) => ({
      key: `${method.toUpperCase()} ${path}`,
      operation: operation as Json,
    })),
  );
}

function mediaOf(content: unknown): [string, Json][] {
  return Object.entries((content ?? {}) as Json).map(([type, media]) => [type, media as Json]);
}

/** Binary bodies have a schema (`contentMediaType`) but no example a page could show. */
const BINARY = new Set(['image/png']);

describe('/openapi.json', () => {
  it('documents each success of every operation with a schema and an example', async () => {
    const missing: string[] = [];

    for (const { key, operation } of operations(await openApi()))
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        if (!status.startsWith('2') || status === '204') continue;
        const content = mediaOf((response as Json).content);
        if (content.length === 0) missing.push(`${key} ${status}: no content`);
        for (const [type, media] of content) {
          if (media.schema === undefined) missing.push(`${key} ${status} ${type}: no schema`);
          if (media.example === undefined && !BINARY.has(type))
            missing.push(`${key} ${status} ${type}: no example`);
        }
      }

    expect(missing).toEqual([]);
  });

  it('gives every request body and every path parameter an example', async () => {
    const missing: string[] = [];

    for (const { key, operation } of operations(await openApi())) {
      for (const [type, media] of mediaOf((operation.requestBody as Json | undefined)?.content))
        if (media.example === undefined) missing.push(`${key} request ${type}`);
      for (const parameter of (operation.parameters ?? []) as Json[])
        if (parameter.in === 'path' && (parameter.example === undefined || !parameter.description))
          missing.push(`${key} {${parameter.name}}`);
    }

    expect(missing).toEqual([]);
  });

  it('shows examples that satisfy their own schemas', async () => {
    const document = await openApi();
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...(document.components as Json) }, 'components');
    const invalid: string[] = [];
    const check = (where: string, media: Json) => {
      if (media.schema === undefined || media.example === undefined) return;
      const validate = ajv.compile(media.schema as Json);
      if (!validate(media.example)) invalid.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    };

    for (const { key, operation } of operations(document)) {
      for (const [type, media] of mediaOf((operation.requestBody as Json | undefined)?.content))
        check(`${key} request ${type}`, media);
      for (const [status, response] of Object.entries(operation.responses as Json))
        for (const [type, media] of mediaOf((response as Json).content))
          check(`${key} ${status} ${type}`, media);
    }
    const problem = (document.components as { schemas: { Problem: Json } }).schemas.Problem;
    check('Problem', { schema: problem, example: problem.example });

    expect(invalid).toEqual([]);
  });

  it('documents the service as it is today', async () => {
    const document = await openApi();

    expect((document.info as Json).description).toBe(API_DESCRIPTION);
    for (const feature of ['pathways', 'import', 'CLR', 'search'])
      expect(API_DESCRIPTION).toContain(feature);
  });
});

describe('/docs', () => {
  it('shows every operation with its examples, self-contained and phone-sized', async () => {
    const document = await openApi();
    const result = await handler(gatewayEvent({ path: '/docs' }));
    const page = String(result.body);

    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-security-policy']).toContain("default-src 'none'");
    for (const { operation } of operations(document))
      expect(page).toContain(`<code>${operation.operationId}</code>`);
    expect(page).toContain('<p class="subtitle">Issue, verify, revoke and bake');
    expect(page).toContain('<p class="label">Example</p>');
    expect(page).toContain('&quot;mustHave&quot;: [');
    // Nothing is fetched: no script, stylesheet, image, frame, font or import; links stay local.
    expect(page).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|@import|url\(/i);
    expect(
      page.match(/href="[^"]*"/g)?.filter((href) => !/^href="(#|openapi\.json)/.test(href)),
    ).toEqual([]);
    // Readable at 390 px: the viewport follows the device, and nothing is fixed wider.
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    const widths = [...page.matchAll(/(?:min-)?width:\s*(\d+)px/g)].map((m) => Number(m[1]));
    expect(widths.filter((px) => px > 390)).toEqual([]);
    expect(page).toContain('white-space:pre-wrap');
  });
});
