import { onFirstNeed } from '#shared/core/first-need.ts';
import { matchesIdentity } from '#shared/credentials/model/identity.ts';
import { prefersHtml } from '#shared/credentials/present/accept.ts';
import type { RecipientCheck } from '#shared/credentials/present/verification-page.ts';
import { achievementView, requireAchievement } from '#shared/domain/achievements.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import { credentialJson, requireCredential } from '#shared/domain/issuance.ts';
import { STATUS_LIST_MAX_AGE_SECONDS } from '#shared/domain/issuer-console.ts';
import { didDocument, jwks, requireIssuer } from '#shared/domain/issuers.ts';
import { urls } from '#shared/domain/ports/service-context.ts';
import type { CredentialRecord } from '#shared/domain/records/records.ts';
import { statusListCredential } from '#shared/domain/status.ts';
import {
  defineRoute,
  type HttpRequest,
  type HttpResult,
  type JsonSchema,
  type PathParams,
  type ResponseSchema,
  type RouteDefinition,
} from '../http/route.ts';
import { type ApiDeps, credentialIdParam } from './deps.ts';
import { documented } from './response-schema-names.ts';

/** PNG bytes: an image with the credential in an `iTXt` chunk `openbadgecredential`. */
const BINARY_PNG: JsonSchema = { type: 'string', contentMediaType: 'image/png' };
const BAKED_SVG: JsonSchema = {
  type: 'string',
  example:
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential verify="eyJhbGciOi…"/>…</svg>',
};

const SVG_IMAGE: JsonSchema = {
  type: 'string',
  contentMediaType: 'image/svg+xml',
  example: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256">…</svg>',
};
const BADGE_IMAGE: JsonSchema = {
  type: 'string',
  description: 'The image bytes; the content type says which format',
  example: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256">…</svg>',
};

/**
 * The pages and badge images (public-presentation.ts), loaded by the first request that draws
 * one: a verification through the VC-API or a JSON document never needs them.
 */
const presentation = onFirstNeed(
  'the credential pages and badge images',
  () => import('./public-presentation.ts'),
);

/** Documents change rarely and verifiers poll them: let caches hold them for a while. */
const PUBLIC_CACHE = 'public, max-age=300';
/** Status lists must reflect revocations quickly, so they are cached briefly. */
const STATUS_CACHE = `public, max-age=${STATUS_LIST_MAX_AGE_SECONDS}, must-revalidate`;

function titleOf(credential: Record<string, unknown>): string {
  const subject = credential.credentialSubject as { achievement?: { name?: unknown } } | undefined;
  const name = subject?.achievement?.name ?? credential.name;
  return typeof name === 'string' ? name : 'Open Badge';
}

function issuerNameOf(credential: Record<string, unknown>): string {
  const issuer = credential.issuer as { name?: unknown } | string | undefined;
  return typeof issuer === 'object' && typeof issuer?.name === 'string' ? issuer.name : '';
}

/** Longest email address accepted by the recipient check (RFC 5321 path limit). */
const MAX_EMAIL_LENGTH = 320;
const EMAIL = /^[^@\s]+@[^@\s]+$/;

/**
 * The recipient check a page form posted (`email=…`, form-encoded), compared on the server
 * against the credential's email identifiers; the salted hash itself is never shown.
 */
function recipientCheck(
  request: HttpRequest,
  credential: Record<string, unknown>,
): RecipientCheck | undefined {
  const type = request.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined;
  const email = new URLSearchParams(request.rawBody ?? '').get('email');
  if (email === null) return undefined;
  const address = email.trim();
  if (address === '' || address.length > MAX_EMAIL_LENGTH || !EMAIL.test(address))
    return { problem: 'That is not an email address; nothing was checked.' };
  const subjects = credential.credentialSubject;
  const identifiers = (Array.isArray(subjects) ? subjects : [subjects]).flatMap((subject) => {
    const identifier = (subject as { identifier?: unknown } | undefined)?.identifier;
    return Array.isArray(identifier) ? identifier : identifier === undefined ? [] : [identifier];
  });
  return {
    email: address,
    matched: identifiers.some((identity) => matchesIdentity(identity, address)),
  };
}

/** Most pages of an issuer's achievements searched for the one using a hosted image. */
const MAX_IMAGE_LOOKUP_PAGES = 20;

/**
 * What the badge at `url` shows: the name of the issuer's achievement whose image it is, or
 * the issuer's name when it is the issuer's image. NOT_FOUND when nothing uses it, so the
 * route draws no badge for made-up URLs.
 */
async function hostedImageTitle(
  ctx: ApiDeps['ctx'],
  issuerId: string,
  url: string,
): Promise<{ title: string; issuerName: string }> {
  const issuer = await requireIssuer(ctx, issuerId);
  const issuerName = issuer.profile.name;
  if (issuer.profile.image === url) return { title: issuerName, issuerName };
  let cursor: string | undefined;
  for (let page = 0; page < MAX_IMAGE_LOOKUP_PAGES; page++) {
    const { items, cursor: next } = await ctx.achievements.list(issuerId, cursor);
    const match = items.find((achievement) => {
      const image = achievement.definition.image;
      return (typeof image === 'string' ? image : image?.id) === url;
    });
    if (match) return { title: match.definition.name, issuerName };
    if (next === undefined) break;
    cursor = next;
  }
  throw new ServiceError('NOT_FOUND', `issuer ${issuerId} uses no image ${url}`);
}

function wantsJwt(request: HttpRequest): boolean {
  const accept = request.headers.accept ?? '';
  return /application\/(vc\+)?jwt/.test(accept);
}

/** Everything anyone may read without an account: identities, status lists, credentials. */
export function publicRoutes({ ctx, verifier, network }: ApiDeps): RouteDefinition[] {
  const verificationPage = async (record: CredentialRecord, request?: HttpRequest) => {
    const credential = credentialJson(record);
    const base = urls.credential(ctx.baseUrl, record.id);
    // Every request verifies anew (nothing of a report is kept between requests): the page
    // says when, so a second look shows it was checked again.
    const report = await verifier.verify(
      record.proofFormat === 'vc-jwt' ? record.signed : credential,
    );
    const check = request === undefined ? undefined : recipientCheck(request, credential);
    // A pathway credential's evidence names the credentials that counted by id: each has a
    // page here.
    const evidencePages = new Map(
      (record.award?.contributing ?? []).map((id) => [
        id,
        `${urls.credential(ctx.baseUrl, id)}/verify`,
      ]),
    );
    const { renderVerificationPage } = await presentation();
    return {
      status: 200,
      contentType: 'text/html; charset=utf-8',
      headers: { 'cache-control': 'no-store' },
      body: renderVerificationPage({
        credential,
        report,
        state: record.state,
        clock: ctx.clock,
        checkedAt: ctx.clock.now().toISOString(),
        rechecked: request !== undefined && check === undefined,
        ...(check ? { recipientCheck: check } : {}),
        evidencePages,
        links: {
          json: base,
          ...(record.proofFormat === 'vc-jwt' ? { jwt: `${base}/credential.jwt` } : {}),
          png: `${base}/badge.png`,
          svg: `${base}/badge.svg`,
          reverify: `${base}/verify`,
          image: `${base}/image`,
        },
      }),
    };
  };

  /**
   * A page route's credential; for a browser, an unknown id is an HTML 404 page (JSON
   * clients keep the problem+json).
   */
  const pageFor = async (
    request: HttpRequest<{ readonly credentialId: string }>,
    render: (record: CredentialRecord) => Promise<HttpResult>,
  ): Promise<HttpResult> => {
    let record: CredentialRecord;
    try {
      record = await credentialOf(request);
    } catch (error) {
      if (
        error instanceof ServiceError &&
        error.code === 'NOT_FOUND' &&
        prefersHtml(request.headers.accept)
      ) {
        const { renderNotFoundPage } = await presentation();
        return {
          status: 404,
          contentType: 'text/html; charset=utf-8',
          headers: { 'cache-control': 'no-store' },
          body: renderNotFoundPage(credentialIdParam(request.pathParams.credentialId)),
        };
      }
      throw error;
    }
    return render(record);
  };

  /** A read-only public document: GET, no account, one content type, cache headers. */
  const document = <const Path extends string>(route: {
    readonly path: Path;
    readonly operationId: string;
    readonly group: string;
    readonly summary: string;
    readonly description: string;
    readonly contentType: string;
    readonly schema: ResponseSchema;
    readonly cacheControl?: string;
    readonly load: (request: HttpRequest<PathParams<Path>>) => Promise<unknown>;
  }): RouteDefinition =>
    defineRoute({
      method: 'GET',
      path: route.path,
      operationId: route.operationId,
      group: route.group,
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
  const credentialOf = (request: HttpRequest<{ readonly credentialId: string }>) =>
    requireCredential(ctx, credentialIdParam(request.pathParams.credentialId));

  return [
    document({
      path: '/issuers/{issuerId}/did.json',
      operationId: 'getDidDocument',
      group: 'public-read',
      summary: "The issuer's did:web DID document (every key, retired ones included)",
      description: 'DID document',
      contentType: 'application/did+json',
      schema: documented('didDocumentResponse'),
      cacheControl: PUBLIC_CACHE,
      load: (request) => didDocument(ctx, request.pathParams.issuerId),
    }),
    document({
      path: '/issuers/{issuerId}/jwks.json',
      operationId: 'getJwks',
      group: 'public-read',
      summary: "The issuer's VC-JWT keys as a JWK set",
      description: 'JWK set',
      contentType: 'application/jwk-set+json',
      schema: documented('jwksResponse'),
      cacheControl: PUBLIC_CACHE,
      load: (request) => jwks(ctx, request.pathParams.issuerId),
    }),
    document({
      path: '/issuers/{issuerId}/achievements/{achievementId}',
      operationId: 'getAchievement',
      group: 'public-read',
      summary: 'An achievement definition',
      description: 'The achievement',
      contentType: 'application/json',
      schema: documented('achievementResponse'),
      cacheControl: PUBLIC_CACHE,
      load: async (request) =>
        achievementView(
          ctx,
          await requireAchievement(
            ctx,
            request.pathParams.issuerId,
            request.pathParams.achievementId,
          ),
        ),
    }),
    document({
      path: '/status/{listId}/{purpose}',
      operationId: 'getStatusList',
      group: 'issuance',
      summary: 'A Bitstring Status List credential (VC-JWT)',
      description: 'The signed status list',
      contentType: 'application/vc+jwt',
      schema: documented('jwsText'),
      cacheControl: STATUS_CACHE,
      load: (request) => {
        const purpose = request.pathParams.purpose;
        if (purpose !== 'revocation' && purpose !== 'suspension')
          throw new ServiceError('NOT_FOUND', `no status purpose ${purpose}`);
        return statusListCredential(ctx, request.pathParams.listId, purpose);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/credentials/{credentialId}',
      operationId: 'getCredential',
      group: 'public-read',
      summary: 'A credential as JSON, or as its VC-JWT with Accept: application/vc+jwt',
      tags: ['public'],
      auth: 'public',
      responses: {
        200: {
          description: 'The credential',
          contentType: 'application/vc+ld+json',
          schema: documented('credentialDocument'),
          alternatives: [{ contentType: 'application/vc+jwt', schema: documented('jwsText') }],
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
      group: 'public-read',
      summary: 'A VC-JWT credential as its compact JWS',
      description: 'The compact JWS',
      contentType: 'application/vc+jwt',
      schema: documented('jwsText'),
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
      group: 'public-read',
      summary: 'The credential baked into a PNG badge image',
      description: 'A baked PNG',
      contentType: 'image/png',
      schema: BINARY_PNG,
      load: async (request) => {
        const record = await credentialOf(request);
        const { bakePng, badgePng } = await presentation();
        return bakePng(badgePng({ title: titleOf(credentialJson(record)) }), record.signed);
      },
    }),
    document({
      path: '/credentials/{credentialId}/badge.svg',
      operationId: 'getBakedSvg',
      group: 'public-read',
      summary: 'The credential baked into an SVG badge image',
      description: 'A baked SVG',
      contentType: 'image/svg+xml',
      schema: BAKED_SVG,
      load: async (request) => {
        const record = await credentialOf(request);
        const credential = credentialJson(record);
        const { bakeSvg, badgeSvg } = await presentation();
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
      group: 'verification',
      summary:
        'A verification page in HTML: what the badge is, who issued it, and whether it holds',
      tags: ['public'],
      auth: 'public',
      responses: {
        200: { description: 'HTML page', contentType: 'text/html', schema: documented('htmlText') },
        404: { description: 'No such credential: an HTML page for browsers, else problem+json' },
      },
      handle: (request) => pageFor(request, (record) => verificationPage(record)),
    }),
    defineRoute({
      method: 'POST',
      path: '/credentials/{credentialId}/verify',
      operationId: 'reverify',
      group: 'verification',
      summary:
        'Verify again, now, and show the page; with a form field email=…, also check whether the credential was issued to that address',
      tags: ['public'],
      auth: 'public',
      responses: {
        200: { description: 'HTML page', contentType: 'text/html', schema: documented('htmlText') },
        404: { description: 'No such credential: an HTML page for browsers, else problem+json' },
      },
      handle: (request) => pageFor(request, (record) => verificationPage(record, request)),
    }),
    defineRoute({
      method: 'GET',
      path: '/issuers/{issuerId}/images/{imageName}',
      operationId: 'getIssuerImage',
      group: 'public-read',
      summary:
        'An image the service hosts for an issuer: the badge drawn for the achievement (or the issuer) that names this URL as its image',
      tags: ['public'],
      auth: 'public',
      responses: {
        200: { description: 'An SVG badge', contentType: 'image/svg+xml', schema: SVG_IMAGE },
        404: { description: 'No achievement or issuer of this issuer uses this image' },
      },
      handle: async (request) => {
        const issuerId = request.pathParams.issuerId;
        const own = `${ctx.baseUrl}/issuers/${issuerId}/images/${request.pathParams.imageName}`;
        const title = await hostedImageTitle(ctx, issuerId, own);
        const { badgeSvg } = await presentation();
        return {
          status: 200,
          contentType: 'image/svg+xml',
          headers: {
            'cache-control': PUBLIC_CACHE,
            'x-content-type-options': 'nosniff',
            'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
          },
          body: badgeSvg(title),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/credentials/{credentialId}/image',
      operationId: 'getBadgeImage',
      group: 'verification',
      summary:
        "The credential's badge image: the issuer's hosted image when it can be fetched, an embedded one, or a badge the service draws",
      tags: ['public'],
      auth: 'public',
      responses: {
        200: { description: 'A PNG, JPEG, GIF, WebP or SVG image', schema: BADGE_IMAGE },
      },
      handle: async (request) => {
        const record = await credentialOf(request);
        const { badgeImageFor, readCredentialView } = await presentation();
        const image = await badgeImageFor(readCredentialView(credentialJson(record)), {
          ...(network ? { network } : {}),
          ownBaseUrl: ctx.baseUrl,
        });
        return {
          status: 200,
          contentType: image.contentType,
          headers: {
            'cache-control': PUBLIC_CACHE,
            'x-content-type-options': 'nosniff',
            // Shown by <img> only; opened on its own, nothing in it may run or load.
            'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
          },
          body: image.body,
        };
      },
    }),
  ];
}
