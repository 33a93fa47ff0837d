import { employerListRepositoryContracts } from '#test/contract/employer-list-repository-contract.ts';
import { newMemoryStoreTable } from '#test/support/memory-store-table.ts';

employerListRepositoryContracts('memory', newMemoryStoreTable);
