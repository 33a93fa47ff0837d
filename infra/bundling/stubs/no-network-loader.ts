/**
 * Stands in for `@digitalbazaar/http-client` in Lambda bundles. jsonld's Node document loader
 * requires it (and through it undici, about 420 KB minified), but credstack never lets jsonld
 * fetch: every context is loaded from npm packages by its own offline loader. Should a context
 * ever be fetched anyway, the request fails loudly instead of reaching the network.
 */

function refuse(): never {
  throw new Error('JSON-LD documents are never fetched over the network in credstack');
}

/** The one export jsonld's node loader uses. */
export const httpClient = { get: refuse, post: refuse, head: refuse };
