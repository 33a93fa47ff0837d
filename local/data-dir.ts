import { chmod, lstat, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * The local runtime's data folder: DynamoDB Local's files and the local signing and token
 * keys. It holds private keys, so it must be a real folder owned by whoever runs `npm start`
 * and closed to other users; a symlink could point the keys somewhere shared.
 */

export interface DataDir {
  readonly root: string;
  readonly dynamodb: string;
  readonly keys: string;
}

export interface PrepareOptions {
  /** The user that must own the folders (default: the current process's user). */
  readonly uid?: number;
}

async function ensurePrivateDir(path: string, uid: number | undefined): Promise<void> {
  try {
    await mkdir(path, { recursive: true, mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const info = await lstat(path);
  if (info.isSymbolicLink())
    throw new Error(`${path} is a symbolic link; the local data folder must be a real folder`);
  if (!info.isDirectory()) throw new Error(`${path} exists and is not a folder`);
  if (uid !== undefined && info.uid !== uid)
    throw new Error(
      `${path} is owned by user ${info.uid}, not by the current user ${uid}; ` +
        'remove it or run as its owner',
    );
  // An existing folder keeps its old mode through mkdir, so tighten it explicitly.
  if ((info.mode & 0o077) !== 0) await chmod(path, 0o700);
}

/**
 * Creates (or checks) `root` with mode 0700 and its `dynamodb/` and `keys/` subfolders, and
 * returns their absolute paths. Throws on a symlink or a folder owned by another user.
 *
 * @example
 * const data = await prepareDataDir();
 * const db = await startDynamoDbLocal({ dbPath: data.dynamodb });
 */
export async function prepareDataDir(
  root = '.data',
  options: PrepareOptions = {},
): Promise<DataDir> {
  const uid = options.uid ?? process.getuid?.();
  const dir: DataDir = {
    root: resolve(root),
    dynamodb: resolve(join(root, 'dynamodb')),
    keys: resolve(join(root, 'keys')),
  };
  await ensurePrivateDir(dir.root, uid);
  await ensurePrivateDir(dir.dynamodb, uid);
  await ensurePrivateDir(dir.keys, uid);
  return dir;
}
