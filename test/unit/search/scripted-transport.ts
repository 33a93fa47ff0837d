import type {
  OpenSearchRequest,
  OpenSearchResponse,
  OpenSearchTransport,
} from '#shared/adapters/opensearch/client.ts';

/** One call as the adapter made it. */
export interface RecordedCall {
  readonly params: OpenSearchRequest;
  readonly options?: { readonly ignore?: number[] };
}

type Reply = OpenSearchResponse | Error;

/**
 * A transport that records every call and answers from a script: each reply in turn (the last
 * one repeats), an Error being thrown as the client's transport throws it.
 *
 * @example
 * const transport = new ScriptedTransport({ statusCode: 201, body: { result: 'created' } });
 */
export class ScriptedTransport implements OpenSearchTransport {
  readonly calls: RecordedCall[] = [];
  readonly #replies: Reply[];

  constructor(...replies: Reply[]) {
    this.#replies = replies;
  }

  async request(
    params: OpenSearchRequest,
    options?: { readonly ignore?: number[] },
  ): Promise<OpenSearchResponse> {
    this.calls.push(options === undefined ? { params } : { params, options });
    const reply =
      this.#replies.length > 1 ? this.#replies.shift() : (this.#replies[0] ?? undefined);
    if (reply === undefined) throw new Error('the script has no reply');
    if (reply instanceof Error) throw reply;
    return reply;
  }
}
