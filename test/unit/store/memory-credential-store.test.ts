import { credentialRepositoryContract } from '#test/contract/credential-repository-contract.ts';
import { newMemoryStoreTable } from '#test/support/memory-store-table.ts';

credentialRepositoryContract('memory', newMemoryStoreTable);
