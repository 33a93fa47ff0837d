import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ServiceError } from '#shared/domain/errors.ts';
import type { ImageRepository, StoredImage } from '#shared/domain/ports/repositories.ts';

/**
 * Uploaded badge images as files, for the local runtime: `<dir>/<issuerId>/<name>`. The name is
 * the content's hash, so a file once written never changes; it is written to a temporary name
 * and renamed, so a reader never sees half a file.
 *
 * @example
 * const images = new FileImageStore('.data/images');
 */
export class FileImageStore implements ImageRepository {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async put(image: StoredImage): Promise<void> {
    const folder = join(this.#dir, segment(image.issuerId));
    const path = join(folder, fileName(image.name));
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.${Date.now()}.part`;
    await writeFile(temporary, image.bytes, { mode: 0o600 });
    await rename(temporary, path);
  }

  async get(issuerId: string, name: string): Promise<StoredImage | undefined> {
    const path = join(this.#dir, segment(issuerId), fileName(name));
    try {
      const bytes = new Uint8Array(await readFile(path));
      return {
        issuerId,
        name,
        contentType: name.endsWith('.png') ? 'image/png' : 'image/svg+xml',
        bytes,
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}

const ISSUER = /^[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,127}$/;
const NAME = /^[0-9a-f]{64}\.(?:png|svg)$/;

/** An issuer id as a folder name: never `..`, a separator or empty. */
function segment(issuerId: string): string {
  if (!ISSUER.test(issuerId)) throw new ServiceError('NOT_FOUND', `no issuer ${issuerId}`);
  return issuerId;
}

function fileName(name: string): string {
  if (!NAME.test(name)) throw new ServiceError('NOT_FOUND', `no image ${name.slice(0, 80)}`);
  return name;
}
