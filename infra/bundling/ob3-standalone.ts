import type { ValidateFunction } from 'ajv';
import type { Ajv2019 } from 'ajv/dist/2019.js';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';
import type { Plugin } from 'esbuild';
import { achievementCredentialSchema } from '#shared/credentials/model/ob3-schema.ts';
import { createAjv } from '#shared/credentials/model/schema-compiler.ts';
import { compactStandaloneCode } from './standalone-compact.ts';
import { ownDateFormats } from './standalone-formats.ts';

/**
 * Ajv standalone code of the lean plain OB 3.0 achievement validator, emitted at bundle time.
 * A cold start's first verification spent most of its time compiling that schema (measured on
 * the shared 2-core machine: 108–270 ms compiling, 4–15 ms loading the generated code, 97 KB
 * minified with the lean options of schema-validator.ts, 72 KB compacted by
 * standalone-compact.ts); the verbose validator, the linked-data variant and the endorsement
 * schema stay compiled on first need, as they serve only failing or rarer credentials.
 */

// ajv's standalone module is CommonJS: its exports are the function, which also carries itself
// as `default`; its types describe only the latter.
const standaloneCode = (
  standaloneCodeModule as unknown as {
    default: (ajv: Ajv2019, validate: ValidateFunction) => string;
  }
).default;

/**
 * The ES module source that replaces shared/credentials/model/ob3-precompiled.ts: the
 * validator compiled with the options the source compiles it with (schema-validator.ts).
 *
 * @example
 * const source = ob3PlainCheckSource();
 */
export function ob3PlainCheckSource(): string {
  const ajv = createAjv(false, { source: true, esm: true });
  const validate = ajv.compile(achievementCredentialSchema('plain'));
  const code = ownDateFormats(compactStandaloneCode(standaloneCode(ajv, validate)));
  return `${code}\nexport const precompiledPlainAchievementCheck = validate;\n`;
}

const PRECOMPILED = /[\\/]shared[\\/]credentials[\\/]model[\\/]ob3-precompiled\.ts$/;

/**
 * Replaces the precompiled-validator module with Ajv standalone code (see above).
 *
 * @example
 * await build({ ...options, plugins: [ob3StandaloneValidator(repoRoot)] });
 */
export function ob3StandaloneValidator(resolveDir: string): Plugin {
  let source: string | undefined;
  return {
    name: 'credstack-ob3-standalone',
    setup(builder) {
      builder.onLoad({ filter: PRECOMPILED }, () => {
        source ??= ob3PlainCheckSource();
        return { contents: source, loader: 'js', resolveDir };
      });
    },
  };
}
