import type { ValidateFunction } from 'ajv';

/**
 * The lean validator of the plain OB 3.0 achievement credential schema as Ajv standalone code,
 * generated when a Lambda function is bundled (infra/bundling/ob3-standalone.ts replaces this
 * module): compiling it with Ajv is most of the first verification of a cold start (100+ ms),
 * loading the generated code a few milliseconds. From the sources (tests, the local runtime,
 * the CLI) there is none, and Ajv compiles the schema on first use (schema-validator.ts).
 */
export const precompiledPlainAchievementCheck: ValidateFunction | undefined = undefined;
