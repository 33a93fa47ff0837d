// The layer rules of credstack (docs/architecture.md, "Enforced layer rules"). `npm run lint:deps`
// checks them on every `npm test`; test/unit/architecture/ proves each rule fails on a wrong-way
// import, so a rule that silently stops matching is caught too.

// Product code: everything that ships or runs the product. Tests, benchmarks and scripts may
// reach anywhere; product code may not reach them.
const PRODUCT = '^(shared|pathways|functions|local|cli|infra)/';

// The credential library: pure functions over credentials, keys and proofs, usable without AWS,
// the store or the service layer (a verifier in a browser or CLI needs only these).
const LIBRARY =
  '^shared/(core|credential|jsonld|crypto/(?!vault/)|proof|keys|status|bake|verify|present|fetch)(/|$)';

// Adapter code: the only places allowed to speak to a cloud SDK.
const ADAPTERS =
  '^(shared/store/dynamo|shared/crypto/kms-|shared/crypto/vault/kms-|shared/search/opensearch|functions/lambda|local/|infra/)';

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
      comment:
        'The pathway engine is a pure library: it knows no service, store, Lambda or local host.',
      from: { path: '^pathways/' },
      to: { path: '^(shared/service|shared/store|functions|local)/' },
    },
    {
      name: 'library-below-service',
      severity: 'error',
      comment:
        'The credential library sits below the service, store and search layers and the hosts.',
      from: { path: LIBRARY },
      to: { path: '^(shared/service|shared/store|shared/search|functions|local)/' },
    },
    {
      name: 'cloud-sdk-in-adapters-only',
      severity: 'error',
      comment: 'Only adapter code imports an AWS or OpenSearch SDK; the rest speaks to ports.',
      from: { path: PRODUCT, pathNot: ADAPTERS },
      to: { path: 'node_modules/(@aws-sdk|@opensearch-project)/' },
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
