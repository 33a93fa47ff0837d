/**
 * Stands in for `@smithy/core/event-streams` in Lambda bundles. The SDK's HTTP protocol imports
 * it lazily for operations that stream events; no DynamoDB or KMS operation credstack calls
 * does, but a bundler inlines the lazy import all the same (about 15 KB minified).
 */

function unsupported(): never {
  throw new Error('event streams are not bundled into credstack functions');
}

/** What the protocol destructures from the lazy import. */
export const EventStreamSerde = unsupported;
export const eventStreamSerdeProvider = unsupported;
