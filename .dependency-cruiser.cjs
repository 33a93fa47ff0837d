// The layer rules of credstack (docs/architecture.md, "Enforced layer rules"). `npm run lint:deps`
// checks them on every `npm test`; test/unit/architecture/ proves each rule fails on a wrong-way
// import, so a rule that silently stops matching is caught too.

// Product code: everything that ships or runs the product. Tests, benchmarks and scripts may
// reach anywhere; product code may not reach them.
const PRODUCT = '^(shared|pathways|functions|local|cli|infra)/';

// The credential library (and the core below it): pure functions over credentials, keys and
// proofs, usable without AWS, the store or the use cases (a verifier in a browser or CLI needs
// only these).
const LIBRARY = '^shared/(core|credentials)/';

// Where an SDK client or a socket may be built: the adapters, and the composition roots that
// wire them (one per Lambda function, the local runtime, the CDK app).
const ADAPTERS = '^(shared/adapters/|functions/lambda/|local/|infra/)';

// Everything above the domain: adapters and hosts.
const ABOVE_DOMAIN = '^(shared/adapters|functions|local|cli|infra)/';

// The top folders that own a `#…` subpath import (package.json "imports").
const TOP = ['shared', 'pathways', 'functions', 'local', 'test'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'A module cycle makes load order matter and layers meaningless.',
      from: { path: PRODUCT },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      severity: 'error',
      scope: 'folder',
      comment:
        'Folders form layers too: two folders that import each other are one layer in disguise.',
      from: { path: PRODUCT },
      to: { circular: true },
    },
    {
      name: 'pathways-stay-pure',
      severity: 'error',
      comment: 'The pathway engine is a pure library: it knows no domain, search, adapter or host.',
      from: { path: '^pathways/' },
      to: { path: '^(shared/(domain|adapters|search)|functions|local|cli|infra)/' },
    },
    {
      name: 'credentials-below-domain',
      severity: 'error',
      comment:
        'The credential library sits below the pathways, search, domain and adapter layers and the hosts.',
      from: { path: LIBRARY },
      to: { path: '^(shared/(domain|adapters|search)|pathways|functions|local|cli|infra)/' },
    },
    {
      name: 'search-below-use-cases',
      severity: 'error',
      comment:
        'Candidate documents and the embedded engine see the domain ports and records, never a use case or an adapter.',
      from: { path: '^shared/search/' },
      to: { path: `${ABOVE_DOMAIN}|^shared/domain/(?!ports/|records/)` },
    },
    {
      name: 'domain-below-adapters',
      severity: 'error',
      comment: 'Use cases speak to ports; the adapters behind them are handed in from above.',
      from: { path: '^shared/domain/' },
      to: { path: ABOVE_DOMAIN },
    },
    {
      name: 'cloud-sdk-in-adapters-only',
      severity: 'error',
      comment: 'Only adapter code imports an AWS SDK; the rest speaks to ports.',
      from: { path: PRODUCT, pathNot: ADAPTERS },
      to: { path: 'node_modules/@aws-sdk/' },
    },
    {
      name: 'network-in-adapters-only',
      severity: 'error',
      comment:
        'Only adapter code opens a socket (node:http, node:https, undici, …); the rest fetches through the Fetcher port.',
      from: { path: PRODUCT, pathNot: ADAPTERS },
      to: { path: '^(node:)?(http|https|http2|net|tls|dns|dgram)$|node_modules/undici/' },
    },
    {
      name: 'runtime-never-imports-hosts-or-tests',
      severity: 'error',
      comment: 'What is deployed (functions/, shared/) never depends on the local host or tests.',
      from: { path: '^(functions|shared)/' },
      to: { path: '^(local|test|bench)/' },
    },
    {
      name: 'product-never-imports-tests',
      severity: 'error',
      comment: 'Test code is never part of the product.',
      from: { path: PRODUCT },
      to: { path: '^test/' },
    },
    ...TOP.map((top) => ({
      name: `subpath-import-into-${top}`,
      severity: 'error',
      comment: `Code outside ${top}/ imports it as #${top}/…; relative paths stay inside a top folder.`,
      from: { path: '^[^/]+/', pathNot: `^${top}/` },
      to: { path: `^${top}/`, dependencyTypesNot: ['aliased-subpath-import'] },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The architecture fixture breaks every rule on purpose; its own test cruises it.
    exclude: { path: '(^|/)(node_modules|cdk\\.out|\\.data)/|^test/unit/architecture/fixture/' },
    parser: 'swc',
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
