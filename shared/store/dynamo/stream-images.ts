import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { CredentialRecord } from '#shared/service/records.ts';
import { KEY } from '#shared/store/table.ts';
import { recordOf } from './keys.ts';
import { PATHWAY_JOB_CHUNK_PREFIX, PATHWAY_JOB_PK_PREFIX } from './pathway-job-store.ts';

/**
 * Reading the table's stream: which entity a record is about, and its record before and after
 * the change. Stream consumers ask here instead of knowing the item layout.
 */

/** What one stream record changed, as the service's records. */
export type StreamChange =
  | {
      readonly entity: 'credential';
      readonly before?: CredentialRecord;
      readonly after?: CredentialRecord;
    }
  | {
      readonly entity: 'pathway-job';
      readonly jobId: string;
      readonly inserted: boolean;
      /** The learner offset a continuation item resumes at (0 for the job item itself). */
      readonly from: number;
    }
  | { readonly entity: 'other' };

type Image = Record<string, AttributeValue> | undefined;

function recordFrom<T>(image: Image): T | undefined {
  // Lambda's event and the SDK share the attribute-value shape for everything stored here.
  return image === undefined ? undefined : recordOf<T>(unmarshall(image));
}

/**
 * Classifies a stream record by its keys and unmarshalls its images.
 *
 * @example
 * const change = streamChange(record.eventName, record.dynamodb);
 */
export function streamChange(
  eventName: string | undefined,
  data:
    | {
        readonly Keys?: Image | object;
        readonly NewImage?: Image | object;
        readonly OldImage?: Image | object;
      }
    | undefined,
): StreamChange {
  const keys = data?.Keys as Record<string, { S?: string }> | undefined;
  const pk = keys?.[KEY.pk]?.S;
  const sk = keys?.[KEY.sk]?.S;
  if (pk === undefined || sk === undefined) return { entity: 'other' };
  if (sk === 'CRED' && pk.startsWith('CRED#')) {
    const before = recordFrom<CredentialRecord>(data?.OldImage as Image);
    const after = recordFrom<CredentialRecord>(data?.NewImage as Image);
    return {
      entity: 'credential',
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
    };
  }
  const chunk = sk.startsWith(PATHWAY_JOB_CHUNK_PREFIX);
  if ((sk === 'META' || chunk) && pk.startsWith(PATHWAY_JOB_PK_PREFIX)) {
    return {
      entity: 'pathway-job',
      jobId: pk.slice(PATHWAY_JOB_PK_PREFIX.length),
      inserted: eventName === 'INSERT',
      from: chunk ? Number(sk.slice(PATHWAY_JOB_CHUNK_PREFIX.length)) : 0,
    };
  }
  return { entity: 'other' };
}
