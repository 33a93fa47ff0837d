import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isStoreUnavailable } from '#shared/adapters/dynamodb/errors.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import type { ImageRepository, StoredImage } from '#shared/domain/ports/repositories.ts';

/**
 * Uploaded badge images in a private S3 bucket, for the AWS runtime: `images/<issuerId>/<name>`,
 * the same layout as the file store. The name is the content's hash, so an object once written
 * never changes: it is written only if absent (`If-None-Match: *`), and a repeated upload of the
 * same bytes is a no-op rather than a new version. The bucket is private; the public-read
 * function serves the bytes, so S3 never answers a browser directly.
 *
 * @example
 * const images = new S3ImageStore({ client: new S3Client({}), bucket: config.imageBucket });
 */
export class S3ImageStore implements ImageRepository {
  readonly #client: S3Client;
  readonly #bucket: string;

  constructor(options: { readonly client: S3Client; readonly bucket: string }) {
    this.#client = options.client;
    this.#bucket = options.bucket;
  }

  async put(image: StoredImage): Promise<void> {
    try {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: objectKey(image.issuerId, image.name),
          Body: image.bytes,
          ContentType: image.contentType,
          // Served as the issuer's badge image for as long as credentials point at it.
          CacheControl: 'public, max-age=31536000, immutable',
          IfNoneMatch: '*',
        }),
      );
    } catch (error) {
      // The object already holds these very bytes (its key is their hash): nothing to do.
      if (alreadyStored(error)) return;
      throw unavailableOr(error);
    }
  }

  async get(issuerId: string, name: string): Promise<StoredImage | undefined> {
    const key = objectKey(issuerId, name);
    try {
      const object = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: key }),
      );
      if (object.Body === undefined) return undefined;
      const bytes = await object.Body.transformToByteArray();
      return { issuerId, name, contentType: contentTypeOf(object.ContentType, name), bytes };
    } catch (error) {
      if (missing(error)) return undefined;
      throw unavailableOr(error);
    }
  }
}

const ISSUER = /^[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,127}$/;
const NAME = /^[0-9a-f]{64}\.(?:png|svg)$/;

/** The object key; an issuer id or name no upload could have produced is NOT_FOUND, unasked. */
export function objectKey(issuerId: string, name: string): string {
  if (!ISSUER.test(issuerId)) throw new ServiceError('NOT_FOUND', `no issuer ${issuerId}`);
  if (!NAME.test(name)) throw new ServiceError('NOT_FOUND', `no image ${name.slice(0, 80)}`);
  return `images/${issuerId}/${name}`;
}

function contentTypeOf(stored: string | undefined, name: string): StoredImage['contentType'] {
  if (stored === 'image/png' || stored === 'image/svg+xml') return stored;
  // Written by this store, the object always carries one; the name's extension says the same.
  return name.endsWith('.png') ? 'image/png' : 'image/svg+xml';
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode;
}

function missing(error: unknown): boolean {
  return error instanceof Error && (error.name === 'NoSuchKey' || statusOf(error) === 404);
}

// 412: an object with this key exists. 409: a concurrent write of the same key won the race.
function alreadyStored(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = statusOf(error);
  return (
    error.name === 'PreconditionFailed' ||
    error.name === 'ConditionalRequestConflict' ||
    status === 412 ||
    status === 409
  );
}

/** S3 out of reach (throttled, 5xx, network) is a 503 with Retry-After; the rest is a fault. */
function unavailableOr(error: unknown): unknown {
  if (isStoreUnavailable(error) || (error instanceof Error && error.name === 'SlowDown'))
    return new ServiceError('UNAVAILABLE', 'the image store is unavailable; try again shortly', {
      cause: error,
    });
  return error;
}
