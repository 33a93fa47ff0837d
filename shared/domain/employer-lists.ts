import { randomUUID } from 'node:crypto';
import { tenantOf, visibleTo } from './consent.ts';
import { ServiceError } from './errors.ts';
import type { ServiceContext } from './ports/service-context.ts';
import type { Principal } from './principal.ts';
import type { SavedSearchRecord, ShortlistEntryRecord } from './records/search-records.ts';
import {
  audit,
  csvCell,
  type EmployerSearchInput,
  MAX_EXPORT,
  matchingLearnerIds,
  requireEmployer,
} from './search.ts';

/**
 * An employer's own lists: a shortlist of candidates with notes, and saved searches that count
 * the candidates they match now and did not when the employer last looked. The privacy rule
 * of search holds here too: every answer is read through the learners' consent as the table
 * holds it now, so a learner who withdrew, whose consent no longer names this employer or has
 * expired, is absent from the shortlist, its CSV and every count — while the entry itself is
 * kept, and shows again if the learner lets the employer find them again.
 */

export const EMPLOYER_LIST_LIMITS = { maxNote: 2000, maxName: 120 } as const;

/** A shortlisted candidate as the employer sees them. */
export interface ShortlistView {
  readonly learnerId: string;
  readonly displayName: string;
  readonly note: string;
  readonly addedAt: string;
  readonly updatedAt: string;
}

/** A saved search with the count of candidates it matches now that were not seen before. */
export interface SavedSearchView {
  readonly id: string;
  readonly name: string;
  readonly query: EmployerSearchInput;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly newMatches: number;
}

export interface SaveSearchInput {
  readonly name: string;
  readonly query: EmployerSearchInput;
}

/** The caller's employer, which must be the one the path names. */
function requireOwnEmployer(principal: Principal, employerId: string): string {
  const own = requireEmployer(principal);
  if (own !== employerId)
    throw new ServiceError('FORBIDDEN', `you may not read or change the lists of ${employerId}`);
  return own;
}

function invalid(pointer: string, detail: string): never {
  throw new ServiceError('VALIDATION', detail, { fields: [{ pointer, detail }] });
}

/**
 * Puts a candidate on the employer's shortlist with a note, or replaces the note. Only a
 * candidate this employer may find now can be added (NOT_FOUND otherwise, as for a profile).
 *
 * @example
 * await shortlistCandidate(ctx, principal, 'acme', 'ada', { note: 'Strong SQL' });
 */
export async function shortlistCandidate(
  ctx: ServiceContext,
  principal: Principal,
  employerId: string,
  learnerId: string,
  input: { readonly note: string },
): Promise<ShortlistView> {
  requireOwnEmployer(principal, employerId);
  const tenantId = tenantOf(principal);
  if (typeof input.note !== 'string' || input.note.length > EMPLOYER_LIST_LIMITS.maxNote)
    invalid('/note', `a note is text of at most ${EMPLOYER_LIST_LIMITS.maxNote} characters`);
  const now = ctx.clock.now();
  const consent = await ctx.consents.get(learnerId, tenantId);
  if (consent === undefined || !visibleTo(consent, employerId, now))
    throw new ServiceError('NOT_FOUND', `no candidate ${learnerId}`);
  const held = await ctx.employerLists.getShortlisted(tenantId, employerId, learnerId);
  const at = now.toISOString();
  const entry: ShortlistEntryRecord = {
    tenantId,
    employerId,
    learnerId,
    note: input.note,
    addedAt: held?.addedAt ?? at,
    updatedAt: at,
  };
  await ctx.employerLists.putShortlisted(entry);
  return view(entry, consent.displayName);
}

function view(entry: ShortlistEntryRecord, displayName: string): ShortlistView {
  const { learnerId, note, addedAt, updatedAt } = entry;
  return { learnerId, displayName, note, addedAt, updatedAt };
}

/** The entries of a page whose learners let the employer find them now, with their names. */
async function visibleEntries(
  ctx: ServiceContext,
  tenantId: string,
  employerId: string,
  entries: readonly ShortlistEntryRecord[],
): Promise<ShortlistView[]> {
  if (entries.length === 0) return [];
  // One strongly consistent batch read of the page's consents: the table decides, not the index.
  const consents = await ctx.consents.getMany(
    tenantId,
    entries.map((e) => e.learnerId),
  );
  const now = ctx.clock.now();
  const names = new Map(
    consents
      .filter((c) => c.tenantId === tenantId && visibleTo(c, employerId, now))
      .map((c) => [c.learnerId, c.displayName] as const),
  );
  return entries.flatMap((entry) => {
    const name = names.get(entry.learnerId);
    return name === undefined ? [] : [view(entry, name)];
  });
}

/**
 * One page of the shortlist, without the candidates who no longer let this employer find them
 * (a page may then hold fewer entries than the page size; `cursor` still leads on).
 *
 * @example
 * const { items, cursor } = await listShortlist(ctx, principal, 'acme', undefined);
 */
export async function listShortlist(
  ctx: ServiceContext,
  principal: Principal,
  employerId: string,
  cursor: string | undefined,
): Promise<{ readonly items: readonly ShortlistView[]; readonly cursor?: string }> {
  requireOwnEmployer(principal, employerId);
  const tenantId = tenantOf(principal);
  const page = await ctx.employerLists.listShortlist(tenantId, employerId, cursor);
  const items = await visibleEntries(ctx, tenantId, employerId, page.items);
  return page.cursor === undefined ? { items } : { items, cursor: page.cursor };
}

/**
 * Takes a candidate off the shortlist; NOT_FOUND when they are not on it.
 *
 * @example
 * await removeFromShortlist(ctx, principal, 'acme', 'ada');
 */
export async function removeFromShortlist(
  ctx: ServiceContext,
  principal: Principal,
  employerId: string,
  learnerId: string,
): Promise<void> {
  requireOwnEmployer(principal, employerId);
  await ctx.employerLists.removeShortlisted(tenantOf(principal), employerId, learnerId);
}

/**
 * The whole visible shortlist (up to {@link MAX_EXPORT}) as RFC 4180 CSV, one row per candidate
 * with the note and the verification link of each live badge; audited as an export.
 *
 * @example
 * const { csv } = await exportShortlist(ctx, principal, 'acme');
 */
export async function exportShortlist(
  ctx: ServiceContext,
  principal: Principal,
  employerId: string,
): Promise<{ readonly csv: string; readonly count: number }> {
  requireOwnEmployer(principal, employerId);
  const tenantId = tenantOf(principal);
  const entries: ShortlistView[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.employerLists.listShortlist(tenantId, employerId, cursor);
    const visible = await visibleEntries(ctx, tenantId, employerId, page.items);
    entries.push(...visible.slice(0, MAX_EXPORT - entries.length));
    cursor = page.cursor;
  } while (cursor !== undefined && entries.length < MAX_EXPORT);
  const now = ctx.clock.now().getTime();
  const rows = await Promise.all(
    entries.map(async (entry) => {
      const document = await ctx.searchIndex.get(tenantId, entry.learnerId);
      const live = (document?.badges ?? []).filter(
        // Inclusive, as in the engines: a badge is live at exactly its validUntil.
        (badge) => badge.validUntil === undefined || Date.parse(badge.validUntil) >= now,
      );
      return [
        entry.learnerId,
        entry.displayName,
        entry.note,
        entry.addedAt,
        live.map((badge) => `${badge.achievementName} (${badge.issuerName})`).join('; '),
        live.map((badge) => badge.verifyUrl).join(' '),
      ];
    }),
  );
  await audit(
    ctx,
    principal,
    'export',
    tenantId,
    employerId,
    { shortlist: true },
    entries.length,
    entries.map((entry) => ({ learnerId: entry.learnerId, skills: [] })),
  );
  const header = ['learnerId', 'displayName', 'note', 'addedAt', 'badges', 'verifyUrls'];
  const csv = [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n');
  return { csv: `${csv}\r\n`, count: entries.length };
}

/** The search as saved: what it asks, without the paging of one run. */
function savedQuery(query: EmployerSearchInput): EmployerSearchInput {
  const { after: _after, size: _size, facets: _facets, ...rest } = query;
  return rest;
}

/** The candidates the search matches now; its validation errors point into `/query`. */
async function matchesNow(
  ctx: ServiceContext,
  principal: Principal,
  query: EmployerSearchInput,
): Promise<string[]> {
  try {
    return await matchingLearnerIds(ctx, principal, query);
  } catch (error) {
    if (error instanceof ServiceError && error.code === 'VALIDATION')
      throw new ServiceError('VALIDATION', error.message, {
        cause: error,
        fields: error.fields.map((f) => ({ pointer: `/query${f.pointer}`, detail: f.detail })),
      });
    throw error;
  }
}

function savedView(record: SavedSearchRecord, newMatches: number): SavedSearchView {
  const { id, name, query, createdAt, lastSeenAt } = record;
  return { id, name, query: query as EmployerSearchInput, createdAt, lastSeenAt, newMatches };
}

/**
 * Saves a search by name; the candidates it matches now count as seen.
 *
 * @example
 * const saved = await saveSearch(ctx, principal, 'acme', { name: 'Analysts', query: { mustHave: ['ONET:15-2051.00'] } });
 */
export async function saveSearch(
  ctx: ServiceContext,
  principal: Principal,
  employerId: string,
  input: SaveSearchInput,
): Promise<SavedSearchView> {
  requireOwnEmployer(principal, employerId);
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name === '' || name.length > EMPLOYER_LIST_LIMITS.maxName)
    invalid('/name', `a name of 1 to ${EMPLOYER_LIST_LIMITS.maxName} characters`);
  const query = savedQuery(input.query ?? {});
  const seen = await matchesNow(ctx, principal, query);
  const at = ctx.clock.now().toISOString();
  const record: SavedSearchRecord = {
    id: randomUUID(),
    tenantId: tenantOf(principal),
    employerId,
    name,
    query: query as Record<string, unknown>,
    createdAt: at,
    lastSeenAt: at,
    seenLearnerIds: seen,
  };
  await ctx.employerLists.createSavedSearch(record);
  return savedView(record, 0);
}

/** How many consenting candidates the saved search matches now that it did not at last look. */
async function newMatches(
  ctx: ServiceContext,
  principal: Principal,
  record: SavedSearchRecord,
): Promise<number> {
  const seen = new Set(record.seenLearnerIds);
  const now = await matchingLearnerIds(ctx, principal, record.query as EmployerSearchInput);
  return now.filter((id) => !seen.has(id)).length;
}

/**
 * One page of the employer's saved searches, each with its count of new matches.
 *
 * @example
 * const { items } = await listSavedSearches(ctx, principal, 'acme', undefined);
 */
export async function listSavedSearches(
  ctx: ServiceContext,
  principal: Principal,
  employerId: string,
  cursor: string | undefined,
): Promise<{ readonly items: readonly SavedSearchView[]; readonly cursor?: string }> {
  requireOwnEmployer(principal, employerId);
  const page = await ctx.employerLists.listSavedSearches(tenantOf(principal), employerId, cursor);
  const items = await Promise.all(
    page.items.map(async (record) => savedView(record, await newMatches(ctx, principal, record))),
  );
  return page.cursor === undefined ? { items } : { items, cursor: page.cursor };
}

/**
 * Marks a saved search looked at: what it matches now is seen, and its new-match count is 0.
 *
 * @example
 * const saved = await markSavedSearchSeen(ctx, principal, 'acme', id);
 */
export async function markSavedSearchSeen(
  ctx: ServiceContext,
  principal: Principal,
  employerId: string,
  searchId: string,
): Promise<SavedSearchView> {
  requireOwnEmployer(principal, employerId);
  const tenantId = tenantOf(principal);
  const record = await ctx.employerLists.getSavedSearch(tenantId, employerId, searchId);
  if (record === undefined) throw new ServiceError('NOT_FOUND', `no saved search ${searchId}`);
  const seen = await matchingLearnerIds(ctx, principal, record.query as EmployerSearchInput);
  const at = ctx.clock.now().toISOString();
  await ctx.employerLists.markSeen(tenantId, employerId, searchId, { at, learnerIds: seen });
  return savedView({ ...record, lastSeenAt: at, seenLearnerIds: seen }, 0);
}

/**
 * Deletes a saved search; NOT_FOUND when there is none.
 *
 * @example
 * await deleteSavedSearch(ctx, principal, 'acme', id);
 */
export async function deleteSavedSearch(
  ctx: ServiceContext,
  principal: Principal,
  employerId: string,
  searchId: string,
): Promise<void> {
  requireOwnEmployer(principal, employerId);
  await ctx.employerLists.deleteSavedSearch(tenantOf(principal), employerId, searchId);
}
