import { readFile } from 'node:fs/promises';
import { CredstackError } from '#shared/core/errors.ts';
import type { FetchedResource, Fetcher, FetchOptions } from '#shared/credentials/fetch/fetcher.ts';

/** One canned response: text or bytes, or a file read when first asked for. */
export type StaticResponse =
  | {
      readonly body: string | Uint8Array;
      readonly contentType?: string;
      readonly status?: number;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | { readonly file: string; readonly contentType?: string };

/** A response, or a function that builds one (undefined: no such URL). */
export type StaticRoute =
  | StaticResponse
  | ((url: string) => StaticResponse | undefined | Promise<StaticResponse | undefined>);

export type StaticRoutes =
  | Readonly<Record<string, StaticRoute>>
  | ReadonlyMap<string, StaticRoute>
  | ((url: string) => StaticResponse | undefined | Promise<StaticResponse | undefined>);

function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

/**
 * A Fetcher that serves canned responses: tests map the public URLs named in fixtures to
 * local files, and the local runtime can serve its own documents. Unknown URLs fail with
 * FETCH_FAILED, as an unreachable host would. Fragments are ignored, as in HTTP.
 *
 * @example
 * const fetcher = new StaticFetcher({
 *   'https://college.example/.well-known/did.json': { body: JSON.stringify(didDocument) },
 * });
 */
export class StaticFetcher implements Fetcher {
  readonly #routes: StaticRoutes;
  /** Every URL asked for, in order (tests assert on it). */
  readonly requests: string[] = [];

  constructor(routes: StaticRoutes) {
    this.#routes = routes;
  }

  async fetch(url: string, _options?: FetchOptions): Promise<FetchedResource> {
    const target = withoutFragment(url);
    this.requests.push(target);
    const route = this.#route(target);
    const response = typeof route === 'function' ? await route(target) : route;
    if (response === undefined)
      throw new CredstackError('FETCH_FAILED', `no response is configured for ${target}`);
    if ('file' in response) {
      let body: Uint8Array;
      try {
        body = new Uint8Array(await readFile(response.file));
      } catch (error) {
        throw new CredstackError('FETCH_FAILED', `the file behind ${target} cannot be read`, {
          cause: error,
        });
      }
      return {
        url: target,
        status: 200,
        contentType: response.contentType ?? 'application/json',
        body,
      };
    }
    const status = response.status ?? 200;
    if (status < 200 || status >= 300)
      throw new CredstackError('FETCH_FAILED', `${target} answered HTTP ${status}`, {
        httpStatus: status,
      });
    const body =
      typeof response.body === 'string' ? new TextEncoder().encode(response.body) : response.body;
    return {
      url: target,
      status,
      contentType: response.contentType ?? 'application/json',
      body,
      ...(response.headers !== undefined ? { headers: response.headers } : {}),
    };
  }

  #route(url: string): StaticRoute | undefined {
    const routes = this.#routes;
    if (typeof routes === 'function') return routes;
    if (routes instanceof Map) return routes.get(url);
    const record = routes as Readonly<Record<string, StaticRoute>>;
    return Object.hasOwn(record, url) ? record[url] : undefined;
  }
}
