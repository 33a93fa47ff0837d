import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { ApiRoute } from '../api-routes.ts';
import { acknowledge } from '../nag.ts';
import type { StageSettings } from '../stages.ts';
import type { Identity } from './identity.ts';

/** One JSON line per request, with the HTTP API's own context variables. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    time: '$context.requestTime',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
  }),
);

/** A custom domain for the API, with its ACM certificate (same region as the API). */
export interface CustomDomain {
  readonly name: string;
  readonly certificateArn: string;
}

export interface ServiceApiProps {
  readonly stage: StageSettings;
  readonly identity: Identity;
  readonly logKey: IKey;
  readonly customDomain?: CustomDomain;
}

/**
 * The HTTP API (payload 2.0) in front of the API functions: one route per operation, the JWT
 * authorizer on every operation that is not public, stage-wide throttling, CORS, JSON access
 * logs, and optionally a custom domain. The functions check the bearer token again (they are
 * the same handlers that run locally, where no API Gateway stands in front).
 *
 * @example
 * const api = new ServiceApi(this, 'api', { stage, identity, logKey });
 * api.addRoutes(fn, routesOfGroup('learners'));
 */
export class ServiceApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** The public base URL of the service (BASE_URL): the custom domain, or the API endpoint. */
  readonly baseUrl: string;
  readonly accessLogs: LogGroup;
  readonly #authorizer: HttpJwtAuthorizer;
  readonly #routes: HttpRoute[] = [];

  constructor(scope: Construct, id: string, props: ServiceApiProps) {
    super(scope, id);
    const { stage } = props;
    this.api = new HttpApi(this, 'api', {
      apiName: Stack.of(this).stackName,
      description: `credstack ${stage.name}: Open Badges 3.0 issuer service`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...stage.corsOrigins],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.OPTIONS],
        allowHeaders: ['authorization', 'content-type', 'accept', 'idempotency-key'],
        exposeHeaders: ['location', 'www-authenticate'],
        maxAge: Duration.hours(1),
      },
    });
    this.accessLogs = new LogGroup(this, 'access-logs', {
      retention: stage.logRetentionDays,
      encryptionKey: props.logKey,
      removalPolicy: stage.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const domainName = props.customDomain
      ? new DomainName(this, 'domain', {
          domainName: props.customDomain.name,
          certificate: Certificate.fromCertificateArn(
            this,
            'certificate',
            props.customDomain.certificateArn,
          ),
        })
      : undefined;
    this.stage = new HttpStage(this, 'stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: stage.throttle.rateLimit, burstLimit: stage.throttle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
      ...(domainName ? { domainMapping: { domainName } } : {}),
    });
    this.baseUrl = props.customDomain
      ? `https://${props.customDomain.name.toLowerCase()}`
      : this.api.apiEndpoint;
    this.#authorizer = new HttpJwtAuthorizer('bearer', props.identity.issuer, {
      // The API client's tokens and the web app's (resolved once the web client exists).
      jwtAudience: props.identity.audiences,
      identitySource: ['$request.header.Authorization'],
    });
  }

  /** Every route added so far (tests walk them). */
  get routes(): readonly HttpRoute[] {
    return this.#routes;
  }

  /**
   * Routes each of `routes` to `fn`: the JWT authorizer on every non-public one, none on the
   * public ones (each acknowledged as public by design).
   *
   * @example
   * api.addRoutes(issuanceFunction, routesOfGroup('issuance'));
   */
  addRoutes(fn: IFunction, routes: readonly ApiRoute[]): void {
    const integration = new HttpLambdaIntegration(`${fn.node.id}-integration`, fn);
    for (const route of routes) {
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: route.isPublic ? new HttpNoneAuthorizer() : this.#authorizer,
      });
      if (httpRoute === undefined) throw new Error(`no route created for ${route.operationId}`);
      if (route.isPublic)
        acknowledge(
          httpRoute,
          'AwsSolutions-APIG4',
          `${route.operationId} is public by design (published documents, verification, API reference)`,
        );
      this.#routes.push(httpRoute);
    }
  }

  /**
   * Sends every request no route matches to `fn`, so unknown paths get the service's own
   * problem+json 404 rather than API Gateway's.
   *
   * @example
   * api.addFallback(publicReadFunction);
   */
  addFallback(fn: IFunction): void {
    const route = new HttpRoute(this, 'fallback', {
      httpApi: this.api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration('fallback-integration', fn),
      authorizer: new HttpNoneAuthorizer(),
    });
    acknowledge(
      route,
      'AwsSolutions-APIG4',
      'the fallback route only answers 404 problems for paths the API does not define',
    );
    this.#routes.push(route);
  }
}
