import { randomUUID } from 'node:crypto';
import { isCredstackError } from '#shared/core/errors.ts';
import type { Verifier } from '#shared/credentials/verify/verifier.ts';
import {
  type BadgeFilter,
  type FacetCount,
  type IndexedBadge,
  SEARCH_SORTS,
  type SearchHit,
  type SearchQuery,
  type SearchResult,
  type SearchSort,
  type SkillKey,
} from '#shared/domain/ports/search-index.ts';
import { crosswalkConcept, normalizeSkillKey } from '#shared/search/crosswalk.ts';
import { SEARCH_LIMITS, validateSearchQuery } from '#shared/search/query-limits.ts';
import {
  decodeSearchCursor,
  encodeSearchCursor,
  type SearchCursor,
} from '#shared/search/search-cursor.ts';
import { consentingLearners, tenantOf, visibleTo } from './consent.ts';
import { ServiceError } from './errors.ts';
import type { Page } from './ports/repositories.ts';
import { issuerDid, type ServiceContext } from './ports/service-context.ts';
import { type Principal, requireRole } from './principal.ts';
import { importIdFor } from './records/import-records.ts';
import type { SearchAuditRecord, SeenRecord } from './records/search-records.ts';

/**
 * Employer search. The tenant and the employer come from the caller's token, never from the
 * query, so a query cannot reach another tenant's candidates or another employer's consent.
 * Every search, export and profile view is audited before its answer leaves — the employer's
 * query in their log, and one entry per candidate returned in that learner's "who found me".
 */

/** Most candidates one export holds. */
export const MAX_EXPORT = 1000;
export const DEFAULT_PAGE_SIZE = 20;

/** A search as the employer writes it: skills in any accepted spelling, defaults filled in. */
export interface EmployerSearchInput {
  readonly mustHave?: readonly string[];
  readonly niceToHave?: readonly string[];
  readonly atLeast?: { readonly n: number; readonly of: readonly string[] };
  readonly filter?: BadgeFilter;
  readonly text?: string;
  readonly sort?: SearchSort;
  readonly size?: number;
  readonly after?: string;
  readonly facets?: boolean;
}

/** A queried skill the service knows nothing of: reported, never silently dropped. */
export interface UnknownSkill {
  /** As the query gave it. */
  readonly input: string;
  /** Its canonical key. */
  readonly key: SkillKey;
  readonly reason: string;
}

export interface EmployerSearchResult extends SearchResult {
  /** Every queried skill, by key, with its name where known. */
  readonly skills: readonly { readonly key: SkillKey; readonly name?: string }[];
  readonly unknownSkills: readonly UnknownSkill[];
}

interface ResolvedSkills {
  readonly keys: ReadonlyMap<string, SkillKey>;
  readonly named: readonly { readonly key: SkillKey; readonly name?: string }[];
  readonly unknown: readonly UnknownSkill[];
}

/**
 * The employer the caller acts for; FORBIDDEN for anyone else.
 *
 * @example
 * requireEmployer({ subject: 'u', roles: ['employer'], employerId: 'acme' }); // 'acme'
 */
export function requireEmployer(principal: Principal): string {
  requireRole(principal, ['employer']);
  if (principal.employerId === undefined)
    throw new ServiceError('FORBIDDEN', 'the token names no employer to search for');
  return principal.employerId;
}

/**
 * Whether some candidate this employer may see holds `key` now. The tenant's vocabulary is only
 * a shortlist: a skill held solely by learners hidden from the employer must be reported just
 * like one nobody holds, or "unknown" would reveal that some invisible learner has it.
 */
async function visiblyHeld(
  ctx: ServiceContext,
  tenantId: string,
  employerId: string,
  key: SkillKey,
): Promise<boolean> {
  const probe = await ctx.searchIndex.search({
    tenantId,
    employerId,
    now: ctx.clock.now().toISOString(),
    mustHave: [key],
    niceToHave: [],
    filter: {},
    sort: 'relevance',
    size: 1,
    facets: false,
  });
  if (probe.hits.length === 0) return false;
  const allowed = await consentingLearners(
    ctx,
    tenantId,
    employerId,
    probe.hits.map((hit) => hit.learnerId),
  );
  return allowed.size > 0 || probe.total > probe.hits.length;
}

/** Every skill of the query in canonical form; 400 for a text that is no skill key at all. */
async function resolveSkills(
  ctx: ServiceContext,
  tenantId: string,
  employerId: string,
  input: EmployerSearchInput,
): Promise<ResolvedSkills> {
  const lists: [string, readonly string[] | undefined][] = [
    ['/mustHave', input.mustHave],
    ['/niceToHave', input.niceToHave],
    ['/atLeast/of', input.atLeast?.of],
  ];
  const keys = new Map<string, SkillKey>();
  const problems: { pointer: string; detail: string }[] = [];
  for (const [pointer, list] of lists) {
    for (const [index, raw] of (list ?? []).entries()) {
      const key = typeof raw === 'string' ? normalizeSkillKey(raw) : undefined;
      if (key === undefined || key.length > SEARCH_LIMITS.maxSkillKeyLength)
        problems.push({
          pointer: `${pointer}/${index}`,
          detail: `${JSON.stringify(raw)} is not a skill key (ONET:<SOC code>, ESCO:<concept>, an ESCO URI or an O*NET OnLine link)`,
        });
      else keys.set(raw, key);
    }
  }
  if (problems.length > 0)
    throw new ServiceError('VALIDATION', 'the query names skills in no known form', {
      fields: problems,
    });
  const distinct = [...new Set(keys.values())];
  const bundled = new Map(
    distinct.flatMap((key) => {
      const concept = crosswalkConcept(key);
      return concept === undefined ? [] : [[key, concept.name] as const];
    }),
  );
  const rest = distinct.filter((key) => !bundled.has(key));
  const shortlist = rest.length === 0 ? [] : await ctx.searchSettings.knownSkills(tenantId, rest);
  const visible = await Promise.all(
    shortlist.map(async (skill) =>
      (await visiblyHeld(ctx, tenantId, employerId, skill.key)) ? [skill] : [],
    ),
  );
  const seen = new Map(visible.flat().map((skill) => [skill.key, skill.name] as const));
  const named = distinct.map((key) => {
    const name = bundled.get(key) ?? seen.get(key);
    return name === undefined ? { key } : { key, name };
  });
  const unknown = [...keys.entries()]
    .filter(([, key]) => !bundled.has(key) && !seen.has(key))
    .map(([raw, key]) => ({
      input: raw,
      key,
      reason: 'no badge you can see and no entry of the crosswalk names this skill',
    }));
  return { keys, named, unknown };
}

/** Issuers may be named by a hosted issuer's id (`northfield`) or by any issuer's DID or URL. */
function issuerIds(ctx: ServiceContext, issuers: readonly string[] | undefined) {
  return issuers?.map((issuer) => (issuer.includes(':') ? issuer : issuerDid(ctx.baseUrl, issuer)));
}

function buildQuery(
  ctx: ServiceContext,
  tenantId: string,
  employerId: string,
  input: EmployerSearchInput,
  skills: ResolvedSkills,
): SearchQuery {
  const key = (raw: string) => skills.keys.get(raw) ?? raw;
  const filter = input.filter ?? {};
  const issuers = issuerIds(ctx, filter.issuers);
  const now = ctx.clock.now().toISOString();
  // The first page fixes the ranking time; later pages rank as of it (see search-cursor.ts).
  let cursor: SearchCursor | undefined;
  try {
    cursor = input.after === undefined ? undefined : decodeSearchCursor(input.after);
  } catch (error) {
    if (!isCredstackError(error, 'INPUT_MALFORMED')) throw error;
    throw new ServiceError('VALIDATION', error.message, {
      cause: error,
      fields: [{ pointer: '/after', detail: error.message }],
    });
  }
  const query: SearchQuery = {
    tenantId,
    employerId,
    now,
    asOf: cursor?.asOf ?? now,
    mustHave: (input.mustHave ?? []).map(key),
    niceToHave: (input.niceToHave ?? []).map(key),
    ...(input.atLeast === undefined
      ? {}
      : { atLeast: { n: input.atLeast.n, of: input.atLeast.of.map(key) } }),
    filter: { ...filter, ...(issuers === undefined ? {} : { issuers }) },
    ...(input.text === undefined || input.text.trim() === '' ? {} : { text: input.text }),
    sort: input.sort ?? 'relevance',
    size: input.size ?? DEFAULT_PAGE_SIZE,
    ...(cursor === undefined ? {} : { after: cursor.position }),
    facets: input.facets ?? false,
  };
  if (!SEARCH_SORTS.includes(query.sort))
    throw new ServiceError('VALIDATION', `sort must be one of ${SEARCH_SORTS.join(', ')}`, {
      fields: [{ pointer: '/sort', detail: `one of ${SEARCH_SORTS.join(', ')}` }],
    });
  try {
    return validateSearchQuery(query);
  } catch (error) {
    if (isCredstackError(error, 'INPUT_TOO_LARGE') || isCredstackError(error, 'INPUT_MALFORMED'))
      throw new ServiceError('VALIDATION', error.message, {
        cause: error,
        // The query's fields are the request's, so the core's pointer is the request's too.
        fields: [{ pointer: error.pointer ?? '', detail: error.message }],
      });
    throw error;
  }
}

/**
 * The page without the hits whose consent, read from the table now, no longer lets the
 * employer see them: the index may still hold a learner who withdrew (an index refresh not yet
 * done, a re-index that failed). One batch read of at most the page size.
 */
async function consentedOnly(
  ctx: ServiceContext,
  tenantId: string,
  employerId: string,
  result: SearchResult,
): Promise<SearchResult> {
  const allowed = await consentingLearners(
    ctx,
    tenantId,
    employerId,
    result.hits.map((hit) => hit.learnerId),
  );
  const hits = result.hits.filter((hit) => allowed.has(hit.learnerId));
  if (hits.length === result.hits.length) return result;
  return { ...result, hits, total: Math.max(0, result.total - (result.hits.length - hits.length)) };
}

/** Runs the query; the engine's own refusal of a query (a bad cursor) is the caller's error. */
async function runSearch(ctx: ServiceContext, query: SearchQuery): Promise<SearchResult> {
  try {
    return await ctx.searchIndex.search(query);
  } catch (error) {
    if (isCredstackError(error, 'INPUT_TOO_LARGE') || isCredstackError(error, 'INPUT_MALFORMED'))
      throw new ServiceError('VALIDATION', error.message, {
        cause: error,
        fields: [{ pointer: query.after === undefined ? '' : '/after', detail: error.message }],
      });
    throw error;
  }
}

function matchedSkills(hit: SearchHit): string[] {
  const { mustHave, niceToHave, atLeast } = hit.matched;
  return [...new Set([...mustHave, ...niceToHave, ...atLeast].map((match) => match.skill))];
}

function auditQuery(query: SearchQuery): Record<string, unknown> {
  const { tenantId: _tenant, employerId: _employer, ...rest } = query;
  return rest;
}

/**
 * Records an employer event: the query in the employer's log and, for everyone it returned, an
 * entry in that learner's "who found me".
 *
 * @example
 * await audit(ctx, principal, 'export', 'default', 'acme', { shortlist: true }, 1, [{ learnerId: 'ada', skills: [] }]);
 */
export async function audit(
  ctx: ServiceContext,
  principal: Principal,
  kind: SearchAuditRecord['kind'],
  tenantId: string,
  employerId: string,
  query: Record<string, unknown>,
  total: number,
  hits: readonly { learnerId: string; skills: readonly string[] }[],
): Promise<void> {
  const at = ctx.clock.now().toISOString();
  const id = randomUUID();
  const seenKind: SeenRecord['kind'] =
    kind === 'search' ? 'search-hit' : kind === 'export' ? 'export' : 'profile-view';
  await ctx.searchAudit.record(
    {
      id,
      tenantId,
      employerId,
      subject: principal.subject,
      kind,
      at,
      query,
      total,
      learnerIds: hits.map((hit) => hit.learnerId),
    },
    hits.map((hit) => ({
      id,
      learnerId: hit.learnerId,
      tenantId,
      employerId,
      kind: seenKind,
      at,
      skills: hit.skills,
    })),
  );
}

/**
 * One page of candidates for the calling employer, each hit with the badges behind every
 * matched skill and the skills missing; unknown skills are reported back with the result.
 *
 * @example
 * const result = await searchCandidates(ctx, principal, { mustHave: ['ONET:15-2051.00'], facets: true });
 */
export async function searchCandidates(
  ctx: ServiceContext,
  principal: Principal,
  input: EmployerSearchInput,
): Promise<EmployerSearchResult> {
  const employerId = requireEmployer(principal);
  const tenantId = tenantOf(principal);
  const skills = await resolveSkills(ctx, tenantId, employerId, input);
  const query = buildQuery(ctx, tenantId, employerId, input, skills);
  const page = await consentedOnly(ctx, tenantId, employerId, await runSearch(ctx, query));
  const { next, ...rest } = page.facets
    ? { ...page, facets: await labelled(ctx, tenantId, page) }
    : page;
  const result: SearchResult = {
    ...rest,
    ...(next === undefined
      ? {}
      : { next: encodeSearchCursor({ asOf: query.asOf ?? query.now, position: next }) }),
  };
  await audit(
    ctx,
    principal,
    'search',
    tenantId,
    employerId,
    auditQuery(query),
    result.total,
    result.hits.map((hit) => ({ learnerId: hit.learnerId, skills: matchedSkills(hit) })),
  );
  return { ...result, skills: skills.named, unknownSkills: skills.unknown };
}

/** The issuer ids of this service's issuers, by their DID: where a facet's issuer name is read. */
function hostedIssuerId(ctx: ServiceContext, did: string): string | undefined {
  const prefix = issuerDid(ctx.baseUrl, '');
  return did.startsWith(prefix) ? did.slice(prefix.length) : undefined;
}

/**
 * Facet counts with labels next to their keys: skills named from the crosswalk (or the names
 * the page's badges give them), issuers from this service's issuer profiles (or the names the
 * page's badges carry), achievement types as they are.
 */
async function labelled(
  ctx: ServiceContext,
  tenantId: string,
  result: SearchResult,
): Promise<NonNullable<SearchResult['facets']>> {
  const facets = result.facets ?? { skills: [], issuers: [], achievementTypes: [] };
  const issuerNames = new Map<string, string>();
  for (const hit of result.hits) {
    const { mustHave, niceToHave, atLeast } = hit.matched;
    for (const match of [...mustHave, ...niceToHave, ...atLeast]) {
      for (const badge of match.badges) issuerNames.set(badge.issuerId, badge.issuerName);
    }
  }
  // Skills outside the crosswalk carry the names their badges gave them (the tenant's record).
  const unnamed = facets.skills.map((f) => f.key).filter((key) => !crosswalkConcept(key));
  const recorded =
    unnamed.length === 0 ? [] : await ctx.searchSettings.knownSkills(tenantId, unnamed);
  const skillNames = new Map(
    recorded.flatMap((s) => (s.name === undefined ? [] : [[s.key, s.name] as const])),
  );
  const hosted = await Promise.all(
    facets.issuers.map(async ({ key }) => {
      const id = hostedIssuerId(ctx, key);
      const issuer = id === undefined || id.includes(':') ? undefined : await ctx.issuers.get(id);
      return issuer?.profile.name;
    }),
  );
  const withLabel = (count: FacetCount, label: string | undefined): FacetCount =>
    label === undefined ? count : { ...count, label };
  return {
    skills: facets.skills.map((f) =>
      withLabel(f, crosswalkConcept(f.key)?.name ?? skillNames.get(f.key)),
    ),
    issuers: facets.issuers.map((f, i) => withLabel(f, hosted[i] ?? issuerNames.get(f.key))),
    achievementTypes: facets.achievementTypes.map((f) => withLabel(f, f.key)),
  };
}

/**
 * One RFC 4180 CSV cell that a spreadsheet shows as text: a leading =, +, -, @, tab or carriage
 * return is prefixed with `'`, and a cell holding a quote, comma or line break is quoted.
 *
 * @example
 * csvCell('=HYPERLINK("x")'); // '"\'=HYPERLINK(""x"")"'
 */
export function csvCell(value: string | number): string {
  const cell = String(value);
  // A leading =, +, - or @ would make a spreadsheet run the cell as a formula.
  const safe = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * Every matching candidate (up to {@link MAX_EXPORT}) as CSV: one row per candidate with the
 * skills matched and missing and the verification link of each badge behind a match.
 *
 * @example
 * const { csv } = await exportCandidates(ctx, principal, { mustHave: ['ONET:15-2051.00'] });
 */
export async function exportCandidates(
  ctx: ServiceContext,
  principal: Principal,
  input: EmployerSearchInput,
): Promise<{ readonly csv: string; readonly count: number; readonly truncated: boolean }> {
  const employerId = requireEmployer(principal);
  const tenantId = tenantOf(principal);
  const skills = await resolveSkills(ctx, tenantId, employerId, input);
  const first = buildQuery(
    ctx,
    tenantId,
    employerId,
    { ...input, size: SEARCH_LIMITS.maxSize, facets: false },
    skills,
  );
  const hits: SearchHit[] = [];
  let total = 0;
  let after: string | undefined = input.after;
  do {
    const page = await consentedOnly(
      ctx,
      tenantId,
      employerId,
      await runSearch(ctx, { ...first, ...(after === undefined ? {} : { after }) }),
    );
    total = page.total;
    hits.push(...page.hits.slice(0, MAX_EXPORT - hits.length));
    after = page.next;
  } while (after !== undefined && hits.length < MAX_EXPORT);
  await audit(
    ctx,
    principal,
    'export',
    tenantId,
    employerId,
    auditQuery(first),
    total,
    hits.map((hit) => ({ learnerId: hit.learnerId, skills: matchedSkills(hit) })),
  );
  const header = [
    'learnerId',
    'displayName',
    'score',
    'matchedSkills',
    'missingSkills',
    'verifyUrls',
  ];
  const rows = hits.map((hit) => {
    const matches = [...hit.matched.mustHave, ...hit.matched.niceToHave, ...hit.matched.atLeast];
    const urls = new Set([
      ...matches.flatMap((match) => match.badges.map((badge) => badge.verifyUrl)),
      ...hit.matched.text.map((badge) => badge.verifyUrl),
    ]);
    return [
      hit.learnerId,
      hit.displayName,
      hit.score.toFixed(4),
      matchedSkills(hit).join(' '),
      [...new Set([...hit.missing.niceToHave, ...hit.missing.atLeast])].join(' '),
      [...urls].join(' '),
    ];
  });
  const csv = [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n');
  return { csv: `${csv}\r\n`, count: hits.length, truncated: total > hits.length };
}

/**
 * The ids of every candidate (up to {@link MAX_EXPORT}) that a search matches now and whose
 * consent lets the employer see them, best first. Not audited: nothing about a candidate
 * leaves with it, only what a saved search counts as new.
 *
 * @example
 * const ids = await matchingLearnerIds(ctx, principal, { mustHave: ['ONET:15-2051.00'] });
 */
export async function matchingLearnerIds(
  ctx: ServiceContext,
  principal: Principal,
  input: EmployerSearchInput,
): Promise<string[]> {
  const employerId = requireEmployer(principal);
  const tenantId = tenantOf(principal);
  const skills = await resolveSkills(ctx, tenantId, employerId, input);
  const { after: _after, ...unpaged } = input;
  const first = buildQuery(
    ctx,
    tenantId,
    employerId,
    { ...unpaged, size: SEARCH_LIMITS.maxSize, facets: false },
    skills,
  );
  const ids: string[] = [];
  let after: string | undefined;
  do {
    const page = await consentedOnly(
      ctx,
      tenantId,
      employerId,
      await runSearch(ctx, { ...first, ...(after === undefined ? {} : { after }) }),
    );
    ids.push(...page.hits.slice(0, MAX_EXPORT - ids.length).map((hit) => hit.learnerId));
    after = page.next;
  } while (after !== undefined && ids.length < MAX_EXPORT);
  return ids;
}

/** A candidate as an employer allowed to see them views them. */
export interface CandidateProfile {
  readonly learnerId: string;
  readonly displayName: string;
  /** Every live, verified badge, newest first. */
  readonly badges: readonly IndexedBadge[];
}

/**
 * The candidate's document if this employer may see them now; NOT_FOUND otherwise, after
 * recording the attempt in the employer's own log — never in the learner's "who viewed me",
 * which would tell a learner who is not findable that someone looked.
 */
async function visibleCandidate(
  ctx: ServiceContext,
  principal: Principal,
  tenantId: string,
  employerId: string,
  query: { readonly learnerId: string; readonly importId?: string },
) {
  const { learnerId } = query;
  const now = ctx.clock.now();
  // The table decides, not only the index: a withdrawal is honoured even if the index lags.
  const consent = await ctx.consents.get(learnerId, tenantId);
  const document = await ctx.searchIndex.get(tenantId, learnerId);
  if (consent === undefined || document === undefined || !visibleTo(consent, employerId, now)) {
    await audit(ctx, principal, 'profile-view', tenantId, employerId, query, 0, []);
    throw new ServiceError('NOT_FOUND', `no candidate ${learnerId}`);
  }
  return { document, now };
}

/**
 * A candidate's profile: their live badges with verification links. Consent-checked (a
 * learner who did not consent, or not to this employer, is NOT_FOUND) and audited.
 *
 * @example
 * const profile = await viewCandidate(ctx, principal, 'ada');
 */
export async function viewCandidate(
  ctx: ServiceContext,
  principal: Principal,
  learnerId: string,
): Promise<CandidateProfile> {
  const employerId = requireEmployer(principal);
  const tenantId = tenantOf(principal);
  const { document, now } = await visibleCandidate(ctx, principal, tenantId, employerId, {
    learnerId,
  });
  await audit(ctx, principal, 'profile-view', tenantId, employerId, { learnerId }, 1, [
    { learnerId, skills: [] },
  ]);
  return {
    learnerId,
    displayName: document.displayName,
    badges: document.badges.filter(
      // Inclusive, as in the engines: a badge is live at exactly its validUntil.
      (badge) => badge.validUntil === undefined || Date.parse(badge.validUntil) >= now.getTime(),
    ),
  };
}

/**
 * An imported badge of a candidate, verified again now: the credential as signed and the
 * fresh report. Consent-checked and audited like a profile view.
 *
 * @example
 * const { credential, report } = await viewCandidateCredential(ctx, verifier, principal, 'ada', importId);
 */
export async function viewCandidateCredential(
  ctx: ServiceContext,
  verifier: Verifier,
  principal: Principal,
  learnerId: string,
  importId: string,
) {
  const employerId = requireEmployer(principal);
  const tenantId = tenantOf(principal);
  const { document } = await visibleCandidate(ctx, principal, tenantId, employerId, {
    learnerId,
    importId,
  });
  const record = await ctx.imports.get(learnerId, importId);
  if (
    record === undefined ||
    !document.badges.some((badge) => importIdFor(badge.credentialId) === importId)
  ) {
    await audit(
      ctx,
      principal,
      'profile-view',
      tenantId,
      employerId,
      { learnerId, importId },
      0,
      [],
    );
    throw new ServiceError('NOT_FOUND', `candidate ${learnerId} shows no credential ${importId}`);
  }
  const report = await verifier.verify(record.signed);
  await audit(ctx, principal, 'profile-view', tenantId, employerId, { learnerId, importId }, 1, [
    { learnerId, skills: [] },
  ]);
  const { credential: _credential, ...fresh } = report;
  return { credentialId: record.credentialId, credential: record.signed, report: fresh };
}

/**
 * The employer's own search log (or any employer's, for a platform admin), newest first.
 *
 * @example
 * const { items } = await listEmployerSearches(ctx, principal, 'acme');
 */
export async function listEmployerSearches(
  ctx: ServiceContext,
  principal: Principal,
  employerId: string,
  cursor?: string,
): Promise<Page<SearchAuditRecord>> {
  const admin = principal.roles.includes('platform-admin');
  if (!admin && !(principal.roles.includes('employer') && principal.employerId === employerId))
    throw new ServiceError('FORBIDDEN', `you may not read the searches of ${employerId}`);
  return ctx.searchAudit.listSearches(tenantOf(principal), employerId, cursor);
}

/**
 * Sets a tenant's issuer trust tiers (platform admin); the stream re-indexes its candidates.
 *
 * @example
 * await setIssuerTiers(ctx, principal, 'default', { 'did:web:college.example': 'accredited' });
 */
export async function setIssuerTiers(
  ctx: ServiceContext,
  principal: Principal,
  tenantId: string,
  tiers: Readonly<Record<string, string>>,
): Promise<{ tenantId: string; issuerTiers: Readonly<Record<string, string>>; updatedAt: string }> {
  requireRole(principal, ['platform-admin']);
  const issuerTiers: Record<string, string> = {};
  for (const [issuer, tier] of Object.entries(tiers))
    issuerTiers[issuer.includes(':') ? issuer : issuerDid(ctx.baseUrl, issuer)] = tier;
  const settings = { tenantId, issuerTiers, updatedAt: ctx.clock.now().toISOString() };
  await ctx.searchSettings.put(settings);
  return settings;
}

/**
 * A tenant's search settings (platform admin).
 *
 * @example
 * const { issuerTiers } = await getSearchSettings(ctx, principal, 'default');
 */
export async function getSearchSettings(
  ctx: ServiceContext,
  principal: Principal,
  tenantId: string,
): Promise<{ tenantId: string; issuerTiers: Readonly<Record<string, string>> }> {
  requireRole(principal, ['platform-admin']);
  const settings = await ctx.searchSettings.get(tenantId);
  return { tenantId, issuerTiers: settings?.issuerTiers ?? {} };
}
