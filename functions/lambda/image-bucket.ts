import { S3Client } from '@aws-sdk/client-s3';
import { S3ImageStore } from '#shared/adapters/s3/image-store.ts';
import type { ImageRepository } from '#shared/domain/ports/repositories.ts';
import type { ServiceConfig } from '../config.ts';

/**
 * The uploaded-image store of a function whose configuration names a bucket (IMAGE_BUCKET), or
 * nothing: the service context then answers uploads with 503. Only the two functions that
 * upload and serve images import this module, so no other bundle carries the S3 client.
 *
 * @example
 * apiFunction(config, { routes: publicReadRoutes, ...imageBucketOf(config) });
 */
export function imageBucketOf(config: ServiceConfig): { images?: ImageRepository } {
  if (config.imageBucket === undefined) return {};
  // Region and credentials come from the Lambda environment.
  return { images: new S3ImageStore({ client: new S3Client({}), bucket: config.imageBucket }) };
}
