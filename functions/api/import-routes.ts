import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import {
  getImport,
  importCredential,
  listImports,
  previewImport,
  removeImport,
  reverifyImport,
} from '#shared/domain/imports.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import type { ApiDeps } from './deps.ts';
import { CURSOR_QUERY, PRIVATE_NO_STORE, privatePageHandler } from './private-pages.ts';
import { documented } from './response-schema-names.ts';
import { importSchema } from './search-schemas.ts';

const LEARNER_OWNERS = ['learner', 'platform-admin'] as const;

/** What the import routes need: the API deps, and where credentials named by URL are fetched. */
export interface ImportRouteDeps extends ApiDeps {
  /** The SSRF-safe network fetcher; without it, imports by URL answer 503. */
  readonly network?: Fetcher;
}

/**
 * A learner's imported badges: add (verified first), list, read, verify again, remove.
 *
 * @example
 * const routes = [...importRoutes({ ctx, verifier, network })];
 */
export function importRoutes({ ctx, verifier, network }: ImportRouteDeps): RouteDefinition[] {
  const deps = { verifier, ...(network === undefined ? {} : { fetcher: network }) };
  const importPath = (request: {
    pathParams: { readonly learnerId: string; readonly importId: string };
  }) => [request.pathParams.learnerId, request.pathParams.importId] as const;
  return [
    defineRoute({
      method: 'POST',
      path: '/learners/{learnerId}/imports',
      operationId: 'importCredential',
      group: 'search',
      summary: 'Add a badge from any issuer: verified first, kept with its verification report',
      description:
        'Give exactly one of `credential` (JSON object or compact JWS), `file` (base64 of a JSON, VC-JWT, PNG or SVG file) or `url` (https). Only a valid credential whose signing key is bound to its issuer is stored; otherwise 400 names the failed check and nothing is stored.',
      tags: ['imports', 'learners'],
      auth: LEARNER_OWNERS,
      body: importSchema,
      // The credential is kept as its signed text, never as table numbers.
      opaqueBody: true,
      responses: {
        201: {
          description: 'The import with its verification report',
          schema: documented('importResponse'),
        },
        400: { description: 'Not valid, or not bound to its issuer: the failed check is named' },
        409: { description: 'Already imported' },
      },
      handle: async (request) => {
        const learnerId = request.pathParams.learnerId;
        const imported = await importCredential(
          ctx,
          deps,
          request.principal,
          learnerId,
          request.body,
        );
        return {
          status: 201,
          headers: {
            ...PRIVATE_NO_STORE,
            location: `${ctx.baseUrl}/learners/${encodeURIComponent(learnerId)}/imports/${imported.id}`,
          },
          body: imported,
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/learners/{learnerId}/imports/preview',
      operationId: 'previewImport',
      group: 'search',
      summary: 'What adding a badge would do: its verification report, nothing stored',
      description:
        'Takes the same body as `POST /learners/{learnerId}/imports` and runs the same checks (signature, status, issuer binding, subject), so the learner can read the report before keeping the badge. `accepted` says whether the import would store it now; when not, `refusal` says why. Input that cannot be read is refused with 400, as by the import.',
      tags: ['imports', 'learners'],
      auth: LEARNER_OWNERS,
      body: importSchema,
      opaqueBody: true,
      responses: {
        200: {
          description: 'What the import would do',
          schema: documented('importPreviewResponse'),
        },
        400: { description: 'The input is not a credential, or could not be fetched' },
      },
      handle: async (request) => ({
        status: 200,
        headers: PRIVATE_NO_STORE,
        body: await previewImport(
          ctx,
          deps,
          request.principal,
          request.pathParams.learnerId,
          request.body,
        ),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/learners/{learnerId}/imports',
      operationId: 'listImports',
      group: 'search',
      summary: "A learner's imported badges",
      tags: ['imports', 'learners'],
      auth: LEARNER_OWNERS,
      query: CURSOR_QUERY,
      responses: { 200: { description: 'A page of imports', schema: documented('importPage') } },
      handle: privatePageHandler(ctx, listImports, 'learnerId'),
    }),
    defineRoute({
      method: 'GET',
      path: '/learners/{learnerId}/imports/{importId}',
      operationId: 'getImport',
      group: 'search',
      summary: 'An imported badge with its last verification report',
      tags: ['imports', 'learners'],
      auth: LEARNER_OWNERS,
      responses: {
        200: { description: 'The import', schema: documented('importResponse') },
        404: { description: 'No such import' },
      },
      handle: async (request) => ({
        status: 200,
        headers: PRIVATE_NO_STORE,
        body: await getImport(ctx, request.principal, ...importPath(request)),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/learners/{learnerId}/imports/{importId}/verify',
      operationId: 'reverifyImport',
      group: 'search',
      summary: 'Verify an imported badge again now (its status may have changed)',
      tags: ['imports', 'learners'],
      auth: LEARNER_OWNERS,
      responses: {
        200: {
          description: 'The import with the new report',
          schema: documented('importResponse'),
        },
        404: { description: 'No such import' },
      },
      handle: async (request) => ({
        status: 200,
        headers: PRIVATE_NO_STORE,
        body: await reverifyImport(ctx, verifier, request.principal, ...importPath(request)),
      }),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/learners/{learnerId}/imports/{importId}',
      operationId: 'removeImport',
      group: 'search',
      summary: 'Remove an imported badge (it leaves the index too)',
      tags: ['imports', 'learners'],
      auth: LEARNER_OWNERS,
      responses: { 204: { description: 'Removed' }, 404: { description: 'No such import' } },
      handle: async (request) => {
        await removeImport(ctx, request.principal, ...importPath(request));
        return { status: 204 };
      },
    }),
  ];
}
