import { Annotations, type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CredstackStack } from './credstack-stack.ts';
import { stageSettings } from './stages.ts';

/** The stage synthesized when no `-c stage=` is given: the throwaway one, never production. */
export const DEFAULT_STAGE = 'dev';

export const DEFAULT_STAGE_NOTICE =
  'No -c stage=<dev|prod> given: synthesizing the dev stage (stack credstack-dev). ' +
  'Use -c stage=prod for production.';

/**
 * Builds the app's one stack from context, with the cdk-nag AwsSolutions checks registered so
 * a finding nobody acknowledged fails synthesis. Context values:
 *
 * - `stage`: `dev` or `prod` (infra/stages.ts); without it the `dev` stage is synthesized and
 *   an info annotation says so (`cdk synth` prints it), so a first `npx cdk synth` works;
 * - `search`: `domain` (default) or `serverless`;
 * - `oidcIssuer`, `oidcAudience`, `oidcJwksUrl`: trust an external OIDC provider instead of
 *   creating a Cognito user pool;
 * - `domainName`, `certificateArn`: serve the API on a custom domain;
 * - `webDomainName`, `webCertificateArn` (us-east-1): serve the web app on a custom domain;
 * - `webClientId`: the web app's client id at the external OIDC provider (default: the
 *   audience);
 * - `alarmEmail`: subscribe an address to the alarms;
 * - `corsOrigins`: comma-separated origins allowed by CORS.
 *
 * @example
 * const stack = credstackApp(new App({ context: { stage: 'dev' } }));
 */
export function credstackApp(
  app: App,
  env: { readonly account?: string; readonly region?: string } = {},
): CredstackStack {
  const context = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const stageName = context('stage');
  const stage = stageSettings({
    stage: stageName ?? DEFAULT_STAGE,
    search: context('search'),
    corsOrigins: context('corsOrigins'),
  });
  const oidcIssuer = context('oidcIssuer');
  const oidcAudience = context('oidcAudience');
  if ((oidcIssuer === undefined) !== (oidcAudience === undefined))
    throw new Error('-c oidcIssuer and -c oidcAudience go together');
  const domainName = context('domainName');
  const certificateArn = context('certificateArn');
  if ((domainName === undefined) !== (certificateArn === undefined))
    throw new Error('-c domainName and -c certificateArn go together');
  const webDomainName = context('webDomainName');
  const webCertificateArn = context('webCertificateArn');
  if ((webDomainName === undefined) !== (webCertificateArn === undefined))
    throw new Error('-c webDomainName and -c webCertificateArn go together');
  const webClientId = context('webClientId');
  const jwksUrl = context('oidcJwksUrl');
  const alarmEmail = context('alarmEmail');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new CredstackStack(app, `credstack-${stage.name}`, {
    stage,
    ...(env.account && env.region ? { env: { account: env.account, region: env.region } } : {}),
    ...(oidcIssuer && oidcAudience
      ? {
          oidc: {
            issuer: oidcIssuer,
            audience: oidcAudience,
            ...(jwksUrl ? { jwksUrl } : {}),
            ...(webClientId ? { webClientId } : {}),
          },
        }
      : {}),
    ...(webDomainName && webCertificateArn
      ? { webDomain: { name: webDomainName, certificateArn: webCertificateArn } }
      : {}),
    ...(domainName && certificateArn ? { customDomain: { name: domainName, certificateArn } } : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
  });
  if (stageName === undefined) Annotations.of(stack).addInfo(DEFAULT_STAGE_NOTICE);
  return stack;
}
