import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  TransactWriteCommandInput,
  TransactWriteCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';

/**
 * The document operations the DynamoDB stores use, and nothing else: items in and out as plain
 * JavaScript values, inputs and answers shaped as the SDK's document client shapes them (the
 * types are the SDK's; importing them adds nothing to a bundle). Two implementations:
 *
 * - the SDK's `DynamoDBDocument` (`@aws-sdk/lib-dynamodb`), which has exactly these methods: the
 *   local runtime, the tests and the benchmarks use it;
 * - the SDK-free client (./lite/documents.ts), which the deployed Lambda functions use for a
 *   small bundle and a short cold start.
 *
 * Failures keep the SDK's error names and fields in both (./errors.ts reads them).
 */
export interface DynamoDocuments {
  get(input: GetCommandInput): Promise<Answer<GetCommandOutput>>;
  put(input: PutCommandInput): Promise<Answer<PutCommandOutput>>;
  update(input: UpdateCommandInput): Promise<Answer<UpdateCommandOutput>>;
  delete(input: DeleteCommandInput): Promise<Answer<DeleteCommandOutput>>;
  query(input: QueryCommandInput): Promise<Answer<QueryCommandOutput>>;
  batchGet(input: BatchGetCommandInput): Promise<Answer<BatchGetCommandOutput>>;
  batchWrite(input: BatchWriteCommandInput): Promise<Answer<BatchWriteCommandOutput>>;
  transactWrite(input: TransactWriteCommandInput): Promise<Answer<TransactWriteCommandOutput>>;
}

/** Every operation of {@link DynamoDocuments}: what a wrapper of the port must pass on. */
export const DOCUMENT_OPERATIONS = [
  'get',
  'put',
  'update',
  'delete',
  'query',
  'batchGet',
  'batchWrite',
  'transactWrite',
] as const satisfies readonly (keyof DynamoDocuments)[];

/** An operation's answer without the SDK's response metadata, which no store reads. */
export type Answer<Output> = Omit<Output, '$metadata'>;

/** One item of a BatchWriteItem request (a put or a delete). */
export type WriteRequest = NonNullable<
  NonNullable<BatchWriteCommandInput['RequestItems']>[string]
>[number];
