import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { REPO_ROOT } from '../../infra/bundling/lambda-build.ts';
import { credstackApp } from '../../infra/credstack-app.ts';
import type { CredstackStack } from '../../infra/credstack-stack.ts';

/**
 * Synthesizes the app as `cdk synth` would (cdk.json's context, cdk-nag registered), in
 * memory and offline. Bundling is skipped unless asked for: most tests read the template, and
 * the bundles have tests of their own.
 */

export interface Synthesized {
  readonly app: App;
  readonly stack: CredstackStack;
  readonly template: Template;
}

const CDK_CONTEXT = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

/**
 * The stack of one stage, synthesized (nag included).
 *
 * @example
 * const { template } = synthesize({ stage: 'dev' });
 */
export function synthesize(
  context: Readonly<Record<string, string>>,
  options: { readonly bundle?: boolean; readonly outdir?: string } = {},
): Synthesized {
  const app = new App({
    context: {
      ...CDK_CONTEXT,
      ...context,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const stack = credstackApp(app);
  return { app, stack, template: Template.fromStack(stack) };
}

/** A resource's properties by type, as a list. */
export function resourcesOf(
  template: Template,
  type: string,
): { readonly id: string; readonly properties: Record<string, unknown> }[] {
  return Object.entries(template.findResources(type)).map(([id, resource]) => ({
    id,
    properties: (resource as { Properties?: Record<string, unknown> }).Properties ?? {},
  }));
}

/**
 * The logical id of a construct's CloudFormation resource in its stack.
 *
 * @example
 * logicalIdOf(stack.functions['api-issuance']!); // 'apiissuance1A2B3C4D'
 */
export function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

/**
 * The text of a template string value, `Fn::Join`s included, with every token in it (a Ref,
 * a GetAtt) written as `placeholder`, or as what `placeholder` makes of the token.
 *
 * @example
 * textOf({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }]] }); // 'arn:TOKEN'
 */
export function textOf(
  value: unknown,
  placeholder: string | ((token: unknown) => string) = 'TOKEN',
): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })?.['Fn::Join'];
  if (join === undefined) return typeof placeholder === 'string' ? placeholder : placeholder(value);
  return join[1].map((part) => textOf(part, placeholder)).join(join[0]);
}
