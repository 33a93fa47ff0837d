/**
 * Stands in for `@smithy/core/event-streams` in Lambda bundles. The SDK's HTTP protocol imports
 * it lazily for operations that stream events; no DynamoDB, KMS or S3 operation credstack calls
 * does (S3's SelectObjectContent would), but a bundler inlines the lazy import all the same
 * (about 15 KB minified).
 */

function unsupported(): never {
  throw new Error('event streams are not bundled into credstack functions');
}

/** What the protocol destructures from the lazy import. */
export const EventStreamSerde = unsupported;
export const eventStreamSerdeProvider = unsupported;

/**
 * The S3 client resolves its event stream marshaller when it is constructed: it gets one that
 * fails only if an event-stream operation is ever sent, so building the client still works.
 */
export const resolveEventStreamSerdeConfig = <T extends object>(input: T) =>
  Object.assign(input, {
    eventStreamMarshaller: { serialize: unsupported, deserialize: unsupported },
  });
