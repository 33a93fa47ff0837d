import { spawnSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import type { RouteGroup } from '#functions/api/app.ts';
import { FUNCTIONS, type FunctionSpec } from '../function-catalog.ts';
import { ob3StandaloneValidator } from './ob3-standalone.ts';
import { schemaCompilerOnNeed } from './schema-compiler-on-need.ts';
import { standaloneValidators } from './standalone-validators.ts';

/**
 * How every Lambda function is bundled: one set of esbuild options, used by the CDK construct
 * (through `bundle-command.ts`), by the bundle-budget test and by the cold-start benchmark, so
 * all three measure and ship the very same bytes. Nothing here imports the CDK.
 */

/** The repository root: entries, aliases and source maps are all relative to it. */
export const REPO_ROOT: string = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Node flags of every function: stack traces name the TypeScript sources, via the maps. */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';

/** The file name Lambda loads (`index.handler`); an `.mjs` file is an ES module to Node. */
export const BUNDLE_FILE = 'index.mjs';

// credstack's own modules have no import-time side effects (nothing registers itself on
// import; every import binds a name), so a module whose exports go unused may be dropped.
const PURE_SOURCE_DIRS = ['shared', 'functions', 'pathways'].map(
  (dir) => `${join(REPO_ROOT, dir)}${sep}`,
);

function isProjectSource(path: string): boolean {
  return PURE_SOURCE_DIRS.some((dir) => path.startsWith(dir));
}

const RESOLVING = Symbol('credstack-resolving');

/**
 * Marks credstack's own modules as free of side effects, as a package's `"sideEffects": false`
 * would. esbuild then drops a module nobody uses a binding of: the public read function imports
 * `credentialJson` from the issuance use cases without taking the Data Integrity signer, jsonld
 * and the JSON-LD contexts along with it (about 200 KB).
 *
 * @example
 * await build({ ...lambdaBuildOptions(), plugins: [projectModulesArePure()] });
 */
export function projectModulesArePure(): Plugin {
  return {
    name: 'credstack-pure-modules',
    setup(builder) {
      builder.onResolve({ filter: /^[.#]/ }, async (args) => {
        if (args.pluginData === RESOLVING || !isProjectSource(args.importer)) return undefined;
        const result = await builder.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: RESOLVING,
        });
        if (result.errors.length > 0) return { errors: result.errors };
        return {
          path: result.path,
          namespace: result.namespace,
          external: result.external,
          suffix: result.suffix,
          sideEffects: isProjectSource(result.path) ? false : result.sideEffects,
        };
      });
    },
  };
}

const BUILTIN = 'credstack-builtin';

// Getters of Node built-ins that load a whole subsystem when read: node:http's WebSocket and
// its events load undici (about 100 ms on a loaded machine). A bundle that names them must
// import them some other way.
const DEFERRED_EXPORTS: Readonly<Record<string, readonly string[]>> = {
  'node:http': ['WebSocket', 'CloseEvent', 'MessageEvent'],
  'node:process': ['stdin'],
};

let pristineExports: Readonly<Record<string, readonly string[]>> | undefined;

/**
 * The export names of every Node built-in as a fresh `node` process sees them. Read in this
 * process they would depend on what ran before (a test runner patches some built-ins), and a
 * different set of names gives different minified names: the bundle would not be the bytes
 * the CDK construct ships. One child process per build, asked once.
 */
function builtinExports(): Readonly<Record<string, readonly string[]>> {
  if (pristineExports !== undefined) return pristineExports;
  const script =
    "const m=require('node:module');const o={};for(const n of m.builtinModules){const s=n.startsWith('node:')?n:'node:'+n;try{o[s]=Object.keys(require(s))}catch{}}process.stdout.write(JSON.stringify(o))";
  const result = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.status !== 0)
    throw new Error(`listing the exports of Node built-ins failed: ${result.stderr}`);
  pristineExports = JSON.parse(result.stdout) as Record<string, readonly string[]>;
  return pristineExports;
}

/** Source of a module that re-exports a built-in taken through `require`, getters deferred. */
function builtinThroughRequire(specifier: string): string {
  const exported = builtinExports()[specifier];
  if (exported === undefined) throw new Error(`not a Node built-in: ${specifier}`);
  const deferred = new Set(DEFERRED_EXPORTS[specifier] ?? []);
  const names = exported
    .filter((name) => name !== 'default' && !deferred.has(name) && /^[A-Za-z_$][\w$]*$/.test(name))
    .sort();
  return [
    `const builtin = require(${JSON.stringify(specifier)});`,
    'export default builtin;',
    // One pure binding per export, so the bundle keeps only those its modules use.
    ...names.map((name) => `export const ${name} = /* @__PURE__ */ (() => builtin.${name})();`),
  ].join('\n');
}

/**
 * Takes Node built-ins that bundled ES modules `import` through `require` instead. Importing a
 * built-in as an ES module builds its module facade, which reads every export, getters
 * included: node:http's WebSocket getter alone loads undici. Through `require` (as the bundle's
 * CommonJS dependencies already take them) only what is used is loaded. Measured on a cold
 * process: the 16 built-ins the API functions import cost 72–211 ms as ES modules, 15–34 ms
 * through `require`.
 *
 * @example
 * await build({ ...lambdaBuildOptions(), plugins: [builtinsThroughRequire()] });
 */
export function builtinsThroughRequire(): Plugin {
  return {
    name: 'credstack-builtins-through-require',
    setup(builder) {
      builder.onResolve({ filter: /^(node:)?[a-z_]+(\/[a-z_]+)?$/ }, (args) => {
        if (args.kind !== 'import-statement' || !isBuiltin(args.path)) return undefined;
        const specifier = args.path.startsWith('node:') ? args.path : `node:${args.path}`;
        // Built-ins that exist only with the prefix (node:test, node:sqlite) stay imports.
        if (!isBuiltin(specifier.slice('node:'.length))) return undefined;
        return { path: specifier, namespace: BUILTIN };
      });
      builder.onLoad({ filter: /.*/, namespace: BUILTIN }, (args) => ({
        contents: builtinThroughRequire(args.path),
        loader: 'js',
      }));
    },
  };
}

const stub = (file: string) => join(REPO_ROOT, 'infra/bundling/stubs', file);

/**
 * Where a function's AWS SDK comes from: `bundled` (the lockfile's version, in the bundle) or
 * `runtime` (every `@aws-sdk/*` import left to the Lambda runtime's own SDK v3). The cold-start
 * benchmark measures both; see docs/deploy.md for the trade.
 */
export type SdkSource = 'bundled' | 'runtime';

export interface LambdaBuildSettings {
  /** Default `bundled`. */
  readonly sdk?: SdkSource;
  /**
   * The lean Open Badges validator as Ajv standalone code (infra/bundling/ob3-standalone.ts);
   * default: none, the schema compiles on first use. {@link bundleFunctions} takes it from
   * each function's catalog entry (`precompiledOb3Check`).
   */
  readonly precompiledOb3Check?: boolean;
  /**
   * The route group an API function serves: its request validators come as Ajv standalone
   * code (infra/bundling/standalone-validators.ts). Default: none, the route schemas compile on
   * first use. {@link bundleFunctions} takes it from each function's catalog trigger.
   */
  readonly routeGroup?: RouteGroup;
}

/**
 * The esbuild options of every function: minified ES modules (an entry and, split by
 * {@link bundleFunctions}, its chunks) with the AWS SDK bundled (its version pinned by the
 * lockfile, not by the runtime), linked source maps without sources, ES module entry points of
 * dependencies preferred (they tree-shake), three dependencies replaced by stubs that cut what
 * a Lambda function never runs, the pathway rule validator and, for an API function, its route
 * group's request validators as standalone code, the Open Badges schema compiler loaded on
 * first need, and, where asked, the lean Open Badges validator as standalone code.
 *
 * @example
 * await build({ ...lambdaBuildOptions(), entryPoints: { 'api-public/index': entry }, outdir });
 */
export function lambdaBuildOptions(settings: LambdaBuildSettings = {}): BuildOptions {
  const runtimeSdk = settings.sdk === 'runtime';
  return {
    absWorkingDir: REPO_ROOT,
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    // ES module builds first: the SDK's dist-es tree-shakes, its CommonJS build does not.
    mainFields: ['module', 'main'],
    outExtension: { '.js': '.mjs' },
    external: runtimeSdk ? ['@aws-sdk/*'] : [],
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
    alias: {
      '@digitalbazaar/http-client': stub('no-network-loader.ts'),
      // With the runtime's SDK the runtime's own credential chain and event streams load.
      ...(runtimeSdk
        ? {}
        : {
            '@aws-sdk/credential-provider-node': stub('lambda-credentials.ts'),
            '@smithy/core/event-streams': stub('no-event-streams.ts'),
          }),
    },
    plugins: [
      projectModulesArePure(),
      builtinsThroughRequire(),
      ...(settings.precompiledOb3Check ? [ob3StandaloneValidator(REPO_ROOT)] : []),
      standaloneValidators(REPO_ROOT, settings.routeGroup),
      schemaCompilerOnNeed(REPO_ROOT),
    ],
    // CommonJS dependencies `require` Node built-ins, which an ES module has no `require` for
    // (every chunk gets its own, from its own URL).
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  };
}

/** Where the chunks a function loads on first need are written, beside its entry module. */
export const CHUNK_DIR = 'chunks';

/**
 * One function's bundle: `<outdir>/<name>/index.mjs`, the chunks under `chunks/`, each module
 * with its source map. The entry module and the chunks it imports statically are what Node
 * parses before the handler runs; the other chunks are parts a request loads on first need
 * (`import()`: the KMS client, the S3 client, the JSON-LD stack, …).
 */
export interface FunctionBundle {
  readonly name: string;
  readonly dir: string;
  readonly file: string;
  /**
   * Minified bytes loaded at start, source maps excluded: the entry module and, transitively,
   * every chunk it imports statically.
   */
  readonly startBytes: number;
  /** Minified bytes of every module shipped (entry and all chunks), source maps excluded. */
  readonly totalBytes: number;
  /** The modules shipped, relative to {@link FunctionBundle.dir}, the entry first. */
  readonly modules: readonly string[];
}

export interface BundleResult {
  readonly bundles: Readonly<Record<string, FunctionBundle>>;
  /** The metafiles of every function's build, merged (output paths are distinct). */
  readonly metafile: Metafile;
  /** Each function's own metafile. */
  readonly metafiles: Readonly<Record<string, Metafile>>;
}

/**
 * The outputs of one function's metafile that load at start: the entry and, transitively, the
 * chunks imported with an import statement (a dynamic `import()` is not followed).
 *
 * @example
 * const atStart = startOutputs(metafile, entryOutput);
 */
export function startOutputs(metafile: Metafile, entry: string): ReadonlySet<string> {
  return reachableOutputs(metafile, entry, ['import-statement']);
}

/** The outputs `entry` reaches through imports of the given kinds, itself included. */
function reachableOutputs(
  metafile: Metafile,
  entry: string,
  kinds: readonly string[],
): ReadonlySet<string> {
  const seen = new Set<string>();
  const pending = [entry];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    for (const imported of metafile.outputs[next]?.imports ?? [])
      if (kinds.includes(imported.kind) && !imported.external) pending.push(imported.path);
  }
  return seen;
}

/**
 * Bundles each entry (`name → path relative to the repository`) into `<outdir>/<name>/`,
 * replacing whatever was there. Each function is its own esbuild run with code splitting, so
 * its chunks are its own: the CDK ships `<outdir>/<name>/` whole as the function's asset.
 *
 * @example
 * const { bundles } = await bundleFunctions({ 'api-public': 'functions/lambda/api-public.ts' }, dir);
 * bundles['api-public'].startBytes;
 */
export async function bundleFunctions(
  entries: Readonly<Record<string, string>>,
  outdir: string,
  settings: LambdaBuildSettings = {},
): Promise<BundleResult> {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const specs: Readonly<Record<string, FunctionSpec>> = FUNCTIONS;
  const built = await Promise.all(
    Object.entries(entries).map(async ([name, entry]) => {
      const dir = resolve(outdir, name);
      const trigger = specs[name]?.trigger;
      const result = await build({
        ...lambdaBuildOptions({
          precompiledOb3Check: specs[name]?.precompiledOb3Check ?? false,
          ...(trigger?.kind === 'http' ? { routeGroup: trigger.group } : {}),
          ...settings,
        }),
        entryPoints: { [BUNDLE_FILE.replace(/\.mjs$/, '')]: join(REPO_ROOT, entry) },
        outdir: dir,
        splitting: true,
        chunkNames: `${CHUNK_DIR}/[name]-[hash]`,
      });
      if (result.metafile === undefined) throw new Error('esbuild returned no metafile');
      return { name, dir, metafile: result.metafile };
    }),
  );
  const bundles: Record<string, FunctionBundle> = {};
  const metafiles: Record<string, Metafile> = {};
  const merged: Metafile = { inputs: {}, outputs: {} };
  for (const { name, dir, metafile } of built) {
    metafiles[name] = metafile;
    let modules = Object.keys(metafile.outputs).filter((path) => path.endsWith('.mjs'));
    // Chunks of dynamic imports are entry points too: the function's entry is the one Lambda loads.
    const file = join(dir, BUNDLE_FILE);
    const entry = modules.find((path) => resolve(REPO_ROOT, path) === file);
    if (entry === undefined) throw new Error(`esbuild wrote no bundle for ${name}`);
    const atStart = startOutputs(metafile, entry);
    // esbuild makes a chunk of every `import()` it reads, also in code it then drops (the
    // signer's dynamic import in use cases a function does not use): no import reaches those
    // chunks from the entry, so they are not shipped.
    const reachable = reachableOutputs(metafile, entry, ['import-statement', 'dynamic-import']);
    for (const path of modules.filter((module) => !reachable.has(module))) {
      const absolute = resolve(REPO_ROOT, path);
      await rm(absolute);
      await rm(`${absolute}.map`, { force: true });
      delete metafile.outputs[path];
      delete metafile.outputs[`${path}.map`];
    }
    modules = modules.filter((module) => reachable.has(module));
    const bytes = (paths: Iterable<string>) =>
      [...paths].reduce((sum, path) => sum + (metafile.outputs[path]?.bytes ?? 0), 0);
    Object.assign(merged.inputs, metafile.inputs);
    Object.assign(merged.outputs, metafile.outputs);
    bundles[name] = {
      name,
      dir,
      file,
      startBytes: bytes(atStart),
      totalBytes: bytes(modules),
      modules: [entry, ...modules.filter((path) => path !== entry).sort()].map((path) =>
        relative(dir, resolve(REPO_ROOT, path)),
      ),
    };
  }
  return { bundles, metafile: merged, metafiles };
}
