import { ServiceError } from '#shared/domain/errors.ts';
import { DOCS_PAGE_CSP, renderDocsPage } from './docs-page.ts';
import { html, ok } from './responses.ts';
import { defineRoute, type RouteDefinition } from './route.ts';

/**
 * The service's own public routes: the OpenAPI document, its HTML rendering and a health
 * check. `openApi` is a function so the document can describe these routes too.
 */

export interface HealthReport {
  readonly ok: boolean;
  readonly detail?: string;
}

export interface SystemRoutesOptions {
  /**
   * The OpenAPI document (build it once; the docs page is rendered once per document). It may
   * be a promise: what it is built from can load on first need.
   */
  readonly openApi: () => object | Promise<object>;
  readonly health: () => Promise<HealthReport>;
}

const TAGS = ['system'];

/**
 * `GET /openapi.json`, `GET /docs` and `GET /health`.
 *
 * @example
 * const routes = [...apiRoutes, ...systemRoutes({ openApi: () => document, health: async () => ({ ok: true }) })];
 * const document = buildOpenApi(routes, info);
 */
export function systemRoutes(options: SystemRoutesOptions): RouteDefinition[] {
  const pages = new WeakMap<object, string>();
  const page = (document: object): string => {
    let rendered = pages.get(document);
    if (rendered === undefined) {
      rendered = renderDocsPage(document);
      pages.set(document, rendered);
    }
    return rendered;
  };

  return [
    defineRoute({
      method: 'GET',
      path: '/openapi.json',
      operationId: 'getOpenApi',
      summary: 'The OpenAPI 3.1 document of this API',
      tags: TAGS,
      auth: 'public',
      responses: {
        200: {
          description: 'The OpenAPI document',
          schema: {
            type: 'object',
            required: ['openapi', 'info', 'paths'],
            properties: {
              openapi: { type: 'string' },
              info: { type: 'object' },
              paths: { type: 'object' },
            },
            example: {
              openapi: '3.1.0',
              info: { title: 'credstack', version: '0.1.0' },
              paths: {},
            },
          },
        },
      },
      handle: async () => ok(await options.openApi()),
    }),
    defineRoute({
      method: 'GET',
      path: '/docs',
      operationId: 'getDocs',
      summary: 'Human-readable API reference',
      tags: TAGS,
      auth: 'public',
      responses: {
        200: {
          description: 'An HTML page',
          contentType: 'text/html',
          schema: { type: 'string', example: '<!doctype html><html lang="en">…</html>' },
        },
      },
      handle: async () =>
        html(page(await options.openApi()), {
          headers: { 'content-security-policy': DOCS_PAGE_CSP },
        }),
    }),
    defineRoute({
      method: 'GET',
      path: '/health',
      operationId: 'getHealth',
      summary: 'Whether the service can serve requests',
      tags: TAGS,
      auth: 'public',
      responses: {
        200: {
          description: 'Healthy',
          schema: {
            type: 'object',
            required: ['status'],
            properties: { status: { const: 'ok' } },
            example: { status: 'ok' },
          },
        },
        503: { description: 'A dependency is unavailable' },
      },
      handle: async () => {
        let report: HealthReport;
        try {
          report = await options.health();
        } catch (error) {
          // The probe's own failure text may name internals; the answer stays generic.
          throw new ServiceError('UNAVAILABLE', 'the health check failed', { cause: error });
        }
        if (!report.ok)
          throw new ServiceError('UNAVAILABLE', report.detail ?? 'the service is unhealthy');
        return { ...ok({ status: 'ok' }), headers: { 'cache-control': 'no-store' } };
      },
    }),
  ];
}
