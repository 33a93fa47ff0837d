/**
 * Makes Ajv standalone code smaller without changing what it does. Ajv writes every error as
 * an object literal with its property names spelled out (262 of them in the lean OB 3.0
 * validator) and reads the parameters of some errors from copies of the whole schema, which
 * keeps those copies (descriptions included) in the bundle; its 2019-09 and 2020-12 classes
 * also make every function record the properties it evaluated, for keywords the schemas do
 * not use. Here each error literal becomes a call of one function building the same object,
 * each schema path its value (the copies no longer read are dropped), and the records go.
 * Verdicts and errors stay equal (test/conformance/ob3-standalone.test.ts and
 * standalone-validators.test.ts compare both with Ajv's compiled validators); what this does
 * not recognise is left as Ajv wrote it.
 */

const ERROR_FUNCTION = 'leanErrorObject';
const ERROR_KEYS = ['instancePath', 'schemaPath', 'keyword', 'params'] as const;
const OPENERS: Readonly<Record<string, string>> = { '{': '}', '[': ']', '(': ')' };

/** The index after the string literal opening at `start`. */
function skipString(code: string, start: number): number {
  const quote = code[start];
  if (quote === '`') throw new Error('template literals are not expected in Ajv standalone code');
  for (let i = start + 1; i < code.length; i++) {
    if (code[i] === '\\') i++;
    else if (code[i] === quote) return i + 1;
  }
  throw new Error('unterminated string literal in Ajv standalone code');
}

/** The index after the bracket closing the one at `start`, skipping string literals. */
function skipBalanced(code: string, start: number): number {
  const closers: string[] = [];
  for (let i = start; i < code.length; ) {
    const c = code[i]!;
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(code, i);
      continue;
    }
    const closer = OPENERS[c];
    if (closer !== undefined) closers.push(closer);
    else if (c === '}' || c === ']' || c === ')') {
      if (closers.pop() !== c) throw new Error('unbalanced brackets in Ajv standalone code');
      if (closers.length === 0) return i + 1;
    }
    i++;
  }
  throw new Error('unbalanced brackets in Ajv standalone code');
}

/** The comma-separated parts of `body` at its top level. */
function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c === '"' || c === "'" || c === '`') i = skipString(body, i);
    else if (OPENERS[c] !== undefined) i = skipBalanced(body, i);
    else {
      if (c === ',') {
        parts.push(body.slice(from, i));
        from = i + 1;
      }
      i++;
    }
  }
  parts.push(body.slice(from));
  return parts;
}

const SCHEMA_DECLARATION = /const (schema\d+) = /g;
const SCHEMA_PATH =
  /\b(schema\d+)((?:\.[A-Za-z_$][\w$]*|\["(?:[^"\\]|\\.)*"\]|\[\d+\])+)(?![\w$.[(])/g;
const PATH_STEP = /\.([A-Za-z_$][\w$]*)|\[("(?:[^"\\]|\\.)*"|\d+)\]/g;

/** The value `path` (`.a["b"][0]`) names in `root`; `undefined` when it names none. */
function follow(root: unknown, path: string): unknown {
  let value = root;
  for (const [, name, index] of path.matchAll(PATH_STEP)) {
    const key = name ?? (JSON.parse(index!) as string | number);
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/** `params` with each schema path it reads replaced by the (JSON) value found there. */
function inlineSchemaPaths(params: string, schemas: ReadonlyMap<string, unknown>): string {
  return params.replace(SCHEMA_PATH, (whole, name: string, path: string) => {
    const value = schemas.has(name) ? follow(schemas.get(name), path) : undefined;
    return value === undefined ? whole : JSON.stringify(value);
  });
}

/** Each `const schemaN = {…};` of `code`: its name, where it starts and ends, its JSON. */
function schemaDeclarations(code: string): [string, [number, number], string][] {
  return [...code.matchAll(SCHEMA_DECLARATION)].map((match) => {
    const start = match.index + match[0].length;
    const end = skipBalanced(code, start);
    return [match[1]!, [match.index, code[end] === ';' ? end + 1 : end], code.slice(start, end)];
  });
}

/** The error literal `{instancePath…}` as a call of {@link ERROR_FUNCTION}, if it is one. */
function errorCall(literal: string, schemas: ReadonlyMap<string, unknown>): string | undefined {
  const values: string[] = [];
  const parts = splitTopLevel(literal.slice(1, -1));
  if (parts.length !== ERROR_KEYS.length && parts.length !== ERROR_KEYS.length + 1)
    return undefined;
  for (const [i, part] of parts.entries()) {
    const key = ERROR_KEYS[i] ?? 'message';
    if (part === key) values.push(key);
    else if (part.startsWith(`${key}:`)) values.push(part.slice(key.length + 1));
    else return undefined;
  }
  values[3] = inlineSchemaPaths(values[3]!, schemas);
  return `${ERROR_FUNCTION}(${values.join(',')})`;
}

const EVALUATED_RESET =
  /const (evaluated\d+) = validate\d+\.evaluated;if\(\1\.dynamicProps\)\{\1\.props = undefined;\}if\(\1\.dynamicItems\)\{\1\.items = undefined;\}/g;
const EVALUATED_RESULT = /evaluated\d+\.(?:props|items) = (?:props|items)\d+;/g;
const EVALUATED_DECLARATION = /validate\d+\.evaluated = /g;

/**
 * `code` without the record each function keeps of the properties and items it evaluated:
 * Ajv's 2019-09 and 2020-12 classes always write it, and only the `unevaluatedProperties` and
 * `unevaluatedItems` keywords read it. When the code reads it anywhere else (or may: any
 * other mention of `evaluated` is left), the code is returned as it is.
 */
function withoutEvaluatedRecords(code: string): string {
  let out = code.replace(EVALUATED_RESET, '').replace(EVALUATED_RESULT, '');
  let stripped = '';
  let from = 0;
  for (const match of out.matchAll(EVALUATED_DECLARATION)) {
    if (match.index < from) continue;
    const end = skipBalanced(out, match.index + match[0].length);
    stripped += out.slice(from, match.index);
    from = out[end] === ';' ? end + 1 : end;
  }
  out = stripped + out.slice(from);
  return out.includes('evaluated') ? code : out;
}

/**
 * `code` (Ajv standalone code, ESM) with its error literals as calls of one function, the
 * schema copies nothing reads any longer removed and no record of evaluated properties.
 *
 * @example
 * const compact = compactStandaloneCode(standaloneCode(ajv, validate));
 */
export function compactStandaloneCode(code: string): string {
  if (code.includes(ERROR_FUNCTION)) throw new Error(`${ERROR_FUNCTION} is already defined`);
  const schemas = new Map<string, unknown>();
  for (const [name, , value] of schemaDeclarations(code)) schemas.set(name, JSON.parse(value));

  code = withoutEvaluatedRecords(code);
  let out = '';
  let from = 0;
  for (let at = code.indexOf('{instancePath', from); at !== -1; ) {
    const end = skipBalanced(code, at);
    const call = errorCall(code.slice(at, end), schemas);
    if (call !== undefined) {
      out += code.slice(from, at) + call;
      from = end;
    }
    at = code.indexOf('{instancePath', end);
  }
  out += code.slice(from);

  // Drop the schema copies no code reads any longer (only their declarations name them).
  for (const [name, [start, end]] of schemaDeclarations(out).reverse()) {
    const uses = out.match(new RegExp(`\\b${name}\\b`, 'g'))?.length ?? 0;
    if (uses === 1) out = out.slice(0, start) + out.slice(end);
  }
  // Ajv adds a message to every error or to none (its `messages` option); a message is a
  // string, never undefined.
  const helper = `function ${ERROR_FUNCTION}(instancePath, schemaPath, keyword, params, message) {return message === undefined ? {instancePath, schemaPath, keyword, params} : {instancePath, schemaPath, keyword, params, message};}`;
  return `${out}\n${helper}\n`;
}
