import { App } from 'aws-cdk-lib';
import { credstackApp } from './credstack-app.ts';

/**
 * The CDK app: `npx cdk deploy -c stage=dev` (context values: infra/credstack-app.ts; no stage
 * means dev, with a notice). With no AWS credentials at hand the stack synthesizes
 * environment-agnostic, offline.
 */
credstackApp(new App(), {
  ...(process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT } : {}),
  ...(process.env.CDK_DEFAULT_REGION ? { region: process.env.CDK_DEFAULT_REGION } : {}),
});
