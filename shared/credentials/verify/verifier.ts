import { type Clock, systemClock } from '#shared/core/clock.ts';
import { describeError, reportReason } from '#shared/core/errors.ts';
import { isPartUnavailable } from '#shared/core/first-need.ts';
import { DEFAULT_JSON_MAX_DEPTH, parseJsonSafely } from '#shared/core/safe-json.ts';
import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import {
  cachedUndefinedTerms,
  findUndefinedTerms,
} from '#shared/credentials/jsonld/term-check-on-need.ts';
import { bindKeyToIssuer } from '#shared/credentials/keys/issuer-binding.ts';
import { keyFromEmbeddedJwk, type ResolvedKey } from '#shared/credentials/keys/key-resolver.ts';
import { isClrCredential } from '#shared/credentials/model/clr-rules.ts';
import { verifyDataIntegrityProof } from '#shared/credentials/proof/data-integrity-on-need.ts';
import {
  checkJwtClaims,
  checkJwtHeader,
  credentialFromJwtPayload,
  type DecodedJws,
  decodeCompactJws,
  type JwtAlgorithm,
  keyAlgorithmMismatch,
  verifyJwsSignature,
} from '#shared/credentials/proof/vc-jwt-verify.ts';
import {
  checkCredentialStatus,
  type StatusResult,
  settledCredentialStatus,
} from '#shared/credentials/status/status-check.ts';
import { type CredentialInput, readCredentialInput } from './input.ts';
import { createKeyLookup, type KeyLookup } from './key-lookup.ts';
import { assertObjectWithinLimits } from './object-limits.ts';
import type { CheckId, IssuerBinding, VerificationReport } from './report.ts';
import { ReportBuilder } from './report-builder.ts';
import { checkStructure, type ExpectedKind, structureReady } from './structure-checks.ts';
import {
  assertWithinWorkLimits,
  DEFAULT_WORK_LIMITS,
  TimeBudget,
  type WorkLimits,
} from './work-budget.ts';

export interface VerifierOptions {
  /** The only door to the network (keys, DID documents, status lists). */
  readonly fetcher: Fetcher;
  readonly clock?: Clock;
  /** Largest input accepted, in bytes (default 2 MiB: a baked PNG with a large image). */
  readonly maxInputBytes?: number;
  /** Tolerance for clocks that disagree, applied to validFrom and validUntil (default 60 s). */
  readonly clockSkewSeconds?: number;
  /** Whether to fetch and check status lists (default true). */
  readonly checkStatus?: boolean;
  /** A key lookup to share between verifiers; one is built over `fetcher` when absent. */
  readonly keyLookup?: KeyLookup;
  /** What one verification may cost (values, array entries, terms, time); see work-budget.ts. */
  readonly limits?: Partial<WorkLimits>;
}

export interface VerifyOptions {
  /** What kind of credential is expected at the top level (default: any Open Badges credential). */
  readonly kind?: Exclude<ExpectedKind, 'status-list'>;
  /**
   * Fail the `key` check when the signing key is not bound to the issuer (an embedded jwk, a
   * did:key or did:jwk other than the issuer's). By default such a key is accepted and the
   * report says it is unbound: a valid signature by an unbound key proves the content was not
   * altered, not who issued it.
   */
  readonly requireIssuerBinding?: boolean;
}

/** What one top-level verification carries down to its endorsements. */
interface RunContext {
  readonly budget: TimeBudget;
  readonly requireIssuerBinding: boolean;
}

/** What can be handed to the verifier: raw bytes of a file, a JSON/JWS string, or a parsed object. */
export type VerifierInput = Uint8Array | string | Record<string, unknown>;

export interface Verifier {
  verify(input: VerifierInput, options?: VerifyOptions): Promise<VerificationReport>;
}

const MAX_ENDORSEMENT_DEPTH = 2;
const SELF_CERTIFYING_SOURCES: ReadonlySet<ResolvedKey['source']> = new Set([
  'url-fragment',
  'embedded-jwk',
  'did:key',
  'did:jwk',
]);
const DEFAULT_MAX_INPUT_BYTES = 2 * 1024 * 1024;

function isObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  );
}

const NO_ENDORSEMENTS: readonly { path: string; value: unknown }[] = Object.freeze([]);

/** The embedded endorsements (objects and compact JWSs) of a credential, its issuer and its achievement. */
function endorsementsOf(
  credential: Record<string, unknown>,
): readonly { path: string; value: unknown }[] {
  const subject = credential.credentialSubject;
  const achievement = isObject(subject) ? subject.achievement : undefined;
  // Most credentials carry none: answered without building the lists below.
  if (
    !holdsEndorsements(credential) &&
    !holdsEndorsements(credential.issuer) &&
    !holdsEndorsements(achievement)
  )
    return NO_ENDORSEMENTS;
  const holders: [string, unknown][] = [
    ['', credential],
    ['/issuer', credential.issuer],
    ['/credentialSubject/achievement', isObject(subject) ? subject.achievement : undefined],
  ];
  const found: { path: string; value: unknown }[] = [];
  for (const [base, holder] of holders) {
    if (!isObject(holder)) continue;
    for (const [index, value] of asArray(holder.endorsement).entries())
      found.push({ path: `${base}/endorsement/${index}`, value });
    for (const [index, value] of asArray(holder.endorsementJwt).entries())
      found.push({ path: `${base}/endorsementJwt/${index}`, value });
  }
  return found;
}

/** A cheap pre-filter (a JOSE header starts with `ey`); the decoder then checks strictly. */
function looksLikeJws(text: string): boolean {
  const first = text.indexOf('.');
  return (
    text.startsWith('ey') &&
    first > 0 &&
    text.indexOf('.', first + 1) === text.lastIndexOf('.') &&
    text.lastIndexOf('.') > first
  );
}

function holdsEndorsements(holder: unknown): boolean {
  return (
    isObject(holder) && (holder.endorsement !== undefined || holder.endorsementJwt !== undefined)
  );
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function issuerIdOf(credential: Record<string, unknown>): string | undefined {
  const issuer = credential.issuer;
  if (typeof issuer === 'string') return issuer;
  return isObject(issuer) && typeof issuer.id === 'string' ? issuer.id : undefined;
}

/**
 * Issuer bindings by resolved key, then issuer id: the binding is a function of the two, and
 * a bulk verification meets the same pair on every credential. Kept per key object (a key
 * resolved again is a new object, bound afresh), a few issuers each; the bindings are frozen,
 * since every report that names the pair shares one.
 */
const bindingsByKey = new WeakMap<ResolvedKey, Map<string, IssuerBinding>>();
const MAX_BINDINGS_PER_KEY = 16;

function cachedBinding(issuerId: string, resolved: ResolvedKey): IssuerBinding {
  let byIssuer = bindingsByKey.get(resolved);
  if (byIssuer === undefined) {
    byIssuer = new Map();
    bindingsByKey.set(resolved, byIssuer);
  }
  let binding = byIssuer.get(issuerId);
  if (binding === undefined) {
    binding = Object.freeze(bindKeyToIssuer(issuerId, resolved));
    if (byIssuer.size >= MAX_BINDINGS_PER_KEY) byIssuer.clear();
    byIssuer.set(issuerId, binding);
  }
  return binding;
}

/**
 * Builds the Open Badges 3.0 verifier. It follows the OB 3.0 verification algorithm —
 * structure (context, type, schema, rules, terms), proof, validity window, status,
 * endorsements — and records every check in the report; the first failed check decides.
 *
 * @example
 * const verifier = createVerifier({ fetcher: new CachingFetcher(new HttpsFetcher()) });
 * const report = await verifier.verify(await readFile('badge.png'));
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const clock = options.clock ?? systemClock;
  const maxInputBytes = options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
  const skewMs = (options.clockSkewSeconds ?? 60) * 1000;
  const statusEnabled = options.checkStatus ?? true;
  const keys = options.keyLookup ?? createKeyLookup({ fetcher: options.fetcher });
  const limits: WorkLimits = { ...DEFAULT_WORK_LIMITS, ...options.limits };
  const newContext = (requireIssuerBinding = false): RunContext => ({
    budget: new TimeBudget(limits.timeBudgetMs),
    requireIssuerBinding,
  });

  /** Fails `input` when the credential would cost more than the work limits allow. */
  function withinWorkLimits(credential: unknown, report: ReportBuilder): boolean {
    try {
      assertWithinWorkLimits(credential, limits);
      return true;
    } catch (error) {
      report.fail('input', `the credential cannot be verified: ${describeError(error)}`);
      return false;
    }
  }

  /** Fails `check` when the time budget is spent: nothing after it runs. */
  function outOfTime(run: RunContext, check: CheckId, step: string, report: ReportBuilder) {
    if (!run.budget.spent()) return false;
    report.fail(check, run.budget.reason(step));
    return true;
  }

  function decodeJwt(
    jws: string,
    report: ReportBuilder,
  ): { credential: Record<string, unknown>; decoded: DecodedJws } | undefined {
    let decoded: DecodedJws;
    try {
      decoded = decodeCompactJws(jws, maxInputBytes);
    } catch (error) {
      report.fail('format', `the VC-JWT cannot be decoded: ${describeError(error)}`);
      return undefined;
    }
    report.proof = 'vc-jwt';
    const { credential, form } = credentialFromJwtPayload(decoded.payload);
    report.pass(
      'format',
      form === 'vcdm1'
        ? 'VC-JWT with the credential in its vc claim (VCDM 1.1)'
        : 'VC-JWT (VCDM 2.0)',
    );
    report.credential = credential;
    const header = checkJwtHeader(decoded.header);
    if (header.ok) report.pass('jwt.header', header.reason);
    else report.fail('jwt.header', header.reason);
    return { credential, decoded };
  }

  /**
   * The JWS proof: answered synchronously when the key the header names is already resolved
   * (the warm path of bulk verification), as a promise when it has to be looked up first.
   */
  function checkJwtProof(
    decoded: DecodedJws,
    credential: Record<string, unknown>,
    report: ReportBuilder,
    run: RunContext,
  ): boolean | Promise<boolean> {
    const header = checkJwtHeader(decoded.header);
    if (!header.ok) {
      report.skip('proof', 'the JWS header was refused, so the signature was not checked');
      return false;
    }
    const kid = decoded.header.kid;
    const known = typeof kid === 'string' ? keys.settled?.(kid) : undefined;
    if (known !== undefined)
      return checkJwtSignature(decoded, credential, header.alg, known, report, run);
    return resolveAndCheckJwt(decoded, credential, header.alg, report, run);
  }

  async function resolveAndCheckJwt(
    decoded: DecodedJws,
    credential: Record<string, unknown>,
    alg: JwtAlgorithm,
    report: ReportBuilder,
    run: RunContext,
  ): Promise<boolean> {
    let resolved: ResolvedKey;
    const kid = decoded.header.kid;
    const jwk = decoded.header.jwk;
    try {
      if (typeof kid === 'string') resolved = await keys.resolve(kid);
      // keyFromEmbeddedJwk refuses every private member (d, p, q, dp, dq, qi, oth, k), not
      // only d: an RSA JWK with its prime factors leaks the private key just the same.
      else if (isObject(jwk)) resolved = keyFromEmbeddedJwk(jwk, 'embedded jwk');
      else throw new Error('kid must be a string');
    } catch (error) {
      report.fail(
        'key',
        reportReason(
          error,
          'the key',
          (message) => `the signing key could not be obtained: ${message}`,
        ),
      );
      return false;
    }
    return checkJwtSignature(decoded, credential, alg, resolved, report, run);
  }

  function checkJwtSignature(
    decoded: DecodedJws,
    credential: Record<string, unknown>,
    alg: JwtAlgorithm,
    resolved: ResolvedKey,
    report: ReportBuilder,
    run: RunContext,
  ): boolean {
    const key = resolved.key;
    const mismatch = keyAlgorithmMismatch(key, alg);
    if (mismatch !== undefined) {
      report.fail('key', `the key named by the header cannot verify ${alg}: ${mismatch}`);
      return false;
    }
    const binding = bindingFor(credential, resolved);
    if (!recordKey(binding, resolved, report, run)) return false;
    if (!verifyJwsSignature(decoded, alg, key)) {
      report.fail(
        'proof',
        `the ${alg} signature does not match the header and payload: the JWT was altered or signed with another key`,
      );
      return false;
    }
    report.pass('proof', `${alg} signature verified`);
    report.binding = binding;
    const claims = checkJwtClaims(decoded.payload, credential);
    if (claims.ok) {
      report.pass(
        'jwt.claims',
        claims.present.length > 0
          ? `${claims.present.join(', ')} agree with the credential`
          : 'no registered claims to compare',
      );
    } else {
      report.fail(
        'jwt.claims',
        `the JWT claims disagree with the credential: ${claims.problems.join('; ')}`,
      );
    }
    return claims.ok;
  }

  function bindingFor(credential: Record<string, unknown>, resolved: ResolvedKey): IssuerBinding {
    const issuerId = issuerIdOf(credential);
    if (issuerId === undefined)
      return {
        bound: false,
        keyId: resolved.id,
        reason: 'the credential names no issuer id to bind the key to',
      };
    return cachedBinding(issuerId, resolved);
  }

  /**
   * A key looked up in a published document (did:web, HTTPS) that someone other than the
   * issuer controls is a failed check. A self-certifying key — an embedded jwk, a key read
   * from a URL fragment, a did:key or did:jwk — proves integrity whoever holds it, so it is
   * reported as unbound and left to the caller's policy: `requireIssuerBinding` fails it.
   */
  function recordKey(
    binding: IssuerBinding,
    resolved: ResolvedKey,
    report: ReportBuilder,
    run: RunContext,
  ): boolean {
    const selfCertifying = SELF_CERTIFYING_SOURCES.has(resolved.source);
    if (!binding.bound && !selfCertifying) {
      report.fail('key', `the key ${binding.keyId ?? ''} is not the issuer's: ${binding.reason}`);
      return false;
    }
    if (!binding.bound && run.requireIssuerBinding) {
      report.binding = binding;
      report.fail(
        'key',
        `the key ${binding.keyId ?? ''} is not bound to the issuer and issuer binding is required: ${binding.reason}`,
      );
      return false;
    }
    report.pass(
      'key',
      binding.bound
        ? `key ${binding.keyId ?? ''} is the issuer's: ${binding.reason}`
        : `key ${binding.keyId ?? ''} resolved, not bound to the issuer: ${binding.reason}`,
    );
    return true;
  }

  async function checkEmbeddedProofs(
    credential: Record<string, unknown>,
    report: ReportBuilder,
    run: RunContext,
  ): Promise<boolean> {
    const proofs = asArray(credential.proof);
    if (proofs.length === 0) {
      report.proof = 'none';
      report.fail(
        'proof',
        'the credential has no proof: it is neither a VC-JWT nor signed with an embedded proof',
      );
      return false;
    }
    let verified = 0;
    for (const [index, proof] of proofs.entries()) {
      const path = Array.isArray(credential.proof) ? `/proof/${index}` : '/proof';
      if (!isObject(proof)) {
        report.fail('proof', 'a proof must be an object', path);
        return false;
      }
      const kind = proof.type === 'DataIntegrityProof' ? proof.cryptosuite : proof.type;
      if (kind !== 'eddsa-rdfc-2022' && kind !== 'eddsa-2022' && kind !== 'Ed25519Signature2020') {
        if (proofs.length > 1) {
          report.warn(
            'proof',
            `proof of type ${JSON.stringify(kind ?? proof.type)} is not one this verifier knows; it was not used`,
            path,
          );
          continue;
        }
        report.proof = 'unknown';
        report.fail(
          'proof',
          `proof type ${JSON.stringify(kind ?? proof.type)} is not supported (eddsa-rdfc-2022, eddsa-2022, Ed25519Signature2020 are)`,
          path,
        );
        return false;
      }
      report.proof ??= kind;
      const method = proof.verificationMethod;
      if (typeof method !== 'string') {
        report.fail('key', 'the proof has no verificationMethod', `${path}/verificationMethod`);
        return false;
      }
      let resolved: ResolvedKey;
      try {
        resolved = await keys.resolve(method);
      } catch (error) {
        report.fail(
          'key',
          reportReason(
            error,
            `the key of the verification method ${method}`,
            (message) => `the verification method ${method} could not be resolved: ${message}`,
          ),
          `${path}/verificationMethod`,
        );
        return false;
      }
      const binding = bindingFor(credential, resolved);
      if (!recordKey(binding, resolved, report, run)) return false;
      if (outOfTime(run, 'proof', 'checking the proof', report)) return false;
      const result = await verifyDataIntegrityProof(credential, proof, async () => resolved.key, {
        maxWorkFactor: limits.canonicalizationWorkFactor,
        signal: run.budget.signal,
      });
      if (!result.ok) {
        report.fail(
          result.failure === 'key' ? 'key' : 'proof',
          `${result.suite}: ${result.reason}`,
          path,
        );
        return false;
      }
      if (result.legacy)
        report.warn(
          'proof',
          `${result.suite} verified; it is a legacy suite, eddsa-rdfc-2022 is current`,
          path,
        );
      else report.pass('proof', `${result.suite} proof verified`);
      if (!report.binding.bound) report.binding = binding;
      verified += 1;
    }
    if (verified === 0) {
      report.fail('proof', 'none of the proofs is of a type this verifier knows');
      return false;
    }
    return true;
  }

  function checkValidity(credential: Record<string, unknown>, report: ReportBuilder): void {
    const now = clock.now().getTime();
    const from = credential.validFrom ?? credential.issuanceDate;
    const fromName = credential.validFrom !== undefined ? 'validFrom' : 'issuanceDate';
    const fromMs = typeof from === 'string' ? Date.parse(from) : Number.NaN;
    if (!Number.isNaN(fromMs) && fromMs - skewMs > now)
      report.fail('issued', `${fromName} ${String(from)} is in the future`, `/${fromName}`);
    else
      report.pass(
        'issued',
        Number.isNaN(fromMs) ? `no ${fromName}` : `${fromName} ${String(from)} has passed`,
      );
    const until = credential.validUntil ?? credential.expirationDate;
    const untilName = credential.validUntil !== undefined ? 'validUntil' : 'expirationDate';
    if (until === undefined) {
      report.pass('expiration', 'the credential does not expire');
      return;
    }
    const untilMs = typeof until === 'string' ? Date.parse(until) : Number.NaN;
    if (!Number.isNaN(untilMs) && untilMs + skewMs < now)
      report.fail(
        'expiration',
        `the credential expired: ${untilName} ${String(until)} has passed`,
        `/${untilName}`,
      );
    else report.pass('expiration', `${untilName} ${String(until)} has not passed`);
  }

  // One callback for the verifier's lifetime: the status module remembers verdicts per
  // callback and per fetched list, so a list shared by many credentials is verified once.
  async function verifyStatusListCredential(
    listCredential: unknown,
  ): Promise<{ ok: boolean; reason: string }> {
    const listReport = await verifyParsed(listCredential, 'status-list', 0, newContext());
    const ok = listReport.verdict === 'valid';
    const why = listReport.checks.find((check) => check.outcome === 'failed')?.reason ?? '';
    return {
      ok,
      reason: ok ? 'status list credential verified' : `status list credential not valid: ${why}`,
    };
  }

  const statusOptions = { fetcher: options.fetcher, clock, verifyStatusListCredential };

  /** Records the status check: synchronously when the lists and their verdicts are at hand. */
  function checkStatus(
    credential: Record<string, unknown>,
    report: ReportBuilder,
  ): undefined | Promise<void> {
    if (credential.credentialStatus === undefined) {
      report.pass('status', 'the credential has no status entry: it cannot be revoked');
      return;
    }
    if (!statusEnabled) {
      report.skip('status', 'status checking is turned off');
      return;
    }
    if (report.failed) {
      report.skip('status', 'not fetched: the credential already failed verification');
      return;
    }
    const settled = settledCredentialStatus(credential, statusOptions);
    if (settled !== undefined) {
      recordStatus(settled, report);
      return;
    }
    return checkCredentialStatus(credential, statusOptions).then((results) =>
      recordStatus(results, report),
    );
  }

  function recordStatus(results: readonly StatusResult[], report: ReportBuilder): void {
    for (const result of results) {
      const what = `${result.type}${result.purpose ? ` (${result.purpose})` : ''}`;
      if (result.outcome === 'active') report.pass('status', `${what}: ${result.reason}`);
      else if (
        result.outcome === 'revoked' ||
        result.outcome === 'suspended' ||
        result.outcome === 'error'
      )
        report.fail('status', `${what}: ${result.reason}`);
      else report.warn('status', `${what}: ${result.reason}`);
    }
  }

  async function checkEndorsements(
    found: readonly { readonly path: string; readonly value: unknown }[],
    report: ReportBuilder,
    depth: number,
    run: RunContext,
  ): Promise<void> {
    if (depth >= MAX_ENDORSEMENT_DEPTH) {
      report.warn(
        'endorsement',
        `endorsements nested deeper than ${MAX_ENDORSEMENT_DEPTH} levels were not verified`,
      );
      return;
    }
    report.endorsements = [];
    for (const { path, value } of found) {
      if (outOfTime(run, 'endorsement', `verifying the endorsement at ${path}`, report)) return;
      // An endorser's key binding is reported, never required: the caller's policy is about
      // the credential's own issuer.
      const endorsement = await verifyParsed(value, 'endorsement', depth + 1, {
        budget: run.budget,
        requireIssuerBinding: false,
      });
      report.endorsements.push(endorsement);
      if (endorsement.verdict === 'valid')
        report.pass('endorsement', `endorsement at ${path} verified`);
      else {
        const why = endorsement.checks.find((check) => check.outcome === 'failed');
        report.fail(
          'endorsement',
          `endorsement at ${path} is not valid: ${why?.reason ?? endorsement.verdict}`,
          path,
        );
      }
    }
  }

  /**
   * A CLR vouches for a bundle; each credential in it carries its own issuer's proof and
   * status, so each is verified on its own (as an Open Badges credential, never as another
   * CLR) and reported in `credentials`. The record holds only when every one of them does.
   */
  async function checkHeldCredentials(
    credential: Record<string, unknown>,
    proofOk: boolean,
    report: ReportBuilder,
    depth: number,
    run: RunContext,
  ): Promise<void> {
    const subject = credential.credentialSubject;
    const held =
      isObject(subject) && Array.isArray(subject.verifiableCredential)
        ? subject.verifiableCredential
        : [];
    if (!proofOk) {
      report.skip(
        'credentials',
        `the credentials it holds (${held.length}) were not verified: the record itself failed`,
      );
      return;
    }
    report.credentials = [];
    for (const [index, entry] of held.entries()) {
      const path = `/credentialSubject/verifiableCredential/${index}`;
      if (outOfTime(run, 'credentials', `verifying the credential at ${path}`, report)) return;
      // One time budget for the record and all it holds; each credential's own issuer binding
      // is held to the caller's policy.
      const inner = await verifyParsed(entry, 'achievement', depth + 1, run);
      report.credentials.push(inner);
      const id = typeof inner.credential?.id === 'string' ? ` (${inner.credential.id})` : '';
      if (inner.verdict === 'valid')
        report.pass('credentials', `credential ${index + 1}${id} verified`);
      else {
        const why = inner.checks.find((check) => check.outcome === 'failed');
        report.fail(
          'credentials',
          `credential ${index + 1}${id} is not valid: ${why?.reason ?? inner.verdict}`,
          path,
        );
      }
    }
  }

  async function runPipeline(
    credential: Record<string, unknown>,
    jws: DecodedJws | undefined,
    kind: ExpectedKind,
    report: ReportBuilder,
    depth: number,
    run: RunContext,
  ): Promise<void> {
    // No wait on the usual path; a Lambda bundle may first load the schema compiler.
    const ready = structureReady(credential, kind);
    if (ready !== undefined) await ready;
    checkStructure(credential, kind, report);
    if (outOfTime(run, 'terms', 'the term check', report)) return;
    try {
      const undefinedTerms =
        cachedUndefinedTerms(credential) ?? (await findUndefinedTerms(credential));
      const first = undefinedTerms[0];
      if (first === undefined)
        report.pass('terms', "every term is defined by the credential's contexts");
      else {
        const listed = undefinedTerms.map((term) => `"${term.term}" (at ${term.path})`).join(', ');
        report.fail(
          'terms',
          `terms not defined by any of the credential's contexts: ${listed}`,
          first.path,
        );
      }
    } catch (error) {
      // The term check's code did not load: the service is at fault, not the credential.
      if (isPartUnavailable(error)) throw error;
      report.fail(
        'terms',
        reportReason(
          error,
          "a context of the credential's terms",
          (message) => `the credential's terms could not be checked: ${message}`,
        ),
      );
    }
    if (outOfTime(run, 'key', 'resolving the key', report)) return;
    let proofOk: boolean;
    if (jws === undefined) proofOk = await checkEmbeddedProofs(credential, report, run);
    else {
      const checked = checkJwtProof(jws, credential, report, run);
      proofOk = typeof checked === 'boolean' ? checked : await checked;
    }
    checkValidity(credential, report);
    if (kind !== 'status-list') {
      if (outOfTime(run, 'status', 'the status check', report)) return;
      const pending = checkStatus(credential, report);
      if (pending !== undefined) await pending;
    }
    if (proofOk && kind !== 'status-list') {
      const found = endorsementsOf(credential);
      if (found.length > 0) await checkEndorsements(found, report, depth, run);
    }
    if (kind === 'any' && isClrCredential(credential))
      await checkHeldCredentials(credential, proofOk, report, depth, run);
  }

  async function verifyParsed(
    value: unknown,
    kind: ExpectedKind,
    depth: number,
    run: RunContext,
  ): Promise<VerificationReport> {
    const report = new ReportBuilder();
    if (typeof value === 'string') {
      report.format = 'jwt';
      report.pass('input', 'a compact JWS');
      const jwt = decodeJwt(value.trim(), report);
      if (jwt && withinWorkLimits(jwt.credential, report))
        await runPipeline(jwt.credential, jwt.decoded, kind, report, depth, run);
      return report.build();
    }
    report.format = 'json';
    if (!isObject(value)) {
      report.fail('format', 'the credential must be a JSON object');
      return report.build();
    }
    if (!withinWorkLimits(value, report)) return report.build();
    report.pass('input', 'a JSON object');
    report.pass('format', 'credential with an embedded proof');
    report.credential = value;
    await runPipeline(value, undefined, kind, report, depth, run);
    return report.build();
  }

  async function verify(
    input: VerifierInput,
    verifyOptions: VerifyOptions = {},
  ): Promise<VerificationReport> {
    const kind = verifyOptions.kind ?? 'any';
    const run = newContext(verifyOptions.requireIssuerBinding ?? false);
    if (isObject(input)) {
      // Text is held to these caps while it is parsed; an object parsed elsewhere is held
      // to them here, before anything recurses over it.
      try {
        assertObjectWithinLimits(input, {
          maxDepth: DEFAULT_JSON_MAX_DEPTH,
          maxNodes: maxInputBytes,
        });
      } catch (error) {
        const report = new ReportBuilder();
        report.format = 'json';
        report.fail('input', `the credential object cannot be verified: ${describeError(error)}`);
        return report.build();
      }
      return await verifyParsed(input, kind, 0, run);
    }
    // A VC-JWT handed over as text goes straight to the strict JWS decoder, without a round
    // trip through bytes and format sniffing: it is the hot path of bulk verification.
    // (Awaited, not returned: an async function that returns a promise takes two more turns
    // of the microtask queue to settle, on every verification.)
    if (typeof input === 'string' && looksLikeJws(input) && input.length <= maxInputBytes) {
      return await verifyParsed(input, kind, 0, run);
    }
    const report = new ReportBuilder();
    let read: CredentialInput;
    try {
      const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
      read = await readCredentialInput(bytes, { maxBytes: maxInputBytes });
    } catch (error) {
      // The image reader's code did not load: the service is at fault, not the input.
      if (isPartUnavailable(error)) throw error;
      report.fail('input', `the input cannot be read as a credential: ${describeError(error)}`);
      return report.build();
    }
    const embedded = read.format === 'png' || read.format === 'svg' ? read.embedded : read.format;
    if (embedded === 'jwt') {
      const inner = await verifyParsed(read.text, kind, 0, run);
      return { ...inner, input: { ...inner.input, format: read.format } };
    }
    let parsed: unknown;
    try {
      parsed = parseJsonSafely(read.text, { maxBytes: maxInputBytes });
    } catch (error) {
      report.format = read.format;
      report.fail('input', `the credential JSON cannot be read: ${describeError(error)}`);
      return report.build();
    }
    const inner = await verifyParsed(parsed, kind, 0, run);
    return { ...inner, input: { ...inner.input, format: read.format } };
  }

  return { verify };
}
