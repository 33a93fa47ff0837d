import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { isCredstackError } from '#shared/core/errors.ts';
import { parseJsonSafely } from '#shared/core/safe-json.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import type { HttpMiddleware } from './logging.ts';
import { HttpError, RequestValidationError } from './problem.ts';
import { requestState } from './request-state.ts';

/**
 * Reads the request body: size cap (413), JSON for JSON media types, 415 when a route that
 * takes a JSON body receives anything else.
 */

/** Largest request body accepted by default: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Deepest JSON nesting accepted in a request body. */
const MAX_JSON_DEPTH = 64;

interface MediaType {
  readonly essence: string;
  readonly charset?: string;
}

function mediaTypeOf(contentType: string | undefined): MediaType | undefined {
  if (contentType === undefined || contentType.trim() === '') return undefined;
  const [essence = '', ...params] = contentType.split(';');
  let charset: string | undefined;
  for (const param of params) {
    const [name = '', value = ''] = param.split('=');
    if (name.trim().toLowerCase() === 'charset')
      charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
  }
  return { essence: essence.trim().toLowerCase(), ...(charset === undefined ? {} : { charset }) };
}

/**
 * True for `application/json` and structured `+json` types (`application/ld+json`, …).
 *
 * @example
 * isJsonMediaType('application/ld+json; charset=utf-8'); // true
 */
export function isJsonMediaType(contentType: string | undefined): boolean {
  const media = mediaTypeOf(contentType);
  if (media === undefined) return false;
  return media.essence === 'application/json' || /^application\/[^/]+\+json$/.test(media.essence);
}

function tooLarge(maxBytes: number): ServiceError {
  return new ServiceError(
    'PAYLOAD_TOO_LARGE',
    `the request body is larger than the limit of ${maxBytes} bytes`,
  );
}

/** The body as UTF-8 text, refusing an oversized one before decoding it. */
function bodyText(event: APIGatewayProxyEventV2, maxBytes: number): string | undefined {
  const body = event.body;
  if (body === undefined || body === null || body === '') return undefined;
  if (event.isBase64Encoded) {
    // Four base64 characters carry at most three bytes.
    if (Math.floor(body.length / 4) * 3 > maxBytes + 2) throw tooLarge(maxBytes);
    const bytes = Buffer.from(body, 'base64');
    if (bytes.length > maxBytes) throw tooLarge(maxBytes);
    return bytes.toString('utf8');
  }
  // UTF-8 never takes fewer bytes than UTF-16 code units, so the length alone can refuse.
  if (body.length > maxBytes || Buffer.byteLength(body, 'utf8') > maxBytes)
    throw tooLarge(maxBytes);
  return body;
}

function parseJson(text: string, maxBytes: number): unknown {
  try {
    return parseJsonSafely(text, { maxBytes, maxDepth: MAX_JSON_DEPTH });
  } catch (error) {
    if (isCredstackError(error, 'INPUT_TOO_LARGE')) throw tooLarge(maxBytes);
    if (isCredstackError(error, 'INPUT_TOO_DEEP'))
      throw new RequestValidationError('the request body nests too deeply', [
        { pointer: '', detail: `nests deeper than ${MAX_JSON_DEPTH} levels` },
      ]);
    throw new RequestValidationError('the request body is not valid JSON', [
      { pointer: '', detail: 'is not valid JSON' },
    ]);
  }
}

/**
 * Parses the body of a matched route into the request state (`body`, `rawBody`).
 *
 * @example
 * middy(handler).use(bodyParser({ maxBytes: 1024 * 1024 }));
 */
export function bodyParser(options: { readonly maxBytes?: number } = {}): HttpMiddleware {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  return {
    before: (request) => {
      const state = requestState(request.event);
      const route = state.route?.definition;
      const text = bodyText(request.event, maxBytes);
      if (text === undefined || route === undefined) return;
      state.rawBody = text;
      const contentType = request.event.headers?.['content-type'];
      const json = isJsonMediaType(contentType);
      const charset = mediaTypeOf(contentType)?.charset;
      if (route.body !== undefined && (!json || (charset !== undefined && charset !== 'utf-8')))
        throw new HttpError(
          415,
          'Unsupported media type',
          'this operation takes a JSON body (application/json, UTF-8)',
          { accept: 'application/json' },
        );
      if (json) state.body = parseJson(text, maxBytes);
    },
  };
}
