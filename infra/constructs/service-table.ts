import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  type CfnTable,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { KEY, tableDefinition } from '#shared/adapters/dynamodb/table.ts';
import type { TableAccess } from '../function-catalog.ts';
import { acknowledge } from '../nag.ts';
import type { StageSettings } from '../stages.ts';

export interface ServiceTableProps {
  readonly stage: StageSettings;
  readonly encryptionKey: IKey;
}

function keyOf(
  schema: readonly { AttributeName?: string; KeyType?: string }[] | undefined,
  type: 'HASH' | 'RANGE',
) {
  const name = schema?.find((key) => key.KeyType === type)?.AttributeName;
  if (name === undefined) throw new Error(`the table definition has no ${type} key`);
  return { name, type: AttributeType.STRING };
}

/**
 * The single table, built from the same definition DynamoDB Local uses (shared/adapters/dynamodb/table.ts):
 * keys, GSIs, the stream with new and old images. Here it adds what only AWS has: point-in-time
 * recovery, TTL on `expiresAt`, encryption with the data key, and per-stage retention.
 *
 * @example
 * const { table } = new ServiceTable(this, 'table', { stage, encryptionKey });
 */
export class ServiceTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: ServiceTableProps) {
    super(scope, id);
    const definition = tableDefinition('credstack');
    const viewType = definition.StreamSpecification?.StreamViewType;
    if (viewType !== 'NEW_AND_OLD_IMAGES')
      throw new Error(
        `the stream handlers need NEW_AND_OLD_IMAGES, the definition says ${viewType}`,
      );
    this.table = new Table(this, 'table', {
      partitionKey: keyOf(definition.KeySchema, 'HASH'),
      sortKey: keyOf(definition.KeySchema, 'RANGE'),
      billingMode: BillingMode.PAY_PER_REQUEST,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: KEY.ttl,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      deletionProtection: props.stage.retainData,
      removalPolicy: props.stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const index of definition.GlobalSecondaryIndexes ?? []) {
      if (index.IndexName === undefined || index.Projection?.ProjectionType !== 'ALL')
        throw new Error('every GSI of the definition must be named and project ALL');
      this.table.addGlobalSecondaryIndex({
        indexName: index.IndexName,
        partitionKey: keyOf(index.KeySchema, 'HASH'),
        sortKey: keyOf(index.KeySchema, 'RANGE'),
        projectionType: ProjectionType.ALL,
      });
    }
  }

  /** The underlying CloudFormation resource (tests and overrides). */
  get resource(): CfnTable {
    return this.table.node.defaultChild as CfnTable;
  }

  /**
   * Item reads (GetItem, Query, BatchGetItem on the table and its indexes), reads and writes,
   * or only DescribeTable (the health check).
   *
   * @example
   * table.grant(fn, 'read');
   */
  grant(grantee: IGrantable, access: TableAccess): void {
    if (access === 'none') return;
    if (access === 'describe') {
      // The table alone: `Table.grant` would add its indexes, which DescribeTable never needs.
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['dynamodb:DescribeTable'],
          resources: [this.table.tableArn],
        }),
      );
      return;
    }
    if (access === 'read') this.table.grantReadData(grantee);
    else this.table.grantReadWriteData(grantee);
    const principal = grantee.grantPrincipal;
    if (!Construct.isConstruct(principal)) return;
    const table = Stack.of(this).getLogicalId(this.resource);
    acknowledge(
      principal,
      `AwsSolutions-IAM5[Resource::<${table}.Arn>/index/*]`,
      'the grant covers the table’s own global secondary indexes (GSI1, GSI2), which queries read',
    );
    if (access === 'read-write') {
      const reason =
        'the table is encrypted with the data key: writing items needs its data keys (GenerateDataKey*, ReEncrypt*), on that one key only';
      acknowledge(principal, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason);
      acknowledge(principal, 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason);
    }
  }
}
