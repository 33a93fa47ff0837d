import type { HttpResult } from './route.ts';

/**
 * Shorthands for the results handlers return most; error statuses are never built here —
 * handlers throw ServiceError and the one mapper (problem.ts) answers.
 */

type Headers = Readonly<Record<string, string>>;

/**
 * 200 with a JSON body (or another JSON media type, such as `application/did+json`).
 *
 * @example
 * return ok(issuer);
 */
export function ok(
  body: unknown,
  options: { contentType?: string; headers?: Headers } = {},
): HttpResult {
  return { status: 200, body, ...options };
}

/**
 * 201 with the new resource and its URL in `Location`.
 *
 * @example
 * return created(achievement, urls.achievement(baseUrl, issuerId, achievement.id));
 */
export function created(body: unknown, location: string): HttpResult {
  return { status: 201, body, headers: { location } };
}

/**
 * 202 for work accepted but not done yet.
 *
 * @example
 * return accepted({ batchId });
 */
export function accepted(body: unknown): HttpResult {
  return { status: 202, body };
}

/**
 * 204 with no body.
 *
 * @example
 * return noContent();
 */
export function noContent(): HttpResult {
  return { status: 204 };
}

/**
 * An HTML page.
 *
 * @example
 * return html(renderDocsPage(document));
 */
export function html(
  text: string,
  options: { status?: number; headers?: Headers } = {},
): HttpResult {
  return {
    status: options.status ?? 200,
    body: text,
    contentType: 'text/html; charset=utf-8',
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  };
}

/**
 * Bytes (a baked PNG, …), sent base64-encoded through API Gateway.
 *
 * @example
 * return binary(png, 'image/png');
 */
export function binary(
  bytes: Uint8Array,
  contentType: string,
  options: { status?: number; headers?: Headers } = {},
): HttpResult {
  return {
    status: options.status ?? 200,
    body: bytes,
    contentType,
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  };
}
