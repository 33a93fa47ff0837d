import { EmbeddedSearchIndex } from '#shared/search/embedded/embedded-search-index.ts';
import { searchIndexContract } from '#test/contract/search-index-contract.ts';

// Compacting after every few dead slots runs the compaction path through the whole contract.
searchIndexContract('embedded (compacting eagerly)', async () => ({
  index: new EmbeddedSearchIndex({ compactAfterDead: 0 }),
  close: async () => {},
}));

searchIndexContract('embedded', async () => ({
  index: new EmbeddedSearchIndex(),
  close: async () => {},
}));
