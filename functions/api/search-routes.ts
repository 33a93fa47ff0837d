import {
  getConsent,
  giveConsent,
  learnerSearchActivity,
  withdrawConsent,
} from '#shared/domain/consent.ts';
import { getConsentReceipt, receiptFileName } from '#shared/domain/consent-receipt.ts';
import {
  exportCandidates,
  getSearchSettings,
  listEmployerSearches,
  searchCandidates,
  setIssuerTiers,
  viewCandidate,
  viewCandidateCredential,
} from '#shared/domain/search.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import type { ApiDeps } from './deps.ts';
import { CURSOR_QUERY, PRIVATE_NO_STORE, privatePageHandler } from './private-pages.ts';
import { documented } from './response-schema-names.ts';
import { consentSchema, searchSchema, searchSettingsSchema } from './search-schemas.ts';

const EMPLOYERS = ['employer'] as const;
const LEARNER_OWNERS = ['learner', 'platform-admin'] as const;

/**
 * Employer search and what surrounds it: candidates, consent, who-found-me and tenant search
 * settings. The tenant and employer always come from the token.
 *
 * @example
 * const routes = [...searchRoutes({ ctx, verifier })];
 */
export function searchRoutes({ ctx, verifier }: ApiDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/candidates/search',
      operationId: 'searchCandidates',
      group: 'search',
      summary: 'Find consenting candidates by verified skills, with the evidence behind each match',
      description:
        'Every hit lists the must-have, nice-to-have and at-least skills it matched, through which badges (issuer, date, result, verification link), and what it is missing. Unknown skills are reported in `unknownSkills`. The search is audited.',
      tags: ['search'],
      auth: EMPLOYERS,
      body: searchSchema,
      responses: {
        200: {
          description: 'A page of candidates, facets when asked, and unknown skills',
          schema: documented('searchResponse'),
        },
        400: { description: 'A skill in no known form, or a query beyond the caps' },
        403: { description: 'Not an employer' },
      },
      handle: async (request) => ({
        status: 200,
        headers: PRIVATE_NO_STORE,
        body: await searchCandidates(ctx, request.principal, request.body),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/candidates/export',
      operationId: 'exportCandidates',
      group: 'search',
      summary: 'Every candidate matching a search (up to 1,000) as CSV; audited',
      tags: ['search'],
      auth: EMPLOYERS,
      body: searchSchema,
      responses: {
        200: {
          description: 'The candidates',
          contentType: 'text/csv',
          schema: documented('csvText'),
        },
      },
      handle: async (request) => {
        const { csv, truncated } = await exportCandidates(ctx, request.principal, request.body);
        return {
          status: 200,
          contentType: 'text/csv; charset=utf-8',
          headers: {
            ...PRIVATE_NO_STORE,
            'content-disposition': 'attachment; filename="candidates.csv"',
            ...(truncated ? { 'x-credstack-truncated': 'true' } : {}),
          },
          body: csv,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/candidates/{learnerId}',
      operationId: 'viewCandidate',
      group: 'search',
      summary: "A candidate's verified badges, if they let this employer find them; audited",
      tags: ['search'],
      auth: EMPLOYERS,
      responses: {
        200: { description: 'The candidate profile', schema: documented('candidateResponse') },
        404: { description: 'No such candidate for this employer' },
      },
      handle: async (request) => ({
        status: 200,
        headers: PRIVATE_NO_STORE,
        body: await viewCandidate(ctx, request.principal, request.pathParams.learnerId),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/candidates/{learnerId}/credentials/{importId}',
      operationId: 'viewCandidateCredential',
      group: 'search',
      summary: "A candidate's imported badge as signed, verified again now; audited",
      tags: ['search'],
      auth: EMPLOYERS,
      responses: {
        200: {
          description: 'The credential and a fresh verification report',
          schema: documented('candidateCredentialResponse'),
        },
        404: { description: 'No such candidate or badge for this employer' },
      },
      handle: async (request) => ({
        status: 200,
        headers: PRIVATE_NO_STORE,
        body: await viewCandidateCredential(
          ctx,
          verifier,
          request.principal,
          request.pathParams.learnerId,
          request.pathParams.importId,
        ),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/employers/{employerId}/searches',
      operationId: 'listEmployerSearches',
      group: 'search',
      summary: "The employer's searches, exports and profile views, newest first",
      tags: ['search'],
      auth: ['employer', 'platform-admin'],
      query: CURSOR_QUERY,
      responses: {
        200: { description: 'A page of audit records', schema: documented('searchAuditPage') },
      },
      handle: privatePageHandler(ctx, listEmployerSearches, 'employerId'),
    }),
    defineRoute({
      method: 'PUT',
      path: '/learners/{learnerId}/consent',
      operationId: 'giveConsent',
      group: 'search',
      summary:
        'Let employers find you: all verified employers or named ones, optionally until a date',
      tags: ['search', 'learners'],
      auth: LEARNER_OWNERS,
      body: consentSchema,
      responses: {
        200: { description: 'The consent as stored', schema: documented('consentResponse') },
      },
      handle: async (request) => ({
        status: 200,
        headers: PRIVATE_NO_STORE,
        body: await giveConsent(ctx, request.principal, request.pathParams.learnerId, request.body),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/learners/{learnerId}/consent',
      operationId: 'getConsent',
      group: 'search',
      summary: 'Your consent to be found',
      tags: ['search', 'learners'],
      auth: LEARNER_OWNERS,
      responses: {
        200: { description: 'The consent', schema: documented('consentResponse') },
        404: { description: 'Never given' },
      },
      handle: async (request) => ({
        status: 200,
        headers: PRIVATE_NO_STORE,
        body: await getConsent(ctx, request.principal, request.pathParams.learnerId),
      }),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/learners/{learnerId}/consent',
      operationId: 'withdrawConsent',
      group: 'search',
      summary: 'Stop being findable, at once',
      tags: ['search', 'learners'],
      auth: LEARNER_OWNERS,
      responses: {
        200: { description: 'The withdrawn consent', schema: documented('consentResponse') },
        404: { description: 'Never given' },
      },
      handle: async (request) => ({
        status: 200,
        headers: PRIVATE_NO_STORE,
        body: await withdrawConsent(ctx, request.principal, request.pathParams.learnerId),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/learners/{learnerId}/consent/receipt',
      operationId: 'getConsentReceipt',
      group: 'search',
      summary:
        'A receipt for your consent as stored now (ISO/IEC TS 27560 in spirit): who, purpose, which employers, from, until, withdrawn when',
      description:
        'Right after a change (PUT or DELETE …/consent) it records that change; `receiptId` names the stored change, so fetching it again gives the same receipt.',
      tags: ['search', 'learners'],
      auth: LEARNER_OWNERS,
      responses: {
        200: { description: 'The receipt', schema: documented('consentReceiptResponse') },
        404: { description: 'Never given' },
      },
      handle: async (request) => {
        const learnerId = request.pathParams.learnerId;
        const receipt = await getConsentReceipt(ctx, request.principal, learnerId);
        return {
          status: 200,
          headers: {
            ...PRIVATE_NO_STORE,
            'content-disposition': `attachment; filename="${receiptFileName(learnerId, {
              state: receipt.event,
              updatedAt: receipt.issuedAt,
            })}"`,
          },
          body: receipt,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/learners/{learnerId}/search-activity',
      operationId: 'learnerSearchActivity',
      group: 'search',
      summary: 'Who found or viewed you, and when, newest first',
      tags: ['search', 'learners'],
      auth: LEARNER_OWNERS,
      query: CURSOR_QUERY,
      responses: {
        200: { description: 'A page of events', schema: documented('searchActivityPage') },
      },
      handle: privatePageHandler(ctx, learnerSearchActivity, 'learnerId'),
    }),
    defineRoute({
      method: 'PUT',
      path: '/tenants/{tenantId}/search-settings',
      operationId: 'setSearchSettings',
      group: 'search',
      summary: "A tenant's issuer trust tiers; its candidates are re-indexed",
      tags: ['search'],
      auth: ['platform-admin'],
      body: searchSettingsSchema,
      responses: {
        200: {
          description: 'The settings as stored',
          schema: documented('searchSettingsResponse'),
        },
      },
      handle: async (request) => ({
        status: 200,
        body: await setIssuerTiers(
          ctx,
          request.principal,
          request.pathParams.tenantId,
          request.body.issuerTiers,
        ),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/tenants/{tenantId}/search-settings',
      operationId: 'getSearchSettings',
      group: 'search',
      summary: "A tenant's issuer trust tiers",
      tags: ['search'],
      auth: ['platform-admin'],
      responses: {
        200: { description: 'The settings', schema: documented('searchSettingsResponse') },
      },
      handle: async (request) => ({
        status: 200,
        body: await getSearchSettings(ctx, request.principal, request.pathParams.tenantId),
      }),
    }),
  ];
}
