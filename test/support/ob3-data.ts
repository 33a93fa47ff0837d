import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Where the standards data lives: `OB3_DATA_DIR`, else `../shared/ob3-data` beside the repo.
 * The data is read in place, never copied into the repository.
 */
export const ob3DataDir = resolve(
  process.env.OB3_DATA_DIR ?? join(repoRoot, '..', 'shared', 'ob3-data'),
);

export const ob3DataPresent = existsSync(join(ob3DataDir, 'EXPECTED.md'));

/** Absolute path of a file under the standards data folder. */
export function ob3Path(...parts: string[]): string {
  return join(ob3DataDir, ...parts);
}

export async function readOb3Json<T = Record<string, unknown>>(...parts: string[]): Promise<T> {
  return JSON.parse(await readFile(ob3Path(...parts), 'utf8')) as T;
}

export async function readOb3Text(...parts: string[]): Promise<string> {
  return readFile(ob3Path(...parts), 'utf8');
}
