import { ServiceError } from '#shared/domain/errors.ts';
import { HttpError } from './problem.ts';
import type { CompiledRoute } from './request-state.ts';
import { type HttpMethod, type PathSegment, parsePathTemplate } from './route.ts';

/**
 * Matching a method and a raw path against the route table's path templates. Static
 * segments win over parameters at the same place (`/issuers/new` before `/issuers/{id}`).
 */

interface PathEntry {
  readonly template: string;
  readonly segments: readonly PathSegment[];
  readonly methods: Map<HttpMethod, CompiledRoute>;
}

export interface RouteMatch {
  readonly route: CompiledRoute;
  readonly pathParams: Readonly<Record<string, string>>;
}

/** Finds the route of a request, or throws 404 (unknown path) / 405 (known path, other method). */
export type RouteMatcher = (method: string, rawPath: string) => RouteMatch;

function compareEntries(a: PathEntry, b: PathEntry): number {
  const length = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i += 1) {
    const left = a.segments[i]?.kind === 'static' ? 0 : 1;
    const right = b.segments[i]?.kind === 'static' ? 0 : 1;
    if (left !== right) return left - right;
  }
  return a.segments.length - b.segments.length;
}

function decodedSegments(rawPath: string): readonly string[] | undefined {
  if (!rawPath.startsWith('/')) return undefined;
  if (rawPath === '/') return [];
  try {
    return rawPath.slice(1).split('/').map(decodeURIComponent);
  } catch {
    return undefined; // malformed percent-encoding: no route can match
  }
}

function bind(
  segments: readonly PathSegment[],
  parts: readonly string[],
): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i];
    const part = parts[i] ?? '';
    if (segment === undefined) return undefined;
    if (segment.kind === 'static') {
      if (segment.text !== part) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.name] = part;
    }
  }
  return params;
}

/**
 * Builds the matcher of a compiled route table.
 *
 * @example
 * const match = createRouteMatcher(compiled);
 * match('GET', '/issuers/northfield'); // { route, pathParams: { issuerId: 'northfield' } }
 */
export function createRouteMatcher(routes: readonly CompiledRoute[]): RouteMatcher {
  const byTemplate = new Map<string, PathEntry>();
  for (const route of routes) {
    const { path, method } = route.definition;
    let entry = byTemplate.get(path);
    if (entry === undefined) {
      entry = { template: path, segments: parsePathTemplate(path), methods: new Map() };
      byTemplate.set(path, entry);
    }
    entry.methods.set(method, route);
  }
  const entries = [...byTemplate.values()].sort(compareEntries);

  return (method, rawPath) => {
    const parts = decodedSegments(rawPath);
    const allowed = new Set<string>();
    if (parts !== undefined) {
      for (const entry of entries) {
        const pathParams = bind(entry.segments, parts);
        if (pathParams === undefined) continue;
        const route = entry.methods.get(method as HttpMethod);
        if (route !== undefined) return { route, pathParams };
        for (const known of entry.methods.keys()) allowed.add(known);
      }
    }
    if (allowed.size === 0) throw new ServiceError('NOT_FOUND', 'no operation has this path');
    const allow = [...allowed].sort().join(', ');
    throw new HttpError(405, 'Method not allowed', `this path answers ${allow}`, { allow });
  };
}
