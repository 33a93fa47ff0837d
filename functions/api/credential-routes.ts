import { checkCsvBatch, createCsvBatch } from '#shared/domain/batch-csv.ts';
import { batchStatus, createBatch } from '#shared/domain/batches.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import { requireId } from '#shared/domain/ids.ts';
import { derivedCredentialId, type IssueInput, issueCredential } from '#shared/domain/issuance.ts';
import type { Principal } from '#shared/domain/principal.ts';
import type { CredentialRecord } from '#shared/domain/records/records.ts';
import { changeStatus } from '#shared/domain/status.ts';
import { type BodyOf, defineRoute, type RouteDefinition } from '../http/route.ts';
import type { ApiDeps } from './deps.ts';
import { idempotent } from './idempotency.ts';
import { documented } from './response-schema-names.ts';
import { batchSchema, csvBatchSchema, issueSchema, statusSchema } from './schemas.ts';
import { verifyRoutes } from './verify-routes.ts';

const ADMINS = ['platform-admin', 'issuer-admin'] as const;

/** The issuance body, as its schema (the one that validates it) types it. */
type IssueBody = BodyOf<typeof issueSchema>;

/** The last path segment of an achievement URL, or the id itself. */
function lastSegment(value: string): string {
  return value.replace(/\/$/, '').split('/').pop() ?? value;
}

/** The issuer slug named by a slug, a did:web of this service, or an object with either. */
function issuerIdOf(issuer: IssueBody['credential']['issuer']): string {
  const id = typeof issuer === 'string' ? issuer : issuer.id;
  return id.startsWith('did:web:') ? (id.split(':').pop() ?? id) : id;
}

/**
 * Where each field of the issuance use case sits in the `POST /credentials/issue` body: the
 * service names its own input (`/recipient`, `/validUntil`), a caller needs the field it sent.
 * Longest prefix first.
 */
const ISSUE_BODY_POINTERS: readonly (readonly [string, string])[] = [
  ['/recipient/email', '/credential/credentialSubject/email'],
  ['/recipient/id', '/credential/credentialSubject/id'],
  ['/recipient', '/credential/credentialSubject'],
  ['/result', '/credential/credentialSubject/result'],
  ['/creditsEarned', '/credential/credentialSubject/creditsEarned'],
  ['/validFrom', '/credential/validFrom'],
  ['/validUntil', '/credential/validUntil'],
  ['/awardedDate', '/credential/awardedDate'],
  ['/evidence', '/credential/evidence'],
];

function bodyPointer(pointer: string): string {
  for (const [from, to] of ISSUE_BODY_POINTERS) {
    if (pointer === from || pointer.startsWith(`${from}/`))
      return `${to}${pointer.slice(from.length)}`;
  }
  // Anything else comes from the stored issuer or achievement, not from this request: the
  // credential as a whole is what could not be made.
  return '/credential';
}

/** A validation error of the issuance use case, its pointers moved into the request body. */
function inIssueBody(error: unknown): unknown {
  if (!(error instanceof ServiceError) || error.code !== 'VALIDATION') return error;
  const fields = error.fields.map((field) => ({ ...field, pointer: bodyPointer(field.pointer) }));
  // A message about one field names it by its pointer: the body's pointer now.
  const [first] = fields;
  const message =
    error.pointer !== undefined && first !== undefined
      ? `${first.pointer}: ${first.detail}`
      : error.message;
  return new ServiceError('VALIDATION', message, { cause: error, fields });
}

/** The W3C VC-API issuer and verifier operations, and batch awards. */
export function credentialRoutes({ ctx, verifier }: ApiDeps): RouteDefinition[] {
  /** Issues, or returns the credential a previous run stored under the same derived id. */
  const issueOnce = async (
    credentialId: string | undefined,
    input: IssueInput,
    principal: Principal,
  ): Promise<CredentialRecord> => {
    try {
      const issued = await issueCredential(ctx, principal, {
        ...input,
        ...(credentialId === undefined ? {} : { credentialId }),
      });
      return issued.record;
    } catch (error) {
      if (credentialId === undefined || !(error instanceof ServiceError)) throw error;
      if (error.code !== 'CONFLICT') throw error;
      const stored = await ctx.credentials.get(credentialId);
      if (stored === undefined) throw error;
      return stored;
    }
  };

  return [
    defineRoute({
      method: 'POST',
      path: '/credentials/issue',
      operationId: 'issueCredential',
      group: 'issuance',
      summary: 'Issue an Open Badges 3.0 credential (VC-API); Idempotency-Key makes retries safe',
      tags: ['credentials'],
      auth: ADMINS,
      body: issueSchema,
      responses: {
        201: {
          description:
            'The verifiable credential: a VC-JWT string or a JSON credential with a Data Integrity proof',
          schema: documented('issuedResponse'),
        },
        404: { description: 'No such issuer or achievement' },
        422: { description: 'The Idempotency-Key was used with another request' },
      },
      handle: (request) => {
        const { credential, options } = request.body;
        const subject = credential.credentialSubject;
        // The ids these name key the table: checked before the idempotency key is claimed.
        const issuerId = requireId(
          issuerIdOf(credential.issuer),
          typeof credential.issuer === 'string' ? '/credential/issuer' : '/credential/issuer/id',
        );
        const achievementId = requireId(
          lastSegment(subject.achievement.id),
          '/credential/credentialSubject/achievement/id',
        );
        return idempotent(ctx, request, 'issue', async (seed) => {
          // Keyed: the credential id follows from the key, so a re-run after a lost completion
          // collides with the first credential and answers with it instead of issuing twice.
          const credentialId =
            seed === undefined ? undefined : derivedCredentialId(`idempotency:${seed}`);
          const issued = await issueOnce(
            credentialId,
            {
              issuerId,
              achievementId,
              // Both are passed on: a subject with an id and an email is refused, not silently
              // issued to one of them.
              recipient: {
                ...(subject.id !== undefined ? { id: subject.id } : {}),
                ...(subject.email !== undefined ? { email: subject.email } : {}),
              },
              ...(options?.learnerId ? { learnerId: options.learnerId } : {}),
              ...(subject.result ? { result: subject.result } : {}),
              ...(subject.creditsEarned !== undefined
                ? { creditsEarned: subject.creditsEarned }
                : {}),
              ...(credential.evidence ? { evidence: credential.evidence } : {}),
              ...(credential.validFrom ? { validFrom: credential.validFrom } : {}),
              ...(credential.validUntil ? { validUntil: credential.validUntil } : {}),
              ...(credential.awardedDate ? { awardedDate: credential.awardedDate } : {}),
            },
            request.principal,
          ).catch((error: unknown) => {
            throw inIssueBody(error);
          });
          const signed =
            issued.proofFormat === 'vc-jwt' ? issued.signed : JSON.parse(issued.signed);
          return { status: 201, body: { verifiableCredential: signed, id: issued.id } };
        });
      },
    }),
    ...verifyRoutes({ ctx, verifier }),
    defineRoute({
      method: 'POST',
      path: '/credentials/status',
      operationId: 'updateCredentialStatus',
      group: 'issuance',
      summary: 'Revoke, suspend or reinstate a credential (VC-API)',
      tags: ['credentials'],
      auth: ADMINS,
      body: statusSchema,
      responses: {
        200: { description: 'The new state', schema: documented('statusResponse') },
        404: { description: 'No such credential' },
        409: { description: 'The change is not allowed from the current state' },
      },
      handle: async (request) => {
        const body = request.body;
        const [change] = body.credentialStatus;
        if (!change) throw new ServiceError('VALIDATION', 'credentialStatus needs one entry');
        const record = await changeStatus(
          ctx,
          request.principal,
          body.credentialId,
          change.status,
          body.reason ? { note: body.reason } : {},
        );
        return { status: 200, body: { credentialId: record.id, status: record.state } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/issuers/{issuerId}/batches',
      operationId: 'createBatch',
      group: 'issuance',
      summary: 'Award an achievement to up to 10,000 recipients as a background job',
      tags: ['credentials'],
      auth: ADMINS,
      body: batchSchema,
      responses: {
        202: {
          description: 'The queued job; follow its progress at /batches/{jobId}',
          schema: documented('batchAccepted'),
        },
      },
      handle: (request) =>
        idempotent(ctx, request, 'batch', async (seed) => {
          const job = await createBatch(
            ctx,
            request.principal,
            request.pathParams.issuerId,
            request.body,
            // A retry after a request that died finds the job it queued, not a second one.
            seed ? { jobId: derivedCredentialId(`batch:${seed}`).slice('urn:uuid:'.length) } : {},
          );
          return {
            status: 202,
            body: job,
            headers: { location: `${ctx.baseUrl}/batches/${job.id}` },
          };
        }),
    }),
    defineRoute({
      method: 'POST',
      path: '/issuers/{issuerId}/batches/check',
      operationId: 'checkCsvBatch',
      group: 'issuance',
      summary: 'Check a recipients CSV in full (dry run): every problem with its row and column',
      description:
        'Nothing is stored or issued. A file refused as a whole (not UTF-8, no `email`/`did` column, more than 10,000 rows) says why in `refused`; otherwise each problem names its row (the header is row 1) and column.',
      tags: ['credentials'],
      auth: ADMINS,
      body: csvBatchSchema,
      responses: {
        200: {
          description: 'The check: valid, or the problems',
          schema: documented('csvCheckResponse'),
        },
        404: { description: 'No such issuer or achievement' },
      },
      handle: async (request) => ({
        status: 200,
        body: await checkCsvBatch(
          ctx,
          request.principal,
          request.pathParams.issuerId,
          request.body,
        ),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/issuers/{issuerId}/batches/csv',
      operationId: 'createCsvBatch',
      group: 'issuance',
      summary: 'Award an achievement to the recipients of a CSV, only if the whole file is clean',
      description:
        'The file is checked as by `/batches/check`; any problem refuses it (400, each problem as `row N, column: …`) and nothing is queued.',
      tags: ['credentials'],
      auth: ADMINS,
      body: csvBatchSchema,
      responses: {
        202: {
          description: 'The queued job; follow its progress at /batches/{jobId}',
          schema: documented('batchAccepted'),
        },
        400: { description: 'The file has problems; nothing was queued' },
      },
      handle: (request) =>
        idempotent(ctx, request, 'csv-batch', async (seed) => {
          const job = await createCsvBatch(
            ctx,
            request.principal,
            request.pathParams.issuerId,
            request.body,
            seed
              ? { jobId: derivedCredentialId(`csv-batch:${seed}`).slice('urn:uuid:'.length) }
              : {},
          );
          return {
            status: 202,
            body: job,
            headers: { location: `${ctx.baseUrl}/batches/${job.id}` },
          };
        }),
    }),
    defineRoute({
      method: 'GET',
      path: '/batches/{jobId}',
      operationId: 'getBatch',
      group: 'issuance',
      summary: 'Progress and per-recipient results of a batch award',
      tags: ['credentials'],
      auth: ADMINS,
      query: { type: 'object', properties: { cursor: { type: 'string', maxLength: 2000 } } },
      responses: {
        200: {
          description: 'The job and a page of recipients',
          schema: documented('batchStatusResponse'),
        },
      },
      handle: async (request) => ({
        status: 200,
        body: await batchStatus(
          ctx,
          request.principal,
          request.pathParams.jobId,
          request.query.cursor as string | undefined,
        ),
      }),
    }),
  ];
}
