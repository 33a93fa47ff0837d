import { CredstackError } from '#shared/core/errors.ts';
import type { OpenSearchRequest, OpenSearchTransport } from './client.ts';
import { transportFailure } from './errors.ts';
import { checkIndexName } from './mapping.ts';

/**
 * Fine-grained access control on a managed domain: an IAM role the security plugin has not
 * mapped to a role is refused (403) whatever its IAM policy allows. The deploy-time step maps
 * the functions' roles, as the stack granted them, to two roles scoped to the candidate index:
 * readers search and get documents, writers index and delete them. Both the role and its
 * mapping are written with PUT, which replaces what is there, so a re-run converges on the
 * stack's current grants (a function no longer granted is unmapped) and a repeat changes
 * nothing. OpenSearch Serverless has no security plugin: its data access policy, written by the
 * stack, does the same.
 */

/** The IAM roles (ARNs) the stack granted each access level to the candidate index. */
export interface SearchRoleGrants {
  readonly readers: readonly string[];
  readonly writers: readonly string[];
}

/** One security-plugin role and the IAM roles mapped to it as backend roles. */
export interface SecurityRoleMapping {
  readonly role: string;
  /** The role definition (`PUT _plugins/_security/api/roles/<role>`). */
  readonly definition: {
    readonly cluster_permissions: readonly string[];
    readonly index_permissions: readonly {
      readonly index_patterns: readonly string[];
      readonly allowed_actions: readonly string[];
    }[];
  };
  /** The mapping (`PUT _plugins/_security/api/rolesmapping/<role>`). */
  readonly mapping: {
    readonly backend_roles: readonly string[];
    readonly hosts: readonly string[];
    readonly users: readonly string[];
  };
}

const SECURITY_API = '/_plugins/_security/api';

// Default action groups of the security plugin. `read` covers get and search on the index,
// `search` the search family (msearch, suggest); `write` spans document writes, `index` and
// `delete` are named too so the role reads as what the indexer does.
const READER_ACTIONS = ['read', 'search'] as const;
const WRITER_ACTIONS = ['index', 'write', 'delete'] as const;

// An IAM role ARN in any partition, with an optional path.
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

function checkedArns(level: string, arns: readonly string[]): string[] {
  const invalid = arns.filter((arn) => typeof arn !== 'string' || !ROLE_ARN.test(arn));
  if (invalid.length > 0)
    throw new CredstackError(
      'CONFIG_INVALID',
      `search role mapping: ${level} must be IAM role ARNs: ${invalid.map((arn) => JSON.stringify(arn)).join(', ')}`,
    );
  return [...new Set(arns)].sort();
}

function roleMapping(
  role: string,
  index: string,
  actions: readonly string[],
  arns: readonly string[],
): SecurityRoleMapping {
  return {
    role,
    definition: {
      cluster_permissions: [],
      index_permissions: [{ index_patterns: [index], allowed_actions: [...actions] }],
    },
    mapping: { backend_roles: arns, hosts: [], users: [] },
  };
}

/**
 * The reader and writer roles of `index` with the granted IAM roles mapped to them (ARNs
 * deduplicated and sorted, so the bodies do not depend on grant order); throws CONFIG_INVALID
 * for an invalid index name or anything that is not an IAM role ARN.
 *
 * @example
 * candidateIndexRoleMappings('candidates', { readers: [apiSearchRole], writers: [indexerRole] });
 * // [{ role: 'credstack-candidates-reader', … }, { role: 'credstack-candidates-writer', … }]
 */
export function candidateIndexRoleMappings(
  index: string,
  grants: SearchRoleGrants,
): readonly SecurityRoleMapping[] {
  checkIndexName(index);
  const readers = checkedArns('readers', grants.readers);
  const writers = checkedArns('writers', grants.writers);
  return [
    roleMapping(`credstack-${index}-reader`, index, READER_ACTIONS, readers),
    roleMapping(`credstack-${index}-writer`, index, WRITER_ACTIONS, writers),
  ];
}

async function put(
  transport: OpenSearchTransport,
  action: string,
  path: string,
  body: object,
): Promise<void> {
  const request: OpenSearchRequest = {
    method: 'PUT',
    path,
    body: body as Record<string, unknown>,
  };
  try {
    await transport.request(request);
  } catch (error) {
    throw transportFailure(action, error);
  }
}

/**
 * Writes each role and then its mapping (a mapping must name an existing role), in order.
 * Returns the role names. The caller must be the domain's master user (or hold the security
 * plugin's `security_manager` role).
 *
 * @example
 * await applyRoleMappings(transport, candidateIndexRoleMappings('candidates', grants));
 * // ['credstack-candidates-reader', 'credstack-candidates-writer']
 */
export async function applyRoleMappings(
  transport: OpenSearchTransport,
  mappings: readonly SecurityRoleMapping[],
): Promise<readonly string[]> {
  for (const { role, definition, mapping } of mappings) {
    const name = encodeURIComponent(role);
    await put(transport, `role ${role}`, `${SECURITY_API}/roles/${name}`, definition);
    await put(transport, `role mapping ${role}`, `${SECURITY_API}/rolesmapping/${name}`, mapping);
  }
  return mappings.map(({ role }) => role);
}
