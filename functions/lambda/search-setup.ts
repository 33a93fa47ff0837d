import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { CdkCustomResourceEvent, CdkCustomResourceResponse } from 'aws-lambda';
import {
  type OpenSearchTransport,
  openSearchTransport,
} from '#shared/adapters/opensearch/client.ts';
import { ensureCandidateIndex } from '#shared/adapters/opensearch/ensure-index.ts';
import {
  applyRoleMappings,
  candidateIndexRoleMappings,
  type SearchRoleGrants,
} from '#shared/adapters/opensearch/security-mappings.ts';
import { CredstackError } from '#shared/core/errors.ts';
import { loadSearchConfig } from '../config.ts';

/**
 * The deploy-time step that applies the candidate index's mapping and, on a managed domain,
 * maps the functions' IAM roles in fine-grained access control: the `onEvent` handler of a
 * CloudFormation custom resource behind the CDK Provider framework (which answers
 * CloudFormation and turns a thrown error into a failed deployment). Its properties are set by
 * the stack: `Search` (`domain` or `serverless`), `ReaderRoleArns` and `WriterRoleArns`.
 * Create and Update create the index or re-apply its mapping, then (domain only) write the
 * reader and writer roles; a Serverless collection is governed by the stack's data access
 * policy instead. Delete leaves the index and the roles alone — the index is rebuilt from the
 * table, and whether a stage's data goes with the stack is the domain's removal policy, not this
 * step's.
 */

export interface SearchSetupOptions {
  readonly transport: OpenSearchTransport;
  readonly index: string;
}

const SEARCH_KINDS = ['domain', 'serverless'] as const;
type SearchKind = (typeof SEARCH_KINDS)[number];

interface SetupProperties {
  readonly search: SearchKind;
  readonly grants: SearchRoleGrants;
}

function propertiesOf(event: CdkCustomResourceEvent): SetupProperties {
  const properties = event.ResourceProperties as Readonly<Record<string, unknown>>;
  const search = properties.Search;
  if (!SEARCH_KINDS.includes(search as SearchKind))
    throw new CredstackError(
      'CONFIG_INVALID',
      `search setup: the Search property must be domain or serverless: ${JSON.stringify(search)}`,
    );
  const arns = (name: string): string[] => {
    const value = properties[name] ?? [];
    if (!Array.isArray(value))
      throw new CredstackError('CONFIG_INVALID', `search setup: ${name} must be a list`);
    return value as string[];
  };
  return {
    search: search as SearchKind,
    grants: { readers: arns('ReaderRoleArns'), writers: arns('WriterRoleArns') },
  };
}

/**
 * The custom resource's `onEvent`: the physical id is the index name, so renaming the index
 * replaces the resource (and the old index is left in place, as on Delete).
 *
 * @example
 * export const handler = searchSetupHandler({ transport, index: 'candidates' });
 */
export function searchSetupHandler(
  options: SearchSetupOptions,
): (event: CdkCustomResourceEvent) => Promise<CdkCustomResourceResponse> {
  return async (event) => {
    if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
    // Checked before any request: a bad property fails the deployment with nothing written.
    const { search, grants } = propertiesOf(event);
    const mappings = search === 'domain' ? candidateIndexRoleMappings(options.index, grants) : [];
    const outcome = await ensureCandidateIndex(options.transport, options.index);
    const roles = await applyRoleMappings(options.transport, mappings);
    return {
      PhysicalResourceId: options.index,
      Data: { IndexName: options.index, Outcome: outcome, MappedRoles: roles.join(',') },
    };
  };
}

const config = loadSearchConfig();

/** Custom resource entry point (the Provider framework's `onEvent`). */
export const handler = searchSetupHandler({
  transport: openSearchTransport({
    url: config.endpoint,
    aws: { region: config.region, service: config.service, credentials: defaultProvider() },
  }),
  index: config.index,
});
