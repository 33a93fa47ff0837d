import util from 'jsonld/lib/util.js';

/**
 * Makes jsonld.js's duplicate check constant-time per value, so canonicalizing a document
 * costs time linear in its size.
 *
 * Why it is needed. Turning a JSON-LD document into RDF (the first step of RDFC-1.0, hence of
 * every Data Integrity signature and check) builds a node map: every value of every property
 * is added to its node with `util.addValue(…, { allowDuplicate: false })`, and the duplicate
 * check `util.hasValue` compares the new value with each value already there. A property with
 * n values (a `tag` array of 16,000 strings, or 16,000 node objects sharing one `id` and
 * merged into one node) costs n²/2 comparisons: 167 KB of credential took seconds of CPU.
 *
 * The fix. `hasValue` keeps, per array of values it is asked about, an index of the keys of
 * the values already seen, and answers from the index. Two values get the same key exactly
 * when jsonld.js's `compareValues` calls them equal: the same primitive; value objects with
 * identical `@value`, `@type`, `@language` and `@index`; node references with the same `@id`;
 * any other object only itself. A value that fits none of these (a value object that also has
 * an `@id`, which expansion never produces) is compared one by one, as before. Short arrays
 * take the original path: an index would cost more than it saves.
 *
 * The node map only ever appends to these arrays (`push` after the check); the index notices
 * any other change (a shorter array, a different first or last value) and is rebuilt.
 */

type Subject = Record<string, unknown>;

interface JsonLdUtil {
  hasValue(subject: Subject, property: string, value: unknown): boolean;
  compareValues(v1: unknown, v2: unknown): boolean;
  hasProperty(subject: Subject, property: string): boolean;
}

/** Arrays shorter than this are scanned; the index pays off above it. */
const INDEX_FROM_LENGTH = 32;

interface ValueIndex {
  indexed: number;
  first: unknown;
  last: unknown;
  readonly keys: Set<string>;
  /** Values that have no key: compared one by one. */
  readonly unkeyed: unknown[];
}

const indexes = new WeakMap<readonly unknown[], ValueIndex>();
const objectIds = new WeakMap<object, number>();
let nextObjectId = 0;

function identity(object: object): string {
  let id = objectIds.get(object);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(object, id);
  }
  return `#${id}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}

/**
 * A text that is equal for `a` and `b` exactly when `a === b`, for one field compared with
 * `===`; `undefined` for NaN (never equal to itself).
 */
function strictToken(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'object' || typeof value === 'function') return identity(value);
  if (typeof value === 'number' && Number.isNaN(value)) return undefined;
  if (typeof value === 'symbol') return undefined;
  // -0 === 0, and String(-0) is '0'.
  return `${typeof value}:${String(value)}`;
}

/** The key described above, or `undefined` for a value that must be compared one by one. */
export function valueKey(value: unknown): string | undefined {
  if (!isPlainObject(value)) {
    const token = strictToken(value);
    return token === undefined ? undefined : `p${token}`;
  }
  const isValue = '@value' in value;
  const hasId = '@id' in value;
  if (isValue && hasId) return undefined;
  if (isValue) {
    const parts = [value['@value'], value['@type'], value['@language'], value['@index']].map(
      (field) => (field === undefined ? 'u' : strictToken(field)),
    );
    // A field that equals nothing (NaN) leaves only identity: the value itself.
    if (parts.some((part) => part === undefined)) return `o${identity(value)}`;
    return `v${JSON.stringify(parts)}`;
  }
  if (hasId) {
    const token = strictToken(value['@id']);
    return token === undefined ? `o${identity(value)}` : `i${token}`;
  }
  return `o${identity(value)}`;
}

function add(index: ValueIndex, value: unknown): void {
  const key = valueKey(value);
  if (key === undefined) index.unkeyed.push(value);
  else index.keys.add(key);
}

function indexOf(values: readonly unknown[]): ValueIndex {
  let index = indexes.get(values);
  const stale =
    index !== undefined &&
    (values.length < index.indexed ||
      (index.indexed > 0 &&
        (values[0] !== index.first || values[index.indexed - 1] !== index.last)));
  if (index === undefined || stale) {
    index = { indexed: 0, first: undefined, last: undefined, keys: new Set(), unkeyed: [] };
    indexes.set(values, index);
  }
  for (let i = index.indexed; i < values.length; i++) add(index, values[i]);
  index.indexed = values.length;
  index.first = values[0];
  index.last = values[values.length - 1];
  return index;
}

const jsonLdUtil = util as unknown as JsonLdUtil;
const INSTALLED = Symbol.for('credstack.jsonld.linear-values');

function install(): void {
  const target = jsonLdUtil as unknown as Record<symbol, unknown>;
  if (target[INSTALLED]) return;
  target[INSTALLED] = true;
  const scan = jsonLdUtil.hasValue;
  jsonLdUtil.hasValue = (subject, property, value) => {
    const values = jsonLdUtil.hasProperty(subject, property) ? subject[property] : undefined;
    if (!Array.isArray(values) || values.length < INDEX_FROM_LENGTH) {
      return scan(subject, property, value);
    }
    const key = valueKey(value);
    if (key === undefined) return scan(subject, property, value);
    const index = indexOf(values);
    if (index.keys.has(key)) return true;
    return index.unkeyed.some((other) => jsonLdUtil.compareValues(value, other));
  };
}

install();
