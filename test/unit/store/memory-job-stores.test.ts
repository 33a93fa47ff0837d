import { jobRepositoryContracts } from '#test/contract/job-repository-contract.ts';
import { newMemoryStoreTable } from '#test/support/memory-store-table.ts';

jobRepositoryContracts('memory', newMemoryStoreTable);
