import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { IncomingMessage } from 'node:http';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { CredstackError } from '#shared/core/errors.ts';
import type { FetchedResource, Fetcher, FetchOptions } from '#shared/credentials/fetch/fetcher.ts';
import { isLoopbackAddress, isPublicAddress } from './address-policy.ts';

/** Resolves a host name to every address it has (the shape of `dns.lookup(all: true)`). */
export type ResolveHost = (hostname: string) => Promise<readonly LookupAddress[]>;

export interface HttpsFetcherOptions {
  /** Budget for the whole request, redirects included (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Largest body accepted, in bytes (default 1 MiB). */
  readonly maxBytes?: number;
  /** Most redirects followed (default 3). */
  readonly maxRedirects?: number;
  /** Let the fetcher reach loopback and private addresses: local development only. */
  readonly allowPrivateAddresses?: boolean;
  /** Allow plain http:// when the host is loopback (a local issuer during development). */
  readonly allowHttpLoopback?: boolean;
  /** Extra trust anchors, e.g. a test's self-signed certificate. */
  readonly tls?: { readonly ca?: string | Buffer };
  /** Host resolution; defaults to `dns.lookup` with `all: true`. Tests inject their own. */
  readonly resolveHost?: ResolveHost;
  /** Which addresses may be connected to; defaults to {@link isPublicAddress}. */
  readonly addressPolicy?: (ip: string) => boolean;
  readonly userAgent?: string;
}

const DEFAULT_ACCEPT =
  'application/did+ld+json, application/did+json, application/ld+json, application/json;q=0.9, application/jwk-set+json;q=0.9, application/vc+jwt;q=0.8, application/jwt;q=0.8, */*;q=0.1';

const defaultResolveHost: ResolveHost = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error) reject(error);
      else resolve(addresses);
    });
  });

type Hop =
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'done'; readonly resource: FetchedResource };

function refused(message: string): CredstackError {
  return new CredstackError('FETCH_REFUSED', message);
}

function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * A lookup that always answers with the address already vetted, so the socket connects to
 * exactly what was checked: a DNS answer that changes between check and connect (DNS
 * rebinding) cannot steer the connection to a private address.
 */
function pinnedLookup(address: LookupAddress): LookupFunction {
  type Callback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;
  return ((_hostname: string, options: { all?: boolean }, callback: Callback) => {
    if (options?.all) callback(null, [address]);
    else callback(null, address.address, address.family);
  }) as LookupFunction;
}

function headerRecord(response: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/**
 * The one fetcher that reaches the network: HTTPS only, public addresses only (checked on
 * every redirect hop and pinned for the connection), a time budget for the whole request and
 * a cap on the body size.
 *
 * @example
 * const fetcher = new HttpsFetcher({ timeoutMs: 3000 });
 * const { body } = await fetcher.fetch('https://college.example/.well-known/did.json');
 */
export class HttpsFetcher implements Fetcher {
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #maxRedirects: number;
  readonly #allowPrivate: boolean;
  readonly #allowHttpLoopback: boolean;
  readonly #ca: string | Buffer | undefined;
  readonly #resolveHost: ResolveHost;
  readonly #addressPolicy: (ip: string) => boolean;
  readonly #userAgent: string;

  constructor(options: HttpsFetcherOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#maxBytes = options.maxBytes ?? 1024 * 1024;
    this.#maxRedirects = options.maxRedirects ?? 3;
    this.#allowPrivate = options.allowPrivateAddresses ?? false;
    this.#allowHttpLoopback = options.allowHttpLoopback ?? false;
    this.#ca = options.tls?.ca;
    this.#resolveHost = options.resolveHost ?? defaultResolveHost;
    this.#addressPolicy = options.addressPolicy ?? isPublicAddress;
    this.#userAgent = options.userAgent ?? 'credstack-verifier/0.1';
  }

  async fetch(url: string, options: FetchOptions = {}): Promise<FetchedResource> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    const timedOut = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () =>
        reject(
          new CredstackError(
            'FETCH_TIMEOUT',
            `fetching ${url} took longer than ${this.#timeoutMs} ms`,
          ),
        ),
      );
    });
    timedOut.catch(() => {});
    try {
      let current = url;
      for (let redirects = 0; ; redirects++) {
        const target = this.#vetUrl(current);
        const address = await Promise.race([this.#vetHost(target), timedOut]);
        const hop = await Promise.race([
          this.#request(target, address, options.accept ?? DEFAULT_ACCEPT, controller.signal),
          timedOut,
        ]);
        if (hop.kind === 'done') return hop.resource;
        if (redirects >= this.#maxRedirects) {
          throw new CredstackError(
            'FETCH_FAILED',
            `fetching ${url} was redirected more than ${this.#maxRedirects} times`,
          );
        }
        current = new URL(hop.location, target).href;
      }
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  }

  #vetUrl(text: string): URL {
    let url: URL;
    try {
      url = new URL(text);
    } catch (error) {
      throw new CredstackError('FETCH_REFUSED', `${JSON.stringify(text)} is not a URL`, {
        cause: error,
      });
    }
    if (url.username !== '' || url.password !== '')
      throw refused(`${url.origin} carries credentials in the URL; such URLs are not fetched`);
    if (url.protocol === 'https:') return url;
    if (url.protocol === 'http:') {
      if (this.#allowHttpLoopback && isLoopbackHost(hostOf(url))) return url;
      throw refused(`${url.href} is plain http: only https URLs are fetched`);
    }
    throw refused(`${url.href} uses the ${url.protocol} scheme: only https URLs are fetched`);
  }

  /** Resolves the host and checks every address; returns the one to connect to. */
  async #vetHost(url: URL): Promise<LookupAddress> {
    const host = hostOf(url);
    let addresses: readonly LookupAddress[];
    const literal = isIP(host);
    if (literal !== 0) {
      addresses = [{ address: host, family: literal }];
    } else {
      try {
        addresses = await this.#resolveHost(host);
      } catch (error) {
        throw new CredstackError('FETCH_FAILED', `the host ${host} could not be resolved`, {
          cause: error,
        });
      }
    }
    const first = addresses[0];
    if (first === undefined)
      throw new CredstackError('FETCH_FAILED', `the host ${host} has no addresses`);
    const plainHttp = url.protocol === 'http:';
    for (const { address } of addresses) {
      // Every address must pass, not just the first: a host announcing one public and one
      // private address could otherwise be steered by the resolver's ordering.
      if (plainHttp) {
        if (!isLoopbackAddress(address))
          throw refused(`http is only allowed to loopback, and ${host} resolves to ${address}`);
        continue;
      }
      if (!this.#allowPrivate && !this.#addressPolicy(address))
        throw refused(
          `${host} resolves to ${address}, which is not a public address (loopback, private, link-local and similar ranges are refused)`,
        );
    }
    return first;
  }

  #request(url: URL, address: LookupAddress, accept: string, signal: AbortSignal): Promise<Hop> {
    const maxBytes = this.#maxBytes;
    return new Promise<Hop>((resolve, reject) => {
      let settled = false;
      const settle = (action: () => void): void => {
        if (settled) return;
        settled = true;
        action();
      };
      const transport = url.protocol === 'https:' ? https : http;
      const request = transport.request({
        protocol: url.protocol,
        hostname: hostOf(url),
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { accept, 'accept-encoding': 'identity', 'user-agent': this.#userAgent },
        agent: false,
        lookup: pinnedLookup(address),
        ...(this.#ca !== undefined && url.protocol === 'https:' ? { ca: this.#ca } : {}),
        signal,
      });
      const fail = (error: CredstackError): void =>
        settle(() => {
          request.destroy();
          reject(error);
        });
      request.on('error', (error) => {
        fail(
          new CredstackError('FETCH_FAILED', `fetching ${url.href} failed: ${error.message}`, {
            cause: error,
          }),
        );
      });
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        if (status >= 300 && status < 400 && typeof location === 'string') {
          response.resume();
          settle(() => {
            request.destroy();
            resolve({ kind: 'redirect', location });
          });
          return;
        }
        if (status < 200 || status >= 300) {
          response.resume();
          fail(
            new CredstackError('FETCH_FAILED', `${url.href} answered HTTP ${status}`, {
              httpStatus: status,
            }),
          );
          return;
        }
        const tooLarge = () =>
          new CredstackError(
            'FETCH_TOO_LARGE',
            `${url.href} sent more than the limit of ${maxBytes} bytes`,
          );
        const declared = Number(response.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          fail(tooLarge());
          return;
        }
        const chunks: Buffer[] = [];
        let total = 0;
        response.on('data', (chunk: Buffer) => {
          total += chunk.length;
          // Stop reading as soon as the cap is passed: never buffer an oversized body.
          if (total > maxBytes) fail(tooLarge());
          else chunks.push(chunk);
        });
        response.on('end', () => {
          settle(() =>
            resolve({
              kind: 'done',
              resource: {
                url: url.href,
                status,
                contentType: response.headers['content-type'] ?? '',
                body: new Uint8Array(Buffer.concat(chunks, total)),
                headers: headerRecord(response),
              },
            }),
          );
        });
        response.on('error', (error) => {
          fail(
            new CredstackError('FETCH_FAILED', `reading ${url.href} failed: ${error.message}`, {
              cause: error,
            }),
          );
        });
        response.on('close', () => {
          if (!response.complete)
            fail(
              new CredstackError(
                'FETCH_FAILED',
                `${url.href} closed the connection before the body was complete`,
              ),
            );
        });
      });
      request.end();
    });
  }
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host);
}
