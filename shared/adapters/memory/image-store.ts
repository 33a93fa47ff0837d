import type { ImageRepository, StoredImage } from '#shared/domain/ports/repositories.ts';
import { keyPart } from './table.ts';

/** Uploaded images in memory, for tests of the use cases. */
export class MemoryImageStore implements ImageRepository {
  readonly #images = new Map<string, StoredImage>();

  async put(image: StoredImage): Promise<void> {
    keyPart(image.issuerId, 'issuer id');
    const key = `${image.issuerId}/${image.name}`;
    if (!this.#images.has(key)) this.#images.set(key, { ...image, bytes: image.bytes.slice() });
  }

  async get(issuerId: string, name: string): Promise<StoredImage | undefined> {
    keyPart(issuerId, 'issuer id');
    const image = this.#images.get(`${issuerId}/${name}`);
    return image && { ...image, bytes: image.bytes.slice() };
  }
}
