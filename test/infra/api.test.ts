import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { operationsByGroup, ROUTE_GROUP_NAMES, type RouteGroup } from '#functions/api/app.ts';
import { allApiRoutes, appRouteTable, routesOfGroup } from '../../infra/api-routes.ts';
import { functionEntries } from '../../infra/function-catalog.ts';
import { logicalIdOf, resourcesOf, type Synthesized, synthesize } from './synth.ts';

/** The HTTP API: every operation routed once, authorized unless public, throttled and logged. */

let dev: Synthesized;
let prod: Synthesized;
let external: Synthesized;

beforeAll(() => {
  dev = synthesize({ stage: 'dev' });
  prod = synthesize({ stage: 'prod', corsOrigins: 'https://wallet.example.org' });
  external = synthesize({
    stage: 'prod',
    oidcIssuer: 'https://id.example.org/',
    oidcAudience: 'credstack-api',
    domainName: 'Badges.Example.org',
    certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c',
  });
});

const routeKey = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

/** API Gateway routes by route key, with their authorization and target integration. */
function gatewayRoutes({ template }: Synthesized) {
  return new Map(
    resourcesOf(template, 'AWS::ApiGatewayV2::Route').map(({ properties }) => [
      String(properties.RouteKey),
      properties,
    ]),
  );
}

/** The function behind an integration, by logical id. */
function integrationFunction({ template }: Synthesized, target: unknown): string {
  const integrationId = (target as { 'Fn::Join': [string, [string, { Ref: string }]] })[
    'Fn::Join'
  ][1][1].Ref;
  const integration = template.toJSON().Resources[integrationId] as {
    Properties: { IntegrationUri: { 'Fn::GetAtt': [string, string] } };
  };
  return integration.Properties.IntegrationUri['Fn::GetAtt'][0];
}

describe('route groups', () => {
  it('are named by every route, each naming exactly one known group', () => {
    const routes = appRouteTable();
    const known: ReadonlySet<string> = new Set(ROUTE_GROUP_NAMES);

    for (const route of routes)
      expect(known.has(route.group ?? ''), `${route.operationId} needs a group`).toBe(true);
    const grouped = Object.values(operationsByGroup(routes)).flat();
    expect([...grouped].sort()).toEqual(
      allApiRoutes()
        .map((r) => r.operationId)
        .sort(),
    );
  });

  it("hand each group's function exactly the routes naming it", () => {
    const byGroup = operationsByGroup(appRouteTable());
    for (const group of ROUTE_GROUP_NAMES)
      expect(
        routesOfGroup(group)
          .map((route) => route.operationId)
          .sort(),
        group,
      ).toEqual([...byGroup[group]].sort());
  });

  it('are each served by exactly one function', () => {
    const served = functionEntries().flatMap(([, spec]) =>
      spec.trigger.kind === 'http' ? [spec.trigger.group] : [],
    );

    expect([...served].sort()).toEqual([...ROUTE_GROUP_NAMES].sort());
  });
});

describe('the HTTP API', () => {
  it('routes every operation to the function of its group', () => {
    const routes = gatewayRoutes(dev);
    for (const [name, spec] of functionEntries()) {
      if (spec.trigger.kind !== 'http') continue;
      for (const route of routesOfGroup(spec.trigger.group as RouteGroup)) {
        const gateway = routes.get(routeKey(route));

        expect(gateway, routeKey(route)).toBeDefined();
        expect(integrationFunction(dev, gateway?.Target), routeKey(route)).toBe(
          logicalIdOf(dev.stack.functions[name]!),
        );
      }
    }
    expect(routes.size).toBe(allApiRoutes().length + 1);
  });

  it('puts the JWT authorizer on every operation that is not public, and none on public ones', () => {
    const routes = gatewayRoutes(prod);
    const [authorizer] = resourcesOf(prod.template, 'AWS::ApiGatewayV2::Authorizer');
    for (const route of allApiRoutes()) {
      const gateway = routes.get(routeKey(route));

      if (route.isPublic) expect(gateway?.AuthorizationType, routeKey(route)).toBe('NONE');
      else
        expect(gateway, routeKey(route)).toMatchObject({
          AuthorizationType: 'JWT',
          AuthorizerId: { Ref: authorizer?.id },
        });
    }
  });

  it('checks tokens against the Cognito user pool and its app clients by default', () => {
    const found = (suffix: string) =>
      prod.stack.node.findAll().find((c) => c.node.path.endsWith(suffix))!;
    const pool = found('identity/users');

    prod.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::GetAtt': [logicalIdOf(pool), 'ProviderURL'] },
        // The API client (operators, the CLI) and the web app's client.
        Audience: [
          { Ref: logicalIdOf(found('identity/users/api-client')) },
          { Ref: logicalIdOf(found('identity/users/web-client')) },
        ],
      },
    });
    prod.template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
    expect(
      resourcesOf(prod.template, 'AWS::Cognito::UserPoolGroup')
        .map(({ properties }) => properties.GroupName)
        .sort(),
    ).toEqual(['employer', 'issuer-admin', 'learner', 'platform-admin']);
  });

  it('trusts an external OIDC issuer instead, when one is given', () => {
    external.template.resourceCountIs('AWS::Cognito::UserPool', 0);
    external.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: 'https://id.example.org/', Audience: ['credstack-api'] },
    });
    const ids = new Set(Object.values(external.stack.functions).map((fn) => logicalIdOf(fn)));
    const functions = resourcesOf(external.template, 'AWS::Lambda::Function').filter(({ id }) =>
      ids.has(id),
    );

    expect(functions).toHaveLength(functionEntries().length);
    for (const { properties } of functions)
      expect(properties.Environment).toMatchObject({
        Variables: { OIDC_ISSUER: 'https://id.example.org/', OIDC_AUDIENCE: 'credstack-api' },
      });
  });

  it('serves a custom domain and gives its canonical URL to the functions', () => {
    external.template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'Badges.Example.org',
    });
    external.template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    external.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ BASE_URL: 'https://badges.example.org' }) },
    });
  });

  it('throttles the stage and writes JSON access logs to an encrypted log group', () => {
    const stage = resourcesOf(dev.template, 'AWS::ApiGatewayV2::Stage');
    const settings = stage[0]?.properties.AccessLogSettings as { Format: string } | undefined;
    const format = settings?.Format ?? '';

    expect(stage).toHaveLength(1);
    expect(stage[0]?.properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logicalIdOf(dev.stack.api.accessLogs), 'Arn'] },
      },
    });
    expect(JSON.parse(format)).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
    });
    prod.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
    });
  });

  it('allows the stage’s CORS origins', () => {
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['*'] }),
    });
    prod.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://wallet.example.org'],
        AllowHeaders: Match.arrayWith(['authorization', 'idempotency-key']),
      }),
    });
  });

  it('sends unknown paths to the public function, for the service’s own 404 problem', () => {
    const fallback = gatewayRoutes(dev).get('$default');

    expect(fallback?.AuthorizationType).toBe('NONE');
    expect(integrationFunction(dev, fallback?.Target)).toBe(
      logicalIdOf(dev.stack.functions['api-public-read']!),
    );
  });
});
