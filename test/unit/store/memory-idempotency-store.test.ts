import { idempotencyRepositoryContract } from '#test/contract/idempotency-repository-contract.ts';
import { newMemoryStoreTable } from '#test/support/memory-store-table.ts';

idempotencyRepositoryContract('memory', newMemoryStoreTable);
