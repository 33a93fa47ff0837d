/**
 * Reads the credential out of a badge file in the browser, so the public verify box takes a
 * baked PNG or SVG as well as JSON or a JWT: the service's verify route takes the credential
 * itself, and a visitor who is not signed in has no other route to send an image to.
 *
 * The formats are Open Badges 3.0 baking: a PNG `iTXt` chunk whose keyword is
 * `openbadgecredential`; an SVG `<credential>` element in the OB 3.0 namespace holding a
 * VC-JWT in its `verify` attribute or the credential JSON as its text.
 */

import { BadgeFileError, badgeFileKind, credentialFromPng } from './baked-png.ts';

export { BadgeFileError };

export const OB3_SVG_NAMESPACE = 'https://purl.imsglobal.org/ob/v3p0';

/** The credential text baked into an SVG (read with the browser's XML parser). */
export function credentialFromSvg(svg: string): string {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  if (doc.getElementsByTagName('parsererror').length > 0)
    throw new BadgeFileError('The SVG file is not well-formed XML.');
  const elements = doc.getElementsByTagNameNS(OB3_SVG_NAMESPACE, 'credential');
  if (elements.length === 0)
    throw new BadgeFileError('This SVG carries no badge: it has no baked credential in it.');
  if (elements.length > 1)
    throw new BadgeFileError('This SVG carries more than one credential; it cannot be checked.');
  const element = elements[0] as Element;
  const text = (element.getAttribute('verify') ?? element.textContent ?? '').trim();
  if (text === '') throw new BadgeFileError('The badge data in this SVG is empty.');
  return text;
}

/**
 * The credential a badge file holds: a JSON object, or a compact JWS as text.
 *
 * @example
 * const credential = await credentialFromFile(new Uint8Array(await file.arrayBuffer()));
 */
export async function credentialFromFile(
  bytes: Uint8Array,
): Promise<string | Record<string, unknown>> {
  const kind = badgeFileKind(bytes);
  const text =
    kind === 'png'
      ? await credentialFromPng(bytes)
      : kind === 'svg'
        ? credentialFromSvg(new TextDecoder().decode(bytes))
        : new TextDecoder()
            .decode(bytes)
            .replace(/^\uFEFF/, '')
            .trim();
  if (!text.startsWith('{')) return text;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new BadgeFileError('The badge file holds text that is not valid JSON.');
  }
}
