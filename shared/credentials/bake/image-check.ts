import { isCredstackError } from '#shared/core/errors.ts';
import { decodeAttribute, type StartTag, scanSvg } from './svg-scanner.ts';

/**
 * Checks a badge image an issuer uploads before the service keeps and serves it: a PNG by its
 * signature, or an SVG that can run nothing and load nothing. Browsers run an SVG's scripts and
 * event handlers when it is opened as a document, and fetch what it references; an image served
 * from the service's own origin must do neither.
 */

export type BadgeImageType = 'image/png' | 'image/svg+xml';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Elements that run code, embed other documents or play media: never in a badge image. */
const FORBIDDEN_ELEMENTS: ReadonlyMap<string, string> = new Map([
  ['script', 'a script'],
  ['foreignobject', 'a foreignObject (HTML inside the image)'],
  ['iframe', 'an iframe'],
  ['embed', 'an embedded object'],
  ['object', 'an embedded object'],
  ['audio', 'media'],
  ['video', 'media'],
  ['handler', 'an event handler element'],
  ['listener', 'an event listener element'],
  // A style sheet can @import and url() anything; presentation attributes cannot.
  ['style', 'a style sheet (use presentation attributes)'],
]);

const LINK_ATTRIBUTES = new Set(['href', 'xlink:href', 'src']);
/** Raster images embedded in the SVG itself load nothing. */
const EMBEDDED_RASTER = /^data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$/;
const URL_FUNCTION = /url\(\s*(['"]?)([^)'"]*)\1\s*\)/gi;

export interface ImageRefusal {
  readonly reason: string;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return (colon < 0 ? name : name.slice(colon + 1)).toLowerCase();
}

function refuseTag(tag: StartTag): string | undefined {
  const element = localName(tag.name);
  const forbidden = FORBIDDEN_ELEMENTS.get(element);
  if (forbidden) return `the SVG contains ${forbidden}: <${tag.name}>`;
  for (const attribute of tag.attributes) {
    const name = attribute.name.toLowerCase();
    const value = decodeAttribute(attribute).trim();
    if (localName(name).startsWith('on'))
      return `the SVG has an event handler: ${attribute.name} on <${tag.name}>`;
    if (LINK_ATTRIBUTES.has(name) && !value.startsWith('#') && !EMBEDDED_RASTER.test(value))
      return `the SVG references an external resource: ${attribute.name}="${value.slice(0, 80)}" on <${tag.name}>`;
    // <animate attributeName="href"> or <set> can turn a harmless link into a script.
    if ((element === 'animate' || element === 'set') && name === 'attributename') {
      if (/href$/i.test(value))
        return `the SVG animates a link: <${tag.name} attributeName="${value}">`;
    }
    if (/javascript:/i.test(value))
      return `the SVG has a javascript: URL in ${attribute.name} on <${tag.name}>`;
    for (const match of value.matchAll(URL_FUNCTION)) {
      const target = (match[2] ?? '').trim();
      if (!target.startsWith('#'))
        return `the SVG references an external resource: url(${target.slice(0, 80)}) in ${attribute.name}`;
    }
  }
  return undefined;
}

/**
 * Why the bytes are not an acceptable badge image of `type`, or undefined when they are.
 *
 * @example
 * checkBadgeImage(bytes, 'image/svg+xml'); // { reason: 'the SVG contains a script: <script>' }
 */
export function checkBadgeImage(bytes: Uint8Array, type: BadgeImageType): ImageRefusal | undefined {
  if (type === 'image/png') {
    const isPng = PNG_SIGNATURE.every((byte, index) => bytes[index] === byte);
    return isPng
      ? undefined
      : { reason: 'the file is not a PNG: its first bytes are not the PNG signature' };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { reason: 'the SVG is not UTF-8 text' };
  }
  if (PNG_SIGNATURE.every((byte, index) => bytes[index] === byte))
    return { reason: 'the file is a PNG, not an SVG' };
  let refusal: string | undefined;
  try {
    scanSvg(text, {
      onStartTag: (tag) => {
        refusal ??= refuseTag(tag);
      },
    });
  } catch (error) {
    if (isCredstackError(error))
      return { reason: `the file is not a well-formed SVG: ${error.message}` };
    throw error;
  }
  return refusal === undefined ? undefined : { reason: refusal };
}
