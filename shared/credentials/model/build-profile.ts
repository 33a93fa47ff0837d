import {
  invalid,
  nonEmpty,
  optionalList,
  optionalText,
  requireObject,
  requireText,
  requireUri,
  requireVocabulary,
  stripUndefined,
} from './build-checks.ts';
import type { EvidenceInput, ImageInput, ProfileInput } from './build-input.ts';
import { IDENTIFIER_TYPES } from './constants.ts';
import type { Evidence, IdentifierEntry, IdentifierType, Image, Profile } from './types.ts';
import { isObject, pointer } from './values.ts';

/** Converters of the builder's party and evidence inputs: images, profiles, evidence. */

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * True when `value` looks like an email address (one @, a dot in the domain, no spaces).
 *
 * @example
 * isEmailAddress('ada@example.com'); // true
 */
export function isEmailAddress(value: unknown): value is string {
  return typeof value === 'string' && EMAIL.test(value);
}

/**
 * An `Image` object from a URL or `{ id, caption }`.
 *
 * @example
 * buildImage('https://example.org/badge.png', '/achievement/image');
 * // { id: 'https://example.org/badge.png', type: 'Image' }
 */
export function buildImage(input: ImageInput, path: string): Image {
  if (typeof input === 'string') return { id: requireUri(input, path), type: 'Image' };
  if (!isObject(input as unknown)) invalid(path, 'must be a URL or { id, caption }');
  return stripUndefined({
    id: requireUri(input.id, pointer(path, 'id')),
    type: 'Image' as const,
    caption: optionalText(input.caption, pointer(path, 'caption')),
  });
}

/**
 * A `Profile` (issuer, creator, parent organisation).
 *
 * @example
 * buildProfile({ id: 'https://example.org', name: 'Example' }, '/issuer');
 */
export function buildProfile(input: ProfileInput, path: string): Profile {
  requireObject(input, path);
  if (input.email !== undefined && !isEmailAddress(input.email)) {
    invalid(pointer(path, 'email'), `${JSON.stringify(input.email)} is not an email address`);
  }
  const others = optionalList(input.otherIdentifier, pointer(path, 'otherIdentifier'));
  return stripUndefined({
    id: requireUri(input.id, pointer(path, 'id')),
    type: ['Profile'],
    name: requireText(input.name, pointer(path, 'name')),
    url: input.url === undefined ? undefined : requireUri(input.url, pointer(path, 'url')),
    phone: optionalText(input.phone, pointer(path, 'phone')),
    email: input.email,
    description: optionalText(input.description, pointer(path, 'description')),
    image: input.image === undefined ? undefined : buildImage(input.image, pointer(path, 'image')),
    official: optionalText(input.official, pointer(path, 'official')),
    otherIdentifier: nonEmpty(
      others.map((entry, i) =>
        buildIdentifierEntry(entry, pointer(pointer(path, 'otherIdentifier'), i)),
      ),
    ),
    parentOrg:
      input.parentOrg === undefined
        ? undefined
        : buildProfile(input.parentOrg, pointer(path, 'parentOrg')),
  });
}

/**
 * An `IdentifierEntry` (another system's identifier of a profile or achievement).
 *
 * @example
 * buildIdentifierEntry({ identifier: '12345', identifierType: 'sourcedId' }, '/issuer/otherIdentifier/0');
 */
export function buildIdentifierEntry(
  input: Omit<IdentifierEntry, 'type'>,
  path: string,
): IdentifierEntry {
  requireObject(input, path);
  return {
    type: 'IdentifierEntry',
    identifier: requireText(input.identifier, pointer(path, 'identifier')),
    identifierType: requireVocabulary<IdentifierType>(
      input.identifierType,
      IDENTIFIER_TYPES,
      pointer(path, 'identifierType'),
    ),
  };
}

/**
 * An `Evidence` entry; it must say something (an id, a narrative, a name or a description).
 *
 * @example
 * buildEvidence({ id: 'https://example.org/portfolio/1' }, '/evidence/0');
 */
export function buildEvidence(input: EvidenceInput, path: string): Evidence {
  requireObject(input, path);
  const evidence = stripUndefined({
    id: input.id === undefined ? undefined : requireUri(input.id, pointer(path, 'id')),
    type: ['Evidence'],
    name: optionalText(input.name, pointer(path, 'name')),
    description: optionalText(input.description, pointer(path, 'description')),
    narrative: optionalText(input.narrative, pointer(path, 'narrative')),
    genre: optionalText(input.genre, pointer(path, 'genre')),
    audience: optionalText(input.audience, pointer(path, 'audience')),
  });
  if (Object.keys(evidence).length === 1) {
    invalid(path, 'needs an id, a name, a description or a narrative');
  }
  return evidence;
}
