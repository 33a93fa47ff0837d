import type { Clock } from '#shared/core/clock.ts';
import type { SearchIndex } from '#shared/domain/ports/search-index.ts';
import type {
  AchievementRepository,
  BatchJobRepository,
  CandidateSourceRepository,
  ConsentRepository,
  CredentialRepository,
  EmployerListRepository,
  IdempotencyRepository,
  ImageRepository,
  ImportRepository,
  IssuerRepository,
  KeyVault,
  PathwayJobRepository,
  PathwayRepository,
  SearchAuditRepository,
  SearchSettingsRepository,
  StatusListRepository,
} from './repositories.ts';

/**
 * Everything a use case needs, built once per runtime by its composition root (the Lambda
 * entry or the local runtime) and passed in: no use case builds a client or reads the
 * environment.
 */
export interface ServiceContext {
  /** Public base URL of the service, no trailing slash (`https://api.example.org`). */
  readonly baseUrl: string;
  readonly clock: Clock;
  readonly issuers: IssuerRepository;
  readonly achievements: AchievementRepository;
  readonly credentials: CredentialRepository;
  readonly statusLists: StatusListRepository;
  readonly idempotency: IdempotencyRepository;
  readonly batchJobs: BatchJobRepository;
  readonly pathways: PathwayRepository;
  readonly pathwayJobs: PathwayJobRepository;
  readonly vault: KeyVault;
  /** Credentials learners imported, with their verification reports. */
  readonly imports: ImportRepository;
  readonly consents: ConsentRepository;
  readonly searchAudit: SearchAuditRepository;
  readonly searchSettings: SearchSettingsRepository;
  /** Employers' shortlists and saved searches. */
  readonly employerLists: EmployerListRepository;
  /** The indexer's version counters and copies of issued credentials. */
  readonly candidateSources: CandidateSourceRepository;
  /** Where consenting learners are found: OpenSearch in AWS, the embedded engine locally. */
  readonly searchIndex: SearchIndex;
  /**
   * Uploaded badge images (a folder under `.data` locally); absent where the runtime has no
   * image store, and then uploads are refused with 503.
   */
  readonly images?: ImageRepository;
}

/**
 * The did:web of an issuer hosted by this service: the host (with its port percent-encoded,
 * as did:web requires) followed by the `issuers/<id>` path, so that it resolves to
 * `<baseUrl>/issuers/<id>/did.json`.
 *
 * @example
 * issuerDid('http://127.0.0.1:3000', 'northfield'); // 'did:web:127.0.0.1%3A3000:issuers:northfield'
 */
export function issuerDid(baseUrl: string, issuerId: string): string {
  const url = new URL(baseUrl);
  const host = url.port ? `${url.hostname}%3A${url.port}` : url.hostname;
  const path = url.pathname.split('/').filter(Boolean);
  return ['did:web', host, ...path, 'issuers', issuerId].join(':');
}

/** URLs of an issuer's public documents and of its resources. */
export const urls = {
  didDocument: (baseUrl: string, issuerId: string) => `${baseUrl}/issuers/${issuerId}/did.json`,
  jwks: (baseUrl: string, issuerId: string) => `${baseUrl}/issuers/${issuerId}/jwks.json`,
  achievement: (baseUrl: string, issuerId: string, achievementId: string) =>
    `${baseUrl}/issuers/${issuerId}/achievements/${achievementId}`,
  statusList: (baseUrl: string, listId: string, purpose: string) =>
    `${baseUrl}/status/${listId}/${purpose}`,
  credential: (baseUrl: string, credentialId: string) =>
    `${baseUrl}/credentials/${encodeURIComponent(credentialId)}`,
} as const;
