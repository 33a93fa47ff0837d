import { chmod, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareDataDir } from '#local/data-dir.ts';

let base: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'data-dir-'));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('prepareDataDir', () => {
  it('creates the root and its subfolders with mode 0700 and returns absolute paths', async () => {
    const root = join(base, '.data');

    const dir = await prepareDataDir(root);

    expect(dir).toEqual({
      root,
      dynamodb: join(root, 'dynamodb'),
      keys: join(root, 'keys'),
    });
    expect(await modeOf(dir.root)).toBe(0o700);
    expect(await modeOf(dir.dynamodb)).toBe(0o700);
    expect(await modeOf(dir.keys)).toBe(0o700);
  });

  it('accepts an existing folder again and tightens a loose mode', async () => {
    const root = join(base, '.data');
    await prepareDataDir(root);
    await chmod(root, 0o755);
    await writeFile(join(root, 'keys', 'kept.pem'), 'x');

    const dir = await prepareDataDir(root);

    expect(await modeOf(dir.root)).toBe(0o700);
    expect((await stat(join(dir.keys, 'kept.pem'))).isFile()).toBe(true);
  });

  it('refuses a root that is a symbolic link', async () => {
    const target = join(base, 'elsewhere');
    await mkdir(target);
    const root = join(base, '.data');
    await symlink(target, root);

    await expect(prepareDataDir(root)).rejects.toThrow(`${root} is a symbolic link`);
  });

  it('refuses a keys folder that is a symbolic link', async () => {
    const root = join(base, '.data');
    await mkdir(root);
    await mkdir(join(base, 'shared-keys'));
    await symlink(join(base, 'shared-keys'), join(root, 'keys'));

    await expect(prepareDataDir(root)).rejects.toThrow(`${join(root, 'keys')} is a symbolic link`);
  });

  it('refuses a root owned by another user', async () => {
    const root = join(base, '.data');
    await mkdir(root);
    const owner = (await stat(root)).uid;

    await expect(prepareDataDir(root, { uid: owner + 1 })).rejects.toThrow(
      `${root} is owned by user ${owner}, not by the current user ${owner + 1}`,
    );
  });

  it('refuses a root that is a file', async () => {
    const root = join(base, '.data');
    await writeFile(root, 'x');

    await expect(prepareDataDir(root)).rejects.toThrow(`${root} exists and is not a folder`);
  });
});
