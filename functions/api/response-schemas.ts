import type { JsonSchema } from '../http/route.ts';
import { PATHWAY_EXAMPLE } from './pathway-example.ts';

/**
 * Response schemas (JSON Schema 2020-12) and examples of the API's answers. They describe what
 * the use cases return, name the fields a client may rely on, and leave room for fields added
 * later (objects stay open). The fuzz run (`npm run test:fuzz`) checks every response the
 * service gives against them, so a schema that drifts from the code fails the build.
 */

const BASE = 'https://credentials.example.org';
const ISSUER_DID = 'did:web:credentials.example.org:issuers:northfield';
const ACHIEVEMENT_UUID = '0b7f6c1e-3d0a-4a36-9d0e-5f6c2b1a8e41';
const CREDENTIAL_ID = 'urn:uuid:8e0f3b57-6d2c-4d8e-a1b9-2f4c6a7d9e10';
const AT = '2026-03-14T09:30:00.000Z';
/** A compact JWS, shortened. */
const JWS =
  'eyJhbGciOiJFUzI1NiIsImtpZCI6ImtleS0xIiwidHlwIjoidmMrand0In0.eyJpc3MiOiJkaWQ6d2ViOi4uLiJ9.c2lnbmF0dXJl';

const str = { type: 'string' } as const;
const int = { type: 'integer', minimum: 0 } as const;
const instant = { type: 'string', description: 'An ISO-8601 instant.' } as const;
const cursor = {
  type: 'string',
  description: 'Present when more items follow: pass it back as `cursor`.',
} as const;

/** An object with the `required` fields; other fields may appear. */
function object(
  properties: Record<string, unknown>,
  required: readonly string[] = [],
  extra: Record<string, unknown> = {},
): JsonSchema {
  return { type: 'object', required: [...required], properties, ...extra };
}

/** A page of `item`s with an optional cursor (`cursorName`). */
function page(item: JsonSchema, example: unknown, cursorName = 'cursor'): JsonSchema {
  return object({ items: { type: 'array', items: item }, [cursorName]: cursor }, ['items'], {
    example: { items: [example] },
  });
}

// ---------------------------------------------------------------- issuers and achievements

const issuerExample = {
  id: 'northfield',
  did: ISSUER_DID,
  name: 'Northfield College',
  profile: { name: 'Northfield College', url: 'https://northfield.example.edu' },
  didDocument: `${BASE}/issuers/northfield/did.json`,
  keys: [{ id: `${ISSUER_DID}#key-es256-1`, algorithm: 'ES256', status: 'active' }],
  createdAt: AT,
};

/** A line of the platform's issuer list. */
export const issuerPage: JsonSchema = page(
  object({ id: str, did: str, name: str, didDocument: str, createdAt: instant }, [
    'id',
    'did',
    'name',
    'didDocument',
    'createdAt',
  ]),
  {
    id: issuerExample.id,
    did: issuerExample.did,
    name: issuerExample.name,
    didDocument: issuerExample.didDocument,
    createdAt: AT,
  },
);

export const issuerResponse: JsonSchema = object(
  {
    id: str,
    did: str,
    name: str,
    profile: object({ name: str, url: str, email: str, description: str, image: {} }, ['name']),
    didDocument: { type: 'string', description: 'URL of the did:web document.' },
    keys: {
      type: 'array',
      items: object(
        {
          id: str,
          algorithm: str,
          status: { enum: ['active', 'retired'] },
          createdAt: instant,
          retiredAt: instant,
        },
        ['id', 'algorithm', 'status'],
      ),
    },
    createdAt: instant,
  },
  ['id', 'did', 'name', 'profile', 'didDocument', 'keys', 'createdAt'],
  { example: issuerExample },
);

const achievementExample = {
  issuerId: 'northfield',
  id: ACHIEVEMENT_UUID,
  definition: {
    name: 'Data Cleaning and Preparation',
    description: 'Prepares raw data for analysis.',
    criteria: { narrative: 'Cleaned three real data sets and documented each step.' },
    alignment: [
      {
        targetName: 'Data Scientists',
        targetUrl: 'https://www.onetonline.org/link/summary/15-2051.00',
        targetFramework: 'O*NET-SOC',
        targetCode: '15-2051.00',
      },
    ],
  },
  proofFormat: 'vc-jwt',
  algorithm: 'ES256',
  statusPurpose: 'revocation',
  createdAt: AT,
  url: `${BASE}/issuers/northfield/achievements/${ACHIEVEMENT_UUID}`,
};

const achievementItem = object(
  {
    issuerId: str,
    id: str,
    definition: object({ name: str, description: str, criteria: { type: 'object' } }, [
      'name',
      'description',
      'criteria',
    ]),
    proofFormat: { enum: ['vc-jwt', 'eddsa-rdfc-2022'] },
    algorithm: { enum: ['ES256', 'RS256'] },
    statusPurpose: { enum: ['revocation', 'suspension'] },
    createdAt: instant,
    url: { type: 'string', description: 'The achievement id used in credentials.' },
    revision: { type: 'integer', minimum: 1, description: 'The version: absent means 1.' },
    previousId: { type: 'string', description: 'The id of the version this one replaces.' },
  },
  ['issuerId', 'id', 'definition', 'proofFormat', 'createdAt', 'url'],
);

export const achievementResponse: JsonSchema = { ...achievementItem, example: achievementExample };
export const achievementPage: JsonSchema = page(achievementItem, achievementExample);

export const didDocumentResponse: JsonSchema = object(
  {
    '@context': {},
    id: str,
    verificationMethod: { type: 'array', items: object({ id: str, type: str }, ['id', 'type']) },
  },
  ['id', 'verificationMethod'],
  {
    example: {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: ISSUER_DID,
      verificationMethod: [
        {
          id: `${ISSUER_DID}#key-es256-1`,
          type: 'JsonWebKey2020',
          controller: ISSUER_DID,
          publicKeyJwk: { kty: 'EC', crv: 'P-256', x: '…', y: '…' },
        },
      ],
      assertionMethod: [`${ISSUER_DID}#key-es256-1`],
    },
  },
);

export const jwksResponse: JsonSchema = object(
  { keys: { type: 'array', items: object({ kty: str }, ['kty']) } },
  ['keys'],
  {
    example: {
      keys: [{ kty: 'EC', crv: 'P-256', x: '…', y: '…', kid: 'key-es256-1', alg: 'ES256' }],
    },
  },
);

// ---------------------------------------------------------------- credentials

export const issuedResponse: JsonSchema = object(
  {
    verifiableCredential: {
      description: 'A VC-JWT (compact JWS), or a JSON credential with a Data Integrity proof.',
      oneOf: [str, { type: 'object' }],
    },
    id: { type: 'string', description: 'The credential id (`urn:uuid:…`).' },
  },
  ['verifiableCredential', 'id'],
  { example: { verifiableCredential: JWS, id: CREDENTIAL_ID } },
);

const checkItem = object(
  {
    id: str,
    outcome: { enum: ['passed', 'failed', 'warning', 'skipped'] },
    reason: str,
    path: str,
  },
  ['id', 'outcome', 'reason'],
);

/** credstack's verification report: every check, the verdict and the issuer binding. */
const reportSchema = object(
  {
    verdict: { enum: ['valid', 'invalid', 'unusable'] },
    decidingCheck: str,
    checks: { type: 'array', items: checkItem },
    issuerBinding: object({ bound: { type: 'boolean' }, reason: str, keyId: str }, [
      'bound',
      'reason',
    ]),
    input: object({ format: str, proof: str }, ['format']),
  },
  ['verdict', 'checks', 'issuerBinding', 'input'],
);

const reportExample = {
  verdict: 'valid',
  checks: [
    { id: 'format', outcome: 'passed', reason: 'a compact JWS' },
    { id: 'proof', outcome: 'passed', reason: 'the ES256 signature verifies' },
    { id: 'status', outcome: 'passed', reason: 'not revoked' },
  ],
  issuerBinding: {
    bound: true,
    reason: "the key is in the issuer's DID document",
    keyId: `${ISSUER_DID}#key-es256-1`,
  },
  input: { format: 'jwt', proof: 'vc-jwt' },
};

const problemList = {
  type: 'array',
  items: object({ check: str, message: str }, ['check', 'message']),
} as const;

export const verifyResponse: JsonSchema = object(
  {
    verified: { type: 'boolean' },
    checks: { type: 'array', items: str, description: 'The checks that passed.' },
    warnings: problemList,
    errors: problemList,
    report: reportSchema,
  },
  ['verified', 'checks', 'warnings', 'errors', 'report'],
  {
    example: {
      verified: true,
      checks: ['format', 'proof', 'status'],
      warnings: [],
      errors: [],
      report: reportExample,
    },
  },
);

export const statusResponse: JsonSchema = object(
  { credentialId: str, status: { enum: ['active', 'revoked', 'suspended'] } },
  ['credentialId', 'status'],
  { example: { credentialId: CREDENTIAL_ID, status: 'revoked' } },
);

const batchJob = object(
  {
    id: str,
    issuerId: str,
    achievementId: str,
    state: str,
    total: int,
    issued: int,
    failed: int,
    createdAt: instant,
  },
  ['id', 'issuerId', 'state'],
);
const batchJobExample = {
  id: '5b1e2c7a-0f3d-4c1e-9a2b-7d6e5f4c3b2a',
  issuerId: 'northfield',
  achievementId: ACHIEVEMENT_UUID,
  state: 'queued',
  total: 2,
  issued: 0,
  failed: 0,
  createdAt: AT,
};

export const batchAccepted: JsonSchema = { ...batchJob, example: batchJobExample };

export const batchStatusResponse: JsonSchema = object(
  {
    job: batchJob,
    recipients: {
      type: 'array',
      items: object(
        {
          index: int,
          recipient: object({ id: str, email: str }),
          state: { enum: ['pending', 'issued', 'failed'] },
          credentialId: str,
          error: str,
        },
        ['index', 'recipient', 'state'],
      ),
    },
    cursor,
  },
  ['job', 'recipients'],
  {
    example: {
      job: { ...batchJobExample, state: 'done', issued: 1, failed: 0 },
      recipients: [
        {
          index: 0,
          recipient: { email: 'grace.learner@mail.example' },
          state: 'issued',
          credentialId: CREDENTIAL_ID,
        },
      ],
    },
  },
);

/** A credential as JSON-LD (`application/vc+ld+json`), or its VC-JWT when asked. */
export const credentialDocument: JsonSchema = object(
  { '@context': {}, id: str, type: {}, issuer: {}, credentialSubject: { type: 'object' } },
  ['@context', 'type', 'issuer', 'credentialSubject'],
  {
    example: {
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ],
      id: CREDENTIAL_ID,
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: ISSUER_DID, type: ['Profile'], name: 'Northfield College' },
      validFrom: AT,
      credentialSubject: {
        type: ['AchievementSubject'],
        achievement: { id: achievementExample.url, name: 'Data Cleaning and Preparation' },
      },
    },
  },
);

/** A compact JWS as text. */
export const jwsText: JsonSchema = { type: 'string', example: JWS };

// ---------------------------------------------------------------- learners and pathways

const learnerCredentialExample = {
  id: CREDENTIAL_ID,
  issuer: { id: 'northfield', did: ISSUER_DID, name: 'Northfield College' },
  achievement: { id: ACHIEVEMENT_UUID, name: 'Data Cleaning and Preparation' },
  issuedAt: AT,
  state: 'active',
  proofFormat: 'vc-jwt',
  links: {
    json: `${BASE}/credentials/${CREDENTIAL_ID}`,
    jwt: `${BASE}/credentials/${CREDENTIAL_ID}/credential.jwt`,
    verify: `${BASE}/credentials/${CREDENTIAL_ID}/verify`,
    png: `${BASE}/credentials/${CREDENTIAL_ID}/badge.png`,
    svg: `${BASE}/credentials/${CREDENTIAL_ID}/badge.svg`,
  },
};

export const learnerCredentialPage: JsonSchema = page(
  object(
    {
      id: str,
      issuer: object({ id: str, did: str, name: str }, ['id', 'did']),
      achievement: object({ id: str, name: str }, ['id']),
      issuedAt: instant,
      validUntil: instant,
      state: { enum: ['active', 'revoked', 'suspended'] },
      proofFormat: { enum: ['vc-jwt', 'eddsa-rdfc-2022'] },
      award: object({ pathwayId: str, version: int }, ['pathwayId', 'version']),
      links: object({ json: str, jwt: str, verify: str, png: str, svg: str }, [
        'json',
        'verify',
        'png',
        'svg',
      ]),
    },
    ['id', 'issuer', 'achievement', 'issuedAt', 'state', 'proofFormat', 'links'],
  ),
  learnerCredentialExample,
);

const pathwayVersion = object(
  {
    issuerId: str,
    pathwayId: str,
    version: { type: 'integer', minimum: 1 },
    definition: { type: 'object', description: 'The rule (credstack-pathway/1).' },
    createdAt: instant,
  },
  ['issuerId', 'pathwayId', 'version', 'definition', 'createdAt'],
);
const pathwayVersionExample = {
  issuerId: 'northfield',
  pathwayId: 'data-analyst-foundations',
  version: 1,
  definition: PATHWAY_EXAMPLE,
  createdAt: AT,
};

export const pathwayVersionResponse: JsonSchema = {
  ...pathwayVersion,
  example: pathwayVersionExample,
};

const pathwayJob = object(
  {
    id: str,
    issuerId: str,
    pathwayId: str,
    version: { type: 'integer', minimum: 1 },
    state: str,
    learners: int,
    evaluated: int,
    awarded: int,
    createdAt: instant,
    finishedAt: instant,
  },
  ['id', 'issuerId', 'pathwayId', 'version', 'state', 'evaluated', 'awarded', 'createdAt'],
);
const pathwayJobExample = {
  id: '1c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f',
  issuerId: 'northfield',
  pathwayId: 'data-analyst-foundations',
  version: 1,
  state: 'done',
  learners: 3,
  evaluated: 3,
  awarded: 1,
  createdAt: AT,
  finishedAt: AT,
};

export const pathwayJobResponse: JsonSchema = { ...pathwayJob, example: pathwayJobExample };

export const publishedResponse: JsonSchema = {
  ...pathwayVersion,
  required: [...(pathwayVersion.required as string[]), 'evaluationJob'],
  properties: {
    ...(pathwayVersion.properties as Record<string, unknown>),
    evaluationJob: pathwayJob,
  },
  example: { ...pathwayVersionExample, evaluationJob: { ...pathwayJobExample, state: 'queued' } },
};

const progressProperties = {
  issuerId: str,
  pathway: object({ id: str, version: int, name: str }, ['id', 'version', 'name']),
  satisfied: { type: 'boolean' },
  progress: { type: 'number', minimum: 0, maximum: 100, description: 'Percent complete.' },
  explanation: { type: 'object', description: 'Per-node results: "k of N" and what counted.' },
  nextSteps: {
    type: 'array',
    description: 'The fewest requirements left, with alternatives.',
    items: object({ kind: { enum: ['achievement', 'skill', 'pathway', 'credits'] }, path: str }, [
      'kind',
      'path',
    ]),
  },
};
const progressRequired = [
  'issuerId',
  'pathway',
  'satisfied',
  'progress',
  'explanation',
  'nextSteps',
];
const progressExample = {
  issuerId: 'northfield',
  pathway: { id: 'data-analyst-foundations', version: 1, name: 'Data Analyst Foundations' },
  satisfied: false,
  progress: 80,
  explanation: {
    path: '/root',
    kind: 'allOf',
    satisfied: false,
    kOfN: { have: 2, need: 3 },
    progress: 80,
  },
  nextSteps: [
    {
      kind: 'credits',
      path: '/root/allOf/2',
      creditsNeeded: 2,
      constraints: {},
    },
  ],
};

export const progressResponse: JsonSchema = object(
  { items: { type: 'array', items: object(progressProperties, progressRequired) } },
  ['items'],
  { example: { items: [progressExample] } },
);

export const whatIfResponse: JsonSchema = object(
  {
    ...progressProperties,
    newlySatisfied: { type: 'array', items: str },
    progressDelta: { type: 'number' },
  },
  [...progressRequired, 'newlySatisfied', 'progressDelta'],
  {
    example: {
      ...progressExample,
      satisfied: true,
      progress: 100,
      newlySatisfied: ['data-analyst-foundations'],
      progressDelta: 20,
    },
  },
);

// ---------------------------------------------------------------- search, consent, imports

const badgeExample = {
  credentialId: CREDENTIAL_ID,
  verifyUrl: `${BASE}/credentials/${CREDENTIAL_ID}/verify`,
  issuerId: 'northfield',
  issuerName: 'Northfield College',
  achievementId: achievementExample.url,
  achievementName: 'Data Cleaning and Preparation',
  achievementType: 'Badge',
  skills: [{ key: 'ONET:15-2051.00', name: 'Data Scientists' }],
  issuedAt: AT,
};

/** A badge behind a matched skill: what the hit's reasons show, and where to verify it. */
const matchedBadge = object(
  {
    credentialId: str,
    verifyUrl: str,
    issuerId: str,
    issuerName: str,
    achievementName: str,
    issuedAt: instant,
    result: str,
    via: {
      type: 'string',
      description: 'The skill the badge names, when matched through the crosswalk.',
    },
  },
  ['credentialId', 'verifyUrl', 'issuerId', 'issuerName', 'achievementName', 'issuedAt'],
);
const skillMatches = {
  type: 'array',
  items: object({ skill: str, badges: { type: 'array', items: matchedBadge } }, [
    'skill',
    'badges',
  ]),
} as const;
const facetCounts = {
  type: 'array',
  items: object({ key: str, label: str, count: int }, ['key', 'count']),
} as const;

export const searchResponse: JsonSchema = object(
  {
    total: int,
    hits: {
      type: 'array',
      items: object(
        {
          learnerId: str,
          displayName: str,
          score: { type: 'number', description: 'The documented relevance (docs/search.md).' },
          matched: object(
            {
              mustHave: skillMatches,
              niceToHave: skillMatches,
              atLeast: skillMatches,
              text: { type: 'array', items: matchedBadge },
            },
            ['mustHave', 'niceToHave', 'atLeast', 'text'],
          ),
          missing: object(
            { niceToHave: { type: 'array', items: str }, atLeast: { type: 'array', items: str } },
            ['niceToHave', 'atLeast'],
          ),
        },
        ['learnerId', 'displayName', 'score', 'matched', 'missing'],
      ),
    },
    facets: object({ skills: facetCounts, issuers: facetCounts, achievementTypes: facetCounts }, [
      'skills',
      'issuers',
      'achievementTypes',
    ]),
    next: { type: 'string', description: 'Present when more hits follow: pass it as `after`.' },
    skills: { type: 'array', items: object({ key: str, name: str }, ['key']) },
    unknownSkills: {
      type: 'array',
      items: object({ input: str, key: str, reason: str }, ['input', 'key', 'reason']),
    },
  },
  ['total', 'hits', 'skills', 'unknownSkills'],
  {
    example: {
      total: 1,
      hits: [
        {
          learnerId: 'ada',
          displayName: 'Ada L.',
          score: 1.93,
          matched: {
            mustHave: [
              {
                skill: 'ONET:15-2051.00',
                badges: [
                  {
                    credentialId: CREDENTIAL_ID,
                    verifyUrl: `${BASE}/credentials/${CREDENTIAL_ID}/verify`,
                    issuerId: ISSUER_DID,
                    issuerName: 'Northfield College',
                    achievementName: 'Data Cleaning and Preparation',
                    issuedAt: AT,
                    result: '91',
                  },
                ],
              },
            ],
            niceToHave: [],
            atLeast: [],
            text: [],
          },
          missing: { niceToHave: [], atLeast: [] },
        },
      ],
      facets: {
        skills: [{ key: 'ONET:15-2051.00', label: 'Data Scientists', count: 1 }],
        issuers: [{ key: ISSUER_DID, label: 'Northfield College', count: 1 }],
        achievementTypes: [{ key: 'Badge', label: 'Badge', count: 1 }],
      },
      skills: [{ key: 'ONET:15-2051.00', name: 'Data Scientists' }],
      unknownSkills: [],
    },
  },
);

export const csvText: JsonSchema = {
  type: 'string',
  example: 'learnerId,displayName,score,matched\r\nada,Ada L.,2,ONET:15-2051.00\r\n',
};

export const candidateResponse: JsonSchema = object(
  { learnerId: str, displayName: str, badges: { type: 'array', items: { type: 'object' } } },
  ['learnerId', 'displayName', 'badges'],
  { example: { learnerId: 'ada', displayName: 'Ada L.', badges: [badgeExample] } },
);

export const candidateCredentialResponse: JsonSchema = object({}, [], {
  description: 'The imported credential as signed, and a verification report made now.',
  example: {
    id: 'imp-3f2a',
    credentialId: 'urn:uuid:5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
    signed: JWS,
    report: reportExample,
  },
});

export const searchAuditPage: JsonSchema = page(
  object(
    {
      id: str,
      tenantId: str,
      employerId: str,
      subject: str,
      kind: { enum: ['search', 'export', 'profile-view'] },
      at: instant,
      query: { type: 'object' },
      total: int,
      learnerIds: { type: 'array', items: str },
    },
    ['id', 'kind', 'at'],
  ),
  {
    id: 'a1b2c3',
    tenantId: 'default',
    employerId: 'acme-analytics',
    subject: 'dev-employer',
    kind: 'search',
    at: AT,
    query: { mustHave: ['ONET:15-2051.00'] },
    total: 1,
    learnerIds: ['ada'],
  },
);

export const consentResponse: JsonSchema = object(
  {
    tenantId: str,
    state: { enum: ['given', 'withdrawn'] },
    displayName: str,
    employers: { oneOf: [{ const: 'all' }, { type: 'array', items: str }] },
    until: instant,
    givenAt: instant,
    updatedAt: instant,
    discoverable: { type: 'boolean' },
  },
  ['tenantId', 'state', 'displayName', 'employers', 'givenAt', 'updatedAt', 'discoverable'],
  {
    example: {
      tenantId: 'default',
      state: 'given',
      displayName: 'Ada L.',
      employers: 'all',
      givenAt: AT,
      updatedAt: AT,
      discoverable: true,
    },
  },
);

export const searchActivityPage: JsonSchema = page(
  object(
    {
      at: instant,
      kind: { enum: ['search-hit', 'profile-view', 'export'] },
      tenantId: str,
      employerId: str,
      skills: { type: 'array', items: str },
    },
    ['at', 'kind', 'tenantId', 'employerId', 'skills'],
  ),
  {
    at: AT,
    kind: 'search-hit',
    tenantId: 'default',
    employerId: 'acme-analytics',
    skills: ['ONET:15-2051.00'],
  },
);

export const searchSettingsResponse: JsonSchema = object(
  {
    tenantId: str,
    issuerTiers: { type: 'object', additionalProperties: str },
    updatedAt: instant,
  },
  ['tenantId', 'issuerTiers'],
  {
    example: {
      tenantId: 'default',
      issuerTiers: { [ISSUER_DID]: 'accredited' },
      updatedAt: AT,
    },
  },
);

const importItem = object(
  {
    id: str,
    credentialId: str,
    state: { enum: ['verified', 'invalid'] },
    source: object({ format: { enum: ['json', 'jwt', 'png', 'svg'] }, url: str }, ['format']),
    issuer: object({ id: str, name: str }),
    achievement: object({ id: str, name: str }),
    importedAt: instant,
    verifiedAt: instant,
    report: reportSchema,
  },
  [
    'id',
    'credentialId',
    'state',
    'source',
    'issuer',
    'achievement',
    'importedAt',
    'verifiedAt',
    'report',
  ],
);
const importExample = {
  id: 'imp-3f2a',
  credentialId: 'urn:uuid:5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
  state: 'verified',
  source: { format: 'jwt' },
  issuer: { id: 'did:web:badges.example.com', name: 'Example Academy' },
  achievement: { id: 'https://badges.example.com/achievements/sql', name: 'SQL Basics' },
  importedAt: AT,
  verifiedAt: AT,
  report: reportExample,
};

export const importResponse: JsonSchema = { ...importItem, example: importExample };
export const importPage: JsonSchema = page(importItem, importExample);

/** An HTML page. */
export const htmlText: JsonSchema = {
  type: 'string',
  example: '<!doctype html><html lang="en">…</html>',
};

/** What an import would do (POST …/imports/preview): nothing is stored. */
export const importPreviewResponse: JsonSchema = object(
  {
    accepted: { type: 'boolean' },
    refusal: str,
    alreadyImported: { type: 'boolean' },
    format: { enum: ['json', 'jwt', 'png', 'svg'] },
    credentialId: str,
    issuer: object({ id: str, name: str }),
    achievement: object({ id: str, name: str }),
    report: reportSchema,
  },
  ['accepted', 'alreadyImported', 'format', 'issuer', 'achievement', 'report'],
  {
    example: {
      accepted: true,
      alreadyImported: false,
      format: 'png',
      credentialId: importExample.credentialId,
      issuer: importExample.issuer,
      achievement: importExample.achievement,
      report: reportExample,
    },
  },
);

/** GET /learners/{learnerId}/consent/receipt. */
export const consentReceiptResponse: JsonSchema = object(
  {
    schema: { const: 'credstack-consent-receipt/1' },
    receiptId: str,
    issuedAt: instant,
    event: { enum: ['given', 'withdrawn'] },
    dataSubject: object({ learnerId: str, shownAs: str }, ['learnerId', 'shownAs']),
    controller: object({ service: str, tenant: str }, ['service', 'tenant']),
    purpose: object(
      {
        description: str,
        processing: { type: 'array', items: str },
        personalData: { type: 'array', items: str },
      },
      ['description', 'processing', 'personalData'],
    ),
    recipients: object(
      { employers: { oneOf: [{ const: 'all' }, { type: 'array', items: str }] } },
      ['employers'],
    ),
    legalBasis: { const: 'consent' },
    validity: object(
      {
        from: instant,
        until: { oneOf: [instant, { type: 'null' }] },
        withdrawnAt: { oneOf: [instant, { type: 'null' }] },
      },
      ['from', 'until', 'withdrawnAt'],
    ),
    howToWithdraw: str,
  },
  [
    'schema',
    'receiptId',
    'issuedAt',
    'event',
    'dataSubject',
    'controller',
    'purpose',
    'recipients',
    'legalBasis',
    'validity',
    'howToWithdraw',
  ],
  {
    example: {
      schema: 'credstack-consent-receipt/1',
      receiptId: `default:ada:${AT}:withdrawn`,
      issuedAt: AT,
      event: 'withdrawn',
      dataSubject: { learnerId: 'ada', shownAs: 'Ada L.' },
      controller: { service: BASE, tenant: 'default' },
      purpose: {
        description:
          'Let employers find me in candidate search by the skills my verified badges show, and see my profile.',
        processing: ['candidate search', 'profile view', 'shortlist export'],
        personalData: ['the name shown to employers'],
      },
      recipients: { employers: [] },
      legalBasis: 'consent',
      validity: { from: AT, until: null, withdrawnAt: AT },
      howToWithdraw: `${BASE}/app/privacy`,
    },
  },
);

/** The dry run of a CSV award. */
export const csvCheckResponse: JsonSchema = object(
  {
    valid: { type: 'boolean' },
    refused: { ...str, description: 'Why the file is refused as a whole, when it is' },
    rows: int,
    recipientCount: int,
    problems: {
      type: 'array',
      items: object(
        {
          row: { type: 'integer', minimum: 2, description: 'As a spreadsheet numbers it' },
          column: str,
          detail: str,
        },
        ['row', 'detail'],
      ),
    },
  },
  ['valid', 'rows', 'recipientCount', 'problems'],
  {
    example: {
      valid: false,
      rows: 3,
      recipientCount: 0,
      problems: [{ row: 3, column: 'email', detail: 'duplicate recipient: same as row 2' }],
    },
  },
);

/** `GET /issuers/{issuerId}/pathways`: one summary per pathway. */
export const issuerPathwaysResponse: JsonSchema = {
  type: 'object',
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['issuerId', 'pathwayId', 'name', 'url'],
        properties: {
          issuerId: { type: 'string' },
          pathwayId: { type: 'string' },
          name: { type: 'string' },
          publishedVersion: { type: 'integer', minimum: 1 },
          latestVersion: {
            type: 'integer',
            minimum: 1,
            description: "Only for the issuer's own admins",
          },
          url: { type: 'string', format: 'uri' },
        },
      },
    },
  },
  example: {
    items: [
      {
        issuerId: 'northfield',
        pathwayId: 'data-analyst-foundations',
        name: 'Data Analyst Foundations',
        publishedVersion: 1,
        url: 'https://badges.example.org/issuers/northfield/pathways/data-analyst-foundations',
      },
    ],
  },
};
