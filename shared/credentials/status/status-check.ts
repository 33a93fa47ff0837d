import { type Clock, systemClock } from '#shared/core/clock.ts';
import { describeError, reportReason } from '#shared/core/errors.ts';
import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import {
  DEFAULT_MAX_BITSTRING_BYTES,
  decodeBitstring,
  MIN_BITSTRING_BITS,
  readStatus,
} from './bitstring.ts';
import { checkRevocationListEntry } from './revocation-list.ts';
import {
  checkStatusUrl,
  fetchStatusDocument,
  isObject,
  parseStatusDocument,
  type StatusDocument,
} from './status-document.ts';
import type { StatusOutcome, StatusResult } from './status-result.ts';

export type { StatusOutcome, StatusResult } from './status-result.ts';

export type VerifyStatusListCredential = (vc: unknown) => Promise<{ ok: boolean; reason: string }>;

export interface StatusCheckOptions {
  readonly fetcher: Fetcher;
  /**
   * Verifies the status list credential (its proof, its issuer). It receives the parsed
   * JSON object, or the compact JWS string for a list secured as a VC-JWT. Results are
   * remembered per function and list document, so pass the same function each time.
   */
  readonly verifyStatusListCredential?: VerifyStatusListCredential;
  readonly clock?: Clock;
  /** Largest inflated bitstring accepted, in bytes (default 16 MiB). */
  readonly maxListBytes?: number;
}

/** More status entries than this in one credential is abuse, not status. */
const MAX_ENTRIES = 16;

/** The W3C list and its StatusList2021 predecessor differ only in their type names. */
const LIST_FORMATS = {
  BitstringStatusListEntry: {
    credentialType: 'BitstringStatusListCredential',
    subjectType: 'BitstringStatusList',
  },
  StatusList2021Entry: {
    credentialType: 'StatusList2021Credential',
    subjectType: 'StatusList2021',
  },
} as const;

type ListEntryType = keyof typeof LIST_FORMATS;

const LIST_ACCEPT =
  'application/vc+ld+json, application/vc+jwt, application/vc+ld+json+jwt, application/ld+json;q=0.9, application/json;q=0.9, application/jwt;q=0.8';

/**
 * Verdicts on status list credentials, per verifier function, then per parsed list document
 * (itself one object per text, see status-document.ts): a list shared by thousands of
 * credentials is verified once per content, not once per fetch. A changed list (a revocation)
 * is new text, hence a new document and a fresh verification. A verdict is kept for
 * VERDICT_TTL_MS at most, so that a key withdrawn from the issuer's DID document stops
 * vouching for an unchanged list within the time a resolved key is trusted (key-lookup.ts).
 */
interface ListVerdict {
  readonly expires: number;
  readonly verdict: Promise<{ ok: boolean; reason: string }>;
  /** The verdict once it has settled as an answer (a rejection is never kept). */
  settled?: { ok: boolean; reason: string };
}

const verifiedLists = new WeakMap<VerifyStatusListCredential, WeakMap<object, ListVerdict>>();
const VERDICT_TTL_MS = 5 * 60 * 1000;
const decodedLists = new WeakMap<object, Uint8Array>();

function typesOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : [];
}

interface ListCredential {
  readonly credential: Record<string, unknown>;
  readonly from?: string;
  readonly until?: string;
}

/** Read once per document: a list shared by many credentials is one document (see above). */
const listCredentials = new WeakMap<StatusDocument, ListCredential>();

function listCredentialOf(document: StatusDocument): ListCredential {
  let read = listCredentials.get(document);
  if (read === undefined) {
    read = readListCredential(document);
    listCredentials.set(document, read);
  }
  return read;
}

function readListCredential(document: StatusDocument): ListCredential {
  if (document.kind === 'json') return { credential: document.value };
  const { payload } = document;
  // VC-JWT 1.1 carries the credential in `vc` and its validity in nbf/exp.
  const credential = isObject(payload.vc) ? payload.vc : payload;
  const seconds = (value: unknown) =>
    typeof value === 'number' ? new Date(value * 1000).toISOString() : undefined;
  const from = seconds(payload.nbf);
  const until = seconds(payload.exp);
  return {
    credential,
    ...(from !== undefined ? { from } : {}),
    ...(until !== undefined ? { until } : {}),
  };
}

function parseIndex(value: unknown): number | undefined {
  if (typeof value === 'number')
    return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string' && /^(0|[1-9][0-9]*)$/u.test(value)) {
    const index = Number(value);
    return Number.isSafeInteger(index) ? index : undefined;
  }
  return undefined;
}

/**
 * Not an async function: it hands back a promise it holds, and an async function returning a
 * promise takes two more turns of the microtask queue, for every credential with a status.
 */
function verifyList(
  verify: VerifyStatusListCredential,
  document: StatusDocument,
  now: number,
): Promise<{ ok: boolean; reason: string }> {
  let byDocument = verifiedLists.get(verify);
  if (byDocument === undefined) {
    byDocument = new WeakMap();
    verifiedLists.set(verify, byDocument);
  }
  const known = byDocument.get(document);
  if (known !== undefined && known.expires > now) return known.verdict;
  const verdict = verify(document.kind === 'json' ? document.value : document.jwt);
  const entry: ListVerdict = { expires: now + VERDICT_TTL_MS, verdict };
  byDocument.set(document, entry);
  verdict.then(
    (settled) => {
      entry.settled = settled;
    },
    () => {
      if (byDocument.get(document) === entry) byDocument.delete(document);
    },
  );
  return verdict;
}

/** The verdict {@link verifyList} would answer with at once, when it has settled; else undefined. */
function settledVerdict(
  verify: VerifyStatusListCredential,
  document: StatusDocument,
  now: number,
): { ok: boolean; reason: string } | undefined {
  const known = verifiedLists.get(verify)?.get(document);
  return known !== undefined && known.expires > now ? known.settled : undefined;
}

function statusMessageFor(entry: Record<string, unknown>, value: number): string | undefined {
  if (!Array.isArray(entry.statusMessage)) return undefined;
  for (const item of entry.statusMessage) {
    if (!isObject(item) || typeof item.status !== 'string') continue;
    if (Number.parseInt(item.status, 16) === value && typeof item.message === 'string')
      return item.message;
  }
  return undefined;
}

/** What one list entry asks, read and checked from the entry itself. */
interface ListQuery {
  readonly entryType: ListEntryType;
  readonly entry: Record<string, unknown>;
  readonly purpose: string;
  readonly index: number;
  readonly statusSize: number;
  readonly url: string;
}

/** The list's subject, once the list document was found to answer the query. */
interface ListInView {
  readonly subject: Record<string, unknown>;
  readonly now: number;
}

function isResult(value: object): value is StatusResult {
  return 'outcome' in value;
}

function resultOf(
  entryType: ListEntryType,
  purpose: string | undefined,
  outcome: StatusOutcome,
  reason: string,
): StatusResult {
  return {
    type: entryType,
    ...(purpose !== undefined ? { purpose } : {}),
    outcome,
    reason,
  };
}

function readListQuery(
  entryType: ListEntryType,
  entry: Record<string, unknown>,
): ListQuery | StatusResult {
  const purpose = typeof entry.statusPurpose === 'string' ? entry.statusPurpose : undefined;
  if (purpose === undefined)
    return resultOf(entryType, purpose, 'error', 'the status entry has no statusPurpose');
  const index = parseIndex(entry.statusListIndex);
  if (index === undefined)
    return resultOf(
      entryType,
      purpose,
      'error',
      `statusListIndex ${JSON.stringify(entry.statusListIndex)} is not a non-negative integer`,
    );
  const statusSize = entry.statusSize === undefined ? 1 : entry.statusSize;
  if (
    typeof statusSize !== 'number' ||
    !Number.isInteger(statusSize) ||
    statusSize < 1 ||
    statusSize > 8
  )
    return resultOf(
      entryType,
      purpose,
      'error',
      `statusSize ${JSON.stringify(entry.statusSize)} is not an integer from 1 to 8`,
    );
  let url: string;
  try {
    url = checkStatusUrl(entry.statusListCredential, 'statusListCredential');
  } catch (error) {
    return resultOf(entryType, purpose, 'error', describeError(error));
  }
  return { entryType, entry, purpose, index, statusSize, url };
}

/** What a list document says for entries of one kind, read once per document and kind. */
interface ListFacts {
  readonly isList: boolean;
  readonly subject: Record<string, unknown> | undefined;
  readonly purposes: readonly string[];
  readonly validFrom: unknown;
  readonly validUntil: unknown;
}

const listFactsByDocument = new WeakMap<
  StatusDocument,
  Partial<Record<ListEntryType, ListFacts>>
>();

function listFactsOf(document: StatusDocument, entryType: ListEntryType): ListFacts {
  let byType = listFactsByDocument.get(document);
  if (byType === undefined) {
    byType = {};
    listFactsByDocument.set(document, byType);
  }
  let facts = byType[entryType];
  if (facts === undefined) {
    const format = LIST_FORMATS[entryType];
    const { credential: list, from, until } = listCredentialOf(document);
    const subjects = Array.isArray(list.credentialSubject)
      ? list.credentialSubject
      : [list.credentialSubject];
    const subject = subjects.find(
      (candidate): candidate is Record<string, unknown> =>
        isObject(candidate) && typesOf(candidate.type).includes(format.subjectType),
    );
    facts = {
      isList: typesOf(list.type).includes(format.credentialType),
      subject,
      purposes: subject === undefined ? [] : typesOf(subject.statusPurpose),
      validFrom: list.validFrom ?? list.issuanceDate ?? from,
      validUntil: list.validUntil ?? list.expirationDate ?? until,
    };
    byType[entryType] = facts;
  }
  return facts;
}

/** The list's own checks: its type, a subject of the entry's kind and purpose, its validity. */
function listInView(
  query: ListQuery,
  document: StatusDocument,
  options: StatusCheckOptions,
): ListInView | StatusResult {
  const { entryType, purpose, url } = query;
  const format = LIST_FORMATS[entryType];
  // Read once per document: a list shared by many credentials is one document.
  const {
    isList,
    subject,
    purposes: listPurposes,
    validFrom,
    validUntil,
  } = listFactsOf(document, entryType);
  if (!isList)
    return resultOf(
      entryType,
      purpose,
      'error',
      `the document at ${url} is not a ${format.credentialType}`,
    );
  if (subject === undefined)
    return resultOf(
      entryType,
      purpose,
      'error',
      `the status list credential at ${url} has no ${format.subjectType} subject`,
    );
  if (!listPurposes.includes(purpose))
    return resultOf(
      entryType,
      purpose,
      'error',
      `the status list at ${url} is for ${listPurposes.map((p) => `"${p}"`).join(', ') || 'no stated purpose'}, but the entry asks about "${purpose}"`,
    );

  const now = (options.clock ?? systemClock).now().getTime();
  if (typeof validFrom === 'string' && Date.parse(validFrom) > now)
    return resultOf(
      entryType,
      purpose,
      'error',
      `the status list at ${url} is not valid until ${validFrom}`,
    );
  if (typeof validUntil === 'string' && Date.parse(validUntil) < now)
    return resultOf(
      entryType,
      purpose,
      'error',
      `the status list at ${url} expired at ${validUntil}; a current list is needed`,
    );
  return { subject, now };
}

const UNVERIFIED_NOTE = ' (the status list credential itself was not verified)';

/** The failed verdict on the list credential as the entry's result; undefined when it passed. */
function verdictFailure(
  query: ListQuery,
  verdict: { ok: boolean; reason: string },
): StatusResult | undefined {
  if (verdict.ok) return undefined;
  return resultOf(
    query.entryType,
    query.purpose,
    'error',
    `the status list credential at ${query.url} failed verification: ${verdict.reason}`,
  );
}

/** The entry's status read from the list's bits, once the list credential is trusted. */
function answerFromList(
  query: ListQuery,
  subject: Record<string, unknown>,
  verifiedNote: string,
  options: StatusCheckOptions,
): StatusResult {
  const { entryType, entry, purpose, index, statusSize, url } = query;
  const result = (outcome: StatusOutcome, reason: string) =>
    resultOf(entryType, purpose, outcome, reason);
  let bits = decodedLists.get(subject);
  if (bits === undefined) {
    try {
      bits = decodeBitstring(subject.encodedList as string, {
        maxBytes: options.maxListBytes ?? DEFAULT_MAX_BITSTRING_BYTES,
      });
    } catch (error) {
      return result(
        'error',
        `the status list at ${url} cannot be decoded: ${describeError(error)}`,
      );
    }
    decodedLists.set(subject, bits);
  }
  if (bits.length * 8 < MIN_BITSTRING_BITS)
    return result(
      'error',
      `the status list at ${url} holds ${bits.length * 8} entries, fewer than the ${MIN_BITSTRING_BITS} the specification requires for privacy`,
    );
  let value: number;
  try {
    value = readStatus(bits, index, statusSize);
  } catch (error) {
    return result(
      'error',
      `the status list at ${url} cannot answer for this entry: ${describeError(error)}`,
    );
  }

  const where = `entry ${index} of ${url}`;
  if (purpose === 'revocation')
    return value === 0
      ? result('active', `${where} is not set: the credential is not revoked${verifiedNote}`)
      : result('revoked', `${where} is set: the issuer has revoked the credential${verifiedNote}`);
  if (purpose === 'suspension')
    return value === 0
      ? result('active', `${where} is not set: the credential is not suspended${verifiedNote}`)
      : result(
          'suspended',
          `${where} is set: the issuer has suspended the credential${verifiedNote}`,
        );
  if (purpose === 'message') {
    const message = statusMessageFor(entry, value);
    return result(
      'active',
      `${where} holds status 0x${value.toString(16)}${message !== undefined ? `: "${message}"` : ' (no message is given for it)'}${verifiedNote}`,
    );
  }
  return result(
    'unknown',
    `${where} holds ${value}, but the purpose "${purpose}" is not one this verifier acts on${verifiedNote}`,
  );
}

/**
 * The error result of an entry whose list could not be fetched or verified: `what` names the
 * list, and a message the report may show follows it after `joint`.
 */
function erroredEntry(
  entryType: ListEntryType,
  purpose: string | undefined,
  error: unknown,
  what: string,
  joint: string,
): StatusResult {
  return resultOf(
    entryType,
    purpose,
    'error',
    reportReason(error, what, (message) => `${what}${joint}${message}`),
  );
}

async function checkListEntry(
  entryType: ListEntryType,
  entry: Record<string, unknown>,
  options: StatusCheckOptions,
): Promise<StatusResult> {
  const query = readListQuery(entryType, entry);
  if (isResult(query)) return query;
  const { purpose, url } = query;
  let document: StatusDocument;
  try {
    document = await fetchStatusDocument(options.fetcher, url, LIST_ACCEPT);
  } catch (error) {
    return erroredEntry(entryType, purpose, error, `the status list ${url}`, ': ');
  }
  const inView = listInView(query, document, options);
  if (isResult(inView)) return inView;

  if (options.verifyStatusListCredential === undefined)
    return answerFromList(query, inView.subject, UNVERIFIED_NOTE, options);
  let verdict: { ok: boolean; reason: string };
  try {
    verdict = await verifyList(options.verifyStatusListCredential, document, inView.now);
  } catch (error) {
    return erroredEntry(
      entryType,
      purpose,
      error,
      `the status list credential at ${url}`,
      ' could not be verified: ',
    );
  }
  return verdictFailure(query, verdict) ?? answerFromList(query, inView.subject, '', options);
}

/**
 * {@link checkListEntry} without a promise, when the list is already held by the fetcher and
 * the verdict on it already known (the warm path of bulk verification); undefined otherwise.
 * The same checks in the same order, so it answers as the full path would.
 */
function settledListEntry(
  entryType: ListEntryType,
  entry: Record<string, unknown>,
  options: StatusCheckOptions,
): StatusResult | undefined {
  const query = readListQuery(entryType, entry);
  if (isResult(query)) return query;
  const resource = options.fetcher.settled?.(query.url, { accept: LIST_ACCEPT });
  if (resource === undefined) return undefined;
  let document: StatusDocument;
  try {
    document = parseStatusDocument(resource.body, query.url);
  } catch {
    // The full path reports it.
    return undefined;
  }
  const inView = listInView(query, document, options);
  if (isResult(inView)) return inView;
  if (options.verifyStatusListCredential === undefined)
    return answerFromList(query, inView.subject, UNVERIFIED_NOTE, options);
  const verdict = settledVerdict(options.verifyStatusListCredential, document, inView.now);
  if (verdict === undefined) return undefined;
  return verdictFailure(query, verdict) ?? answerFromList(query, inView.subject, '', options);
}

/**
 * {@link checkCredentialStatus} answered without a promise, when every entry is a status list
 * entry whose list the fetcher already holds and whose list credential's verdict is already
 * known; undefined otherwise (then call checkCredentialStatus, which answers alike).
 *
 * @example
 * const results = settledCredentialStatus(credential, options) ?? (await checkCredentialStatus(credential, options));
 */
export function settledCredentialStatus(
  credential: Record<string, unknown>,
  options: StatusCheckOptions,
): StatusResult[] | undefined {
  if (options.fetcher.settled === undefined) return undefined;
  const status = credential.credentialStatus;
  const entries = status === undefined ? [] : Array.isArray(status) ? status : [status];
  const results: StatusResult[] = [];
  try {
    for (const entry of entries.slice(0, MAX_ENTRIES)) {
      if (!isObject(entry)) return undefined;
      const types = typesOf(entry.type);
      const entryType: ListEntryType | undefined = types.includes('BitstringStatusListEntry')
        ? 'BitstringStatusListEntry'
        : types.includes('StatusList2021Entry')
          ? 'StatusList2021Entry'
          : undefined;
      if (entryType === undefined) return undefined;
      const result = settledListEntry(entryType, entry, options);
      if (result === undefined) return undefined;
      results.push(result);
    }
  } catch {
    // The full path turns the failure into the entry's result.
    return undefined;
  }
  if (entries.length > MAX_ENTRIES) return undefined;
  return results;
}

/**
 * Checks every `credentialStatus` entry of a credential: W3C Bitstring Status List (and its
 * StatusList2021 predecessor) and the 1EdTech Revocation List. Nothing is thrown: each entry
 * yields a result, `error` when its status could not be established and `unknown` for a
 * status type this verifier does not know; the caller decides what fails.
 *
 * @example
 * const results = await checkCredentialStatus(credential, { fetcher, clock });
 * const revoked = results.some((r) => r.outcome === 'revoked');
 */
export async function checkCredentialStatus(
  credential: Record<string, unknown>,
  options: StatusCheckOptions,
): Promise<StatusResult[]> {
  const status = credential.credentialStatus;
  const entries = status === undefined ? [] : Array.isArray(status) ? status : [status];
  const results: StatusResult[] = [];
  for (const entry of entries.slice(0, MAX_ENTRIES)) {
    if (!isObject(entry)) {
      results.push({
        type: 'unknown',
        outcome: 'error',
        reason: 'a credentialStatus entry must be an object',
      });
      continue;
    }
    const types = typesOf(entry.type);
    const type = types[0] ?? 'unknown';
    try {
      if (types.includes('BitstringStatusListEntry'))
        results.push(await checkListEntry('BitstringStatusListEntry', entry, options));
      else if (types.includes('StatusList2021Entry'))
        results.push(await checkListEntry('StatusList2021Entry', entry, options));
      else if (types.includes('1EdTechRevocationList'))
        results.push(await checkRevocationListEntry(entry, credential, options.fetcher));
      else
        results.push({
          type,
          outcome: 'unknown',
          reason: `the status type ${JSON.stringify(type)} is not one this verifier can check (BitstringStatusListEntry, StatusList2021Entry and 1EdTechRevocationList are)`,
        });
    } catch (error) {
      results.push({
        type,
        outcome: 'error',
        reason: reportReason(
          error,
          'the status list',
          (message) => `the status could not be checked: ${message}`,
        ),
      });
    }
  }
  if (entries.length > MAX_ENTRIES)
    results.push({
      type: 'credentialStatus',
      outcome: 'error',
      reason: `the credential has ${entries.length} status entries; only the first ${MAX_ENTRIES} were checked`,
    });
  return results;
}
