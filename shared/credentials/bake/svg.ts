/**
 * Open Badges 3.0 SVG baking: the root `<svg>` binds a prefix to the OB 3.0 namespace and
 * carries an `<openbadges:credential>` element as its first child, holding either a VC-JWT
 * in a `verify` attribute or the credential JSON (with its embedded proof) in CDATA.
 */
import { CredstackError } from '#shared/core/errors.ts';
import { credentialTextKind, DEFAULT_BAKED_TEXT_MAX_BYTES } from './credential-kind.ts';
import {
  type CredentialElement,
  escapeAttribute,
  OB3_SVG_NAMESPACE,
  type ScannedSvg,
  scanSvg,
} from './svg-scanner.ts';

/** Largest SVG accepted by default: 10 MiB of UTF-8. */
export const DEFAULT_SVG_MAX_BYTES = 10 * 1024 * 1024;

/** Caps for reading an SVG. */
export interface SvgLimits {
  /** Largest accepted SVG, in bytes of UTF-8. */
  readonly maxBytes?: number;
  /** Largest accepted credential text, in bytes of UTF-8. */
  readonly maxTextBytes?: number;
}

const PREFERRED_PREFIX = 'openbadges';

/**
 * Bakes a credential into an SVG. A compact JWS goes in a `verify` attribute, JSON goes in
 * CDATA; an existing credential element is replaced, and the namespace is declared on the
 * root when no prefix is bound to it yet.
 *
 * @example
 * const baked = bakeSvg(badgeSvg, JSON.stringify(signedCredential));
 */
export function bakeSvg(svg: string, credential: string, limits?: SvgLimits): string {
  const text = credential.trim();
  const kind = credentialTextKind(text);
  if (kind === undefined) {
    throw new CredstackError(
      'BUILD_INVALID',
      'cannot bake: the credential is neither JSON text nor a compact JWS',
    );
  }
  checkTextSize(text, limits);
  const scanned = scan(svg, limits);
  const { root } = scanned;
  const bound = boundPrefix(scanned.rootNamespaces);
  const prefix = bound ?? freePrefix(scanned.rootNamespaces);
  const element =
    kind === 'jwt'
      ? `<${prefix}:credential verify="${escapeAttribute(text)}"/>`
      : `<${prefix}:credential><![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]></${prefix}:credential>`;

  const declaration = bound === undefined ? ` xmlns:${prefix}="${OB3_SVG_NAMESPACE}"` : '';
  let out = svg.slice(0, root.attributesEnd) + declaration;
  if (root.selfClosing) {
    return `${out}>\n${element}\n</${root.name}>${svg.slice(root.end)}`;
  }
  out += `${svg.slice(root.attributesEnd, root.end)}\n${element}`;
  let from = root.end;
  for (const old of scanned.credentials) {
    const start = removalStart(svg, old, root.end);
    out += svg.slice(from, start);
    from = old.end;
  }
  return out + svg.slice(from);
}

/**
 * Returns the credential baked into an SVG: the `verify` attribute (a compact JWS) or the
 * element's text/CDATA (JSON), trimmed. Throws `INPUT_MALFORMED` with the reason when the
 * SVG cannot be read or does not carry exactly one non-empty credential element.
 *
 * @example
 * const text = extractFromSvg(await readFile('badge.svg', 'utf8'));
 */
export function extractFromSvg(svg: string, limits?: SvgLimits): string {
  const { credentials } = scan(svg, limits);
  if (credentials.length === 0) {
    throw malformed(`the SVG has no credential element in the ${OB3_SVG_NAMESPACE} namespace`);
  }
  if (credentials.length > 1) {
    throw malformed(
      `the SVG has ${credentials.length} credential elements; at most one is allowed`,
    );
  }
  const element = credentials[0]!;
  const content = element.content.trim();
  let text = content;
  if (element.verify !== undefined) {
    if (content !== '') {
      throw malformed('the credential element has both a verify attribute and content');
    }
    text = element.verify.trim();
  }
  if (text === '') throw malformed('the credential element is empty');
  checkTextSize(text, limits);
  return text;
}

function scan(svg: string, limits: SvgLimits | undefined): ScannedSvg {
  const maxBytes = limits?.maxBytes ?? DEFAULT_SVG_MAX_BYTES;
  if (svg.length > maxBytes || Buffer.byteLength(svg, 'utf8') > maxBytes) {
    throw new CredstackError('INPUT_TOO_LARGE', `the SVG is larger than the limit of ${maxBytes}`);
  }
  return scanSvg(svg);
}

function checkTextSize(text: string, limits: SvgLimits | undefined): void {
  const maxTextBytes = limits?.maxTextBytes ?? DEFAULT_BAKED_TEXT_MAX_BYTES;
  if (text.length > maxTextBytes || Buffer.byteLength(text, 'utf8') > maxTextBytes) {
    throw new CredstackError(
      'INPUT_TOO_LARGE',
      `the baked credential text is larger than the limit of ${maxTextBytes} bytes`,
    );
  }
}

/** A non-default prefix the root binds to the OB 3.0 namespace, `openbadges` first. */
function boundPrefix(namespaces: ReadonlyMap<string, string>): string | undefined {
  if (namespaces.get(PREFERRED_PREFIX) === OB3_SVG_NAMESPACE) return PREFERRED_PREFIX;
  for (const [prefix, uri] of namespaces) {
    if (prefix !== '' && uri === OB3_SVG_NAMESPACE) return prefix;
  }
  return undefined;
}

/** `openbadges`, or `openbadges2`, … when the root already binds that prefix elsewhere. */
function freePrefix(namespaces: ReadonlyMap<string, string>): string {
  let prefix = PREFERRED_PREFIX;
  for (let n = 2; namespaces.has(prefix); n++) prefix = `${PREFERRED_PREFIX}${n}`;
  return prefix;
}

/**
 * Where removing an old credential element starts: the whitespace before it goes too when
 * that whitespace is a text node of its own, so re-baking does not pile up blank lines.
 */
function removalStart(svg: string, element: CredentialElement, floor: number): number {
  let start = element.start;
  while (start > floor && /\s/.test(svg[start - 1]!)) start--;
  return start === floor || svg[start - 1] === '>' ? start : element.start;
}

function malformed(reason: string): CredstackError {
  return new CredstackError('INPUT_MALFORMED', `SVG: ${reason}`);
}
