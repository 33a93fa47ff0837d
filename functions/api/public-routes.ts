import { bakePng } from '#shared/bake/png.ts';
import { bakeSvg } from '#shared/bake/svg.ts';
import { badgePng, badgeSvg } from '#shared/present/badge-image.ts';
import { renderVerificationPage } from '#shared/present/verification-page.ts';
import { achievementView, requireAchievement } from '#shared/service/achievements.ts';
import { urls } from '#shared/service/context.ts';
import { ServiceError } from '#shared/service/errors.ts';
import { credentialJson, requireCredential } from '#shared/service/issuance.ts';
import { didDocument, jwks } from '#shared/service/issuers.ts';
import type { CredentialRecord } from '#shared/service/records.ts';
import { statusListCredential } from '#shared/service/status.ts';
import {
  defineRoute,
  type HttpRequest,
  type JsonSchema,
  type RouteDefinition,
} from '../http/route.ts';
import { type ApiDeps, credentialIdParam } from './deps.ts';
import {
  achievementResponse,
  credentialDocument,
  didDocumentResponse,
  htmlText,
  jwksResponse,
  jwsText,
} from './response-schemas.ts';

/** PNG bytes: an image with the credential in an `iTXt` chunk `openbadgecredential`. */
const BINARY_PNG: JsonSchema = { type: 'string', contentMediaType: 'image/png' };
const BAKED_SVG: JsonSchema = {
  type: 'string',
  example:
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential verify="eyJhbGciOi…"/>…</svg>',
};

/** Documents change rarely and verifiers poll them: let caches hold them for a while. */
const PUBLIC_CACHE = 'public, max-age=300';
/** Status lists must reflect revocations quickly, so they are cached briefly. */
const STATUS_CACHE = 'public, max-age=60, must-revalidate';

function titleOf(credential: Record<string, unknown>): string {
  const subject = credential.credentialSubject as { achievement?: { name?: unknown } } | undefined;
  const name = subject?.achievement?.name ?? credential.name;
  return typeof name === 'string' ? name : 'Open Badge';
}

function issuerNameOf(credential: Record<string, unknown>): string {
  const issuer = credential.issuer as { name?: unknown } | string | undefined;
  return typeof issuer === 'object' && typeof issuer?.name === 'string' ? issuer.name : '';
}

function wantsJwt(request: HttpRequest): boolean {
  const accept = request.headers.accept ?? '';
  return /application\/(vc\+)?jwt/.test(accept);
}

/** Everything anyone may read without an account: identities, status lists, credentials. */
export function publicRoutes({ ctx, verifier }: ApiDeps): RouteDefinition[] {
  const verificationPage = async (record: CredentialRecord) => {
    const credential = credentialJson(record);
    const base = urls.credential(ctx.baseUrl, record.id);
    const report = await verifier.verify(
      record.proofFormat === 'vc-jwt' ? record.signed : credential,
    );
    return {
      status: 200,
      contentType: 'text/html; charset=utf-8',
      headers: { 'cache-control': 'no-store' },
      body: renderVerificationPage({
        credential,
        report,
        state: record.state,
        clock: ctx.clock,
        links: {
          json: base,
          ...(record.proofFormat === 'vc-jwt' ? { jwt: `${base}/credential.jwt` } : {}),
          png: `${base}/badge.png`,
          svg: `${base}/badge.svg`,
          reverify: `${base}/verify`,
        },
      }),
    };
  };

  /** A read-only public document: GET, no account, one content type, cache headers. */
  const document = (route: {
    readonly path: string;
    readonly operationId: string;
    readonly summary: string;
    readonly description: string;
    readonly contentType: string;
    readonly schema: JsonSchema;
    readonly cacheControl?: string;
    readonly load: (request: HttpRequest) => Promise<unknown>;
  }): RouteDefinition =>
    defineRoute({
      method: 'GET',
      path: route.path,
      operationId: route.operationId,
      summary: route.summary,
      tags: ['public'],
      auth: 'public',
      responses: {
        200: {
          description: route.description,
          contentType: route.contentType,
          schema: route.schema,
        },
      },
      handle: async (request) => ({
        status: 200,
        contentType: route.contentType,
        ...(route.cacheControl ? { headers: { 'cache-control': route.cacheControl } } : {}),
        body: await route.load(request),
      }),
    });
  const credentialOf = (request: HttpRequest) =>
    requireCredential(ctx, credentialIdParam(request.pathParams.credentialId));

  return [
    document({
      path: '/issuers/{issuerId}/did.json',
      operationId: 'getDidDocument',
      summary: "The issuer's did:web DID document (every key, retired ones included)",
      description: 'DID document',
      contentType: 'application/did+json',
      schema: didDocumentResponse,
      cacheControl: PUBLIC_CACHE,
      load: (request) => didDocument(ctx, request.pathParams.issuerId ?? ''),
    }),
    document({
      path: '/issuers/{issuerId}/jwks.json',
      operationId: 'getJwks',
      summary: "The issuer's VC-JWT keys as a JWK set",
      description: 'JWK set',
      contentType: 'application/jwk-set+json',
      schema: jwksResponse,
      cacheControl: PUBLIC_CACHE,
      load: (request) => jwks(ctx, request.pathParams.issuerId ?? ''),
    }),
    document({
      path: '/issuers/{issuerId}/achievements/{achievementId}',
      operationId: 'getAchievement',
      summary: 'An achievement definition',
      description: 'The achievement',
      contentType: 'application/json',
      schema: achievementResponse,
      cacheControl: PUBLIC_CACHE,
      load: async (request) =>
        achievementView(
          ctx,
          await requireAchievement(
            ctx,
            request.pathParams.issuerId ?? '',
            request.pathParams.achievementId ?? '',
          ),
        ),
    }),
    document({
      path: '/status/{listId}/{purpose}',
      operationId: 'getStatusList',
      summary: 'A Bitstring Status List credential (VC-JWT)',
      description: 'The signed status list',
      contentType: 'application/vc+jwt',
      schema: jwsText,
      cacheControl: STATUS_CACHE,
      load: (request) => {
        const purpose = request.pathParams.purpose;
        if (purpose !== 'revocation' && purpose !== 'suspension')
          throw new ServiceError('NOT_FOUND', `no status purpose ${purpose}`);
        return statusListCredential(ctx, request.pathParams.listId ?? '', purpose);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/credentials/{credentialId}',
      operationId: 'getCredential',
      summary: 'A credential as JSON, or as its VC-JWT with Accept: application/vc+jwt',
      tags: ['public'],
      auth: 'public',
      responses: {
        200: {
          description: 'The credential',
          contentType: 'application/vc+ld+json',
          schema: credentialDocument,
          alternatives: [{ contentType: 'application/vc+jwt', schema: jwsText }],
        },
      },
      handle: async (request) => {
        const record = await credentialOf(request);
        if (record.proofFormat === 'vc-jwt' && wantsJwt(request)) {
          return { status: 200, contentType: 'application/vc+jwt', body: record.signed };
        }
        return { status: 200, contentType: 'application/vc+ld+json', body: credentialJson(record) };
      },
    }),
    document({
      path: '/credentials/{credentialId}/credential.jwt',
      operationId: 'getCredentialJwt',
      summary: 'A VC-JWT credential as its compact JWS',
      description: 'The compact JWS',
      contentType: 'application/vc+jwt',
      schema: jwsText,
      load: async (request) => {
        const record = await credentialOf(request);
        if (record.proofFormat !== 'vc-jwt')
          throw new ServiceError(
            'NOT_FOUND',
            'this credential has a Data Integrity proof, not a JWT',
          );
        return record.signed;
      },
    }),
    document({
      path: '/credentials/{credentialId}/badge.png',
      operationId: 'getBakedPng',
      summary: 'The credential baked into a PNG badge image',
      description: 'A baked PNG',
      contentType: 'image/png',
      schema: BINARY_PNG,
      load: async (request) => {
        const record = await credentialOf(request);
        return bakePng(badgePng({ title: titleOf(credentialJson(record)) }), record.signed);
      },
    }),
    document({
      path: '/credentials/{credentialId}/badge.svg',
      operationId: 'getBakedSvg',
      summary: 'The credential baked into an SVG badge image',
      description: 'A baked SVG',
      contentType: 'image/svg+xml',
      schema: BAKED_SVG,
      load: async (request) => {
        const record = await credentialOf(request);
        const credential = credentialJson(record);
        return bakeSvg(
          badgeSvg({ title: titleOf(credential), issuerName: issuerNameOf(credential) }),
          record.signed,
        );
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/credentials/{credentialId}/verify',
      operationId: 'getVerificationPage',
      summary:
        'A verification page in HTML: what the badge is, who issued it, and whether it holds',
      tags: ['public'],
      auth: 'public',
      responses: { 200: { description: 'HTML page', contentType: 'text/html', schema: htmlText } },
      handle: async (request) => verificationPage(await credentialOf(request)),
    }),
    defineRoute({
      method: 'POST',
      path: '/credentials/{credentialId}/verify',
      operationId: 'reverify',
      summary: 'Verify again, now, and show the page',
      tags: ['public'],
      auth: 'public',
      responses: { 200: { description: 'HTML page', contentType: 'text/html', schema: htmlText } },
      handle: async (request) => verificationPage(await credentialOf(request)),
    }),
  ];
}
