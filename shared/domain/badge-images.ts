import { createHash } from 'node:crypto';
import { type BadgeImageType, checkBadgeImage } from '#shared/credentials/bake/image-check.ts';
import { ServiceError } from './errors.ts';
import { requireIssuer } from './issuers.ts';
import type { StoredImage } from './ports/repositories.ts';
import type { ServiceContext } from './ports/service-context.ts';
import { type Principal, requireIssuerScope } from './principal.ts';

/** Largest badge image accepted: a badge is shown at a few hundred pixels. */
export const MAX_BADGE_IMAGE_BYTES = 256 * 1024;

export const BADGE_IMAGE_TYPES: readonly BadgeImageType[] = ['image/png', 'image/svg+xml'];

export interface UploadedImage {
  readonly url: string;
  readonly name: string;
  readonly contentType: BadgeImageType;
  readonly size: number;
}

const NAME = /^[0-9a-f]{64}\.(?:png|svg)$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The public URL of an uploaded image. */
export function uploadedImageUrl(baseUrl: string, issuerId: string, name: string): string {
  return `${baseUrl}/issuers/${issuerId}/uploads/${name}`;
}

function refused(detail: string, code: 'VALIDATION' | 'PAYLOAD_TOO_LARGE' = 'VALIDATION') {
  return new ServiceError(code, `the image was refused: ${detail}`, {
    fields: [{ pointer: '/data', detail }],
  });
}

/**
 * Keeps a badge image an issuer uploads (base64 `data` of a PNG or an SVG), after checking it
 * is what it says, at most MAX_BADGE_IMAGE_BYTES, and, for an SVG, that it runs and loads
 * nothing (shared/credentials/bake/image-check.ts). Refusals are VALIDATION (or PAYLOAD_TOO_LARGE) with
 * the reason; nothing is stored then.
 *
 * @example
 * const { url } = await uploadBadgeImage(ctx, admin, 'northfield', { contentType: 'image/png', data });
 */
export async function uploadBadgeImage(
  ctx: ServiceContext,
  principal: Principal,
  issuerId: string,
  input: { readonly contentType: BadgeImageType; readonly data: string },
): Promise<UploadedImage> {
  requireIssuerScope(principal, issuerId);
  await requireIssuer(ctx, issuerId);
  if (!ctx.images)
    throw new ServiceError('UNAVAILABLE', 'this deployment keeps no uploaded images');
  const data = input.data.replace(/\s+/g, '');
  if (!BASE64.test(data) || data.length % 4 !== 0) throw refused('data is not base64');
  // Checked before decoding: the decoded size is three quarters of the text.
  if ((data.length / 4) * 3 > MAX_BADGE_IMAGE_BYTES + 2)
    throw refused(
      `the image is larger than ${MAX_BADGE_IMAGE_BYTES / 1024} KiB`,
      'PAYLOAD_TOO_LARGE',
    );
  const bytes = new Uint8Array(Buffer.from(data, 'base64'));
  if (bytes.length > MAX_BADGE_IMAGE_BYTES)
    throw refused(
      `the image is larger than ${MAX_BADGE_IMAGE_BYTES / 1024} KiB`,
      'PAYLOAD_TOO_LARGE',
    );
  if (bytes.length === 0) throw refused('the image is empty');
  const problem = checkBadgeImage(bytes, input.contentType);
  if (problem) throw refused(problem.reason);
  const extension = input.contentType === 'image/png' ? 'png' : 'svg';
  const name = `${createHash('sha256').update(bytes).digest('hex')}.${extension}`;
  await ctx.images.put({ issuerId, name, contentType: input.contentType, bytes });
  return {
    url: uploadedImageUrl(ctx.baseUrl, issuerId, name),
    name,
    contentType: input.contentType,
    size: bytes.length,
  };
}

/** An uploaded image, or NOT_FOUND. Public: badge images are shown to anyone. */
export async function readUploadedImage(
  ctx: ServiceContext,
  issuerId: string,
  name: string,
): Promise<StoredImage> {
  const image = NAME.test(name) ? await ctx.images?.get(issuerId, name) : undefined;
  if (!image)
    throw new ServiceError('NOT_FOUND', `no image ${name.slice(0, 80)} for issuer ${issuerId}`);
  return image;
}
