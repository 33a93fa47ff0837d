import type {
  CandidateDocument,
  SearchIndex,
  SearchQuery,
  SearchResult,
} from '#shared/domain/ports/search-index.ts';
import { validateSearchQuery } from '../query-limits.ts';
import { CandidateMatcher } from './candidate-matcher.ts';
import { CompiledQuery } from './compiled-query.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { explainHit } from './explain.ts';
import { type HeavySkillThreshold, Partition } from './partition.ts';
import { Ranker } from './ranker.ts';

export interface EmbeddedSearchOptions {
  /**
   * Dead badge slots (replaced or removed) are compacted away once they exceed this many and
   * outnumber the live ones; the default keeps memory within twice the live data.
   */
  readonly compactAfterDead?: number;
  /**
   * When a skill gets a per-candidate "newest badge" column (see `Partition.newestWith`); the
   * default suits large tenants, tests lower it to exercise that path on small ones.
   */
  readonly heavySkill?: HeavySkillThreshold;
}

/** Sizes of one tenant's partition, for tests and the benchmark. */
export interface PartitionStats {
  readonly candidates: number;
  readonly badgeSlots: number;
  readonly liveBadges: number;
  readonly skills: number;
}

/**
 * The in-process search engine behind the local runtime and small deployments: one columnar
 * partition per tenant (see {@link Partition}), answering the same contract as the OpenSearch
 * adapter. Writes apply synchronously, so a search sees every write that resolved before it.
 *
 * @example
 * const index = new EmbeddedSearchIndex();
 * await index.upsert(document);
 * const result = await index.search(query);
 */
export class EmbeddedSearchIndex implements SearchIndex {
  readonly #partitions = new Map<string, Partition>();
  readonly #matcher = new CandidateMatcher();
  readonly #ranker = new Ranker();
  readonly #compactAfterDead: number;
  readonly #heavySkill: HeavySkillThreshold | undefined;

  constructor(options: EmbeddedSearchOptions = {}) {
    this.#compactAfterDead = options.compactAfterDead ?? 4096;
    this.#heavySkill = options.heavySkill;
  }

  async upsert(document: CandidateDocument): Promise<void> {
    const partition = this.#partition(document.tenantId);
    if (partition.upsert(document)) this.#maybeCompact(partition);
  }

  async remove(tenantId: string, learnerId: string, version: number): Promise<void> {
    const partition = this.#partition(tenantId);
    if (partition.remove(learnerId, version)) this.#maybeCompact(partition);
  }

  async get(tenantId: string, learnerId: string): Promise<CandidateDocument | undefined> {
    return this.#partitions.get(tenantId)?.get(learnerId);
  }

  async search(request: SearchQuery): Promise<SearchResult> {
    const query = validateSearchQuery(request);
    const after = query.after === undefined ? undefined : decodeCursor(query.after, query.sort);
    const partition = this.#partitions.get(query.tenantId);
    if (!partition) return emptyResult(query.facets);
    const compiled = new CompiledQuery(partition, query);
    const matches = this.#matcher.match(partition, compiled);
    const ranked = this.#ranker.rank(partition, compiled, matches, {
      sort: query.sort,
      size: query.size,
      facets: query.facets,
      ...(after ? { after } : {}),
    });
    const last = ranked.page.at(-1);
    return {
      total: ranked.total,
      hits: ranked.page.map(({ slot, score }) =>
        explainHit(partition, compiled, query, slot, score),
      ),
      ...(ranked.facets ? { facets: ranked.facets } : {}),
      ...(ranked.more && last
        ? {
            next: encodeCursor(query.sort, {
              key: last.key,
              learnerId: partition.learnerIds[last.slot]!,
            }),
          }
        : {}),
    };
  }

  /**
   * Every learner id matching the query, unranked and unpaged: for audits and for checking the
   * engine against another one. Same validation and semantics as {@link search}.
   */
  matchAll(request: SearchQuery): string[] {
    const query = validateSearchQuery(request);
    const partition = this.#partitions.get(query.tenantId);
    if (!partition) return [];
    const compiled = new CompiledQuery(partition, query);
    const slots = this.#matcher.match(partition, compiled);
    return Array.from(slots, (slot) => partition.learnerIds[slot]!);
  }

  /** Drops dead badge slots in every partition now (writes also do it when due). */
  compact(): void {
    for (const partition of this.#partitions.values()) partition.compact();
  }

  stats(tenantId: string): PartitionStats {
    const partition = this.#partitions.get(tenantId);
    return {
      candidates: partition?.candidateCount ?? 0,
      badgeSlots: partition?.badgeCount ?? 0,
      liveBadges: partition?.liveBadges ?? 0,
      skills: partition?.skills.size ?? 0,
    };
  }

  #partition(tenantId: string): Partition {
    let partition = this.#partitions.get(tenantId);
    if (!partition) {
      partition = new Partition(this.#heavySkill);
      this.#partitions.set(tenantId, partition);
    }
    return partition;
  }

  #maybeCompact(partition: Partition): void {
    if (
      partition.deadBadges > this.#compactAfterDead &&
      partition.deadBadges > partition.liveBadges
    )
      partition.compact();
  }
}

function emptyResult(facets: boolean): SearchResult {
  return {
    total: 0,
    hits: [],
    ...(facets ? { facets: { skills: [], issuers: [], achievementTypes: [] } } : {}),
  };
}
