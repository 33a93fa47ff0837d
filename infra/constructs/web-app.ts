import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type CfnElement, Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { REPO_ROOT } from '../bundling/lambda-build.ts';
import { acknowledge } from '../nag.ts';
import type { StageSettings } from '../stages.ts';
import type { Identity, WebSignIn } from './identity.ts';

/** A custom domain for the web app, with its ACM certificate (in us-east-1, as CloudFront needs). */
export interface WebDomain {
  readonly name: string;
  readonly certificateArn: string;
}

export interface WebAppProps {
  readonly stage: StageSettings;
  readonly api: HttpApi;
  readonly identity: Identity;
  readonly domain?: WebDomain;
  /** The built app (default: `web/dist`); a placeholder page is shipped when it is absent. */
  readonly distDir?: string;
}

/** Where the API lives under the app's own origin. */
export const API_PATH_PREFIX = '/api';

/** The page shipped when `web/dist` was not built before synthesis. */
export const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>credstack</title></head>
<body><h1>credstack</h1><p>The web app was not built when this stack was synthesized:
build it (<code>web/</code>, into <code>web/dist</code>) and deploy again. The API answers under /api.</p></body></html>
`;

/**
 * The Content-Security-Policy of the app: its own origin for everything, the sign-in
 * provider's origins for the calls the OIDC client makes (discovery, token, logout), images
 * from anywhere over https (badge images are hosted by their issuers), and no framing.
 *
 * @example
 * contentSecurityPolicy(['https://cognito-idp.eu-west-1.amazonaws.com']);
 */
export function contentSecurityPolicy(signInOrigins: readonly string[]): string {
  return [
    "default-src 'self'",
    `connect-src 'self' ${signInOrigins.join(' ')}`,
    "img-src 'self' data: https:",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'self'",
  ].join('; ');
}

// CloudFront Functions (cloudfront-js-2.0): tiny, run at the edge on each viewer request.
const STRIP_API_PREFIX = `function handler(event) {
  var request = event.request;
  request.uri = request.uri.substring(${API_PATH_PREFIX.length}) || '/';
  return request;
}`;

// An app route (no file extension in the last segment) is the app's page; the router in the
// browser takes it from there. Files (assets, app-config.json) pass through, so a missing one
// stays a 404 instead of turning into the page.
const SPA_FALLBACK = `function handler(event) {
  var request = event.request;
  var last = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/**
 * The web app's hosting: a private bucket read only by one CloudFront distribution (Origin
 * Access Control), the API under `/api/*` on the same origin, strict security headers on every
 * response, access logs for both, and a deployment of the built app with its
 * `app-config.json` (where to sign in). Same origin rather than CORS: the app calls its own
 * origin, so no preflight per request, `connect-src 'self'` covers the API, and the API's
 * CORS policy stays as it is for other clients.
 *
 * @example
 * const web = new WebApp(this, 'web', { stage, api: api.api, identity });
 * web.url; // https://d123.cloudfront.net
 */
export class WebApp extends Construct {
  readonly bucket: Bucket;
  readonly logs: Bucket;
  readonly distribution: Distribution;
  readonly headers: ResponseHeadersPolicy;
  /** The app's public URL (the custom domain, else the distribution's). */
  readonly url: string;
  readonly signIn: WebSignIn;
  /** Whether the built app (web/dist) was found at synthesis. */
  readonly built: boolean;

  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id);
    const { stage } = props;
    const removalPolicy = stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.logs = new Bucket(this, 'logs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are delivered with an ACL grant.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(stage.logRetentionDays) }],
      removalPolicy,
    });
    acknowledge(
      this.logs,
      'AwsSolutions-S1',
      'this is the access log bucket itself; logging it into itself would loop',
    );

    this.bucket = new Bucket(this, 'site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 's3/',
      versioned: stage.retainData,
      removalPolicy,
    });

    const apiOrigin = new HttpOrigin(
      `${props.api.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`,
      {
        protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      },
    );

    // The distribution's domain is known only once it exists, and the app's client needs it
    // as its redirect: with a custom domain it is known up front.
    const placeholderOrigin = props.domain ? `https://${props.domain.name.toLowerCase()}` : '';

    const stripApi = new EdgeFunction(this, 'strip-api', {
      code: FunctionCode.fromInline(STRIP_API_PREFIX),
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Sends /api/<path> to the HTTP API as /<path>',
    });
    const spaFallback = new EdgeFunction(this, 'spa-fallback', {
      code: FunctionCode.fromInline(SPA_FALLBACK),
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Serves the app page for app routes',
    });

    this.headers = new ResponseHeadersPolicy(this, 'headers', {
      comment: 'credstack web app: CSP, HSTS and the other security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          // The sign-in origins are known once the web client exists, after the
          // distribution (its redirect names the distribution's domain).
          contentSecurityPolicy: Lazy.string({
            produce: () => contentSecurityPolicy(this.signIn.origins),
          }),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        referrerPolicy: {
          referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      },
    });

    this.distribution = new Distribution(this, 'distribution', {
      comment: `credstack ${stage.name} web app`,
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        compress: true,
        functionAssociations: [
          { function: spaFallback, eventType: FunctionEventType.VIEWER_REQUEST },
        ],
      },
      additionalBehaviors: {
        [`${API_PATH_PREFIX}/*`]: {
          origin: apiOrigin,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          // Every API answer is per caller (bearer tokens) or already carries its own
          // caching headers for clients; the edge keeps none of them.
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // All viewer headers (Authorization included) but Host, which must name the API.
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: this.headers,
          functionAssociations: [
            { function: stripApi, eventType: FunctionEventType.VIEWER_REQUEST },
          ],
        },
      },
      ...(props.domain
        ? {
            domainNames: [props.domain.name],
            certificate: Certificate.fromCertificateArn(
              this,
              'certificate',
              props.domain.certificateArn,
            ),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });
    this.url = placeholderOrigin || `https://${this.distribution.distributionDomainName}`;
    // No cycle: the web client depends on the distribution, the distribution on the API only.
    this.signIn = props.identity.addWebApp(this.url);

    const distDir = props.distDir ?? join(REPO_ROOT, 'web', 'dist');
    this.built = existsSync(join(distDir, 'index.html'));
    const config = {
      apiBase: API_PATH_PREFIX,
      oidc: {
        authority: this.signIn.authority,
        clientId: this.signIn.clientId,
        redirectUri: `${this.url}/auth/callback`,
        postLogoutRedirectUri: `${this.url}/`,
        scope: 'openid profile email',
      },
    };
    new BucketDeployment(this, 'deployment', {
      destinationBucket: this.bucket,
      sources: [
        this.built ? Source.asset(distDir) : Source.data('index.html', PLACEHOLDER_PAGE),
        Source.jsonData('app-config.json', config),
      ],
      // Revalidated on each load (ETag): a new deployment shows at the next reload.
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      retainOnDelete: stage.retainData,
      memoryLimit: 512,
    });
    this.#acknowledgeFindings(props);
  }

  #acknowledgeFindings(props: WebAppProps): void {
    const { distribution } = this;
    acknowledge(
      distribution,
      'AwsSolutions-CFR1',
      'credentials are global: learners and employers sign in from any country',
    );
    acknowledge(
      distribution,
      'AwsSolutions-CFR2',
      'the distribution serves static files and forwards /api to the HTTP API, which has its own stage throttling; a WAF web ACL can be attached per deployment',
    );
    if (!props.domain) {
      acknowledge(
        distribution,
        'AwsSolutions-CFR4',
        'without -c webDomainName the default CloudFront certificate is used, whose policy CloudFront fixes; a custom domain gets TLSv1.2_2021',
      );
    }
    // The deployment's provider function is created once per stack by the CDK library.
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement);
    const copying = [
      'Action::s3:GetBucket*',
      'Action::s3:GetObject*',
      'Action::s3:List*',
      'Action::s3:Abort*',
      'Action::s3:DeleteObject*',
      `Resource::<${bucketId}.Arn>/*`,
      'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
    ];
    for (const child of Stack.of(this).node.children)
      if (child.node.id.startsWith('Custom::CDKBucketDeployment')) {
        acknowledge(
          child,
          'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          'the CDK bucket deployment function writes its logs with the AWS managed basic execution policy',
        );
        for (const finding of copying)
          acknowledge(
            child,
            `AwsSolutions-IAM5[${finding}]`,
            "the CDK bucket deployment copies the app's asset into the app bucket and prunes old files: object wildcards on those two buckets only",
          );
        acknowledge(
          child,
          'AwsSolutions-IAM5[Resource::*]',
          'CloudFront invalidations take no resource-level permission; the function invalidates only this distribution',
        );
        acknowledge(
          child,
          'AwsSolutions-L1',
          'the CDK bucket deployment function runtime is chosen by the CDK library version',
        );
      }
  }
}
