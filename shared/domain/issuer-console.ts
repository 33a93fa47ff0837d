import { matchesIdentity } from '#shared/credentials/model/identity.ts';
import {
  credentialFromJwtPayload,
  decodeCompactJws,
} from '#shared/credentials/proof/vc-jwt-verify.ts';
import {
  type AchievementView,
  type CreateAchievementInput,
  createAchievement,
  requireAchievement,
} from './achievements.ts';
import { ServiceError } from './errors.ts';
import { credentialJson } from './issuance.ts';
import { type IssuerView, issuerView, requireIssuer } from './issuers.ts';
import type { ServiceContext } from './ports/service-context.ts';
import { type Principal, requireIssuerScope } from './principal.ts';
import type { AchievementRecord, CredentialRecord, CredentialState } from './records/records.ts';
import { statusPurposeOf } from './status.ts';

/**
 * What the issuer console needs beyond the VC-API: the profile edit, achievement versions,
 * a search over the issuer's credentials, and the dashboard's counts. Every call is scoped to
 * one issuer (its admin, or a platform admin).
 */

/** How long a status list may be cached (its `Cache-Control: max-age`, in seconds). */
export const STATUS_LIST_MAX_AGE_SECONDS = 60;

export interface IssuerProfileInput {
  readonly name: string;
  readonly url?: string;
  readonly email?: string;
  readonly description?: string;
  readonly image?: string;
}

/**
 * Replaces the issuer's public profile. Credentials already issued keep the profile they were
 * signed with; new ones carry this one.
 *
 * @example
 * await updateIssuerProfile(ctx, admin, 'northfield', { name: 'Northfield College' });
 */
export async function updateIssuerProfile(
  ctx: ServiceContext,
  principal: Principal,
  issuerId: string,
  input: IssuerProfileInput,
): Promise<IssuerView> {
  requireIssuerScope(principal, issuerId);
  const issuer = await requireIssuer(ctx, issuerId);
  const profile = Object.fromEntries(
    Object.entries(input).filter(([, value]) => value !== undefined && value !== ''),
  ) as unknown as IssuerProfileInput;
  await ctx.issuers.updateProfile(issuerId, profile);
  return issuerView(ctx, { ...issuer, profile }, await ctx.issuers.listKeys(issuerId));
}

async function allAchievements(
  ctx: ServiceContext,
  issuerId: string,
): Promise<readonly AchievementRecord[]> {
  const all: AchievementRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.achievements.list(issuerId, cursor);
    all.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return all;
}

/**
 * Edits an achievement by making its next version: a new achievement (its own id and URL)
 * with `revision` n + 1 and `previousId` naming the version it replaces. The old version is
 * never changed, so the credentials issued from it keep pointing at the definition they were
 * signed with; new awards use the new version. Only the newest version can be edited (CONFLICT
 * otherwise), so versions form one line.
 *
 * @example
 * const v2 = await reviseAchievement(ctx, admin, 'northfield', v1.id, { definition: { … } });
 */
export async function reviseAchievement(
  ctx: ServiceContext,
  principal: Principal,
  issuerId: string,
  achievementId: string,
  input: CreateAchievementInput,
): Promise<AchievementView> {
  requireIssuerScope(principal, issuerId);
  const previous = await requireAchievement(ctx, issuerId, achievementId);
  const newer = (await allAchievements(ctx, issuerId)).find((a) => a.previousId === previous.id);
  if (newer)
    throw new ServiceError(
      'CONFLICT',
      `version ${previous.revision ?? 1} was already replaced by version ${newer.revision ?? 2} (${newer.id}): edit that one`,
    );
  const revision = (previous.revision ?? 1) + 1;
  return createAchievement(
    ctx,
    principal,
    issuerId,
    {
      proofFormat: input.proofFormat ?? previous.proofFormat,
      algorithm: input.algorithm ?? previous.algorithm,
      statusPurpose: input.statusPurpose ?? previous.statusPurpose ?? 'revocation',
      definition: { ...input.definition, version: input.definition.version ?? String(revision) },
    },
    { revision, previousId: previous.id },
  );
}

// ---------------------------------------------------------------- credential search

export const CREDENTIAL_STATES: readonly CredentialState[] = ['active', 'suspended', 'revoked'];
/** Credentials a search page returns at most. */
export const MAX_SEARCH_LIMIT = 100;
/**
 * Credentials one search request reads at most before it answers with what it found and a
 * cursor to go on: a search that matches little never costs more than this per request.
 */
export const MAX_SCANNED_PER_REQUEST = 1000;

export interface CredentialSearch {
  /** An email address (compared with the salted hash), a DID/URL, or a learner id. */
  readonly recipient?: string;
  readonly achievementId?: string;
  /** Issued on or after this day (`YYYY-MM-DD`) or instant. */
  readonly from?: string;
  /** Issued on or before this day (`YYYY-MM-DD`, the whole day) or instant. */
  readonly to?: string;
  readonly status?: CredentialState;
  readonly cursor?: string;
  readonly limit?: number;
}

export interface CredentialSummary {
  readonly id: string;
  readonly achievementId: string;
  readonly achievementName: string;
  /** A DID/URL, or `hashed email` when the recipient is known only by a salted hash. */
  readonly recipient: string;
  readonly learnerId?: string;
  readonly state: CredentialState;
  readonly stateReason?: string;
  readonly stateNote?: string;
  /** Which status list the credential's entry is on: only `suspension` ones can be reinstated. */
  readonly statusPurpose: 'revocation' | 'suspension';
  readonly issuedAt: string;
  /** The pathway a pathway or milestone credential was awarded for. */
  readonly pathwayId?: string;
  readonly verifyUrl: string;
}

export interface CredentialSearchResult {
  readonly items: readonly CredentialSummary[];
  readonly cursor?: string;
  /** Credentials this request read to find the items. */
  readonly scanned: number;
  /** How long a status change may take to show on a badge's page (the lists' cache time). */
  readonly statusListMaxAgeSeconds: number;
}

interface SearchCursor {
  /** The store's cursor of the page being read (absent: the first page). */
  readonly page?: string;
  /** Credentials of that page already read. */
  readonly skip: number;
}

function encodeCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string | undefined): SearchCursor {
  if (text === undefined) return { skip: 0 };
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as SearchCursor;
    if (
      typeof value === 'object' &&
      value !== null &&
      Number.isSafeInteger(value.skip) &&
      value.skip >= 0 &&
      (value.page === undefined || typeof value.page === 'string')
    )
      return value;
  } catch {
    // Falls through to the refusal below.
  }
  throw new ServiceError('VALIDATION', 'the cursor is not one this search gave', {
    fields: [{ pointer: 'cursor', detail: 'pass back the cursor of the previous page' }],
  });
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The bound as an instant to compare with `issuedAt`; a day `to` covers the whole day. */
function bound(value: string | undefined, name: string, end: boolean): string | undefined {
  if (value === undefined || value === '') return undefined;
  const instant = DAY.test(value) ? `${value}T${end ? '23:59:59.999' : '00:00:00.000'}Z` : value;
  const time = Date.parse(instant);
  if (Number.isNaN(time))
    throw new ServiceError('VALIDATION', `${name} is not a date`, {
      fields: [{ pointer: name, detail: 'a day (YYYY-MM-DD) or an ISO-8601 instant' }],
    });
  return new Date(time).toISOString();
}

function achievementNameOf(json: Record<string, unknown>): string {
  const subject = json.credentialSubject as { achievement?: { name?: unknown } } | undefined;
  return typeof subject?.achievement?.name === 'string' ? subject.achievement.name : '';
}

function recipientMatches(
  record: CredentialRecord,
  json: Record<string, unknown>,
  recipient: string,
): boolean {
  if (recipient.includes('@') && !recipient.includes(':')) {
    const subject = json.credentialSubject as { identifier?: unknown } | undefined;
    const identifiers = Array.isArray(subject?.identifier) ? subject.identifier : [];
    return identifiers.some((identity) => matchesIdentity(identity, recipient));
  }
  return record.recipient.id === recipient || record.learnerId === recipient;
}

function summaryOf(
  ctx: ServiceContext,
  record: CredentialRecord,
  json: Record<string, unknown>,
): CredentialSummary {
  return {
    id: record.id,
    achievementId: record.achievementId,
    achievementName: achievementNameOf(json),
    recipient: record.recipient.id ?? 'hashed email',
    ...(record.learnerId ? { learnerId: record.learnerId } : {}),
    state: record.state,
    ...(record.stateReason ? { stateReason: record.stateReason } : {}),
    ...(record.stateNote ? { stateNote: record.stateNote } : {}),
    statusPurpose: statusPurposeOf(record),
    issuedAt: record.issuedAt,
    ...(record.award ? { pathwayId: record.award.pathwayId } : {}),
    verifyUrl: `${ctx.baseUrl}/credentials/${encodeURIComponent(record.id)}/verify`,
  };
}

/**
 * The issuer's credentials that match every given filter, newest first, a page at a time. The
 * issuer's listing is read in order; a request stops at `limit` matches or after reading
 * MAX_SCANNED_PER_REQUEST credentials, and its cursor resumes exactly where it stopped (inside
 * a page of the store, too), so paging never skips or repeats a credential.
 *
 * @example
 * const { items } = await searchIssuerCredentials(ctx, admin, 'northfield', { status: 'suspended' });
 */
export async function searchIssuerCredentials(
  ctx: ServiceContext,
  principal: Principal,
  issuerId: string,
  search: CredentialSearch,
): Promise<CredentialSearchResult> {
  requireIssuerScope(principal, issuerId);
  await requireIssuer(ctx, issuerId);
  const from = bound(search.from, 'from', false);
  const to = bound(search.to, 'to', true);
  const limit = Math.min(Math.max(search.limit ?? 25, 1), MAX_SEARCH_LIMIT);
  const recipient = search.recipient?.trim() || undefined;
  let at = decodeCursor(search.cursor);
  const items: CredentialSummary[] = [];
  let scanned = 0;
  for (;;) {
    const page = await ctx.credentials.listByIssuer(issuerId, at.page);
    const records = page.items;
    let index = at.skip;
    for (; index < records.length; index += 1) {
      if (items.length === limit || scanned === MAX_SCANNED_PER_REQUEST) break;
      const record = records[index] as CredentialRecord;
      scanned += 1;
      // Newest first: past the lower bound, nothing older can match.
      if (from !== undefined && record.issuedAt < from)
        return { items, scanned, statusListMaxAgeSeconds: STATUS_LIST_MAX_AGE_SECONDS };
      if (to !== undefined && record.issuedAt > to) continue;
      if (search.status !== undefined && record.state !== search.status) continue;
      if (search.achievementId !== undefined && record.achievementId !== search.achievementId)
        continue;
      const json = credentialJson(record);
      if (recipient !== undefined && !recipientMatches(record, json, recipient)) continue;
      items.push(summaryOf(ctx, record, json));
    }
    const stopped = index < records.length;
    if (stopped) at = { ...(at.page ? { page: at.page } : {}), skip: index };
    else if (page.cursor === undefined)
      return { items, scanned, statusListMaxAgeSeconds: STATUS_LIST_MAX_AGE_SECONDS };
    else at = { page: page.cursor, skip: 0 };
    if (stopped || items.length === limit || scanned === MAX_SCANNED_PER_REQUEST)
      return {
        items,
        cursor: encodeCursor(at),
        scanned,
        statusListMaxAgeSeconds: STATUS_LIST_MAX_AGE_SECONDS,
      };
  }
}

// ---------------------------------------------------------------- dashboard

/** Credentials the dashboard counts at most; past it the answer says it is partial. */
export const DASHBOARD_MAX_CREDENTIALS = 100_000;
/** Imports the dashboard reads at most to find those citing the issuer. */
export const DASHBOARD_MAX_IMPORTS = 5_000;

export interface IssuerDashboard {
  readonly issuerId: string;
  readonly totals: {
    readonly issued: number;
    readonly active: number;
    readonly suspended: number;
    readonly revoked: number;
  };
  /** Credentials issued per achievement and calendar month (UTC), newest month first. */
  readonly issuedByMonth: readonly {
    readonly month: string;
    readonly achievementId: string;
    readonly achievementName: string;
    readonly issued: number;
  }[];
  /** Revoked and suspended credentials per achievement. */
  readonly revocations: readonly {
    readonly achievementId: string;
    readonly achievementName: string;
    readonly revoked: number;
    readonly suspended: number;
  }[];
  /** Pathway credentials awarded (milestones apart), per pathway. */
  readonly pathwayCompletions: readonly {
    readonly pathwayId: string;
    readonly awarded: number;
    readonly active: number;
    readonly milestones: number;
  }[];
  /** Credentials of this issuer that learners imported (from another copy, a wallet, …). */
  readonly imports: { readonly citing: number; readonly verified: number; readonly read: number };
  /** False when a cap was reached and the counts cover only part of the data. */
  readonly complete: boolean;
}

function importIssuer(signed: string): string | undefined {
  try {
    const json = signed.trimStart().startsWith('{')
      ? (JSON.parse(signed) as Record<string, unknown>)
      : credentialFromJwtPayload(decodeCompactJws(signed).payload).credential;
    const issuer = json.issuer as { id?: unknown } | string | undefined;
    const id = typeof issuer === 'string' ? issuer : issuer?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The issuer's numbers, as the console's dashboard shows them: issued per achievement and
 * month, revocations and suspensions, pathway completions, and imports that cite the issuer.
 *
 * @example
 * const dashboard = await issuerDashboard(ctx, admin, 'northfield');
 */
export async function issuerDashboard(
  ctx: ServiceContext,
  principal: Principal,
  issuerId: string,
): Promise<IssuerDashboard> {
  requireIssuerScope(principal, issuerId);
  const issuer = await requireIssuer(ctx, issuerId);
  const names = new Map<string, string>();
  for (const achievement of await allAchievements(ctx, issuerId))
    names.set(achievement.id, achievement.definition.name);
  const totals = { issued: 0, active: 0, suspended: 0, revoked: 0 };
  const byMonth = new Map<string, { month: string; achievementId: string; issued: number }>();
  const revocations = new Map<string, { revoked: number; suspended: number }>();
  const pathways = new Map<string, { awarded: number; active: number; milestones: number }>();
  let complete = true;
  let cursor: string | undefined;
  do {
    const page = await ctx.credentials.listByIssuer(issuerId, cursor);
    for (const record of page.items) {
      totals.issued += 1;
      totals[record.state] += 1;
      const month = record.issuedAt.slice(0, 7);
      const key = `${month}#${record.achievementId}`;
      const entry = byMonth.get(key) ?? { month, achievementId: record.achievementId, issued: 0 };
      entry.issued += 1;
      byMonth.set(key, entry);
      if (record.state !== 'active') {
        const counts = revocations.get(record.achievementId) ?? { revoked: 0, suspended: 0 };
        counts[record.state] += 1;
        revocations.set(record.achievementId, counts);
      }
      if (record.award) {
        const counts = pathways.get(record.award.pathwayId) ?? {
          awarded: 0,
          active: 0,
          milestones: 0,
        };
        if (record.award.milestone) counts.milestones += 1;
        else {
          counts.awarded += 1;
          if (record.state === 'active') counts.active += 1;
        }
        pathways.set(record.award.pathwayId, counts);
      }
    }
    cursor = page.cursor;
    if (totals.issued >= DASHBOARD_MAX_CREDENTIALS && cursor !== undefined) {
      complete = false;
      break;
    }
  } while (cursor !== undefined);

  const imports = await ctx.imports.listDue('9999-12-31T23:59:59.999Z', DASHBOARD_MAX_IMPORTS);
  if (imports.length >= DASHBOARD_MAX_IMPORTS) complete = false;
  const citing = imports.filter((record) => importIssuer(record.signed) === issuer.did);

  const name = (id: string) => names.get(id) ?? id;
  return {
    issuerId,
    totals,
    issuedByMonth: [...byMonth.values()]
      .sort(
        (a, b) => b.month.localeCompare(a.month) || a.achievementId.localeCompare(b.achievementId),
      )
      .map((entry) => ({ ...entry, achievementName: name(entry.achievementId) })),
    revocations: [...revocations]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([achievementId, counts]) => ({
        achievementId,
        achievementName: name(achievementId),
        ...counts,
      })),
    pathwayCompletions: [...pathways]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([pathwayId, counts]) => ({ pathwayId, ...counts })),
    imports: {
      citing: citing.length,
      verified: citing.filter((record) => record.state === 'verified').length,
      read: imports.length,
    },
    complete,
  };
}
