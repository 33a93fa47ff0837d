import { CredstackError } from './errors.ts';

/**
 * Parts of a function loaded on first need: a Lambda bundle is split into an entry module,
 * which loads at start, and chunks that a dynamic `import()` loads when a request first needs
 * them (the KMS and S3 clients, the JSON-LD stack). Every caller awaits the same load; a load
 * that fails is a `PART_UNAVAILABLE` error (HTTP 503 with Retry-After), never a hang or a
 * wrong verdict, and the next call tries again.
 */

/** Loads a part once, on the first call; later calls get the same module. */
export type FirstNeed<T> = () => Promise<T>;

/**
 * Wraps `load` (a dynamic `import()`) so it runs on the first call only.
 *
 * @example
 * const kmsModule = onFirstNeed('the KMS client', () => import('@aws-sdk/client-kms'));
 * const { KMSClient } = await kmsModule();
 */
export function onFirstNeed<T>(part: string, load: () => Promise<T>): FirstNeed<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      // Forget the failure: a chunk that failed once (a full /tmp, a read error) may load later.
      loading = undefined;
      throw new CredstackError('PART_UNAVAILABLE', `${part} could not be loaded`, { cause: error });
    });
    return loading;
  };
}

/** True when `error` is a part that could not be loaded: pass it on, do not judge input by it. */
export function isPartUnavailable(error: unknown): boolean {
  return error instanceof CredstackError && error.code === 'PART_UNAVAILABLE';
}
