import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, type Code, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { type ConfigVariable, DEFAULT_SERVICE_NAME } from '#functions/config.ts';
import { BUNDLE_FILE, LAMBDA_NODE_OPTIONS } from '../bundling/lambda-build.ts';
import type { ImageAccess, KeyAccess, SearchAccess, TableAccess } from '../function-catalog.ts';
import { acknowledge } from '../nag.ts';
import type { StageSettings } from '../stages.ts';
import type { ImageBucket } from './image-bucket.ts';
import type { SearchBackend } from './search.ts';
import type { ServiceTable } from './service-table.ts';
import type { SigningKeys } from './signing-keys.ts';

export interface ServiceFunctionProps {
  readonly description: string;
  /** From `functionCode`: the shared esbuild build of the function's entry. */
  readonly code: Code;
  readonly stage: StageSettings;
  /** Encrypts the function's log group. */
  readonly logKey: IKey;
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
  /** Reserved concurrent executions: both a guaranteed share and a ceiling. */
  readonly reservedConcurrency?: number;
  /** Attach to these subnets (functions that reach a search domain in a VPC). */
  readonly vpc?: { readonly vpc: IVpc; readonly subnets: SubnetSelection };
}

/**
 * Every credstack function: Node 24 on arm64, an ES module bundle with its linked source map
 * (source-mapped stack traces), the AWS SDK bundled at the lockfile's version, X-Ray tracing,
 * and its own KMS-encrypted log group with the stage's retention. Its role starts empty: the
 * log group and the `bind*` helpers add exactly what the function uses, each setting the
 * environment variable and the grant together.
 *
 * @example
 * const fn = new ServiceFunction(this, 'api-public-read', { description, code, stage, logKey });
 * fn.bindTable(table, 'read');
 */
export class ServiceFunction extends NodejsFunction {
  /** The function's own log group (the base class only exposes it as ILogGroup). */
  readonly serviceLogGroup: LogGroup;
  readonly serviceRole: Role;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}-logs`, {
      retention: props.stage.logRetentionDays,
      encryptionKey: props.logKey,
      removalPolicy: props.stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}-role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `credstack ${id}: ${props.description}`,
      // Lambda manages the network interfaces of a function in a VPC with this policy; the
      // base class only adds it to roles it creates itself.
      ...(props.vpc
        ? {
            managedPolicies: [
              ManagedPolicy.fromAwsManagedPolicyName(
                'service-role/AWSLambdaVPCAccessExecutionRole',
              ),
            ],
          }
        : {}),
    });
    super(scope, id, {
      description: props.description,
      code: props.code,
      handler: `${BUNDLE_FILE.replace(/\.mjs$/, '')}.handler`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMb ?? 512,
      timeout: Duration.seconds(props.timeoutSeconds ?? 10),
      ...(props.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrency }),
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      environment: {
        NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
        // Logging and metrics (functions/observability.ts, under the variable names AWS Lambda
        // Powertools defined): the `service` of every log entry and metric,
        // and one metrics namespace per stage so dev traffic never blends into prod's figures.
        POWERTOOLS_SERVICE_NAME: DEFAULT_SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: `${DEFAULT_SERVICE_NAME}/${props.stage.name}`,
      },
      ...(props.vpc ? { vpc: props.vpc.vpc, vpcSubnets: props.vpc.subnets } : {}),
    });
    this.serviceLogGroup = logGroup;
    this.serviceRole = role;
    logGroup.grantWrite(role);
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments and PutTelemetryRecords accept no resource narrower than *',
    );
    if (props.vpc)
      acknowledge(
        role,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        'the AWS managed policy Lambda needs to attach the function to its subnets (ENI management)',
      );
  }

  /** Sets a configuration variable (functions/config.ts reads exactly these). */
  setConfig(variable: ConfigVariable, value: string): this {
    this.addEnvironment(variable, value);
    return this;
  }

  /**
   * TABLE_NAME and the table grant: item reads, item reads and writes, or only DescribeTable.
   *
   * @example
   * fn.bindTable(table, 'read-write');
   */
  bindTable(table: ServiceTable, access: TableAccess): this {
    if (access === 'none') return this;
    table.grant(this, access);
    return this.setConfig('TABLE_NAME', table.table.tableName);
  }

  /**
   * KMS_ALIAS_PREFIX and the issuer-key permissions (create, or sign), scoped to the stage's tag.
   *
   * @example
   * fn.bindSigningKeys(keys, 'sign');
   */
  bindSigningKeys(keys: SigningKeys, access: KeyAccess): this {
    if (access === 'none') return this;
    keys.grant(this, access);
    return this.setConfig('KMS_ALIAS_PREFIX', keys.aliasPrefix);
  }

  /**
   * IMAGE_BUCKET and the image permissions: serve uploaded images, or also store them.
   *
   * @example
   * fn.bindImages(images, 'read');
   */
  bindImages(images: ImageBucket, access: ImageAccess): this {
    if (access === 'none') return this;
    images.grant(this, access);
    return this.setConfig('IMAGE_BUCKET', images.bucket.bucketName);
  }

  /**
   * The search endpoint and the search permissions.
   *
   * @example
   * fn.bindSearch(search, 'write');
   */
  bindSearch(search: SearchBackend, access: SearchAccess): this {
    if (access === 'none') return this;
    search.grant(this, access);
    for (const [variable, value] of Object.entries(search.environment))
      this.addEnvironment(variable, value);
    return this;
  }
}
