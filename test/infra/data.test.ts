import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { KEY, tableDefinition } from '#shared/adapters/dynamodb/table.ts';
import { KMS_KEY_SPECS } from '#shared/adapters/kms/kms-signer.ts';
import { FUNCTIONS, functionEntries } from '../../infra/function-catalog.ts';
import { logicalIdOf, resourcesOf, type Synthesized, synthesize, textOf } from './synth.ts';

/** The table, the keys and search: what holds the service's data, per stage. */

let dev: Synthesized;
let prod: Synthesized;
let serverless: Synthesized;

beforeAll(() => {
  dev = synthesize({ stage: 'dev' });
  prod = synthesize({ stage: 'prod' });
  serverless = synthesize({ stage: 'dev', search: 'serverless' });
});

type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};

/** The statements of a function's role policy. */
function statementsOf({ stack, template }: Synthesized, name: string): Statement[] {
  const fn = stack.functions[name];
  if (fn === undefined) throw new Error(`no function ${name}`);
  const roleId = logicalIdOf(fn.serviceRole);
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter(({ properties }) =>
      (properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId),
    )
    .flatMap(
      ({ properties }) => (properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
}

/** A function's role ARN as the template writes it. */
function roleArnOf({ stack }: Synthesized, name: string): object {
  return { 'Fn::GetAtt': [logicalIdOf(stack.functions[name]!.serviceRole), 'Arn'] };
}

const actionsOf = (statement: Statement) => [statement.Action].flat();
const issuerKeyActions = (statements: Statement[]) =>
  statements
    .filter(
      (statement) =>
        JSON.stringify(statement.Resource).includes(':key/*') || statement.Resource === '*',
    )
    .filter((statement) => actionsOf(statement).some((action) => action.startsWith('kms:')))
    .flatMap((statement) => actionsOf(statement).map((action) => `${statement.Effect} ${action}`))
    .sort();

describe('the table', () => {
  it('has the keys, GSIs and stream of the shared table definition', () => {
    const definition = tableDefinition('credstack');

    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: definition.KeySchema,
      AttributeDefinitions: Match.arrayWith(definition.AttributeDefinitions ?? []),
      GlobalSecondaryIndexes: definition.GlobalSecondaryIndexes,
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('has point-in-time recovery, TTL on expiresAt and encryption with the data key', () => {
    const [key] = resourcesOf(dev.template, 'AWS::KMS::Key');

    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: KEY.ttl, Enabled: true },
      SSESpecification: {
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [key?.id, 'Arn'] },
      },
    });
  });

  it('is retained and protected from deletion in prod, deleted with a dev stack', () => {
    prod.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    dev.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });

  it('has no hard-coded name', () => {
    const [table] = resourcesOf(prod.template, 'AWS::DynamoDB::Table');

    expect(table?.properties.TableName).toBeUndefined();
  });
});

describe('the data key', () => {
  it('is a rotated symmetric key, kept in prod', () => {
    dev.template.resourceCountIs('AWS::KMS::Key', 1);
    dev.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeySpec: Match.absent(),
    });
    prod.template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });
});

describe('issuer signing keys', () => {
  it('may be created only by the issuer-admin function: SIGN_VERIFY, the signer’s specs, tagged for the stage', () => {
    const statements = statementsOf(prod, 'api-issuer-admin');
    const create = statements.find((statement) => statement.Sid === 'CreateIssuerKeysOfThisStage');

    expect(create).toEqual({
      Sid: 'CreateIssuerKeysOfThisStage',
      Effect: 'Allow',
      Action: 'kms:CreateKey',
      Resource: '*',
      Condition: {
        StringEquals: {
          'kms:KeyUsage': 'SIGN_VERIFY',
          'kms:KeySpec': Object.values(KMS_KEY_SPECS).map((spec) => spec.keySpec),
          'aws:RequestTag/credstack:stage': 'prod',
        },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['credstack:issuer', 'credstack:stage'] },
        Null: { 'aws:RequestTag/credstack:issuer': 'false' },
      },
    });
    for (const [name] of functionEntries().filter(([name]) => name !== 'api-issuer-admin')) {
      expect(issuerKeyActions(statementsOf(prod, name)), name).not.toContain('Allow kms:CreateKey');
    }
  });

  it('let the issuer-admin function name, tag and delete keys, but never sign', () => {
    expect(issuerKeyActions(statementsOf(prod, 'api-issuer-admin'))).toEqual([
      'Allow kms:CreateAlias',
      'Allow kms:CreateKey',
      'Allow kms:GetPublicKey',
      'Allow kms:ScheduleKeyDeletion',
      'Allow kms:TagResource',
      'Deny kms:TagResource',
      'Deny kms:UntagResource',
    ]);
  });

  it('are signed with only by the functions that issue, and only when tagged for an issuer of the stage', () => {
    const signers = functionEntries()
      .filter(([name]) => issuerKeyActions(statementsOf(prod, name)).includes('Allow kms:Sign'))
      .map(([name]) => name);
    const sign = statementsOf(prod, 'api-issuance').find(
      (statement) => statement.Sid === 'SignWithIssuerKeysOfThisStage',
    );

    expect(signers.sort()).toEqual([
      'api-issuance',
      'batch-jobs',
      'pathway-events',
      'pathway-jobs',
    ]);
    expect(
      signers.every((name) => FUNCTIONS[name as keyof typeof FUNCTIONS].access.keys === 'sign'),
    ).toBe(true);
    expect(sign?.Condition).toEqual({
      StringEquals: {
        'aws:ResourceTag/credstack:stage': 'prod',
        'kms:SigningAlgorithm': Object.values(KMS_KEY_SPECS).map((spec) => spec.signingAlgorithm),
      },
      Null: { 'aws:ResourceTag/credstack:issuer': 'false' },
    });
  });

  it('are out of reach of the public, learner, verification and search functions', () => {
    for (const name of [
      'api-public-read',
      'api-learners',
      'api-verification',
      'api-search',
      'api-system',
    ]) {
      expect(issuerKeyActions(statementsOf(prod, name)), name).toEqual([]);
    }
  });

  it('are aliased under the stage’s prefix, which the functions are told', () => {
    const alias = statementsOf(dev, 'api-issuer-admin').find(
      (statement) => statement.Sid === 'NameIssuerKeysUnderTheStagePrefix',
    );

    expect(JSON.stringify(alias?.Resource)).toContain(':alias/credstack/dev/*');
    dev.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ KMS_ALIAS_PREFIX: 'credstack/dev', STAGE: 'dev' }),
      },
    });
  });
});

describe('search', () => {
  it('is a domain in the VPC with encryption at rest and in transit and fine-grained access', () => {
    const [key] = resourcesOf(dev.template, 'AWS::KMS::Key');

    dev.template.hasResourceProperties('AWS::OpenSearchService::Domain', {
      EncryptionAtRestOptions: { Enabled: true, KmsKeyId: { Ref: key?.id } },
      NodeToNodeEncryptionOptions: { Enabled: true },
      DomainEndpointOptions: Match.objectLike({ EnforceHTTPS: true }),
      AdvancedSecurityOptions: Match.objectLike({
        Enabled: true,
        InternalUserDatabaseEnabled: false,
        MasterUserOptions: { MasterUserARN: Match.anyValue() },
      }),
      VPCOptions: Match.objectLike({ SubnetIds: Match.anyValue() }),
    });
  });

  it('is sized by the stage', () => {
    dev.template.hasResourceProperties('AWS::OpenSearchService::Domain', {
      ClusterConfig: Match.objectLike({
        InstanceCount: 1,
        InstanceType: 't3.small.search',
        DedicatedMasterEnabled: false,
        ZoneAwarenessEnabled: false,
      }),
    });
    prod.template.hasResourceProperties('AWS::OpenSearchService::Domain', {
      ClusterConfig: Match.objectLike({
        InstanceCount: 2,
        InstanceType: 'r6g.large.search',
        DedicatedMasterEnabled: true,
        DedicatedMasterCount: 3,
        ZoneAwarenessEnabled: true,
      }),
    });
  });

  it('makes the index setup function the master user and maps the others through the setup step', () => {
    const setup = dev.stack.functions['search-setup'];
    const indexer = dev.stack.functions['search-indexer'];
    const [step] = resourcesOf(dev.template, 'AWS::CloudFormation::CustomResource');

    dev.template.hasResourceProperties('AWS::OpenSearchService::Domain', {
      AdvancedSecurityOptions: Match.objectLike({
        MasterUserOptions: {
          MasterUserARN: { 'Fn::GetAtt': [logicalIdOf(setup!.serviceRole), 'Arn'] },
        },
      }),
    });
    expect(step?.properties.Search).toBe('domain');
    expect(step?.properties.ReaderRoleArns).toEqual([roleArnOf(dev, 'api-search')]);
    expect(step?.properties.WriterRoleArns).toEqual([roleArnOf(dev, 'search-indexer')]);
    expect(step?.properties.IndexDefinition).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(setup!.serviceRole).not.toBe(indexer!.serviceRole);
  });

  it('tells every function bound to search the one candidate index the roles are scoped to', () => {
    for (const name of ['api-search', 'search-indexer', 'search-setup'])
      dev.template.hasResourceProperties('AWS::Lambda::Function', {
        Role: roleArnOf(dev, name),
        Environment: { Variables: Match.objectLike({ SEARCH_INDEX: 'candidates' }) },
      });
  });

  it('places only the functions that reach the domain in its VPC', () => {
    const inVpc = functionEntries()
      .filter(([name]) => {
        const [fn] = resourcesOf(dev.template, 'AWS::Lambda::Function').filter(
          ({ id }) => id === logicalIdOf(dev.stack.functions[name]!),
        );
        return fn?.properties.VpcConfig !== undefined;
      })
      .map(([name]) => name);

    expect(inVpc.sort()).toEqual(['api-search', 'search-indexer', 'search-setup']);
  });

  it('can be an OpenSearch Serverless collection with a data access policy per function role', () => {
    const [policy] = resourcesOf(serverless.template, 'AWS::OpenSearchServerless::AccessPolicy');
    // Role ARNs are tokens inside the JSON text: each becomes the placeholder ROLE.
    const rules = JSON.parse(textOf(policy?.properties.Policy, 'ROLE')) as {
      Principal: unknown[];
      Rules: { Permission: string[]; Resource: string[] }[];
    }[];

    serverless.template.resourceCountIs('AWS::OpenSearchService::Domain', 0);
    serverless.template.resourceCountIs('AWS::EC2::VPC', 0);
    serverless.template.hasResourceProperties('AWS::OpenSearchServerless::Collection', {
      Type: 'SEARCH',
      StandbyReplicas: 'DISABLED',
    });
    const encryption = resourcesOf(
      serverless.template,
      'AWS::OpenSearchServerless::SecurityPolicy',
    ).find(({ properties }) => properties.Type === 'encryption');
    expect(JSON.parse(textOf(encryption?.properties.Policy))).toMatchObject({
      AWSOwnedKey: false,
      KmsARN: 'TOKEN',
    });
    expect(rules.map((rule) => rule.Rules[0]?.Permission.includes('aoss:WriteDocument'))).toEqual([
      false,
      true,
      true,
    ]);
    expect(rules.map((rule) => rule.Principal)).toEqual([['ROLE'], ['ROLE'], ['ROLE']]);
    for (const rule of rules)
      expect(rule.Rules[0]?.Resource).toEqual([
        expect.stringMatching(/^index\/credstack-dev-[0-9a-f]{8}\/candidates$/),
      ]);
    serverless.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SEARCH_SERVICE: 'aoss' }) },
    });
  });

  it('grants on Serverless, by its data access policy, the very roles the domain maps', () => {
    const [policy] = resourcesOf(serverless.template, 'AWS::OpenSearchServerless::AccessPolicy');
    const [step] = resourcesOf(serverless.template, 'AWS::CloudFormation::CustomResource');
    // Each role ARN token is written as the logical id of the role it names.
    const rules = JSON.parse(
      textOf(policy?.properties.Policy, (token) => {
        const getAtt = (token as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
        return getAtt?.[1] === 'Arn' ? getAtt[0] : 'TOKEN';
      }),
    ) as { Description: string; Principal: string[]; Rules: { Permission: string[] }[] }[];
    const roleIdOf = (name: string) => logicalIdOf(serverless.stack.functions[name]!.serviceRole);
    const idsOf = (arns: unknown) =>
      (arns as { 'Fn::GetAtt': [string, string] }[]).map((arn) => arn['Fn::GetAtt'][0]);

    expect(step?.properties.Search).toBe('serverless');
    expect(
      rules.map((rule) => [rule.Description, rule.Principal, rule.Rules[0]?.Permission]),
    ).toEqual([
      [
        'credstack functions with read access',
        idsOf(step?.properties.ReaderRoleArns),
        ['aoss:DescribeIndex', 'aoss:ReadDocument'],
      ],
      [
        'credstack functions with write access',
        idsOf(step?.properties.WriterRoleArns),
        ['aoss:DescribeIndex', 'aoss:ReadDocument', 'aoss:WriteDocument'],
      ],
      [
        'credstack functions with admin access',
        [roleIdOf('search-setup')],
        expect.arrayContaining(['aoss:CreateIndex', 'aoss:UpdateIndex']),
      ],
    ]);
    expect(idsOf(step?.properties.ReaderRoleArns)).toEqual([roleIdOf('api-search')]);
    expect(idsOf(step?.properties.WriterRoleArns)).toEqual([roleIdOf('search-indexer')]);
  });
});

describe('the uploaded images bucket', () => {
  const imageActions = (synthesized: Synthesized, name: string) => {
    const bucket = logicalIdOf(synthesized.stack.images.bucket);
    return statementsOf(synthesized, name)
      .filter((statement) => JSON.stringify(statement.Resource).includes(bucket))
      .flatMap((statement) => actionsOf(statement).map((action) => `${statement.Effect} ${action}`))
      .sort();
  };

  it('is private, encrypted, TLS-only and logged; versioned and retained in prod only', () => {
    for (const [synthesized, policy, versioned] of [
      [prod, 'Retain', true],
      [dev, 'Delete', false],
    ] as const) {
      const id = logicalIdOf(synthesized.stack.images.bucket);
      const bucket = synthesized.template.toJSON().Resources[id];

      expect(bucket).toMatchObject({
        DeletionPolicy: policy,
        Properties: {
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
            ],
          },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          LoggingConfiguration: {
            DestinationBucketName: { Ref: logicalIdOf(synthesized.stack.web.logs) },
            LogFilePrefix: 's3-images/',
          },
        },
      });
      expect(bucket.Properties.BucketName).toBeUndefined();
      expect(bucket.Properties.VersioningConfiguration?.Status === 'Enabled').toBe(versioned);
      synthesized.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('is named to the issuer-admin and public-read functions only', () => {
    const bucket = { Ref: logicalIdOf(dev.stack.images.bucket) };
    const told = functionEntries()
      .filter(([name]) => {
        const fn = dev.stack.functions[name]!;
        const found = resourcesOf(dev.template, 'AWS::Lambda::Function').find(
          (resource) => resource.id === logicalIdOf(fn),
        );
        if (found === undefined) throw new Error(`no resource for ${name}`);
        const { Variables: variables } = found.properties.Environment as {
          Variables: Record<string, unknown>;
        };
        if (variables.IMAGE_BUCKET !== undefined) expect(variables.IMAGE_BUCKET).toEqual(bucket);
        return variables.IMAGE_BUCKET !== undefined;
      })
      .map(([name]) => name);

    expect(told.sort()).toEqual(['api-issuer-admin', 'api-public-read']);
  });

  it('is written by issuer-admin, read by public-read, deleted from by none, out of reach of the rest', () => {
    expect(imageActions(prod, 'api-issuer-admin')).toEqual([
      'Allow s3:GetObject',
      'Allow s3:ListBucket',
      'Allow s3:PutObject',
    ]);
    expect(imageActions(prod, 'api-public-read')).toEqual([
      'Allow s3:GetObject',
      'Allow s3:ListBucket',
    ]);
    for (const [name] of functionEntries().filter(
      ([name]) => name !== 'api-issuer-admin' && name !== 'api-public-read',
    ))
      expect(imageActions(prod, name), name).toEqual([]);
  });

  it('grants object actions on the images/ keys only', () => {
    const bucket = logicalIdOf(prod.stack.images.bucket);
    const objects = statementsOf(prod, 'api-issuer-admin').filter((statement) =>
      actionsOf(statement).some((action) => action === 's3:GetObject' || action === 's3:PutObject'),
    );

    expect(objects).toHaveLength(2);
    for (const statement of objects)
      expect(statement.Resource).toEqual({
        'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/images/*']],
      });
  });
});
