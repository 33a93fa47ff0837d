import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { LocalKeyVault } from '#shared/adapters/key-files/local-key-vault.ts';
import {
  type MemoryServiceContext,
  memoryServiceContext,
} from '#shared/adapters/memory/context.ts';
import { type Clock, fixedClock } from '#shared/core/clock.ts';
import { createAchievement } from '#shared/domain/achievements.ts';
import { onboardIssuer } from '#shared/domain/issuers.ts';
import type { Principal } from '#shared/domain/principal.ts';

/**
 * Use cases on the in-memory adapters, for unit tests: no table, no network. Key files go to
 * a temporary directory (the local vault is the one the local runtime uses); the clock is
 * fixed unless a test brings its own.
 */

export const MEMORY_NOW = '2026-03-01T12:00:00.000Z';
export const BASE_URL = 'https://issuer.example';
export const ADMIN: Principal = { subject: 'admin', roles: ['platform-admin'] };

/** A vault directory for the file's tests, removed after them. */
export function useVaultDir(): () => string {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'credstack-memory-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (!dir) throw new Error('the vault directory is made before the tests run');
    return dir;
  };
}

let contexts = 0;

/** A fresh service on memory, its keys under `dir` (each context in its own folder). */
export function memoryService(
  dir: string,
  options: { readonly clock?: Clock; readonly statusListSize?: number } = {},
): MemoryServiceContext {
  contexts += 1;
  return memoryServiceContext({
    vault: new LocalKeyVault({ dir: join(dir, `ctx-${contexts}`) }),
    baseUrl: BASE_URL,
    clock: options.clock ?? fixedClock(MEMORY_NOW),
    ...(options.statusListSize === undefined ? {} : { statusListSize: options.statusListSize }),
  });
}

/** Onboards issuer `issuerId` and creates one achievement per name; returns their ids. */
export async function seedIssuer(
  ctx: MemoryServiceContext,
  issuerId: string,
  achievements: readonly string[],
  options: { readonly statusPurpose?: 'revocation' | 'suspension' } = {},
): Promise<Record<string, string>> {
  await onboardIssuer(ctx, ADMIN, { id: issuerId, name: `${issuerId} Institute` });
  const ids: Record<string, string> = {};
  for (const name of achievements) {
    const view = await createAchievement(ctx, ADMIN, issuerId, {
      definition: { name, description: `${name}.`, criteria: { narrative: 'Passed.' } },
      ...(options.statusPurpose ? { statusPurpose: options.statusPurpose } : {}),
    });
    ids[name] = view.id;
  }
  return ids;
}
