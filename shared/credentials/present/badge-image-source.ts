/**
 * The image a displayer shows for a credential, always something: the badge image the issuer
 * hosts when it can be fetched and is a raster image, an embedded `data:` raster image, or
 * else a badge drawn in code with the achievement's name and the issuer's. Served by the
 * service itself, so a page never shows a broken image and a viewer's browser never contacts
 * a third-party host.
 */
import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import { badgeSvg } from './badge-image.ts';
import type { CredentialView } from './credential-view.ts';

/** Largest hosted image passed on, in bytes. */
export const MAX_BADGE_IMAGE_BYTES = 1024 * 1024;

/**
 * Raster types only: an SVG from elsewhere would be served from the service's origin, where
 * its scripts and links would act for the service.
 */
const RASTER_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export interface BadgeImage {
  readonly contentType: string;
  readonly body: Uint8Array | string;
  /** Where it came from: the issuer's hosted image, an embedded data URL, or drawn here. */
  readonly source: 'hosted' | 'embedded' | 'drawn';
}

export interface BadgeImageOptions {
  /** Reaches hosted images; without it they are drawn instead. */
  readonly network?: Fetcher;
  /** URLs under this prefix are the service's own: drawn, never fetched back from itself. */
  readonly ownBaseUrl?: string;
}

/**
 * The image for `view`: hosted, embedded or drawn, in that order of preference.
 *
 * @example
 * const image = await badgeImageFor(readCredentialView(credential), { network });
 */
export async function badgeImageFor(
  view: CredentialView,
  options: BadgeImageOptions = {},
): Promise<BadgeImage> {
  const url = view.imageUrl;
  if (url?.startsWith('data:')) {
    const embedded = decodeDataImage(url);
    if (embedded) return embedded;
  } else if (
    url !== undefined &&
    options.network !== undefined &&
    !(options.ownBaseUrl !== undefined && url.startsWith(`${options.ownBaseUrl}/`))
  ) {
    const hosted = await fetchRaster(options.network, url);
    if (hosted) return hosted;
  }
  return {
    contentType: 'image/svg+xml',
    body: badgeSvg({ title: view.achievementName, issuerName: view.issuerName ?? '' }),
    source: 'drawn',
  };
}

function decodeDataImage(url: string): BadgeImage | undefined {
  const match = /^data:(image\/[a-z+.-]+);base64,([A-Za-z0-9+/=\s]+)$/i.exec(url);
  const type = match?.[1]?.toLowerCase();
  if (type === undefined || !RASTER_TYPES.has(type)) return undefined;
  const body = Buffer.from(match?.[2] ?? '', 'base64');
  if (body.length === 0 || body.length > MAX_BADGE_IMAGE_BYTES) return undefined;
  return { contentType: type, body: new Uint8Array(body), source: 'embedded' };
}

async function fetchRaster(network: Fetcher, url: string): Promise<BadgeImage | undefined> {
  try {
    const fetched = await network.fetch(url, { accept: [...RASTER_TYPES].join(', ') });
    const type = fetched.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (fetched.status !== 200 || !RASTER_TYPES.has(type)) return undefined;
    if (fetched.body.length === 0 || fetched.body.length > MAX_BADGE_IMAGE_BYTES) return undefined;
    return { contentType: type, body: fetched.body, source: 'hosted' };
  } catch {
    // Unreachable, refused by the address policy, too slow: the drawn badge stands in.
    return undefined;
  }
}
