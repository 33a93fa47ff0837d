import { createHash } from 'node:crypto';
import { type CfnElement, Lazy, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  GatewayVpcEndpointAwsService,
  type IConnectable,
  type IVpc,
  Port,
  SecurityGroup,
  type SubnetSelection,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import {
  AccountRootPrincipal,
  type IGrantable,
  type IRole,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, ResourcePolicy } from 'aws-cdk-lib/aws-logs';
import {
  CfnAccessPolicy,
  CfnCollection,
  CfnSecurityPolicy,
} from 'aws-cdk-lib/aws-opensearchserverless';
import { Domain, EngineVersion, TLSSecurityPolicy } from 'aws-cdk-lib/aws-opensearchservice';
import { Construct } from 'constructs';
import { DEFAULT_SEARCH_INDEX } from '#functions/config.ts';
import type { SearchAccess } from '../function-catalog.ts';
import { acknowledge } from '../nag.ts';
import type { SearchKind, StageSettings } from '../stages.ts';

export interface SearchProps {
  readonly stage: StageSettings;
  /** Encrypts the domain's or collection's data and its log groups. */
  readonly encryptionKey: IKey;
}

/** A function that may reach search: its role is the FGAC and data-access principal. */
export interface SearchClient extends IGrantable, IConnectable {
  readonly serviceRole: IRole;
}

/** What a function needs to reach search, whichever way it is hosted. */
export interface SearchBackend {
  readonly kind: SearchKind;
  /** `https://…`, no trailing slash. */
  readonly endpoint: string;
  /** Environment of a function bound to search. */
  readonly environment: Readonly<Record<string, string>>;
  /** Subnets a function must run in to reach search (the domain's VPC), if any. */
  readonly placement?: { readonly vpc: IVpc; readonly subnets: SubnetSelection };
  /** The roles granted each access level so far (the deploy step maps them in the cluster). */
  readonly principals: Readonly<Record<Exclude<SearchAccess, 'none'>, readonly string[]>>;
  grant(client: SearchClient, access: Exclude<SearchAccess, 'none'>): void;
}

const LEVELS = ['read', 'write', 'admin'] as const;

/** The candidate index every function bound to search is told (`SEARCH_INDEX`). */
export const CANDIDATE_INDEX = DEFAULT_SEARCH_INDEX;

/**
 * Search for employers: either a managed OpenSearch domain in a VPC (encryption at rest with
 * the data key and in transit, HTTPS only, fine-grained access control with the index owner's
 * role as master user, sized by the stage) or an OpenSearch Serverless collection (data access
 * policy per function role). Chosen by the stage's `search.kind` (`-c search=serverless`).
 *
 * @example
 * const search = new Search(this, 'search', { stage, encryptionKey });
 * search.backend.grant(indexer, 'write');
 */
export class Search extends Construct {
  readonly backend: SearchBackend;

  constructor(scope: Construct, id: string, props: SearchProps) {
    super(scope, id);
    this.backend =
      props.stage.search.kind === 'domain'
        ? new SearchDomain(this, 'domain', props)
        : new SearchCollection(this, 'collection', props);
  }
}

function principalsByLevel(): Record<Exclude<SearchAccess, 'none'>, string[]> {
  return { read: [], write: [], admin: [] };
}

/** A managed domain in its own VPC (private subnets; NAT per the stage for functions there). */
class SearchDomain extends Construct implements SearchBackend {
  readonly kind = 'domain' as const;
  readonly endpoint: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly placement: { readonly vpc: IVpc; readonly subnets: SubnetSelection };
  readonly principals = principalsByLevel();
  readonly domain: Domain;
  readonly #operators: Role;

  constructor(scope: Construct, id: string, props: SearchProps) {
    super(scope, id);
    const { stage } = props;
    const size = stage.search.domain;
    const removalPolicy = stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logs = (name: string) =>
      new LogGroup(this, name, {
        retention: stage.logRetentionDays,
        encryptionKey: props.encryptionKey,
        removalPolicy,
      });
    const vpc = new Vpc(this, 'vpc', {
      maxAzs: 2,
      natGateways: stage.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      flowLogs: { all: { destination: FlowLogDestination.toCloudWatchLogs(logs('flow-logs')) } },
      // Table reads from the VPC stay on the AWS network and cost nothing.
      gatewayEndpoints: { dynamodb: { service: GatewayVpcEndpointAwsService.DYNAMODB } },
    });
    const subnets: SubnetSelection = { subnetType: SubnetType.PRIVATE_WITH_EGRESS };
    const zones = size.dataNodes > 1 ? 2 : 1;
    this.placement = { vpc, subnets };
    const securityGroup = new SecurityGroup(this, 'domain-sg', {
      vpc,
      description: 'credstack search domain: HTTPS from the functions bound to search',
      allowAllOutbound: false,
    });
    // People reach the cluster (and Dashboards) through this role; it is the master user
    // until a function takes admin access (the deploy step that owns the index).
    this.#operators = new Role(this, 'operators', {
      assumedBy: new AccountRootPrincipal(),
      description: 'credstack search operators (assume to administer the search domain)',
    });
    const domainLogs = [logs('slow-search-logs'), logs('slow-index-logs'), logs('app-logs')];
    this.domain = new Domain(this, 'domain', {
      version: EngineVersion.OPENSEARCH_2_19,
      vpc,
      // One subnet per zone the data nodes spread over.
      vpcSubnets: [{ subnets: vpc.privateSubnets.slice(0, zones) }],
      securityGroups: [securityGroup],
      capacity: {
        dataNodes: size.dataNodes,
        dataNodeInstanceType: size.dataNodeInstanceType,
        ...(size.masterNodes > 0
          ? { masterNodes: size.masterNodes, masterNodeInstanceType: size.masterNodeInstanceType }
          : {}),
        multiAzWithStandbyEnabled: false,
      },
      ebs: { volumeSize: size.volumeGb },
      ...(zones > 1 ? { zoneAwareness: { enabled: true, availabilityZoneCount: zones } } : {}),
      encryptionAtRest: { enabled: true, kmsKey: props.encryptionKey },
      nodeToNodeEncryption: true,
      enforceHttps: true,
      tlsSecurityPolicy: TLSSecurityPolicy.TLS_1_2_PFS,
      fineGrainedAccessControl: {
        masterUserArn: Lazy.string({
          produce: () => this.principals.admin[0] ?? this.#operators.roleArn,
        }),
      },
      logging: {
        slowSearchLogEnabled: true,
        slowSearchLogGroup: domainLogs[0],
        slowIndexLogEnabled: true,
        slowIndexLogGroup: domainLogs[1],
        appLogEnabled: true,
        appLogGroup: domainLogs[2],
      },
      // The resource policy below lets the domain write its logs, without the custom resource
      // (and its Lambda function) the construct would otherwise create for that.
      suppressLogsResourcePolicy: true,
      removalPolicy,
    });
    new ResourcePolicy(this, 'domain-log-policy', {
      policyStatements: [
        new PolicyStatement({
          principals: [new ServicePrincipal('es.amazonaws.com')],
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: domainLogs.map((group) => `${group.logGroupArn}`),
        }),
      ],
    });
    this.endpoint = `https://${this.domain.domainEndpoint}`;
    this.environment = {
      SEARCH_ENDPOINT: this.endpoint,
      SEARCH_SERVICE: 'es',
      SEARCH_INDEX: CANDIDATE_INDEX,
    };
    if (size.masterNodes === 0)
      acknowledge(
        this.domain,
        'AwsSolutions-OS4',
        `the ${stage.name} stage runs a small domain without dedicated master nodes to keep its fixed cost low`,
      );
    if (zones === 1)
      acknowledge(
        this.domain,
        'AwsSolutions-OS7',
        `the ${stage.name} stage runs a single data node, which zone awareness cannot spread`,
      );
    acknowledge(
      this.domain,
      'AwsSolutions-OS3',
      'the domain has no public endpoint: it lives in private subnets, reachable only from the functions’ security groups, and fine-grained access control maps each IAM role',
    );
    acknowledge(
      this.domain,
      'AwsSolutions-OS5',
      'the domain has no resource policy: only IAM principals whose own policies allow es:ESHttp* (the functions bound to search) get in, signed, and fine-grained access control maps each role',
    );
  }

  grant(client: SearchClient, access: Exclude<SearchAccess, 'none'>): void {
    this.principals[access].push(client.serviceRole.roleArn);
    if (access === 'read') this.domain.grantRead(client);
    else this.domain.grantReadWrite(client);
    acknowledge(
      client.serviceRole,
      `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.domain.node.defaultChild as CfnElement)}.Arn>/*]`,
      'the grant covers the indexes of the service’s own search domain; fine-grained access control narrows it further',
    );
    this.domain.connections.allowFrom(
      client,
      Port.tcp(443),
      'HTTPS from a function bound to search',
    );
  }
}

/**
 * An OpenSearch Serverless collection: IAM-signed HTTPS, a data access policy per role. The
 * policy, not the deploy step, grants the functions' roles here (Serverless has no security
 * plugin): readers describe and read the candidate index, writers also write documents, the
 * setup step also creates and updates the index.
 */
class SearchCollection extends Construct implements SearchBackend {
  readonly kind = 'serverless' as const;
  readonly endpoint: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly principals = principalsByLevel();
  readonly collection: CfnCollection;

  constructor(scope: Construct, id: string, props: SearchProps) {
    super(scope, id);
    // Serverless names its collection and policies (lower case, 32 characters at most); the
    // names are derived from the construct path, unique per stack, rather than written by hand.
    const digest = createHash('sha256').update(Names.uniqueId(this)).digest('hex').slice(0, 8);
    const name = `credstack-${props.stage.name}-${digest}`;
    const policy = (suffix: string) => `${name}-${suffix}`;
    const encryption = new CfnSecurityPolicy(this, 'encryption', {
      name: policy('enc'),
      type: 'encryption',
      policy: JSON.stringify({
        Rules: [{ ResourceType: 'collection', Resource: [`collection/${name}`] }],
        AWSOwnedKey: false,
        KmsARN: props.encryptionKey.keyArn,
      }),
    });
    const network = new CfnSecurityPolicy(this, 'network', {
      name: policy('net'),
      type: 'network',
      // Every request is SigV4-signed and checked against the data access policy below.
      policy: JSON.stringify([
        {
          Rules: [{ ResourceType: 'collection', Resource: [`collection/${name}`] }],
          AllowFromPublic: true,
        },
      ]),
    });
    this.collection = new CfnCollection(this, 'collection', {
      name,
      type: 'SEARCH',
      description: `credstack ${props.stage.name}: candidate search`,
      standbyReplicas: props.stage.retainData ? 'ENABLED' : 'DISABLED',
    });
    this.collection.addResourceDependency(encryption);
    this.collection.addResourceDependency(network);
    this.collection.applyRemovalPolicy(
      props.stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    );
    const permissions: Record<Exclude<SearchAccess, 'none'>, string[]> = {
      read: ['aoss:DescribeIndex', 'aoss:ReadDocument'],
      write: ['aoss:DescribeIndex', 'aoss:ReadDocument', 'aoss:WriteDocument'],
      admin: [
        'aoss:CreateIndex',
        'aoss:UpdateIndex',
        'aoss:DescribeIndex',
        'aoss:ReadDocument',
        'aoss:WriteDocument',
      ],
    };
    new CfnAccessPolicy(this, 'data-access', {
      name: policy('data'),
      type: 'data',
      policy: Lazy.string({
        produce: () =>
          JSON.stringify(
            LEVELS.filter((level) => this.principals[level].length > 0).map((level) => ({
              Description: `credstack functions with ${level} access`,
              Rules: [
                {
                  ResourceType: 'index',
                  // The candidate index only, as the domain's roles are scoped to it.
                  Resource: [`index/${name}/${CANDIDATE_INDEX}`],
                  Permission: permissions[level],
                },
              ],
              Principal: [...this.principals[level]],
            })),
          ),
      }),
    });
    this.endpoint = this.collection.attrCollectionEndpoint;
    this.environment = {
      SEARCH_ENDPOINT: this.endpoint,
      SEARCH_SERVICE: 'aoss',
      SEARCH_INDEX: CANDIDATE_INDEX,
    };
  }

  grant(client: SearchClient, access: Exclude<SearchAccess, 'none'>): void {
    this.principals[access].push(client.serviceRole.roleArn);
    client.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['aoss:APIAccessAll'],
        resources: [this.collection.attrArn],
      }),
    );
  }
}
