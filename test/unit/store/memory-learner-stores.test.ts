import { learnerRepositoryContracts } from '#test/contract/learner-repository-contract.ts';
import { newMemoryStoreTable } from '#test/support/memory-store-table.ts';

learnerRepositoryContracts('memory', newMemoryStoreTable);
