import { describe, expect, it } from 'vitest';
import { MemoryStatusListStore } from '#shared/adapters/memory/issuance-stores.ts';
import { statusListRepositoryContract } from '#test/contract/status-list-repository-contract.ts';
import { newMemoryStoreTable } from '#test/support/memory-store-table.ts';

statusListRepositoryContract('memory', newMemoryStoreTable);

describe('MemoryStatusListStore options', () => {
  it('refuses a list size or fill ratio it cannot work with, as the DynamoDB store does', () => {
    expect(() => new MemoryStatusListStore({ listSize: 0 })).toThrow(
      expect.objectContaining({ code: 'INPUT_MALFORMED' }),
    );
    expect(() => new MemoryStatusListStore({ fillRatio: 1.5 })).toThrow(
      expect.objectContaining({ code: 'INPUT_MALFORMED' }),
    );
  });
});
