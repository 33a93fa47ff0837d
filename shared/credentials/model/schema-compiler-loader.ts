import * as schemaCompiler from './schema-compiler.ts';

/**
 * Where the OB 3.0 schema compiler (schema-compiler.ts, Ajv) comes from. From the sources
 * (tests, the local runtime, the CLI) it is imported with this module and always loaded. A
 * Lambda bundle replaces this module (infra/bundling/schema-compiler-on-need.ts) with one that
 * loads the compiler on first need, so Ajv's compiler is not parsed at start: until
 * {@link loadSchemaCompiler} resolves, {@link loadedSchemaCompiler} is `undefined` there, and a
 * chunk that fails to load is a `PART_UNAVAILABLE` error (503).
 */

export type SchemaCompiler = typeof schemaCompiler;

/**
 * The compiler, when it is loaded.
 *
 * @example
 * const validate = loadedSchemaCompiler()?.compileOb3Validator('achievement', 'plain', true);
 */
export function loadedSchemaCompiler(): SchemaCompiler | undefined {
  return schemaCompiler;
}

/**
 * The compiler, loaded on first need.
 *
 * @example
 * const { compileOb3Validator } = await loadSchemaCompiler();
 */
export async function loadSchemaCompiler(): Promise<SchemaCompiler> {
  return schemaCompiler;
}
