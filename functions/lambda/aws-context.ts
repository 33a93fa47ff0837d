import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock } from '#shared/core/clock.ts';
import { KmsKeyVault } from '#shared/crypto/vault/kms-key-vault.ts';
import type { ServiceContext } from '#shared/service/context.ts';
import type { ServiceConfig } from '../config.ts';
import type { HealthReport } from '../http/system-routes.ts';
import { dynamoServiceContext } from '../service-context.ts';

/**
 * What both Lambda composition roots share: the AWS clients and the service context over them.
 * Region and credentials come from the Lambda environment through the SDK's default chain.
 */
export interface AwsServiceRuntime {
  readonly dynamodb: DynamoDBClient;
  readonly kms: KMSClient;
  readonly ctx: ServiceContext;
  /** DescribeTable on the service's table: ok while it is ACTIVE or UPDATING. */
  readonly health: () => Promise<HealthReport>;
}

/** The service's table keeps serving reads and writes in both states. */
const SERVING_STATES: ReadonlySet<string> = new Set(['ACTIVE', 'UPDATING']);

/**
 * Builds the clients, the KMS key vault and the DynamoDB service context of a Lambda function.
 * Call it once per cold start, at module scope.
 *
 * @example
 * const { ctx } = awsServiceRuntime(serviceConfig());
 * export const handler = batchJobsHandler(ctx);
 */
export function awsServiceRuntime(config: ServiceConfig): AwsServiceRuntime {
  const dynamodb = new DynamoDBClient({});
  const documents = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const kms = new KMSClient({});
  const vault = new KmsKeyVault({
    client: kms,
    aliasPrefix: config.kmsAliasPrefix,
    tags: { 'credstack:stage': config.stage },
  });
  const ctx = dynamoServiceContext({
    documents,
    tableName: config.tableName,
    vault,
    baseUrl: config.baseUrl,
    clock: systemClock,
  });
  const health = async (): Promise<HealthReport> => {
    const { Table } = await dynamodb.send(
      new DescribeTableCommand({ TableName: config.tableName }),
    );
    return SERVING_STATES.has(Table?.TableStatus ?? '')
      ? { ok: true }
      : { ok: false, detail: 'the table is not available' };
  };
  return { dynamodb, kms, ctx, health };
}
