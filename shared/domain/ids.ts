// The grammar itself lives in shared/core (the pathway engine needs it too); the service adds
// the refusal that names the offending field.
import { ID_RULE, isId } from '#shared/core/ids.ts';
import { ServiceError } from './errors.ts';

export { ID_PATTERN, ID_RULE, ID_SCHEMA, isId, MAX_ID_LENGTH } from '#shared/core/ids.ts';

/**
 * Returns `value` when it is an id; otherwise throws VALIDATION naming the field by its JSON
 * pointer, so the request is refused before any store call.
 *
 * @example
 * const issuerId = requireId(issuerIdOf(body.credential.issuer), '/credential/issuer');
 */
export function requireId(value: string, pointer: string): string {
  if (isId(value)) return value;
  throw new ServiceError('VALIDATION', `${pointer} is not a valid id`, {
    fields: [{ pointer, detail: ID_RULE }],
  });
}
