/**
 * A bounded, non-recursive scanner for the little of XML that SVG baking needs: the root
 * start tag, namespace declarations, and where each OB 3.0 `credential` element starts and
 * ends with its `verify` attribute and text. It refuses what an XML library would expand
 * (entity declarations, default attributes), so no input can make it do more than one pass.
 */
import { CredstackError } from '#shared/core/errors.ts';

/** The namespace of OB 3.0 baked-SVG elements. */
export const OB3_SVG_NAMESPACE = 'https://purl.imsglobal.org/ob/v3p0';

/** Deepest element nesting accepted (the scanner keeps a stack, it does not recurse). */
export const MAX_SVG_ELEMENT_DEPTH = 1024;

export interface RawAttribute {
  readonly name: string;
  /** The value as written, between the quotes. */
  readonly raw: string;
  /** Offset of the value in the document, for messages. */
  readonly offset: number;
}

export interface StartTag {
  readonly name: string;
  readonly attributes: readonly RawAttribute[];
  readonly start: number;
  /** Offset just past the last attribute (or the name): where a new attribute can go. */
  readonly attributesEnd: number;
  /** Offset just past `>` or `/>`. */
  readonly end: number;
  readonly selfClosing: boolean;
}

export interface CredentialElement {
  readonly start: number;
  /** Offset just past the end tag (or `/>`). */
  readonly end: number;
  /** The decoded `verify` attribute, when present. */
  readonly verify?: string;
  /** Text and CDATA content, entity-decoded, line endings normalized. */
  readonly content: string;
}

export interface ScannedSvg {
  readonly root: StartTag;
  /** Namespace prefixes declared on the root element (`''` for the default namespace). */
  readonly rootNamespaces: ReadonlyMap<string, string>;
  readonly credentials: readonly CredentialElement[];
}

interface OpenElement {
  readonly name: string;
  readonly namespaces: ReadonlyMap<string, string> | undefined;
}

interface OpenCredential {
  readonly start: number;
  readonly depth: number;
  readonly verify: string | undefined;
  readonly parts: string[];
}

/**
 * Scans an SVG document once, front to back.
 *
 * @example
 * const { root, credentials } = scanSvg(svgText);
 */
export function scanSvg(
  svg: string,
  options: {
    /** Called with every start tag, the root's first, in document order (image checks). */
    readonly onStartTag?: (tag: StartTag) => void;
  } = {},
): ScannedSvg {
  let pos = svg.charCodeAt(0) === 0xfeff ? 1 : 0;
  pos = skipMisc(svg, pos, true);
  if (pos >= svg.length) throw malformed('the document has no root element');
  if (svg.charCodeAt(pos) !== LT || !isNameStart(svg.charCodeAt(pos + 1))) {
    throw malformed(`unexpected content before the root element at offset ${pos}`);
  }
  const root = readStartTag(svg, pos);
  if (localName(root.name) !== 'svg') {
    throw malformed(`the root element is <${root.name}>, not <svg>`);
  }
  options.onStartTag?.(root);
  const rootNamespaces = namespaceDeclarations(root) ?? new Map<string, string>();
  const credentials: CredentialElement[] = [];
  const stack: OpenElement[] = [];
  let open: OpenCredential | undefined;
  pos = root.end;
  if (!root.selfClosing) stack.push({ name: root.name, namespaces: rootNamespaces });

  while (stack.length > 0) {
    const lt = svg.indexOf('<', pos);
    if (lt < 0) throw malformed(`<${stack[stack.length - 1]!.name}> is never closed`);
    if (open !== undefined && lt > pos) open.parts.push(decodeText(svg.slice(pos, lt), pos));
    pos = lt;
    if (svg.startsWith('<!--', pos)) {
      pos = skipPast(svg, pos + 4, '-->', 'comment');
    } else if (svg.startsWith('<![CDATA[', pos)) {
      const close = svg.indexOf(']]>', pos + 9);
      if (close < 0) throw malformed(`unterminated CDATA section at offset ${pos}`);
      if (open !== undefined) open.parts.push(normalizeNewlines(svg.slice(pos + 9, close)));
      pos = close + 3;
    } else if (svg.startsWith('<?', pos)) {
      pos = skipPast(svg, pos + 2, '?>', 'processing instruction');
    } else if (svg.startsWith('</', pos)) {
      const name = readName(svg, pos + 2);
      const close = skipSpace(svg, pos + 2 + name.length);
      if (name === '' || svg.charCodeAt(close) !== GT) {
        throw malformed(`malformed end tag at offset ${pos}`);
      }
      const top = stack.pop()!;
      if (top.name !== name) {
        throw malformed(`end tag </${name}> at offset ${pos} does not close <${top.name}>`);
      }
      pos = close + 1;
      if (open !== undefined && open.depth === stack.length) {
        credentials.push(finishCredential(open, pos));
        open = undefined;
      }
    } else if (svg.startsWith('<!', pos)) {
      throw malformed(`unexpected markup declaration at offset ${pos}`);
    } else {
      const tag = readStartTag(svg, pos);
      options.onStartTag?.(tag);
      if (open !== undefined) {
        throw malformed(`the credential element contains a child element <${tag.name}>`);
      }
      const namespaces = namespaceDeclarations(tag);
      if (isCredentialName(tag.name, namespaces, stack)) {
        const verifyAttribute = tag.attributes.find((a) => a.name === 'verify');
        const verify = verifyAttribute === undefined ? undefined : decodeAttribute(verifyAttribute);
        open = { start: tag.start, depth: stack.length, verify, parts: [] };
        if (tag.selfClosing) {
          credentials.push(finishCredential(open, tag.end));
          open = undefined;
        }
      }
      if (!tag.selfClosing) {
        stack.push({ name: tag.name, namespaces });
        if (stack.length > MAX_SVG_ELEMENT_DEPTH) {
          throw new CredstackError(
            'INPUT_TOO_DEEP',
            `the SVG nests elements deeper than ${MAX_SVG_ELEMENT_DEPTH}`,
          );
        }
      }
      pos = tag.end;
    }
  }
  if (skipMisc(svg, pos, false) < svg.length) {
    throw malformed(`unexpected content after the root element at offset ${pos}`);
  }
  return { root, rootNamespaces, credentials };
}

/**
 * Decodes an attribute value: XML whitespace normalization, then references.
 *
 * @example
 * decodeAttribute({ name: 'verify', raw: 'a&amp;b', offset: 0 }); // 'a&b'
 */
export function decodeAttribute(attribute: RawAttribute): string {
  const normalized = attribute.raw.replace(/\r\n/g, '\n').replace(/[\t\n\r]/g, ' ');
  return decodeReferences(normalized, attribute.offset);
}

/**
 * Escapes text for a double-quoted attribute value.
 *
 * @example
 * `verify="${escapeAttribute(jws)}"`;
 */
export function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const LT = 0x3c;
const GT = 0x3e;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const PREDEFINED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

function finishCredential(open: OpenCredential, end: number): CredentialElement {
  const content = open.parts.join('');
  return open.verify === undefined
    ? { start: open.start, end, content }
    : { start: open.start, end, verify: open.verify, content };
}

/** Skips whitespace, comments, processing instructions and (in the prolog) a DOCTYPE. */
function skipMisc(svg: string, from: number, prolog: boolean): number {
  let pos = from;
  for (;;) {
    pos = skipSpace(svg, pos);
    if (svg.startsWith('<?', pos)) pos = skipPast(svg, pos + 2, '?>', 'processing instruction');
    else if (svg.startsWith('<!--', pos)) pos = skipPast(svg, pos + 4, '-->', 'comment');
    else if (prolog && svg.startsWith('<!DOCTYPE', pos)) pos = skipDoctype(svg, pos);
    else return pos;
  }
}

/**
 * Skips a DOCTYPE declaration. An internal subset that declares entities or attribute
 * defaults is refused: expanding it is how entity bombs work, and default attributes could
 * smuggle a `verify` value that the text does not show.
 */
function skipDoctype(svg: string, start: number): number {
  let quote = 0;
  let subset = false;
  for (let i = start + 9; i < svg.length; i++) {
    const code = svg.charCodeAt(i);
    if (quote !== 0) {
      if (code === quote) quote = 0;
    } else if (code === QUOTE || code === APOSTROPHE) {
      quote = code;
    } else if (code === 0x5b /* [ */) {
      subset = true;
    } else if (code === 0x5d /* ] */) {
      subset = false;
    } else if (subset && svg.startsWith('<!ENTITY', i)) {
      throw malformed('the SVG declares XML entities in its DOCTYPE; they are not accepted');
    } else if (subset && svg.startsWith('<!ATTLIST', i)) {
      throw malformed('the SVG declares attribute defaults in its DOCTYPE; they are not accepted');
    } else if (!subset && code === GT) {
      return i + 1;
    }
  }
  throw malformed(`unterminated DOCTYPE at offset ${start}`);
}

function readStartTag(svg: string, start: number): StartTag {
  const name = readName(svg, start + 1);
  let pos = start + 1 + name.length;
  const attributes: RawAttribute[] = [];
  const seen = new Set<string>();
  for (;;) {
    const attributesEnd = pos;
    const next = skipSpace(svg, pos);
    const code = svg.charCodeAt(next);
    if (code === GT) {
      return { name, attributes, start, attributesEnd, end: next + 1, selfClosing: false };
    }
    if (code === 0x2f /* / */ && svg.charCodeAt(next + 1) === GT) {
      return { name, attributes, start, attributesEnd, end: next + 2, selfClosing: true };
    }
    if (next >= svg.length) throw malformed(`unterminated tag <${name}> at offset ${start}`);
    const attributeName = readName(svg, next);
    if (attributeName === '' || next === pos) {
      throw malformed(`unexpected character in tag <${name}> at offset ${next}`);
    }
    pos = skipSpace(svg, next + attributeName.length);
    if (svg.charCodeAt(pos) !== 0x3d /* = */) {
      throw malformed(`attribute ${attributeName} has no value at offset ${pos}`);
    }
    pos = skipSpace(svg, pos + 1);
    const quote = svg.charCodeAt(pos);
    if (quote !== QUOTE && quote !== APOSTROPHE) {
      throw malformed(`attribute ${attributeName} is not quoted at offset ${pos}`);
    }
    const close = svg.indexOf(String.fromCharCode(quote), pos + 1);
    if (close < 0) throw malformed(`unterminated value of attribute ${attributeName}`);
    const raw = svg.slice(pos + 1, close);
    if (raw.includes('<')) throw malformed(`attribute ${attributeName} contains a raw "<"`);
    if (seen.has(attributeName)) throw malformed(`attribute ${attributeName} appears twice`);
    seen.add(attributeName);
    attributes.push({ name: attributeName, raw, offset: pos + 1 });
    pos = close + 1;
  }
}

/** The `xmlns` and `xmlns:p` declarations of a tag, or undefined when it has none. */
function namespaceDeclarations(tag: StartTag): Map<string, string> | undefined {
  let declared: Map<string, string> | undefined;
  for (const attribute of tag.attributes) {
    const prefix =
      attribute.name === 'xmlns'
        ? ''
        : attribute.name.startsWith('xmlns:')
          ? attribute.name.slice(6)
          : undefined;
    if (prefix === undefined) continue;
    declared ??= new Map();
    declared.set(prefix, decodeAttribute(attribute));
  }
  return declared;
}

/** True for an element whose local name is `credential` in the OB 3.0 namespace. */
function isCredentialName(
  name: string,
  own: ReadonlyMap<string, string> | undefined,
  stack: readonly OpenElement[],
): boolean {
  if (localName(name) !== 'credential') return false;
  const colon = name.indexOf(':');
  const prefix = colon < 0 ? '' : name.slice(0, colon);
  let uri = own?.get(prefix);
  for (let i = stack.length - 1; uri === undefined && i >= 0; i--) {
    uri = stack[i]!.namespaces?.get(prefix);
  }
  return uri === OB3_SVG_NAMESPACE;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

function decodeText(raw: string, offset: number): string {
  return decodeReferences(normalizeNewlines(raw), offset);
}

function normalizeNewlines(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** Replaces the five predefined entities and numeric character references. */
function decodeReferences(text: string, offset: number): string {
  if (!text.includes('&')) return text;
  let out = '';
  let from = 0;
  for (;;) {
    const amp = text.indexOf('&', from);
    if (amp < 0) return out + text.slice(from);
    out += text.slice(from, amp);
    const semicolon = text.indexOf(';', amp);
    if (semicolon < 0 || semicolon - amp > 10) {
      throw malformed(`unterminated reference near offset ${offset + amp}`);
    }
    out += resolveReference(text.slice(amp + 1, semicolon), offset + amp);
    from = semicolon + 1;
  }
}

function resolveReference(name: string, offset: number): string {
  const predefined = PREDEFINED[name];
  if (predefined !== undefined) return predefined;
  let code = Number.NaN;
  if (/^#x[0-9A-Fa-f]{1,6}$/.test(name)) code = Number.parseInt(name.slice(2), 16);
  else if (/^#[0-9]{1,7}$/.test(name)) code = Number.parseInt(name.slice(1), 10);
  else throw malformed(`unknown entity &${name}; at offset ${offset}`);
  if (!isXmlChar(code)) {
    throw malformed(`character reference &${name}; at offset ${offset} is not an XML character`);
  }
  return String.fromCodePoint(code);
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

function readName(svg: string, start: number): string {
  if (!isNameStart(svg.charCodeAt(start))) return '';
  let end = start + 1;
  while (end < svg.length && isNameChar(svg.charCodeAt(end))) end++;
  return svg.slice(start, end);
}

function isNameStart(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    code === 0x5f ||
    code === 0x3a ||
    code >= 0xc0
  );
}

function isNameChar(code: number): boolean {
  return (
    isNameStart(code) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2d ||
    code === 0x2e ||
    code === 0xb7
  );
}

function skipSpace(svg: string, from: number): number {
  let pos = from;
  for (;;) {
    const code = svg.charCodeAt(pos);
    if (code !== 0x20 && code !== 0x0a && code !== 0x09 && code !== 0x0d) return pos;
    pos++;
  }
}

function skipPast(svg: string, from: number, terminator: string, what: string): number {
  const at = svg.indexOf(terminator, from);
  if (at < 0) throw malformed(`unterminated ${what} at offset ${from}`);
  return at + terminator.length;
}

function malformed(reason: string): CredstackError {
  return new CredstackError('INPUT_MALFORMED', `SVG: ${reason}`);
}
