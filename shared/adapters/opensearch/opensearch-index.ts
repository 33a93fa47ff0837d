import { CredstackError } from '#shared/core/errors.ts';
import type {
  CandidateDocument,
  SearchIndex,
  SearchQuery,
  SearchResult,
} from '#shared/domain/ports/search-index.ts';
import { validateSearchQuery } from '#shared/search/query-limits.ts';
import type { OpenSearchRequest, OpenSearchResponse, OpenSearchTransport } from './client.ts';
import { responseFailure, transportFailure } from './errors.ts';
import { checkIndexName, INDEX_ONLY_FIELDS } from './mapping.ts';
import { buildSearchBody } from './query.ts';
import { readSearchResponse } from './results.ts';

/**
 * The search port on OpenSearch. One document per learner, its id scoped by tenant. Writes use
 * external versioning, so OpenSearch itself refuses a version not above the one held (409): a
 * replayed or reordered stream record is a no-op, never a regression. `remove` writes a marker
 * document at its version instead of deleting, so an older upsert arriving later still meets a
 * newer version and is refused; every search filters markers out.
 */

export interface OpenSearchIndexOptions {
  readonly transport: OpenSearchTransport;
  /** The candidate index (created with `ensureCandidateIndex`). */
  readonly index: string;
  /**
   * Refresh on each write: `wait_for` returns once the write is searchable (tests, the local
   * runtime); by default writes become searchable on the index's refresh interval.
   */
  readonly refresh?: 'wait_for' | boolean;
}

/**
 * The document id of a learner's candidate document: tenant and learner, each URI-encoded so
 * the `:` between them cannot occur inside either.
 *
 * @example
 * candidateDocumentId('northfield', 'learner:1'); // 'northfield:learner%3A1'
 */
export function candidateDocumentId(tenantId: string, learnerId: string): string {
  return `${encodeURIComponent(tenantId)}:${encodeURIComponent(learnerId)}`;
}

/**
 * The `_source` the adapter stores for a candidate: the document plus the index-only fields
 * ({@link INDEX_ONLY_FIELDS}). Exported for bulk loads (the benchmark) that must write exactly
 * what `upsert` writes.
 *
 * @example
 * candidateSource(document).visibleToAll; // true when every employer may find the learner
 */
export function candidateSource(document: CandidateDocument): Record<string, unknown> {
  return { ...document, removed: false, visibleToAll: document.visibility.employers === 'all' };
}

function malformed(message: string): never {
  throw new CredstackError('INPUT_MALFORMED', `search index: ${message}`);
}

function checkKey(tenantId: unknown, learnerId: unknown): void {
  if (typeof tenantId !== 'string' || tenantId === '') malformed('tenantId is required');
  if (typeof learnerId !== 'string' || learnerId === '') malformed('learnerId is required');
}

function checkVersion(version: unknown): void {
  if (!Number.isSafeInteger(version) || (version as number) < 0)
    malformed(`version must be a non-negative integer, got ${String(version)}`);
}

/**
 * The OpenSearch adapter of {@link SearchIndex}.
 *
 * @example
 * const index = new OpenSearchIndex({ transport: openSearchTransport({ url }), index: 'candidates' });
 * await index.upsert(document);
 * const { hits, next } = await index.search(query);
 */
export class OpenSearchIndex implements SearchIndex {
  readonly #transport: OpenSearchTransport;
  readonly #index: string;
  readonly #refresh: 'wait_for' | boolean | undefined;

  constructor(options: OpenSearchIndexOptions) {
    checkIndexName(options.index);
    this.#transport = options.transport;
    this.#index = options.index;
    this.#refresh = options.refresh;
  }

  async upsert(document: CandidateDocument): Promise<void> {
    checkKey(document.tenantId, document.learnerId);
    checkVersion(document.version);
    await this.#write(
      document.tenantId,
      document.learnerId,
      document.version,
      candidateSource(document),
    );
  }

  async remove(tenantId: string, learnerId: string, version: number): Promise<void> {
    checkKey(tenantId, learnerId);
    checkVersion(version);
    await this.#write(tenantId, learnerId, version, {
      tenantId,
      learnerId,
      version,
      removed: true,
      visibleToAll: false,
    });
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const checked = validateSearchQuery(query);
    const body = buildSearchBody(checked);
    const response = await this.#request(
      'search',
      { method: 'POST', path: `/${this.#index}/_search`, body },
      [],
    );
    return readSearchResponse(checked, response.body);
  }

  async get(tenantId: string, learnerId: string): Promise<CandidateDocument | undefined> {
    checkKey(tenantId, learnerId);
    const response = await this.#request(
      'get',
      { method: 'GET', path: this.#path(tenantId, learnerId) },
      [404],
    );
    const body = response.body as
      | { found?: boolean; _source?: Record<string, unknown> }
      | undefined;
    // A 404 without `found: false` is the index missing, not the document.
    if (response.statusCode === 404 && body?.found !== false)
      throw responseFailure('get', response);
    if (body?.found !== true || body._source === undefined || body._source.removed === true)
      return undefined;
    const stored: Record<string, unknown> = { ...body._source };
    for (const field of INDEX_ONLY_FIELDS) delete stored[field];
    return stored as unknown as CandidateDocument;
  }

  #path(tenantId: string, learnerId: string): string {
    return `/${this.#index}/_doc/${encodeURIComponent(candidateDocumentId(tenantId, learnerId))}`;
  }

  async #write(
    tenantId: string,
    learnerId: string,
    version: number,
    body: Record<string, unknown>,
  ): Promise<void> {
    // A 409 is OpenSearch refusing a version not above the one held: the write is stale, and
    // ignoring it is the port's contract.
    await this.#request(
      'write',
      {
        method: 'PUT',
        path: this.#path(tenantId, learnerId),
        querystring: {
          version,
          version_type: 'external',
          ...(this.#refresh === undefined ? {} : { refresh: this.#refresh }),
        },
        body,
      },
      [409],
    );
  }

  async #request(
    action: string,
    request: OpenSearchRequest,
    ignore: number[],
  ): Promise<OpenSearchResponse> {
    try {
      return await this.#transport.request(request, ignore.length > 0 ? { ignore } : undefined);
    } catch (error) {
      throw transportFailure(action, error);
    }
  }
}
