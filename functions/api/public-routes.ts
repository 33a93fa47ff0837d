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
import { defineRoute, type HttpRequest, type RouteDefinition } from '../http/route.ts';
import { type ApiDeps, credentialIdParam } from './deps.ts';

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

  return [
    defineRoute({
      method: 'GET',
      path: '/issuers/{issuerId}/did.json',
      operationId: 'getDidDocument',
      summary: "The issuer's did:web DID document (every key, retired ones included)",
      tags: ['public'],
      auth: 'public',
      responses: { 200: { description: 'DID document', contentType: 'application/did+json' } },
      handle: async (request) => ({
        status: 200,
        contentType: 'application/did+json',
        headers: { 'cache-control': PUBLIC_CACHE },
        body: await didDocument(ctx, request.pathParams.issuerId ?? ''),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/issuers/{issuerId}/jwks.json',
      operationId: 'getJwks',
      summary: "The issuer's VC-JWT keys as a JWK set",
      tags: ['public'],
      auth: 'public',
      responses: { 200: { description: 'JWK set', contentType: 'application/jwk-set+json' } },
      handle: async (request) => ({
        status: 200,
        contentType: 'application/jwk-set+json',
        headers: { 'cache-control': PUBLIC_CACHE },
        body: await jwks(ctx, request.pathParams.issuerId ?? ''),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/issuers/{issuerId}/achievements/{achievementId}',
      operationId: 'getAchievement',
      summary: 'An achievement definition',
      tags: ['public'],
      auth: 'public',
      responses: { 200: { description: 'The achievement' } },
      handle: async (request) => ({
        status: 200,
        headers: { 'cache-control': PUBLIC_CACHE },
        body: achievementView(
          ctx,
          await requireAchievement(
            ctx,
            request.pathParams.issuerId ?? '',
            request.pathParams.achievementId ?? '',
          ),
        ),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/status/{listId}/{purpose}',
      operationId: 'getStatusList',
      summary: 'A Bitstring Status List credential (VC-JWT)',
      tags: ['public'],
      auth: 'public',
      responses: {
        200: { description: 'The signed status list', contentType: 'application/vc+jwt' },
      },
      handle: async (request) => {
        const purpose = request.pathParams.purpose === 'suspension' ? 'suspension' : 'revocation';
        if (request.pathParams.purpose !== purpose)
          throw new ServiceError('NOT_FOUND', `no status purpose ${request.pathParams.purpose}`);
        return {
          status: 200,
          contentType: 'application/vc+jwt',
          headers: { 'cache-control': STATUS_CACHE },
          body: await statusListCredential(ctx, request.pathParams.listId ?? '', purpose),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/credentials/{credentialId}',
      operationId: 'getCredential',
      summary: 'A credential as JSON, or as its VC-JWT with Accept: application/vc+jwt',
      tags: ['public'],
      auth: 'public',
      responses: { 200: { description: 'The credential' } },
      handle: async (request) => {
        const record = await requireCredential(
          ctx,
          credentialIdParam(request.pathParams.credentialId),
        );
        if (record.proofFormat === 'vc-jwt' && wantsJwt(request)) {
          return { status: 200, contentType: 'application/vc+jwt', body: record.signed };
        }
        return {
          status: 200,
          contentType: 'application/vc+ld+json',
          body:
            record.proofFormat === 'vc-jwt' ? credentialJson(record) : JSON.parse(record.signed),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/credentials/{credentialId}/credential.jwt',
      operationId: 'getCredentialJwt',
      summary: 'A VC-JWT credential as its compact JWS',
      tags: ['public'],
      auth: 'public',
      responses: { 200: { description: 'The compact JWS', contentType: 'application/vc+jwt' } },
      handle: async (request) => {
        const record = await requireCredential(
          ctx,
          credentialIdParam(request.pathParams.credentialId),
        );
        if (record.proofFormat !== 'vc-jwt')
          throw new ServiceError(
            'NOT_FOUND',
            'this credential has a Data Integrity proof, not a JWT',
          );
        return { status: 200, contentType: 'application/vc+jwt', body: record.signed };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/credentials/{credentialId}/badge.png',
      operationId: 'getBakedPng',
      summary: 'The credential baked into a PNG badge image',
      tags: ['public'],
      auth: 'public',
      responses: { 200: { description: 'A baked PNG', contentType: 'image/png' } },
      handle: async (request) => {
        const record = await requireCredential(
          ctx,
          credentialIdParam(request.pathParams.credentialId),
        );
        const image = badgePng({ title: titleOf(credentialJson(record)) });
        return { status: 200, contentType: 'image/png', body: bakePng(image, record.signed) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/credentials/{credentialId}/badge.svg',
      operationId: 'getBakedSvg',
      summary: 'The credential baked into an SVG badge image',
      tags: ['public'],
      auth: 'public',
      responses: { 200: { description: 'A baked SVG', contentType: 'image/svg+xml' } },
      handle: async (request) => {
        const record = await requireCredential(
          ctx,
          credentialIdParam(request.pathParams.credentialId),
        );
        const credential = credentialJson(record);
        const image = badgeSvg({
          title: titleOf(credential),
          issuerName: issuerNameOf(credential),
        });
        return { status: 200, contentType: 'image/svg+xml', body: bakeSvg(image, record.signed) };
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
      responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
      handle: async (request) =>
        verificationPage(
          await requireCredential(ctx, credentialIdParam(request.pathParams.credentialId)),
        ),
    }),
    defineRoute({
      method: 'POST',
      path: '/credentials/{credentialId}/verify',
      operationId: 'reverify',
      summary: 'Verify again, now, and show the page',
      tags: ['public'],
      auth: 'public',
      responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
      handle: async (request) =>
        verificationPage(
          await requireCredential(ctx, credentialIdParam(request.pathParams.credentialId)),
        ),
    }),
  ];
}
