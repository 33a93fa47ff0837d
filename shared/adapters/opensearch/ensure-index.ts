import type { OpenSearchTransport } from './client.ts';
import { responseFailure, transportFailure } from './errors.ts';
import { CANDIDATE_INDEX_MAPPINGS, candidateIndexBody, checkIndexName } from './mapping.ts';

/**
 * The deploy-time step that gives the candidate index its settings and mapping. Safe to run on
 * every deployment: an absent index is created; an existing one gets the mapping put again, which
 * adds fields a new release maps and changes nothing else (a change OpenSearch cannot apply in
 * place, such as a field's type, fails the step and so the deployment, rather than leaving the
 * index silently out of step with the queries). Analysis settings are fixed at creation.
 */

export type EnsureIndexOutcome = 'created' | 'updated';

function call<T>(action: string, run: () => Promise<T>): Promise<T> {
  return run().catch((error: unknown) => {
    throw transportFailure(action, error);
  });
}

/**
 * Creates the candidate index with its mapping, or re-applies the mapping to the existing one.
 *
 * @example
 * await ensureCandidateIndex(openSearchTransport({ url, aws }), 'candidates'); // 'created'
 */
export async function ensureCandidateIndex(
  transport: OpenSearchTransport,
  index: string,
): Promise<EnsureIndexOutcome> {
  checkIndexName(index);
  const path = `/${index}`;
  const head = await call('index lookup', () =>
    transport.request({ method: 'HEAD', path }, { ignore: [404] }),
  );
  if (head.statusCode === 404) {
    const created = await call('index creation', () =>
      transport.request({ method: 'PUT', path, body: candidateIndexBody() }, { ignore: [400] }),
    );
    if (created.statusCode !== 400) return 'created';
    // Another deployment created it between the lookup and now: fall through to the mapping.
    const type = (created.body as { error?: { type?: string } } | undefined)?.error?.type;
    if (type !== 'resource_already_exists_exception')
      throw responseFailure('index creation', created);
  }
  await call('mapping update', () =>
    transport.request({ method: 'PUT', path: `${path}/_mapping`, body: CANDIDATE_INDEX_MAPPINGS }),
  );
  return 'updated';
}
