import { describe, expect, it, vi } from 'vitest';
import { isPartUnavailable } from '#shared/core/first-need.ts';
import { compiledOf } from '#shared/domain/pathway-evaluation.ts';
import { savePathway } from '#shared/domain/pathways.ts';
import { ADMIN, memoryService, seedIssuer, useVaultDir } from '#test/support/memory-service.ts';

/**
 * The rule schema's validator loads on the first save (in a Lambda bundle, a chunk). Here it
 * cannot load: a save is PART_UNAVAILABLE (503), never a verdict on the rule and never a
 * partial write, and compiling a stored version, which does not need it, still works.
 */

vi.mock('#pathways/validate.ts', () => {
  throw new Error('the chunk is missing');
});

const vaultDir = useVaultDir();

describe('the pathway rule validator, when it cannot load', () => {
  it('makes a save PART_UNAVAILABLE and stores nothing; stored versions still compile', async () => {
    const ctx = memoryService(vaultDir());
    const ids = await seedIssuer(ctx, 'on-need', ['A']);
    const definition = {
      format: 'credstack-pathway/1',
      id: 'foundations',
      version: 1,
      name: 'Foundations',
      issuerId: 'on-need',
      root: { allOf: [{ achievement: ids.A }] },
    };

    const saved = savePathway(ctx, ADMIN, 'on-need', definition).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(isPartUnavailable(await saved)).toBe(true);
    expect(await ctx.pathways.getHead('on-need', 'foundations')).toBeUndefined();
    const compiled = compiledOf({
      issuerId: 'on-need',
      pathwayId: 'foundations',
      version: 1,
      definition,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(compiled.nodes).toHaveLength(2);
  });
});
