import { createHash } from 'node:crypto';
import { CredstackError, describeError, isCredstackError } from '#shared/core/errors.ts';
import type { Fetcher } from '#shared/fetch/fetcher.ts';
import { credentialFromJwtPayload, decodeCompactJws } from '#shared/proof/vc-jwt-verify.ts';
import { type CredentialInput, readCredentialInput } from '#shared/verify/input.ts';
import type { VerificationReport } from '#shared/verify/report.ts';
import type { Verifier } from '#shared/verify/verifier.ts';
import type { ServiceContext } from './context.ts';
import { type FieldProblem, ServiceError } from './errors.ts';
import type { Page } from './ports.ts';
import { type Principal, requireLearnerScope } from './principal.ts';
import type { ImportRecord, StoredReport } from './search-records.ts';

/**
 * Importing credentials from any issuer into a learner's wallet. Each is verified with the
 * credential core before anything is stored, and only a valid credential whose signing key is
 * bound to its issuer gets in; its verification report is kept as provenance. Status lists
 * change, so imports are verified again on demand and on a schedule; one that stops verifying
 * stays in the wallet, marked invalid, and leaves the index.
 */

/** Largest file or fetched document accepted (a baked PNG with a generous image). */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
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

/**
 * The import id of a credential in a learner's wallet: derived from the credential id, so
 * importing the same credential twice is a conflict, and the id can be found from the index.
 *
 * @example
 * importIdFor('urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002'); // 'x4u…' (43 characters)
 */
export function importIdFor(credentialId: string): string {
  return createHash('sha256').update(credentialId).digest('base64url');
}

/**
 * Where an employer allowed to see the learner re-verifies an imported badge.
 *
 * @example
 * importVerifyUrl('https://api.example', 'ada', id); // 'https://api.example/candidates/ada/credentials/<id>'
 */
export function importVerifyUrl(baseUrl: string, learnerId: string, importId: string): string {
  return `${baseUrl}/candidates/${encodeURIComponent(learnerId)}/credentials/${importId}`;
}

/**
 * The credential JSON of an import (the payload's credential for a VC-JWT).
 *
 * @example
 * importedCredentialJson(record).issuer;
 */
export function importedCredentialJson(record: ImportRecord): Record<string, unknown> {
  if (record.signed.startsWith('{')) return JSON.parse(record.signed) as Record<string, unknown>;
  return credentialFromJwtPayload(decodeCompactJws(record.signed).payload).credential;
}

/** The report without credential copies (the credential is kept once, as `signed`). */
function storedReport(report: VerificationReport): StoredReport {
  const { credential: _credential, endorsements, ...rest } = report;
  return endorsements === undefined
    ? rest
    : { ...rest, endorsements: endorsements.map((endorsement) => storedReport(endorsement)) };
}

function view(record: ImportRecord): ImportView {
  const credential = importedCredentialJson(record);
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
    id: record.id,
    credentialId: record.credentialId,
    state: record.state,
    source: record.source,
    issuer: {
      ...(issuerId === undefined ? {} : { id: issuerId }),
      ...(issuerName === undefined ? {} : { name: issuerName }),
    },
    achievement: {
      ...(achievementId === undefined ? {} : { id: achievementId }),
      ...(achievementName === undefined ? {} : { name: achievementName }),
    },
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
    return { bytes: new TextEncoder().encode(raw), pointer: '/credential' };
  }
  if (input.file !== undefined) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(input.file) || input.file.length % 4 !== 0)
      refuse('/file', 'file must be the credential file encoded as base64');
    const bytes = new Uint8Array(Buffer.from(input.file, 'base64'));
    if (bytes.length > MAX_IMPORT_BYTES)
      throw new ServiceError(
        'PAYLOAD_TOO_LARGE',
        `the file is larger than ${MAX_IMPORT_BYTES} bytes`,
      );
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
    if (fetched.body.length > MAX_IMPORT_BYTES)
      throw new ServiceError(
        'PAYLOAD_TOO_LARGE',
        `${url} serves more than ${MAX_IMPORT_BYTES} bytes`,
      );
    return { bytes: fetched.body, pointer: '/url', url: parsed.toString() };
  } catch (error) {
    if (isCredstackError(error))
      refuse('/url', `the credential could not be fetched from ${url}: ${error.message}`);
    throw error;
  }
}

function readInput(bytes: Uint8Array, pointer: string): CredentialInput {
  try {
    return readCredentialInput(bytes, { maxBytes: MAX_IMPORT_BYTES });
  } catch (error) {
    if (error instanceof CredstackError)
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

/**
 * Verifies a credential and adds it to the learner's wallet: 400 naming the failed check (or
 * the missing issuer binding) and nothing stored when it is not valid; 409 when the learner
 * already imported it.
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
  const read = readInput(bytes, pointer);
  if (read.text.length > MAX_SIGNED_CHARS)
    throw new ServiceError(
      'PAYLOAD_TOO_LARGE',
      `the credential is ${read.text.length} characters, more than the ${MAX_SIGNED_CHARS} kept`,
    );
  const report = await deps.verifier.verify(read.text);
  requireAccepted(report, pointer);
  const credentialId = text(report.credential?.id);
  if (credentialId === undefined) refuse(pointer, 'the credential has no id to keep it by');
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
  return view(record);
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
 * Removes an import from the wallet (and so from the index).
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
}

/** Verifies the import again and stores the outcome; the stream re-indexes the learner. */
async function reverify(
  ctx: ServiceContext,
  verifier: Verifier,
  record: ImportRecord,
): Promise<ImportRecord> {
  const report = await verifier.verify(record.signed);
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
 * Verifies an import again now (its issuer may have revoked it) and returns the outcome.
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
  return view(await reverify(ctx, verifier, await requireImport(ctx, learnerId, importId)));
}

/** What one scheduled run did. */
export interface ReverifyRun {
  readonly checked: number;
  readonly invalid: number;
  /** Imports that could not be re-verified this time (network, table); tried on the next run. */
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
