import type { ServiceContext } from '#shared/domain/ports/service-context.ts';
import type { ServiceConfig } from '../config.ts';
import {
  type LambdaTable,
  lambdaServiceContext,
  lambdaTable,
  type TableHealth,
  tableHealth,
} from './api-runtime.ts';
import { kmsKeyVault } from './kms-vault.ts';

/**
 * The runtime of the stream consumers and scheduled runs that may sign: the table's SDK-free
 * client and the KMS key vault under the shared service context (functions/lambda/api-runtime.ts).
 * The KMS client is loaded and built on the vault's first use (functions/lambda/kms-vault.ts).
 * Region and credentials come from the Lambda environment.
 */
export interface AwsServiceRuntime {
  readonly documents: LambdaTable['documents'];
  readonly ctx: ServiceContext;
  /** DescribeTable on the service's table: ok while it is ACTIVE or UPDATING. */
  readonly health: TableHealth;
}

/**
 * Builds the clients, the KMS key vault and the DynamoDB service context of a Lambda function.
 * Call it once per cold start, at module scope.
 *
 * @example
 * const { ctx } = awsServiceRuntime(serviceConfig());
 * export const handler = batchJobsHandler(ctx);
 */
export function awsServiceRuntime(config: ServiceConfig): AwsServiceRuntime {
  const table = lambdaTable();
  const ctx = lambdaServiceContext(config, { table, vault: kmsKeyVault(config) });
  return {
    documents: table.documents,
    ctx,
    health: tableHealth(table.documents, config.tableName),
  };
}
