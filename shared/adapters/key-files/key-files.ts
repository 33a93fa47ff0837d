import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CredstackError, describeError } from '#shared/core/errors.ts';

/**
 * Private key files for the local runtime. The rules are the ones `ssh` applies: the
 * directory is 0700, the file is 0600 from the moment it exists, and a file that group or
 * others can read is refused rather than used.
 */

export const KEY_FILE_MODE = 0o600;
export const KEY_DIR_MODE = 0o700;
const KEY_FILE_SUFFIX = '.pem';
// A PKCS#8 PEM of an RSA-4096 key is about 3.3 KB; anything far larger is not a key file.
const MAX_KEY_FILE_BYTES = 64 * 1024;
// The key id becomes the file name, so it must not be able to name another path.
const KEY_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/**
 * Throws `BUILD_INVALID` unless `keyId` is usable as a key file name (letters, digits, `.`,
 * `_`, `-`; at most 128 characters; not starting with a dot).
 *
 * @example
 * assertLocalKeyId('issuer-2026'); // ok
 */
export function assertLocalKeyId(keyId: string): void {
  if (!KEY_ID.test(keyId)) {
    throw new CredstackError(
      'BUILD_INVALID',
      `local key id "${keyId}" must be 1–128 characters of A–Z a–z 0–9 . _ - and not start with a dot`,
    );
  }
}

/**
 * The path of the key file for `keyId` in `dir`.
 *
 * @example
 * keyFilePath('.data/keys', 'issuer-2026'); // '.data/keys/issuer-2026.pem'
 */
export function keyFilePath(dir: string, keyId: string): string {
  assertLocalKeyId(keyId);
  return join(dir, `${keyId}${KEY_FILE_SUFFIX}`);
}

/**
 * The key id a key file stands for: its file name without `.pem`.
 *
 * @example
 * keyIdFromPath('/keys/issuer-2026.pem'); // 'issuer-2026'
 */
export function keyIdFromPath(path: string): string {
  const name = basename(path);
  const keyId = name.endsWith(KEY_FILE_SUFFIX) ? name.slice(0, -KEY_FILE_SUFFIX.length) : name;
  assertLocalKeyId(keyId);
  return keyId;
}

function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}

/** Creates `dir` as 0700 if missing; refuses an existing directory others may write to. */
async function ensureKeyDir(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: KEY_DIR_MODE });
  // mkdir's mode passes through the umask; set it explicitly on the leaf we made.
  if (created !== undefined) await chmod(dir, KEY_DIR_MODE);
  const info = await stat(dir);
  if (!info.isDirectory()) {
    throw new CredstackError('KEY_UNSUPPORTED', `${dir} is not a directory`);
  }
  if (process.platform !== 'win32' && (info.mode & 0o022) !== 0) {
    throw new CredstackError(
      'KEY_UNSUPPORTED',
      `key directory ${dir} is writable by group or others (mode ${(info.mode & 0o777).toString(8)}); run chmod 700 on it`,
    );
  }
}

/**
 * Writes a new private key file at `path` with mode 0600 (its directory 0700 if created).
 * The content goes to a temporary file opened with O_EXCL and mode 0600, is flushed, then
 * hard-linked into place: the key is never world-readable, never half-written, and an
 * existing key is never overwritten (`KEY_UNSUPPORTED` if one is there).
 *
 * @example
 * await writePrivateKeyFile('.data/keys/issuer.pem', pem);
 */
export async function writePrivateKeyFile(path: string, pem: string): Promise<void> {
  const dir = dirname(path);
  await ensureKeyDir(dir);
  const temporary = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', KEY_FILE_MODE);
  try {
    await handle.chmod(KEY_FILE_MODE);
    await handle.writeFile(pem, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temporary, path);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') {
      throw new CredstackError('KEY_UNSUPPORTED', `a key file already exists at ${path}`, {
        cause: error,
      });
    }
    throw new CredstackError('KEY_UNSUPPORTED', `cannot write the key file ${path}`, {
      cause: error,
    });
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

/**
 * Reads a private key file, refusing one that group or others can access (`KEY_UNSUPPORTED`),
 * a missing one (`KEY_NOT_FOUND`) and an oversized one (`INPUT_TOO_LARGE`).
 *
 * @example
 * const pem = await readPrivateKeyFile('.data/keys/issuer.pem');
 */
export async function readPrivateKeyFile(path: string): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = errnoCode(error);
    throw new CredstackError(
      code === 'ENOENT' ? 'KEY_NOT_FOUND' : 'KEY_UNSUPPORTED',
      code === 'ENOENT'
        ? `no key file at ${path}`
        : `cannot open the key file ${path}: ${describeError(error)}`,
      { cause: error },
    );
  }
  try {
    // fstat on the open handle: the checked file is the read file, whatever the path does next.
    const info = await handle.stat();
    if (!info.isFile()) throw new CredstackError('KEY_UNSUPPORTED', `${path} is not a file`);
    const mode = info.mode & 0o777;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new CredstackError(
        'KEY_UNSUPPORTED',
        `key file ${path} is accessible by group or others (mode ${mode.toString(8).padStart(4, '0')}); run chmod 600 on it`,
      );
    }
    if (info.size > MAX_KEY_FILE_BYTES) {
      throw new CredstackError(
        'INPUT_TOO_LARGE',
        `key file ${path} is larger than ${MAX_KEY_FILE_BYTES} bytes`,
      );
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
