import type { ContextDocument } from './contexts.ts';

/**
 * The shape signature of a JSON-LD document: everything that decides which of its terms its
 * contexts define, and nothing else, so that the (costly) JSON-LD term check runs once per
 * shape of credential instead of once per credential.
 *
 * Why it is sufficient. Expansion decides whether a term is defined from the active context
 * only. The active context at any point is built from (1) the `@context` values, (2) the keys
 * on the way down (property-scoped contexts), (3) the `type` values of the enclosing nodes
 * (type-scoped contexts) and (4) the nesting of objects and arrays; and what is looked up in it
 * is (a) every key and (b) every `type` value. The signature records exactly these: the
 * `@context` values verbatim, every key, every value of a key that may be an alias of `@type`,
 * and the kind of every other value (object, array, string, number, boolean, null) with array
 * lengths and element order, so a cached result's JSON paths are those of any document of the
 * same shape. Other scalar values (names, dates, ids, URLs) never select a term definition.
 *
 * The one exception: a term whose definition says `"@type": "@vocab"` (e.g. `proofPurpose`)
 * expands its string value as a term too, so `"assertionMethod"` may be defined where
 * `"assertionMethd"` is not. The values of every key that any of the loader's contexts
 * defines that way are recorded verbatim as well. A document with an inline (object)
 * `@context` could define such a key itself, so it gets no signature and is never cached.
 */

/** Keys whose values are always part of the signature. */
const ALWAYS_VALUE_SENSITIVE = ['@type', 'type'] as const;

function collectValueSensitiveTerms(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectValueSensitiveTerms(item, into);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  for (const [key, value] of Object.entries(node)) {
    if (value === '@type') into.add(key);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const definition = value as Record<string, unknown>;
      if (definition['@id'] === '@type' || definition['@type'] === '@vocab') into.add(key);
    }
    collectValueSensitiveTerms(value, into);
  }
}

/**
 * The keys whose scalar values the signature must keep: `@type`, `type`, every alias of
 * `@type` and every `"@type": "@vocab"` term in the given contexts (scoped contexts included).
 *
 * @example
 * valueSensitiveTerms(KNOWN_CONTEXTS).has('proofPurpose'); // true
 */
export function valueSensitiveTerms(
  contexts: ReadonlyMap<string, ContextDocument>,
): ReadonlySet<string> {
  const terms = new Set<string>(ALWAYS_VALUE_SENSITIVE);
  for (const document of contexts.values()) collectValueSensitiveTerms(document, terms);
  return terms;
}

function isContextReference(value: unknown): boolean {
  if (typeof value === 'string' || value === null) return true;
  return Array.isArray(value) && value.every((item) => typeof item === 'string' || item === null);
}

function scalarKind(value: unknown): string {
  if (value === null) return '0';
  switch (typeof value) {
    case 'string':
      return 's';
    case 'number':
      return 'n';
    case 'boolean':
      return 'b';
    default:
      return '?';
  }
}

/** {@link scalarKind} as its one code unit, for the signature writer. */
function scalarKindCode(value: unknown): number {
  if (value === null) return 0x30; // 0
  switch (typeof value) {
    case 'string':
      return 0x73; // s
    case 'number':
      return 0x6e; // n
    case 'boolean':
      return 0x62; // b
    default:
      return 0x3f; // ?
  }
}

/**
 * Keys, kept values and context lists are written as one character each: they repeat across
 * every credential of a template, and a short signature is what makes the cache lookup cheap
 * (hashing a long string costs more than building it). A token is a single UTF-16 code unit
 * from U+0100 up, never a character the signature's own syntax uses (all of it ASCII: brackets,
 * digits, kind letters, `=`, `|`, `!`), so where a token ends is never in doubt. The table is
 * bounded; past it a text is written out in full, ASCII `k`, its length and `:` first, so the
 * forms never collide.
 */
const KEY_IDS = new Map<string, string>();
const FIRST_TOKEN = 0x100;
const MAX_INTERNED_KEYS = 50_000;

function keyToken(key: string): string {
  let token = KEY_IDS.get(key);
  if (token === undefined && KEY_IDS.size < MAX_INTERNED_KEYS) {
    token = String.fromCharCode(FIRST_TOKEN + KEY_IDS.size);
    KEY_IDS.set(key, token);
  }
  return token ?? `k${key.length}:${key}`;
}

/**
 * The tokens of kept string values (type names), by the string itself: the token is that of
 * the value's JSON text, as for any kept scalar, but found without writing the JSON text out
 * and hashing it afresh for every credential. Holds only interned tokens, so it is bounded
 * by the key table.
 */
const STRING_VALUE_TOKENS = new Map<string, string>();

function stringValueToken(value: string): string {
  const known = STRING_VALUE_TOKENS.get(value);
  if (known !== undefined) return known;
  const token = keyToken(JSON.stringify(value));
  if (token.length === 1) STRING_VALUE_TOKENS.set(value, token);
  return token;
}

/**
 * Scratch space for the signature's UTF-16 code units: one buffer for the process, since a
 * signature is written synchronously from start to end (no callback can start another).
 * Writing code units and making one flat string at the end costs less than a hundred string
 * concatenations and the flattening of the resulting rope when the text is hashed.
 */
let scratch = new Uint16Array(1024);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Builds the signature text. Every key and kept scalar is length-prefixed, so that no crafted
 * key or value can make two different shapes write the same text (a collision would let a
 * document borrow another shape's verdict). Key order is kept as written: documents from one
 * issuer share it, and a reordered document merely gets its own cache entry.
 */
class SignatureWriter {
  #length = 0;
  readonly #sensitive: ReadonlySet<string>;

  constructor(sensitive: ReadonlySet<string>) {
    this.#sensitive = sensitive;
  }

  get text(): string {
    // The code units as they lie in memory, read as UTF-16LE in one native call (a quarter
    // of the cost of passing them to fromCharCode as arguments); every unit comes back as
    // written, lone surrogates included. A big-endian host takes the portable path.
    if (LITTLE_ENDIAN)
      return Buffer.from(scratch.buffer, scratch.byteOffset, this.#length * 2).toString('utf16le');
    let text = '';
    // Bounded slices: fromCharCode takes its code units as arguments.
    for (let at = 0; at < this.#length; at += 8192)
      text += String.fromCharCode.apply(
        null,
        scratch.subarray(at, Math.min(this.#length, at + 8192)) as unknown as number[],
      );
    return text;
  }

  #unit(code: number): void {
    if (this.#length === scratch.length) {
      const larger = new Uint16Array(scratch.length * 2);
      larger.set(scratch);
      scratch = larger;
    }
    scratch[this.#length++] = code;
  }

  #write(text: string): void {
    for (let i = 0; i < text.length; i += 1) this.#unit(text.charCodeAt(i));
  }

  #token(text: string): void {
    const token = keyToken(text);
    if (token.length === 1) this.#unit(token.charCodeAt(0));
    else this.#write(token);
  }

  value(value: unknown, keepScalar: boolean): boolean {
    if (Array.isArray(value)) {
      this.#unit(0x5b); // [
      this.#write(String(value.length));
      for (const item of value) if (!this.value(item, keepScalar)) return false;
      this.#unit(0x5d); // ]
      return true;
    }
    if (typeof value === 'object' && value !== null)
      return this.object(value as Record<string, unknown>);
    if (keepScalar) {
      this.#unit(0x3d); // =
      const token =
        typeof value === 'string' ? stringValueToken(value) : keyToken(JSON.stringify(value));
      if (token.length === 1) this.#unit(token.charCodeAt(0));
      else this.#write(token);
    } else {
      this.#unit(scalarKindCode(value));
    }
    return true;
  }

  object(node: Record<string, unknown>): boolean {
    this.#unit(0x7b); // {
    // for…in over own keys: the same order as Object.keys without an array per object.
    for (const key in node) {
      if (!Object.hasOwn(node, key)) continue;
      const value = node[key];
      this.#token(key);
      if (key === '@context') {
        if (!isContextReference(value)) return false;
        this.#unit(0x3d); // =
        this.#token(JSON.stringify(value));
      } else if (!this.value(value, this.#sensitive.has(key))) {
        return false;
      }
    }
    this.#unit(0x7d); // }
    return true;
  }
}

/**
 * The shape signature of `document` (an unambiguous text, usable as a cache key), or
 * `undefined` when the document must not be cached (it carries an inline context).
 *
 * @example
 * const key = shapeSignature(credential, valueSensitiveTerms(KNOWN_CONTEXTS));
 */
export function shapeSignature(
  document: object,
  sensitiveKeys: ReadonlySet<string>,
): string | undefined {
  const writer = new SignatureWriter(sensitiveKeys);
  return writer.value(document, false) ? writer.text : undefined;
}

/**
 * Term facts: the term check's verdict taken apart, so that a credential of a new shape made of
 * known parts needs no expansion.
 *
 * Why it is sound. Expansion handles each JSON object with an active context that depends only
 * on what lies on the path to it: the `@context` values, the type values and the keys from the
 * root down. Within an object, the keywords (and the terms that alias them, `id` and `type`)
 * decide how the object is read and can clash with one another (an `id` beside an `@id`); every
 * other key is then expanded on its own: whether it is defined, and whether its value is
 * acceptable, depends on the active context, the key and the kind of its value (and, for a
 * `"@type": "@vocab"` term, the value itself), never on its sibling properties. So each object
 * gets a frame — its parent's frame, the key it sits under, its own `@context`, its keywords
 * with their values' kinds and its type values verbatim — and each of its other keys becomes
 * one fact: frame, key, value kind. A document expands with no undefined term and no error
 * when every one of its facts was part of a document that did: each property then meets the
 * same active context, key and value kind it met there. A fact never seen sends the document
 * to the full check, which alone reports undefined terms and their paths.
 */

/** Frames by their description, numbered; bounded like the key table. */
export class FrameTable {
  readonly #ids = new Map<string, number>();
  readonly #max: number;

  constructor(maxFrames = 50_000) {
    this.#max = maxFrames;
  }

  /** True once no new frame can be numbered. */
  get full(): boolean {
    return this.#ids.size >= this.#max;
  }

  /** The number of `description`, or undefined once the table is full. */
  intern(description: string): number | undefined {
    let id = this.#ids.get(description);
    if (id === undefined && this.#ids.size < this.#max) {
      id = this.#ids.size;
      this.#ids.set(description, id);
    }
    return id;
  }
}

/**
 * The keys that are read as keywords under `contexts`: every `@` key and every term a context
 * defines as an alias of a keyword (VC 2.0's `id` and `type`).
 *
 * @example
 * keywordLikeTerms(KNOWN_CONTEXTS).has('id'); // true
 */
export function keywordLikeTerms(
  contexts: ReadonlyMap<string, ContextDocument>,
): ReadonlySet<string> {
  const terms = new Set<string>(['id', 'type']);
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) collect(item);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string' && value.startsWith('@')) terms.add(key);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const id = (value as Record<string, unknown>)['@id'];
        if (typeof id === 'string' && id.startsWith('@')) terms.add(key);
      }
      collect(value);
    }
  };
  for (const document of contexts.values()) collect(document);
  return terms;
}

interface FactWalk {
  readonly keywords: ReadonlySet<string>;
  readonly sensitive: ReadonlySet<string>;
  readonly frames: FrameTable;
  readonly facts: string[];
}

/** A frame keeps its keywords' values exactly: kinds, array lengths and order, type values. */
function frameKind(value: unknown, keep: boolean): string {
  if (Array.isArray(value)) {
    let text = `[${value.length}`;
    for (const item of value) text += frameKind(item, keep);
    return `${text}]`;
  }
  if (typeof value === 'object' && value !== null) return 'o';
  return keep ? `=${keyToken(JSON.stringify(value))}` : scalarKind(value);
}

/**
 * A fact keeps the kinds of a property's values as a set: each item of an array is expanded
 * on its own, under the same key and active context, so their number and order do not matter.
 */
function factKind(value: unknown, keep: boolean): string {
  if (!Array.isArray(value)) return frameKind(value, keep);
  const kinds = new Set<string>();
  for (const item of value) kinds.add(factKind(item, keep));
  return `[${[...kinds].sort().join(',')}]`;
}

/** Walks the objects inside `value` (an array's items included) as children of `frame`. */
function walkChildren(value: unknown, frame: number, edge: string, walk: FactWalk): boolean {
  if (Array.isArray(value)) {
    for (const item of value) if (!walkChildren(item, frame, `${edge}[`, walk)) return false;
    return true;
  }
  if (typeof value === 'object' && value !== null)
    return walkObject(value as Record<string, unknown>, frame, edge, walk);
  return true;
}

function walkObject(
  node: Record<string, unknown>,
  parent: number,
  edge: string,
  walk: FactWalk,
): boolean {
  let description = `${parent}${edge}|`;
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (key === '@context') {
      if (!isContextReference(value)) return false;
      description += `@c=${keyToken(JSON.stringify(value))}`;
    } else if (key.startsWith('@') || walk.keywords.has(key)) {
      description += `${keyToken(key)}${frameKind(value, walk.sensitive.has(key))}`;
    }
  }
  const frame = walk.frames.intern(description);
  if (frame === undefined) return false;
  // The frame itself is a fact: an object of keywords only (a value object) has no other.
  walk.facts.push(`${frame}!`);
  for (const key of Object.keys(node)) {
    if (key === '@context') continue;
    const value = node[key];
    const token = keyToken(key);
    if (!(key.startsWith('@') || walk.keywords.has(key)))
      walk.facts.push(`${frame}${token}${factKind(value, walk.sensitive.has(key))}`);
    if (!walkChildren(value, frame, token, walk)) return false;
  }
  return true;
}

/**
 * The term facts of `document` (see above), or `undefined` when it has none: an inline
 * context, or a full frame table.
 *
 * @example
 * const facts = termFacts(credential, keywordLikeTerms(KNOWN_CONTEXTS), sensitive, frames);
 */
export function termFacts(
  document: object,
  keywords: ReadonlySet<string>,
  sensitive: ReadonlySet<string>,
  frames: FrameTable,
): string[] | undefined {
  const walk: FactWalk = { keywords, sensitive, frames, facts: [] };
  return walkChildren(document, -1, '', walk) ? walk.facts : undefined;
}
