import { type JsonSchema, SchemaName } from '../http/route.ts';
import type * as responseSchemas from './response-schemas.ts';

/**
 * Routes give their response schemas by name: the schemas (response-schemas.ts) describe the
 * API in its OpenAPI document and are loaded only where that document is built, so a function
 * that only serves requests does not carry them.
 */

type Exports = typeof responseSchemas;

/** The names response-schemas.ts exports a schema under. */
export type ResponseSchemaName = {
  [Name in keyof Exports]: Exports[Name] extends JsonSchema ? Name : never;
}[keyof Exports];

/**
 * The response schema exported as `name` from response-schemas.ts.
 *
 * @example
 * responses: { 200: { description: 'The issuer', schema: documented('issuerResponse') } },
 */
export function documented(name: ResponseSchemaName): SchemaName {
  return new SchemaName(name);
}
