import { onFirstNeed } from '#shared/core/first-need.ts';
import type { ImageRepository } from '#shared/domain/ports/repositories.ts';
import type { ServiceConfig } from '../config.ts';

/**
 * The S3 client and image store, loaded on first need: only an image upload or an image read
 * uses them, and the S3 client (XML protocol, checksums, S3 signing: ~170 KB) is a chunk of the
 * bundle of its own.
 */
const s3StoreModules = onFirstNeed('the S3 image store', async () => {
  const [{ S3Client }, { S3ImageStore }] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('#shared/adapters/s3/image-store.ts'),
  ]);
  return { S3Client, S3ImageStore };
});

/**
 * The uploaded-image store of a function whose configuration names a bucket (IMAGE_BUCKET), or
 * nothing: the service context then answers uploads with 503. Only the two functions that
 * upload and serve images import this module, so no other bundle carries the S3 client. The
 * client is loaded and built on the store's first use; a failed load answers that call with
 * `PART_UNAVAILABLE` (503) and the next call loads again.
 *
 * @example
 * apiFunction(config, { routes: publicReadRoutes, ...imageBucketOf(config) });
 */
export function imageBucketOf(config: ServiceConfig): { images?: ImageRepository } {
  const bucket = config.imageBucket;
  if (bucket === undefined) return {};
  let store: ImageRepository | undefined;
  const ready = async (): Promise<ImageRepository> => {
    const { S3Client, S3ImageStore } = await s3StoreModules();
    // Region and credentials come from the Lambda environment.
    store ??= new S3ImageStore({ client: new S3Client({}), bucket });
    return store;
  };
  return {
    images: {
      put: async (image) => (await ready()).put(image),
      get: async (issuerId, name) => (await ready()).get(issuerId, name),
    },
  };
}
