import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATH_PREFIX } from '../../infra/constructs/web-app.ts';
import { CredstackStack } from '../../infra/credstack-stack.ts';
import { stageSettings } from '../../infra/stages.ts';
import { logicalIdOf, resourcesOf, type Synthesized, synthesize, textOf } from './synth.ts';

/**
 * The web app's hosting: a private bucket behind CloudFront (Origin Access Control), the API
 * under /api on the same origin, strict security headers, the SPA's Cognito client, and the
 * deployment of the built app (or a placeholder page) with its app-config.json.
 */

// biome-ignore lint/suspicious/noExplicitAny: template JSON is asserted structurally
type Json = any;

let prod: Synthesized;
let external: Synthesized;

beforeAll(() => {
  prod = synthesize({ stage: 'prod' });
  external = synthesize({
    stage: 'dev',
    oidcIssuer: 'https://id.example.org/realms/credstack',
    oidcAudience: 'credstack-api',
    webClientId: 'credstack-web',
    webDomainName: 'app.example.org',
    webCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
  });
});

const distributionOf = (synthesized: Synthesized) =>
  resourcesOf(synthesized.template, 'AWS::CloudFront::Distribution')[0]!.properties
    .DistributionConfig as Record<string, Json>;

/** Runs a CloudFront Function's code (cloudfront-js-2.0 is plain ES5 here) on one URI. */
function runEdgeFunction(synthesized: Synthesized, comment: string, uri: string): string {
  const fn = resourcesOf(synthesized.template, 'AWS::CloudFront::Function').find(
    ({ properties }) => (properties.FunctionConfig as { Comment: string }).Comment === comment,
  );
  const code = String(fn?.properties.FunctionCode);
  const handler = new Function(`${code}; return handler;`)() as (event: unknown) => {
    uri: string;
  };
  return handler({ request: { uri } }).uri;
}

describe('the app bucket', () => {
  it('is private, encrypted, TLS-only and no website', () => {
    const site = logicalIdOf(prod.stack.web.bucket);
    const bucket = resourcesOf(prod.template, 'AWS::S3::Bucket').find(({ id }) => id === site)!;

    expect(bucket.properties).toMatchObject({
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
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalIdOf(prod.stack.web.logs) } },
    });
    expect(bucket.properties.WebsiteConfiguration).toBeUndefined();
    prod.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: site },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
          }),
        ]),
      },
    });
  });

  it('is read by the distribution through Origin Access Control only', () => {
    const oac = resourcesOf(prod.template, 'AWS::CloudFront::OriginAccessControl');
    const origins = distributionOf(prod).Origins as Record<string, Json>[];
    const s3 = origins.find((origin) => origin.S3OriginConfig !== undefined)!;

    expect(oac).toHaveLength(1);
    expect(oac[0]!.properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(s3.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oac[0]!.id, 'Id'] });
    expect(s3.S3OriginConfig.OriginAccessIdentity).toBe('');
  });
});

describe('the distribution', () => {
  it('sends strict security headers on every response', () => {
    const [policy] = resourcesOf(prod.template, 'AWS::CloudFront::ResponseHeadersPolicy');
    const config = (policy!.properties.ResponseHeadersPolicyConfig as Record<string, Json>)
      .SecurityHeadersConfig;
    const csp = textOf(config.ContentSecurityPolicy.ContentSecurityPolicy, 'X');
    const distribution = distributionOf(prod);

    expect(csp).toBe(
      "default-src 'self'; connect-src 'self' https://cognito-idp.X.amazonaws.com https://X.auth.X.amazoncognito.com; " +
        "img-src 'self' data: https:; frame-ancestors 'none'; object-src 'none'; base-uri 'self'",
    );
    expect(config).toMatchObject({
      StrictTransportSecurity: {
        AccessControlMaxAgeSec: 63_072_000,
        IncludeSubdomains: true,
        Preload: true,
        Override: true,
      },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
    });
    for (const behavior of [distribution.DefaultCacheBehavior, ...distribution.CacheBehaviors])
      expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: policy!.id });
  });

  it('puts the API under /api on the same origin: every method, no caching, Authorization forwarded', () => {
    const [api] = distributionOf(prod).CacheBehaviors as Record<string, Json>[];
    const origin = (distributionOf(prod).Origins as Record<string, Json>[]).find(
      ({ Id }) => Id === api!.TargetOriginId,
    )!;

    expect(api).toMatchObject({
      PathPattern: `${API_PATH_PREFIX}/*`,
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      // The managed CachingDisabled and AllViewerExceptHostHeader policies.
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
      ViewerProtocolPolicy: 'https-only',
    });
    expect(textOf(origin.DomainName, 'X')).toBe('X.execute-api.X.X');
    expect(origin.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    expect(
      runEdgeFunction(
        prod,
        'Sends /api/<path> to the HTTP API as /<path>',
        '/api/learners/ada/pathways',
      ),
    ).toBe('/learners/ada/pathways');
    expect(runEdgeFunction(prod, 'Sends /api/<path> to the HTTP API as /<path>', '/api')).toBe('/');
  });

  it('answers app routes with the app page, and files as themselves', () => {
    const route = (uri: string) => runEdgeFunction(prod, 'Serves the app page for app routes', uri);

    expect(route('/learners/ada')).toBe('/index.html');
    expect(route('/auth/callback')).toBe('/index.html');
    expect(route('/')).toBe('/index.html');
    expect(route('/assets/index-3f2a.js')).toBe('/assets/index-3f2a.js');
    expect(route('/app-config.json')).toBe('/app-config.json');
    expect(distributionOf(prod).CustomErrorResponses).toBeUndefined();
  });

  it('logs to the log bucket, redirects to https, and uses TLSv1.2_2021 on a custom domain', () => {
    const withDomain = distributionOf(external);

    expect(distributionOf(prod).Logging).toMatchObject({
      Bucket: { 'Fn::GetAtt': [logicalIdOf(prod.stack.web.logs), 'RegionalDomainName'] },
    });
    expect(distributionOf(prod).DefaultCacheBehavior.ViewerProtocolPolicy).toBe(
      'redirect-to-https',
    );
    expect(withDomain.Aliases).toEqual(['app.example.org']);
    expect(withDomain.ViewerCertificate).toMatchObject({
      AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
  });
});

const usersChild = (synthesized: Synthesized, id: string) =>
  logicalIdOf(
    synthesized.stack.node.findChild('identity').node.findChild('users').node.findChild(id),
  );

describe('sign-in for the web app', () => {
  it('is a public Cognito client: code flow only, redirecting to the distribution', () => {
    const web = usersChild(prod, 'web-client');
    const client = resourcesOf(prod.template, 'AWS::Cognito::UserPoolClient').find(
      ({ id }) => id === web,
    )!.properties;
    const distribution = logicalIdOf(prod.stack.web.distribution);

    expect(client).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'profile', 'email'],
      SupportedIdentityProviders: ['COGNITO'],
      AccessTokenValidity: 15,
    });
    expect(client.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    expect(client.CallbackURLs).toEqual([
      {
        'Fn::Join': [
          '',
          ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }, '/auth/callback'],
        ],
      },
    ]);
    prod.template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('is accepted by the functions beside the API client', () => {
    const fn = resourcesOf(prod.template, 'AWS::Lambda::Function').find(
      ({ id }) => id === logicalIdOf(prod.stack.functions['api-learners']!),
    )!;
    const variables = (fn.properties.Environment as { Variables: Record<string, unknown> })
      .Variables;

    expect(textOf(variables.OIDC_AUDIENCE, (token) => JSON.stringify(token))).toBe(
      `${JSON.stringify({ Ref: usersChild(prod, 'api-client') })},${JSON.stringify({ Ref: usersChild(prod, 'web-client') })}`,
    );
  });

  it('writes app-config.json with the Cognito authority and the web client', () => {
    const [deployment] = resourcesOf(prod.template, 'Custom::CDKBucketDeployment');
    const markers = (deployment!.properties.SourceMarkers as Record<string, unknown>[])[1]!;
    const values = Object.values(markers).map((value) => JSON.stringify(value));
    const web = usersChild(prod, 'web-client');
    const pool = logicalIdOf(prod.stack.node.findChild('identity').node.findChild('users'));

    expect(values).toContain(JSON.stringify({ 'Fn::GetAtt': [pool, 'ProviderURL'] }));
    expect(values).toContain(JSON.stringify({ Ref: web }));
    expect(deployment!.properties).toMatchObject({
      DistributionPaths: ['/*'],
      SystemMetadata: { 'cache-control': 'no-cache' },
    });
  });

  it("points an external provider's app at its issuer and client, with its origin in the CSP", () => {
    const [policy] = resourcesOf(external.template, 'AWS::CloudFront::ResponseHeadersPolicy');
    const csp = (policy!.properties.ResponseHeadersPolicyConfig as Record<string, Json>)
      .SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy;

    expect(external.stack.web.signIn).toEqual({
      authority: 'https://id.example.org/realms/credstack',
      clientId: 'credstack-web',
      origins: ['https://id.example.org'],
    });
    expect(external.stack.web.url).toBe('https://app.example.org');
    expect(csp).toContain("connect-src 'self' https://id.example.org;");
    external.template.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
  });
});

describe('the app deployment', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  const stackWith = (distDir: string) =>
    new CredstackStack(
      new App({ context: { 'aws:cdk:bundling-stacks': [] } }),
      'credstack-web-test',
      { stage: stageSettings({ stage: 'dev' }), webDistDir: distDir },
    );

  it('ships web/dist when it was built, else a placeholder page (no web build needed to synthesize)', async () => {
    const built = await mkdtemp(join(tmpdir(), 'credstack-web-dist-'));
    dirs.push(built);
    await writeFile(join(built, 'index.html'), '<!doctype html><title>app</title>');

    expect(stackWith(built).web.built).toBe(true);
    expect(stackWith(join(built, 'missing')).web.built).toBe(false);
  });
});
