import { join } from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * Loads the Open Badges schema compiler (shared/credentials/model/schema-compiler.ts: Ajv with
 * its formats and URI parser, about 150 KB) on first need in a Lambda bundle, not at start:
 * with the lean plain validator precompiled (ob3-standalone.ts) and the request and pathway
 * validators as standalone code (standalone-validators.ts), only a credential that fails the
 * plain check, an endorsement or a function without the precompiled validator needs it.
 */

const LOADER = /[\\/]shared[\\/]credentials[\\/]model[\\/]schema-compiler-loader\.ts$/;

/**
 * The ES module source that replaces shared/credentials/model/schema-compiler-loader.ts: the
 * same exports, the compiler a chunk loaded through shared/core/first-need.ts.
 *
 * @example
 * const source = schemaCompilerOnNeedSource('/repo');
 */
export function schemaCompilerOnNeedSource(repoRoot: string): string {
  const model = join(repoRoot, 'shared/credentials/model');
  return [
    `import { onFirstNeed } from ${JSON.stringify(join(repoRoot, 'shared/core/first-need.ts'))};`,
    'const load = onFirstNeed(',
    "  'the Open Badges schema compiler (Ajv)',",
    `  () => import(${JSON.stringify(join(model, 'schema-compiler.ts'))}),`,
    ');',
    'let loaded;',
    'export function loadedSchemaCompiler() { return loaded; }',
    'export async function loadSchemaCompiler() {',
    '  loaded ??= await load();',
    '  return loaded;',
    '}',
  ].join('\n');
}

/**
 * Replaces the schema compiler's loader with one that loads it on first need (see above).
 *
 * @example
 * await build({ ...options, plugins: [schemaCompilerOnNeed(repoRoot)] });
 */
export function schemaCompilerOnNeed(repoRoot: string): Plugin {
  return {
    name: 'credstack-schema-compiler-on-need',
    setup(builder) {
      builder.onLoad({ filter: LOADER }, () => ({
        contents: schemaCompilerOnNeedSource(repoRoot),
        loader: 'js',
        resolveDir: repoRoot,
      }));
    },
  };
}
