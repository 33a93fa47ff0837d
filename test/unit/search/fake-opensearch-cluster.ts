import { ResponseError } from '@opensearch-project/opensearch/lib/errors.js';
import type {
  OpenSearchRequest,
  OpenSearchResponse,
  OpenSearchTransport,
} from '#shared/search/opensearch/client.ts';

/**
 * An in-memory stand-in for an OpenSearch cluster, for the unit tier (no cluster runs on the
 * build machines). It interprets the subset of the REST API and query DSL the adapter sends —
 * documents with external versions, an index's explicit mapping (nested, copy_to, index: false,
 * the pattern tokenizer and lowercase filter, dynamic: false), bool/term/terms/range/exists/
 * nested/constant_score/function_score(exp) queries with inner hits, sorts with search_after,
 * and nested/filter/terms/reverse_nested aggregations — as OpenSearch documents them, and
 * refuses anything else with a 400, so a query outside that subset fails loudly rather than
 * being half understood. Scores are rounded to single precision, as Lucene's are.
 *
 * It proves the adapter's requests mean what the adapter intends under those documented
 * semantics; the contract suite against a real cluster (OPENSEARCH_URL) proves OpenSearch agrees.
 */

// biome-ignore lint/suspicious/noExplicitAny: request bodies are walked as untyped JSON, checked key by key
type Json = Record<string, any>;
type Value = string | number | boolean;
type Fields = Map<string, Value[]>;

interface FieldSpec {
  readonly type: string;
  readonly indexed: boolean;
  readonly copyTo: readonly string[];
  readonly analyzer?: string;
}

interface Schema {
  readonly fields: Map<string, FieldSpec>;
  readonly nested: Set<string>;
  readonly analyzers: Map<string, (text: string) => string[]>;
}

interface NestedDoc {
  readonly source: Json;
  readonly fields: Fields;
}

interface StoredDoc {
  readonly id: string;
  readonly version: number;
  readonly source: Json;
  readonly fields: Fields;
  readonly nested: Map<string, NestedDoc[]>;
}

interface Index {
  readonly schema: Schema;
  readonly docs: Map<string, StoredDoc>;
}

interface Match {
  readonly score: number;
  readonly inner: Map<string, Json>;
}

function badRequest(reason: string): never {
  throw Object.assign(new Error(reason), { status: 400, type: 'parsing_exception' });
}

function tokenizer(settings: Json, name: string): (text: string) => string[] {
  const analyzer = settings?.analysis?.analyzer?.[name];
  if (!analyzer) badRequest(`unknown analyzer ${name}`);
  const tok = settings.analysis.tokenizer?.[analyzer.tokenizer];
  if (tok?.type !== 'pattern') badRequest(`unsupported tokenizer ${analyzer.tokenizer}`);
  const split = new RegExp(tok.pattern, 'u');
  const lower = (analyzer.filter ?? []).includes('lowercase');
  return (text) =>
    text
      .split(split)
      .filter((t) => t !== '')
      .map((t) => (lower ? t.toLowerCase() : t));
}

function schemaOf(body: Json): Schema {
  const schema: Schema = { fields: new Map(), nested: new Set(), analyzers: new Map() };
  const walk = (properties: Json, prefix: string) => {
    for (const [name, spec] of Object.entries<Json>(properties)) {
      const path = `${prefix}${name}`;
      if (spec.type === 'nested') schema.nested.add(path);
      if (spec.properties) {
        walk(spec.properties, `${path}.`);
        continue;
      }
      if (spec.analyzer && !schema.analyzers.has(spec.analyzer))
        schema.analyzers.set(spec.analyzer, tokenizer(body.settings, spec.analyzer));
      const copyTo = spec.copy_to === undefined ? [] : [spec.copy_to].flat();
      schema.fields.set(path, {
        type: spec.type,
        indexed: spec.index !== false,
        copyTo,
        analyzer: spec.analyzer,
      });
    }
  };
  walk(body.mappings?.properties ?? {}, '');
  return schema;
}

function normalise(spec: FieldSpec, value: unknown): Value {
  switch (spec.type) {
    case 'keyword':
      return String(value);
    case 'date': {
      const ms = typeof value === 'number' ? value : Date.parse(String(value));
      if (Number.isNaN(ms)) badRequest(`failed to parse date ${String(value)}`);
      return ms;
    }
    case 'long':
      return Number(value);
    case 'float':
      return Math.fround(Number(value));
    case 'boolean':
      return value === true || value === 'true';
    default:
      return String(value);
  }
}

/** Indexes `object` (a root document or one nested object) under `prefix`, skipping nested paths. */
function indexFields(schema: Schema, object: Json, prefix: string, fields: Fields): void {
  for (const [name, raw] of Object.entries(object)) {
    const path = `${prefix}${name}`;
    if (schema.nested.has(path)) continue;
    for (const value of [raw].flat()) {
      if (value === null || value === undefined) continue;
      if (typeof value === 'object') {
        indexFields(schema, value, `${path}.`, fields);
        continue;
      }
      const spec = schema.fields.get(path);
      if (!spec) continue; // dynamic: false
      const targets = [...(spec.indexed ? [path] : []), ...spec.copyTo];
      for (const target of targets) {
        const targetSpec = target === path ? spec : schema.fields.get(target);
        if (!targetSpec) badRequest(`copy_to unknown field ${target}`);
        const values =
          targetSpec.type === 'text'
            ? schema.analyzers.get(targetSpec.analyzer ?? '')!(String(value))
            : [normalise(targetSpec, value)];
        fields.set(target, [...(fields.get(target) ?? []), ...values]);
      }
    }
  }
}

function store(schema: Schema, id: string, version: number, source: Json): StoredDoc {
  const fields: Fields = new Map();
  indexFields(schema, source, '', fields);
  const nested = new Map<string, NestedDoc[]>();
  for (const path of schema.nested) {
    const objects: Json[] = [source[path] ?? []].flat();
    nested.set(
      path,
      objects.map((object) => {
        const own: Fields = new Map();
        indexFields(schema, object, `${path}.`, own);
        return { source: object, fields: own };
      }),
    );
  }
  return { id, version, source, fields, nested };
}

// biome-ignore lint/suspicious/noExplicitAny: the value of a one-key DSL object is any JSON
function only(object: Json, what: string): [string, any] {
  const entries = Object.entries(object);
  if (entries.length !== 1) badRequest(`${what} takes exactly one field`);
  return entries[0]!;
}

/** Refuses parameters the fake does not interpret, as OpenSearch refuses unknown ones. */
function allow(object: Json, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(object))
    if (!allowed.includes(key)) badRequest(`[${what}] unknown field [${key}]`);
}

function compare(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

const MATCH_NONE: Match | undefined = undefined;

class Evaluator {
  readonly #schema: Schema;

  constructor(schema: Schema) {
    this.#schema = schema;
  }

  spec(field: string): FieldSpec {
    return this.#schema.fields.get(field) ?? badRequest(`no mapping for [${field}]`);
  }

  /** Evaluates `query` on one document: a root document, or a nested one (`nested` unset). */
  run(query: Json, fields: Fields, root?: StoredDoc): Match | undefined {
    const [type, body] = only(query, 'a query');
    const plain = (matched: boolean, score = 1): Match | undefined =>
      matched ? { score, inner: new Map() } : MATCH_NONE;
    switch (type) {
      case 'match_all':
        return plain(true);
      case 'term': {
        const [field, raw] = only(body, 'term');
        const value = normalise(this.spec(field), typeof raw === 'object' ? raw.value : raw);
        return plain((fields.get(field) ?? []).includes(value));
      }
      case 'terms': {
        const [field, list] = only(body, 'terms');
        const spec = this.spec(field);
        const wanted = (list as unknown[]).map((v) => normalise(spec, v));
        return plain((fields.get(field) ?? []).some((v) => wanted.includes(v)));
      }
      case 'range': {
        const [field, bounds] = only(body, 'range');
        const spec = this.spec(field);
        const checks: Record<string, (c: number) => boolean> = {
          gt: (c) => c > 0,
          gte: (c) => c >= 0,
          lt: (c) => c < 0,
          lte: (c) => c <= 0,
        };
        return plain(
          (fields.get(field) ?? []).some((v) =>
            Object.entries<unknown>(bounds).every(([op, bound]) => {
              const check = checks[op] ?? badRequest(`range: unknown ${op}`);
              return check(compare(v, normalise(spec, bound)));
            }),
          ),
        );
      }
      case 'exists':
        return plain((fields.get(body.field) ?? []).length > 0);
      case 'bool':
        return this.#bool(body, fields, root);
      case 'constant_score': {
        allow(body, ['filter', 'boost'], 'constant_score');
        const inner = this.run(body.filter, fields, root);
        return inner ? { score: body.boost ?? 1, inner: inner.inner } : MATCH_NONE;
      }
      case 'function_score':
        return this.#functionScore(body, fields, root);
      case 'nested':
        return this.#nested(body, root);
      default:
        return badRequest(`unknown query [${type}]`);
    }
  }

  #bool(body: Json, fields: Fields, root?: StoredDoc): Match | undefined {
    allow(body, ['filter', 'must', 'should', 'must_not', 'minimum_should_match'], 'bool');
    const inner = new Map<string, Json>();
    let score = 0;
    for (const clause of [body.filter ?? []].flat()) {
      const m = this.run(clause, fields, root);
      if (!m) return MATCH_NONE;
      for (const [k, v] of m.inner) inner.set(k, v);
    }
    for (const clause of [body.must ?? []].flat()) {
      const m = this.run(clause, fields, root);
      if (!m) return MATCH_NONE;
      score += m.score;
      for (const [k, v] of m.inner) inner.set(k, v);
    }
    for (const clause of [body.must_not ?? []].flat())
      if (this.run(clause, fields, root)) return MATCH_NONE;
    const should: Json[] = [body.should ?? []].flat();
    const defaultMin = should.length > 0 && !body.filter && !body.must ? 1 : 0;
    let matched = 0;
    for (const clause of should) {
      const m = this.run(clause, fields, root);
      // Inner hits of a should clause are reported whether it matched or not (empty then).
      if (!m) continue;
      matched += 1;
      score += m.score;
      for (const [k, v] of m.inner) inner.set(k, v);
    }
    if (matched < (body.minimum_should_match ?? defaultMin)) return MATCH_NONE;
    return { score, inner };
  }

  #functionScore(body: Json, fields: Fields, root?: StoredDoc): Match | undefined {
    allow(body, ['query', 'functions', 'boost_mode'], 'function_score');
    const m = this.run(body.query ?? { match_all: {} }, fields, root);
    if (!m) return MATCH_NONE;
    let fn = 1;
    for (const f of body.functions ?? []) {
      const { weight = 1, exp, ...rest } = f;
      if (Object.keys(rest).length > 0 || !exp) badRequest('function_score: only exp functions');
      const [field, p] = only(exp, 'exp');
      allow(p, ['origin', 'scale', 'decay', 'offset'], 'exp');
      const spec = this.spec(field);
      if (spec.type !== 'date') badRequest('exp: date fields only here');
      const origin = normalise(spec, p.origin) as number;
      const unit = /^(\d+)d$/.exec(String(p.scale)) ?? badRequest(`scale ${p.scale}`);
      const scale = Number(unit[1]) * 86_400_000;
      const values = (fields.get(field) ?? []) as number[];
      if (values.length === 0) continue;
      const distance = Math.min(...values.map((v) => Math.abs(v - origin)));
      const offset = p.offset ?? 0;
      fn *= weight * Math.exp((Math.log(p.decay ?? 0.5) / scale) * Math.max(0, distance - offset));
    }
    const mode = body.boost_mode ?? 'multiply';
    if (mode !== 'replace' && mode !== 'multiply') badRequest(`boost_mode ${mode}`);
    return { score: mode === 'replace' ? fn : m.score * fn, inner: m.inner };
  }

  #nested(body: Json, root?: StoredDoc): Match | undefined {
    allow(body, ['path', 'query', 'score_mode', 'inner_hits', '_name'], 'nested');
    if (body.inner_hits) allow(body.inner_hits, ['name', 'size', 'sort', '_source'], 'inner_hits');
    if (!root) badRequest('nested inside nested');
    const children =
      root.nested.get(body.path) ?? badRequest(`[nested] no nested path ${body.path}`);
    const hits: { child: NestedDoc; offset: number; score: number }[] = [];
    children.forEach((child, offset) => {
      const m = this.run(body.query, child.fields);
      if (m) hits.push({ child, offset, score: m.score });
    });
    const inner = new Map<string, Json>();
    if (body.inner_hits) inner.set(body.inner_hits.name, this.#innerHits(body, hits));
    if (hits.length === 0) return MATCH_NONE;
    const scores = hits.map((h) => h.score);
    const mode = body.score_mode ?? 'avg';
    const score =
      mode === 'max'
        ? Math.max(...scores)
        : mode === 'none'
          ? 0
          : mode === 'sum'
            ? scores.reduce((a, b) => a + b, 0)
            : scores.reduce((a, b) => a + b, 0) / scores.length;
    return { score, inner };
  }

  #innerHits(body: Json, hits: { child: NestedDoc; offset: number; score: number }[]): Json {
    const spec = body.inner_hits;
    const sort: Json[] = spec.sort ?? [];
    const keyed = hits.map((h) => ({
      ...h,
      sortValues: sort.map((s) => {
        const [field] = only(s, 'sort');
        return (h.child.fields.get(field) ?? [])[0];
      }),
    }));
    keyed.sort((a, b) => {
      for (const [i, s] of sort.entries()) {
        const [, order] = only(s, 'sort');
        const c = compare(a.sortValues[i]!, b.sortValues[i]!);
        if (c !== 0) return order === 'desc' ? -c : c;
      }
      return a.offset - b.offset;
    });
    return {
      hits: {
        total: { value: hits.length, relation: 'eq' },
        hits: keyed.slice(0, spec.size ?? 3).map((h) => ({
          _nested: { field: body.path, offset: h.offset },
          ...(spec._source === false ? {} : { _source: h.child.source }),
          ...(sort.length > 0 ? { sort: h.sortValues } : {}),
        })),
      },
    };
  }
}

export class FakeOpenSearchCluster implements OpenSearchTransport {
  readonly requests: { params: OpenSearchRequest; options?: { ignore?: number[] } }[] = [];
  readonly #indices = new Map<string, Index>();

  async request(
    params: OpenSearchRequest,
    options?: { readonly ignore?: number[] },
  ): Promise<OpenSearchResponse> {
    this.requests.push({ params, ...(options ? { options: { ...options } } : {}) });
    let response: { statusCode: number; body: unknown };
    try {
      response = this.#route(params);
    } catch (error) {
      const e = error as Error & { status?: number; type?: string };
      if (!e.status) throw error;
      response = {
        statusCode: e.status,
        body: { error: { type: e.type, reason: e.message }, status: e.status },
      };
    }
    if (response.statusCode >= 400 && !(options?.ignore ?? []).includes(response.statusCode))
      throw new ResponseError({ ...response, headers: {}, warnings: null, meta: {} as never });
    return response;
  }

  #route(params: OpenSearchRequest): { statusCode: number; body: unknown } {
    const [, name = '', action, id] = params.path.split('/');
    const index = this.#indices.get(name);
    const missing = () => {
      throw Object.assign(new Error(`no such index [${name}]`), {
        status: 404,
        type: 'index_not_found_exception',
      });
    };
    if (action === undefined) {
      if (params.method === 'HEAD')
        return { statusCode: index ? 200 : 404, body: index !== undefined };
      if (params.method === 'DELETE') {
        if (!index) missing();
        this.#indices.delete(name);
        return { statusCode: 200, body: { acknowledged: true } };
      }
      if (params.method === 'PUT') {
        if (index)
          throw Object.assign(new Error(`index [${name}] already exists`), {
            status: 400,
            type: 'resource_already_exists_exception',
          });
        this.#indices.set(name, { schema: schemaOf(params.body ?? {}), docs: new Map() });
        return { statusCode: 200, body: { acknowledged: true, index: name } };
      }
    }
    if (!index) return missing();
    if (action === '_mapping' && params.method === 'PUT')
      return { statusCode: 200, body: { acknowledged: true } };
    if (action === '_doc' && id !== undefined) {
      const docId = decodeURIComponent(id);
      const held = index.docs.get(docId);
      if (params.method === 'GET')
        return held
          ? {
              statusCode: 200,
              body: {
                _index: name,
                _id: docId,
                _version: held.version,
                found: true,
                _source: held.source,
              },
            }
          : { statusCode: 404, body: { _index: name, _id: docId, found: false } };
      if (params.method === 'PUT') {
        const q = params.querystring ?? {};
        if (q.version_type !== 'external') badRequest('the fake holds external versions only');
        const version = Number(q.version);
        if (held && version <= held.version)
          throw Object.assign(
            new Error(
              `[${docId}]: version conflict, current version [${held.version}] is higher or equal to the one provided [${version}]`,
            ),
            { status: 409, type: 'version_conflict_engine_exception' },
          );
        index.docs.set(
          docId,
          store(index.schema, docId, version, structuredClone(params.body ?? {})),
        );
        return {
          statusCode: held ? 200 : 201,
          body: { _id: docId, _version: version, result: held ? 'updated' : 'created' },
        };
      }
    }
    if (action === '_search' && params.method === 'POST')
      return { statusCode: 200, body: this.#search(index, params.body ?? {}) };
    return badRequest(`unsupported ${params.method} ${params.path}`);
  }

  #search(index: Index, body: Json): Json {
    allow(
      body,
      [
        'size',
        'track_total_hits',
        'track_scores',
        '_source',
        'query',
        'sort',
        'search_after',
        'aggs',
      ],
      'search',
    );
    const evaluator = new Evaluator(index.schema);
    const matches: { doc: StoredDoc; match: Match; score: number; sort: Value[] }[] = [];
    for (const doc of index.docs.values()) {
      const match = evaluator.run(body.query ?? { match_all: {} }, doc.fields, doc);
      if (!match) continue;
      const score = Math.fround(match.score);
      matches.push({
        doc,
        match,
        score,
        sort: this.#sortValues(evaluator, body.sort ?? [], doc, score),
      });
    }
    const orders: ('asc' | 'desc')[] = (body.sort ?? []).map((s: Json) => {
      const [, spec] = only(s, 'sort');
      return typeof spec === 'string' ? spec : spec.order;
    });
    const cmp = (a: Value[], b: Value[]) => {
      for (const [i, order] of orders.entries()) {
        const c = compare(a[i]!, b[i]!);
        if (c !== 0) return order === 'desc' ? -c : c;
      }
      return 0;
    };
    matches.sort((a, b) => cmp(a.sort, b.sort));
    const after: Value[] | undefined = body.search_after;
    const page = (after ? matches.filter((m) => cmp(m.sort, after) > 0) : matches).slice(
      0,
      body.size ?? 10,
    );
    const includes: string[] | undefined = Array.isArray(body._source) ? body._source : undefined;
    return {
      hits: {
        total: { value: matches.length, relation: 'eq' },
        hits: page.map((m) => ({
          _id: m.doc.id,
          _score:
            body.sort && !body.track_scores && orders.length > 0 && !('_score' in body.sort[0])
              ? null
              : m.score,
          _source: includes
            ? Object.fromEntries(includes.map((f) => [f, m.doc.source[f]]))
            : m.doc.source,
          ...(body.sort ? { sort: m.sort } : {}),
          ...(m.match.inner.size > 0 ? { inner_hits: Object.fromEntries(m.match.inner) } : {}),
        })),
      },
      ...(body.aggs
        ? {
            aggregations: this.#aggs(
              evaluator,
              body.aggs,
              matches.map((m) => m.doc),
            ),
          }
        : {}),
    };
  }

  #sortValues(evaluator: Evaluator, sort: Json[], doc: StoredDoc, score: number): Value[] {
    return sort.map((s) => {
      const [field, spec] = only(s, 'sort');
      if (field === '_score') return score;
      if (typeof spec === 'string')
        return (doc.fields.get(field) ?? [])[0] ?? badRequest(`no value for ${field}`);
      allow(spec, ['order', 'mode', 'nested', 'missing'], 'sort');
      const nested = spec.nested;
      if (!nested) badRequest('sort: object specs only for nested fields here');
      allow(nested, ['path', 'filter'], 'sort.nested');
      const children = (doc.nested.get(nested.path) ?? []).filter(
        (child) => !nested.filter || evaluator.run(nested.filter, child.fields),
      );
      const values = children.flatMap((child) => child.fields.get(field) ?? []) as number[];
      if (values.length > 0) return spec.mode === 'min' ? Math.min(...values) : Math.max(...values);
      if (typeof spec.missing !== 'number') badRequest('sort: the fake needs a numeric missing');
      return spec.missing;
    });
  }

  #aggs(evaluator: Evaluator, aggs: Json, docs: StoredDoc[]): Json {
    const out: Json = {};
    for (const [name, spec] of Object.entries<Json>(aggs)) {
      allow(spec, ['nested', 'aggs'], 'aggregation');
      if (!spec.nested) badRequest('root aggregations: nested only');
      const children = docs.flatMap((doc) =>
        (doc.nested.get(spec.nested.path) ?? []).map((child) => ({ doc, child })),
      );
      out[name] = {
        doc_count: children.length,
        ...this.#nestedAggs(evaluator, spec.aggs ?? {}, children),
      };
    }
    return out;
  }

  #nestedAggs(
    evaluator: Evaluator,
    aggs: Json,
    children: { doc: StoredDoc; child: NestedDoc }[],
  ): Json {
    const out: Json = {};
    for (const [name, spec] of Object.entries<Json>(aggs)) {
      allow(spec, ['filter', 'reverse_nested', 'terms', 'aggs'], 'aggregation');
      if (spec.filter) {
        const kept = children.filter((c) => evaluator.run(spec.filter, c.child.fields));
        out[name] = {
          doc_count: kept.length,
          ...this.#nestedAggs(evaluator, spec.aggs ?? {}, kept),
        };
      } else if (spec.reverse_nested) {
        out[name] = { doc_count: new Set(children.map((c) => c.doc)).size };
      } else if (spec.terms) {
        allow(spec.terms, ['field', 'size', 'order'], 'terms');
        const groups = new Map<Value, typeof children>();
        for (const c of children)
          for (const value of new Set(c.child.fields.get(spec.terms.field) ?? []))
            groups.set(value, [...(groups.get(value) ?? []), c]);
        const buckets = [...groups].map(([key, members]) => ({
          key,
          doc_count: members.length,
          ...this.#nestedAggs(evaluator, spec.aggs ?? {}, members),
        }));
        const order: Json[] = [spec.terms.order ?? { _count: 'desc' }].flat();
        buckets.sort((a: Json, b: Json) => {
          for (const o of order) {
            const [by, direction] = only(o, 'order');
            const va = by === '_key' ? a.key : by === '_count' ? a.doc_count : a[by].doc_count;
            const vb = by === '_key' ? b.key : by === '_count' ? b.doc_count : b[by].doc_count;
            const c = compare(va, vb);
            if (c !== 0) return direction === 'desc' ? -c : c;
          }
          return 0;
        });
        out[name] = {
          doc_count_error_upper_bound: 0,
          sum_other_doc_count: buckets
            .slice(spec.terms.size ?? 10)
            .reduce((n, b) => n + b.doc_count, 0),
          buckets: buckets.slice(0, spec.terms.size ?? 10),
        };
      } else {
        badRequest(`unsupported aggregation ${name}`);
      }
    }
    return out;
  }
}
