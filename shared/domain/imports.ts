import {
  CredstackError,
  describeError,
  isCredstackError,
  reportReason,
} from '#shared/core/errors.ts';
import { isPartUnavailable } from '#shared/core/first-need.ts';
import { noteMetric } from '#shared/core/metrics.ts';
import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import { hashIdentity, matchesIdentity } from '#shared/credentials/model/identity.ts';
import { type CredentialInput, readCredentialInput } from '#shared/credentials/verify/input.ts';
import type { VerificationReport } from '#shared/credentials/verify/report.ts';
import type { Verifier } from '#shared/credentials/verify/verifier.ts';
import { reindexLearner } from './candidate-index.ts';
import { type FieldProblem, ServiceError } from './errors.ts';
import type { Page } from './ports/repositories.ts';
import type { ServiceContext } from './ports/service-context.ts';
import { type Principal, requireLearnerScope } from './principal.ts';
import { importedCredentialJson, importIdFor } from './records/import-records.ts';
import type { ImportRecord, StoredReport } from './records/search-records.ts';

/**
 * Importing credentials from any issuer into a learner's wallet. Each is verified with the
 * credential core before anything is stored, and only a valid credential whose signing key is
 * bound to its issuer, and whose subject is the learner, gets in; its verification report is
 * kept as provenance. Status lists change, so imports are verified again on demand and on a
 * schedule; one that definitely stops verifying (revoked, expired, signature or key binding
 * gone) stays in the wallet, marked invalid, and leaves the index, while one that could not be
 * checked this time (a status list or key that would not load) keeps its state.
 */

/**
 * Largest credential file or fetched document accepted — one limit for the three inputs and
 * the fetcher. Chosen so that the base64 of a file this large, in its JSON body, still fits the
 * API's 1 MiB request body.
 */
export const MAX_IMPORT_BYTES = 750 * 1024;
/** Characters of the base64 of a {@link MAX_IMPORT_BYTES} file (the request schema's cap). */
export const MAX_IMPORT_BASE64_CHARS = 4 * Math.ceil(MAX_IMPORT_BYTES / 3);
/** Largest credential kept (the JSON text or the compact JWS): far below an item's 400 KB. */
export const MAX_SIGNED_CHARS = 200_000;
/** How old a verification may grow before the schedule runs it again. */
export const REVERIFY_AFTER_HOURS = 24;

const FETCH_ACCEPT =
  'application/vc+jwt, application/vc+ld+json, application/ld+json, application/json;q=0.9, image/png;q=0.8, image/svg+xml;q=0.8, */*;q=0.1';

/** Exactly one of the three: a credential (object or compact JWS), a file, or a URL. */
export interface ImportInput {
  readonly credential?: string | Readonly<Record<string, unknown>>;
  /** A credential file as base64: JSON, a VC-JWT, or a baked PNG or SVG. */
  readonly file?: string;
  /** An https URL serving the credential (any of the same formats). */
  readonly url?: string;
}

/** What the import needs beyond the service context. */
export interface ImportDeps {
  readonly verifier: Verifier;
  /** Where URLs are fetched (the SSRF-safe HTTPS fetcher); URL imports are refused without one. */
  readonly fetcher?: Fetcher;
}

/** An import as its learner sees it. */
export interface ImportView {
  readonly id: string;
  readonly credentialId: string;
  readonly state: ImportRecord['state'];
  readonly source: ImportRecord['source'];
  readonly issuer: { readonly id?: string; readonly name?: string };
  readonly achievement: { readonly id?: string; readonly name?: string };
  readonly importedAt: string;
  readonly verifiedAt: string;
  readonly report: StoredReport;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The report without credential copies (the credential is kept once, as `signed`). */
function storedReport(report: VerificationReport): StoredReport {
  const { credential: _credential, endorsements, ...rest } = report;
  return endorsements === undefined
    ? rest
    : { ...rest, endorsements: endorsements.map((endorsement) => storedReport(endorsement)) };
}

/** The issuer and achievement a credential names (ids and names, when it gives them). */
function namesOf(
  credential: Readonly<Record<string, unknown>>,
): Pick<ImportView, 'issuer' | 'achievement'> {
  const issuer = credential.issuer;
  const subject = Array.isArray(credential.credentialSubject)
    ? credential.credentialSubject[0]
    : credential.credentialSubject;
  const achievement = isObject(subject) && isObject(subject.achievement) ? subject.achievement : {};
  const issuerId = text(issuer) ?? (isObject(issuer) ? text(issuer.id) : undefined);
  const issuerName = isObject(issuer) ? text(issuer.name) : undefined;
  const achievementId = text(achievement.id);
  const achievementName = text(achievement.name);
  return {
    issuer: {
      ...(issuerId === undefined ? {} : { id: issuerId }),
      ...(issuerName === undefined ? {} : { name: issuerName }),
    },
    achievement: {
      ...(achievementId === undefined ? {} : { id: achievementId }),
      ...(achievementName === undefined ? {} : { name: achievementName }),
    },
  };
}

function view(record: ImportRecord): ImportView {
  return {
    id: record.id,
    credentialId: record.credentialId,
    state: record.state,
    source: record.source,
    ...namesOf(importedCredentialJson(record)),
    importedAt: record.importedAt,
    verifiedAt: record.verifiedAt,
    report: record.report,
  };
}

function refuse(pointer: string, message: string, fields?: readonly FieldProblem[]): never {
  throw new ServiceError('VALIDATION', message, {
    fields: fields ?? [{ pointer, detail: message }],
  });
}

function tooLarge(pointer: string, what: string): never {
  const detail = `${what} is larger than ${MAX_IMPORT_BYTES} bytes`;
  throw new ServiceError('PAYLOAD_TOO_LARGE', detail, { fields: [{ pointer, detail }] });
}

/** The bytes to read, from whichever of the three inputs was given. */
async function inputBytes(
  input: ImportInput,
  deps: ImportDeps,
): Promise<{ bytes: Uint8Array; pointer: string; url?: string }> {
  const given = (['credential', 'file', 'url'] as const).filter((key) => input[key] !== undefined);
  if (given.length !== 1)
    refuse('', 'give exactly one of credential, file and url', [
      { pointer: '', detail: 'exactly one of credential, file and url' },
    ]);
  if (input.credential !== undefined) {
    const raw =
      typeof input.credential === 'string' ? input.credential : JSON.stringify(input.credential);
    const bytes = new TextEncoder().encode(raw);
    if (bytes.length > MAX_IMPORT_BYTES) tooLarge('/credential', 'the credential');
    return { bytes, pointer: '/credential' };
  }
  if (input.file !== undefined) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(input.file) || input.file.length % 4 !== 0)
      refuse('/file', 'file must be the credential file encoded as base64');
    const bytes = new Uint8Array(Buffer.from(input.file, 'base64'));
    if (bytes.length > MAX_IMPORT_BYTES) tooLarge('/file', 'the file');
    return { bytes, pointer: '/file' };
  }
  const url = input.url ?? '';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse('/url', 'url must be an absolute https URL');
  }
  if (parsed.protocol !== 'https:') refuse('/url', 'url must be an https URL');
  if (deps.fetcher === undefined)
    throw new ServiceError('UNAVAILABLE', 'importing by URL is not configured on this service');
  try {
    const fetched = await deps.fetcher.fetch(parsed.toString(), { accept: FETCH_ACCEPT });
    if (fetched.body.length > MAX_IMPORT_BYTES) tooLarge('/url', `what ${url} serves`);
    return { bytes: fetched.body, pointer: '/url', url: parsed.toString() };
  } catch (error) {
    // The learner sees whether it could be fetched, not the socket error behind it.
    if (isCredstackError(error))
      refuse(
        '/url',
        reportReason(
          error,
          `the credential at ${url}`,
          (message) => `the credential could not be fetched from ${url}: ${message}`,
        ),
      );
    throw error;
  }
}

async function readInput(bytes: Uint8Array, pointer: string): Promise<CredentialInput> {
  try {
    return await readCredentialInput(bytes, { maxBytes: MAX_IMPORT_BYTES });
  } catch (error) {
    // An image reader that did not load is the service's fault (503), not the input's.
    if (error instanceof CredstackError && !isPartUnavailable(error))
      refuse(pointer, `the "input" check failed: ${error.message}`, [
        { pointer, detail: `input: ${error.message}` },
      ]);
    throw error;
  }
}

/** Throws VALIDATION naming every failed check, or the missing issuer binding. */
function requireAccepted(report: VerificationReport, pointer: string): void {
  if (report.verdict !== 'valid') {
    const failed = report.checks.filter((check) => check.outcome === 'failed');
    const deciding = failed.find((check) => check.id === report.decidingCheck) ?? failed[0];
    refuse(
      pointer,
      `the credential did not verify: the "${deciding?.id ?? report.decidingCheck}" check failed: ${deciding?.reason ?? 'no reason given'}`,
      failed.map((check) => ({ pointer, detail: `${check.id}: ${check.reason}` })),
    );
  }
  if (!report.issuerBinding.bound) {
    refuse(
      pointer,
      `the credential verified, but its signing key is not bound to its issuer: ${report.issuerBinding.reason}`,
      [{ pointer, detail: `issuerBinding: ${report.issuerBinding.reason}` }],
    );
  }
}

/** Every subject of the credential (`credentialSubject` may be one object or a list). */
function subjectsOf(credential: Readonly<Record<string, unknown>>): Record<string, unknown>[] {
  const subject = credential.credentialSubject;
  return (Array.isArray(subject) ? subject : [subject]).filter(isObject);
}

/**
 * The DIDs and URLs the learner is known by: those the identity provider linked to the
 * caller's account (when the caller is that learner) and the recipients of the credentials
 * this service issued to the learner.
 */
async function learnerIdentifiers(
  ctx: ServiceContext,
  principal: Principal,
  learnerId: string,
): Promise<Set<string>> {
  const ids = new Set<string>(principal.learnerId === learnerId ? (principal.dids ?? []) : []);
  let cursor: string | undefined;
  do {
    const page = await ctx.credentials.listByLearner(learnerId, cursor);
    for (const issued of page.items) if (issued.recipient.id) ids.add(issued.recipient.id);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return ids;
}

/** Whether an IdentityObject names the verified email or one of the identifiers. */
function identityMatches(
  identity: unknown,
  email: string | undefined,
  ids: ReadonlySet<string>,
): boolean {
  if (!isObject(identity) || typeof identity.identityHash !== 'string') return false;
  if (identity.identityType === 'emailAddress')
    return email !== undefined && matchesIdentity(identity, email);
  if (identity.hashed !== true) return ids.has(identity.identityHash);
  const salt = typeof identity.salt === 'string' ? identity.salt : '';
  return [...ids].some((id) => hashIdentity(id, salt).identityHash === identity.identityHash);
}

/**
 * Throws VALIDATION (the "subject" check) unless the credential was issued to the learner: a
 * subject `id` that is one of the learner's identifiers, or an `identifier` that hashes (or
 * equals) their verified email or one of those identifiers. Without this, anyone could import
 * someone else's badge and be found by its skills.
 */
async function requireSubject(
  ctx: ServiceContext,
  principal: Principal,
  learnerId: string,
  credential: Readonly<Record<string, unknown>>,
  pointer: string,
): Promise<void> {
  const email = principal.learnerId === learnerId ? principal.verifiedEmail : undefined;
  const ids = await learnerIdentifiers(ctx, principal, learnerId);
  const ours = subjectsOf(credential).some((subject) => {
    if (typeof subject.id === 'string' && ids.has(subject.id)) return true;
    const identifiers = Array.isArray(subject.identifier)
      ? subject.identifier
      : [subject.identifier];
    return identifiers.some((identity) => identityMatches(identity, email, ids));
  });
  if (ours) return;
  const named = subjectsOf(credential)
    .map((subject) => text(subject.id))
    .filter((id) => id !== undefined);
  const reason = `the credential was issued to ${named.length > 0 ? named.join(', ') : 'a hashed identifier'}, which is none of your verified email and linked DIDs`;
  refuse(pointer, `the "subject" check failed: ${reason}`, [
    { pointer, detail: `subject: ${reason}` },
  ]);
}

/**
 * Verifies a credential and adds it to the learner's wallet: 400 naming the failed check (the
 * missing issuer binding, or a `subject` that is not the learner) and nothing stored when it is
 * not accepted; 409 when the learner already imported it.
 *
 * @example
 * const imported = await importCredential(ctx, { verifier, fetcher }, principal, 'ada', { url: 'https://college.example/badges/1.json' });
 */
export async function importCredential(
  ctx: ServiceContext,
  deps: ImportDeps,
  principal: Principal,
  learnerId: string,
  input: ImportInput,
): Promise<ImportView> {
  requireLearnerScope(principal, learnerId);
  const { bytes, pointer, url } = await inputBytes(input, deps);
  const read = await readInput(bytes, pointer);
  if (read.text.length > MAX_SIGNED_CHARS) {
    const detail = `the credential is ${read.text.length} characters, more than the ${MAX_SIGNED_CHARS} kept`;
    throw new ServiceError('PAYLOAD_TOO_LARGE', detail, { fields: [{ pointer, detail }] });
  }
  const report = await deps.verifier.verify(read.text);
  requireAccepted(report, pointer);
  const credentialId = text(report.credential?.id);
  if (credentialId === undefined) refuse(pointer, 'the credential has no id to keep it by');
  await requireSubject(ctx, principal, learnerId, report.credential ?? {}, pointer);
  const at = ctx.clock.now().toISOString();
  const record: ImportRecord = {
    id: importIdFor(credentialId),
    learnerId,
    credentialId,
    source: { format: read.format, ...(url === undefined ? {} : { url }) },
    signed: read.text,
    state: 'verified',
    report: storedReport(report),
    importedAt: at,
    verifiedAt: at,
    revision: 1,
  };
  await ctx.imports.create(record);
  noteMetric('CredentialsImported');
  return view(record);
}

/** What an import would do, told before anything is stored. */
export interface ImportPreview {
  /** Whether {@link importCredential} would store it now. */
  readonly accepted: boolean;
  /** Why it would be refused, in the words the import's 400 would use. */
  readonly refusal?: string;
  /** True when the learner already imported this credential (the import would answer 409). */
  readonly alreadyImported: boolean;
  readonly format: ImportRecord['source']['format'];
  readonly credentialId?: string;
  readonly issuer: { readonly id?: string; readonly name?: string };
  readonly achievement: { readonly id?: string; readonly name?: string };
  readonly report: StoredReport;
}

/**
 * Reads and verifies a credential exactly as {@link importCredential} does — the same input
 * rules, checks, issuer binding and subject test — and says what the import would do, storing
 * nothing: the learner reads the report before choosing to keep the badge. Input that cannot
 * be read (bad base64, not a credential, a URL that would not load) is refused as the import
 * refuses it; a credential that reads but would be refused answers with the reason.
 *
 * @example
 * const preview = await previewImport(ctx, { verifier }, principal, 'ada', { file });
 * if (!preview.accepted) console.log(preview.refusal);
 */
export async function previewImport(
  ctx: ServiceContext,
  deps: ImportDeps,
  principal: Principal,
  learnerId: string,
  input: ImportInput,
): Promise<ImportPreview> {
  requireLearnerScope(principal, learnerId);
  const { bytes, pointer } = await inputBytes(input, deps);
  const read = await readInput(bytes, pointer);
  if (read.text.length > MAX_SIGNED_CHARS) {
    const detail = `the credential is ${read.text.length} characters, more than the ${MAX_SIGNED_CHARS} kept`;
    throw new ServiceError('PAYLOAD_TOO_LARGE', detail, { fields: [{ pointer, detail }] });
  }
  const report = await deps.verifier.verify(read.text);
  const credential = report.credential ?? {};
  const credentialId = text(credential.id);
  let refusal: string | undefined;
  try {
    requireAccepted(report, pointer);
    if (credentialId === undefined) refuse(pointer, 'the credential has no id to keep it by');
    await requireSubject(ctx, principal, learnerId, credential, pointer);
  } catch (error) {
    if (!(error instanceof ServiceError) || error.code !== 'VALIDATION') throw error;
    refusal = error.message;
  }
  const alreadyImported =
    credentialId !== undefined &&
    (await ctx.imports.get(learnerId, importIdFor(credentialId))) !== undefined;
  const named = namesOf(credential);
  return {
    accepted: refusal === undefined && !alreadyImported,
    ...(refusal === undefined ? {} : { refusal }),
    alreadyImported,
    format: read.format,
    ...(credentialId === undefined ? {} : { credentialId }),
    ...named,
    report: storedReport(report),
  };
}

/**
 * A page of the learner's imports.
 *
 * @example
 * const { items } = await listImports(ctx, principal, 'ada');
 */
export async function listImports(
  ctx: ServiceContext,
  principal: Principal,
  learnerId: string,
  cursor?: string,
): Promise<Page<ImportView>> {
  requireLearnerScope(principal, learnerId);
  const page = await ctx.imports.list(learnerId, cursor);
  return {
    items: page.items.map(view),
    ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
  };
}

async function requireImport(
  ctx: ServiceContext,
  learnerId: string,
  importId: string,
): Promise<ImportRecord> {
  const record = await ctx.imports.get(learnerId, importId);
  if (record === undefined) throw new ServiceError('NOT_FOUND', `no import ${importId}`);
  return record;
}

/**
 * One import with its verification report.
 *
 * @example
 * const imported = await getImport(ctx, principal, 'ada', importId);
 */
export async function getImport(
  ctx: ServiceContext,
  principal: Principal,
  learnerId: string,
  importId: string,
): Promise<ImportView> {
  requireLearnerScope(principal, learnerId);
  return view(await requireImport(ctx, learnerId, importId));
}

/**
 * Removes an import from the wallet and re-indexes the learner before answering, so the badge
 * has left the results when the learner sees it gone.
 *
 * @example
 * await removeImport(ctx, principal, 'ada', importId);
 */
export async function removeImport(
  ctx: ServiceContext,
  principal: Principal,
  learnerId: string,
  importId: string,
): Promise<void> {
  requireLearnerScope(principal, learnerId);
  await ctx.imports.delete(learnerId, importId);
  await reindexLearner(ctx, learnerId);
}

/** Checks whose failure is final whatever the network does; `key` and `status` may not be. */
const DEFINITE_CHECKS: ReadonlySet<string> = new Set([
  'input',
  'format',
  'jwt.header',
  'context',
  'type',
  'schema',
  'rules',
  'terms',
  'proof',
  'jwt.claims',
  'issued',
  'expiration',
]);

/**
 * Why a failed re-verification says nothing about the credential (a status list or key that
 * would not load), or undefined when the failure is definite: revoked or suspended, expired, a
 * signature or key binding that no longer holds.
 */
function temporaryFailure(report: VerificationReport): string | undefined {
  if (report.verdict === 'valid') return undefined;
  const failed = report.checks.filter((check) => check.outcome === 'failed');
  if (failed.some((check) => DEFINITE_CHECKS.has(check.id))) return undefined;
  const isTransient = (check: (typeof failed)[number]) =>
    check.id === 'status'
      ? !/\b(revoked|suspended)\b/.test(check.reason)
      : /could not be (obtained|fetched|read|resolved|checked)/.test(check.reason);
  const transient = failed.filter(isTransient);
  return transient.length > 0 && transient.length === failed.length
    ? transient.map((check) => `${check.id}: ${check.reason}`).join('; ')
    : undefined;
}

/**
 * Verifies the import again and stores the outcome; the stream re-indexes the learner. A
 * failure that says nothing about the credential is UNAVAILABLE and changes nothing: the state
 * and `verifiedAt` stay, so the schedule finds the import due again on its next run.
 */
async function reverify(
  ctx: ServiceContext,
  verifier: Verifier,
  record: ImportRecord,
): Promise<ImportRecord> {
  const report = await verifier.verify(record.signed);
  const temporary = temporaryFailure(report);
  if (temporary !== undefined)
    throw new ServiceError(
      'UNAVAILABLE',
      `the credential could not be checked now, its state stays ${record.state}: ${temporary}`,
    );
  const accepted = report.verdict === 'valid' && report.issuerBinding.bound;
  const updated: ImportRecord = {
    ...record,
    state: accepted ? 'verified' : 'invalid',
    report: storedReport(report),
    verifiedAt: ctx.clock.now().toISOString(),
    revision: record.revision + 1,
  };
  await ctx.imports.saveVerification(updated, record.revision);
  return updated;
}

/**
 * Verifies an import again now (its issuer may have revoked it), re-indexes the learner before
 * answering, and returns the outcome; 503 with the state unchanged when a status list or key
 * could not be fetched.
 *
 * @example
 * const { state } = await reverifyImport(ctx, verifier, principal, 'ada', importId);
 */
export async function reverifyImport(
  ctx: ServiceContext,
  verifier: Verifier,
  principal: Principal,
  learnerId: string,
  importId: string,
): Promise<ImportView> {
  requireLearnerScope(principal, learnerId);
  const updated = await reverify(ctx, verifier, await requireImport(ctx, learnerId, importId));
  await reindexLearner(ctx, learnerId);
  return view(updated);
}

/** What one scheduled run did. */
export interface ReverifyRun {
  readonly checked: number;
  readonly invalid: number;
  /**
   * Imports that could not be re-verified this time (a status list or key that would not load,
   * the table): their state and `verifiedAt` are unchanged, so the next run tries them again.
   */
  readonly failed: readonly {
    readonly learnerId: string;
    readonly importId: string;
    readonly error: string;
  }[];
}

/**
 * The schedule's work: verifies again up to `limit` imports whose last verification is older
 * than `olderThanHours`, oldest first. One import's failure does not stop the others.
 *
 * @example
 * const run = await reverifyDueImports(ctx, verifier, { limit: 200 });
 */
export async function reverifyDueImports(
  ctx: ServiceContext,
  verifier: Verifier,
  options: { readonly olderThanHours?: number; readonly limit?: number } = {},
): Promise<ReverifyRun> {
  const hours = options.olderThanHours ?? REVERIFY_AFTER_HOURS;
  const before = new Date(ctx.clock.now().getTime() - hours * 3_600_000).toISOString();
  const due = await ctx.imports.listDue(before, options.limit ?? 200);
  let invalid = 0;
  const failed: { learnerId: string; importId: string; error: string }[] = [];
  for (const record of due) {
    try {
      const updated = await reverify(ctx, verifier, record);
      if (updated.state === 'invalid') invalid += 1;
    } catch (error) {
      // Removed or re-verified meanwhile: nothing left to do for this one.
      if (
        error instanceof ServiceError &&
        (error.code === 'NOT_FOUND' || error.code === 'CONFLICT')
      )
        continue;
      failed.push({
        learnerId: record.learnerId,
        importId: record.id,
        error: describeError(error),
      });
    }
  }
  return { checked: due.length, invalid, failed };
}
