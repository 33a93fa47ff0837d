import {
  deleteSavedSearch,
  exportShortlist,
  listSavedSearches,
  listShortlist,
  markSavedSearchSeen,
  removeFromShortlist,
  saveSearch,
  shortlistCandidate,
} from '#shared/domain/employer-lists.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import type { ApiDeps } from './deps.ts';
import {
  savedSearchPage,
  savedSearchResponse,
  saveSearchSchema,
  shortlistEntryResponse,
  shortlistPage,
  shortlistSchema,
} from './employer-schemas.ts';
import { CURSOR_QUERY, PRIVATE_NO_STORE, privatePageHandler } from './private-pages.ts';
import { documented } from './response-schema-names.ts';

const EMPLOYERS = ['employer'] as const;

/**
 * An employer's own lists: the shortlist with notes (and its CSV) and saved searches with
 * their new-match counts. Only the employer the token names may use its lists; a learner
 * whose consent does not let the employer find them now is left out of every answer.
 *
 * @example
 * const routes = [...employerRoutes({ ctx, verifier })];
 */
export function employerRoutes({ ctx }: ApiDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/employers/{employerId}/shortlist',
      operationId: 'listShortlist',
      group: 'search',
      summary: 'Your shortlisted candidates with your notes, in learner id order',
      tags: ['search'],
      auth: EMPLOYERS,
      query: CURSOR_QUERY,
      responses: {
        200: { description: 'A page of the shortlist', schema: shortlistPage },
        403: { description: 'Not this employer' },
      },
      handle: privatePageHandler(ctx, listShortlist, 'employerId'),
    }),
    defineRoute({
      method: 'PUT',
      path: '/employers/{employerId}/shortlist/{learnerId}',
      operationId: 'shortlistCandidate',
      group: 'search',
      summary: 'Put a candidate you may find on your shortlist, or change your note',
      tags: ['search'],
      auth: EMPLOYERS,
      body: shortlistSchema,
      responses: {
        200: { description: 'The shortlist entry', schema: shortlistEntryResponse },
        404: { description: 'No such candidate for this employer' },
      },
      handle: async (request) => ({
        status: 200,
        headers: PRIVATE_NO_STORE,
        body: await shortlistCandidate(
          ctx,
          request.principal,
          request.pathParams.employerId,
          request.pathParams.learnerId,
          request.body,
        ),
      }),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/employers/{employerId}/shortlist/{learnerId}',
      operationId: 'removeFromShortlist',
      group: 'search',
      summary: 'Take a candidate off your shortlist',
      tags: ['search'],
      auth: EMPLOYERS,
      responses: {
        204: { description: 'Removed' },
        404: { description: 'Not on the shortlist' },
      },
      handle: async (request) => {
        await removeFromShortlist(
          ctx,
          request.principal,
          request.pathParams.employerId,
          request.pathParams.learnerId,
        );
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/employers/{employerId}/shortlist.csv',
      operationId: 'exportShortlist',
      group: 'search',
      summary: 'Your shortlist (up to 1,000) as CSV, with notes and verification links; audited',
      tags: ['search'],
      auth: EMPLOYERS,
      responses: {
        200: {
          description: 'The shortlist',
          contentType: 'text/csv',
          schema: documented('csvText'),
        },
      },
      handle: async (request) => {
        const { csv } = await exportShortlist(
          ctx,
          request.principal,
          request.pathParams.employerId,
        );
        return {
          status: 200,
          contentType: 'text/csv; charset=utf-8',
          headers: {
            ...PRIVATE_NO_STORE,
            'content-disposition': 'attachment; filename="shortlist.csv"',
          },
          body: csv,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/employers/{employerId}/saved-searches',
      operationId: 'listSavedSearches',
      group: 'search',
      summary: 'Your saved searches, each with its count of new matches since you last looked',
      tags: ['search'],
      auth: EMPLOYERS,
      query: CURSOR_QUERY,
      responses: { 200: { description: 'A page of saved searches', schema: savedSearchPage } },
      handle: privatePageHandler(ctx, listSavedSearches, 'employerId'),
    }),
    defineRoute({
      method: 'POST',
      path: '/employers/{employerId}/saved-searches',
      operationId: 'saveSearch',
      group: 'search',
      summary: 'Save a search by name; what it matches now counts as seen',
      tags: ['search'],
      auth: EMPLOYERS,
      body: saveSearchSchema,
      responses: {
        201: { description: 'The saved search', schema: savedSearchResponse },
        400: { description: 'A name or a search the service refuses' },
      },
      handle: async (request) => ({
        status: 201,
        headers: PRIVATE_NO_STORE,
        body: await saveSearch(ctx, request.principal, request.pathParams.employerId, request.body),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/employers/{employerId}/saved-searches/{searchId}/seen',
      operationId: 'markSavedSearchSeen',
      group: 'search',
      summary: 'Mark a saved search looked at: what it matches now is no longer new',
      tags: ['search'],
      auth: EMPLOYERS,
      responses: {
        200: { description: 'The saved search', schema: savedSearchResponse },
        404: { description: 'No such saved search' },
      },
      handle: async (request) => ({
        status: 200,
        headers: PRIVATE_NO_STORE,
        body: await markSavedSearchSeen(
          ctx,
          request.principal,
          request.pathParams.employerId,
          request.pathParams.searchId,
        ),
      }),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/employers/{employerId}/saved-searches/{searchId}',
      operationId: 'deleteSavedSearch',
      group: 'search',
      summary: 'Delete a saved search',
      tags: ['search'],
      auth: EMPLOYERS,
      responses: {
        204: { description: 'Deleted' },
        404: { description: 'No such saved search' },
      },
      handle: async (request) => {
        await deleteSavedSearch(
          ctx,
          request.principal,
          request.pathParams.employerId,
          request.pathParams.searchId,
        );
        return { status: 204 };
      },
    }),
  ];
}
