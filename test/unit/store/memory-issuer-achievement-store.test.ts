import { achievementRepositoryContract } from '#test/contract/achievement-repository-contract.ts';
import { issuerRepositoryContract } from '#test/contract/issuer-repository-contract.ts';
import { newMemoryStoreTable } from '#test/support/memory-store-table.ts';

issuerRepositoryContract('memory', newMemoryStoreTable);
achievementRepositoryContract('memory', newMemoryStoreTable);
