import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag finding on `scope` (and its children) with the reason it is
 * acceptable. Every acknowledgement in the app goes through here, so none lacks a reason.
 *
 * @example
 * acknowledge(queue, 'AwsSolutions-SQS3', 'this queue is itself the dead-letter queue of a stream consumer');
 */
export function acknowledge(scope: IConstruct, rule: string, reason: string): void {
  if (reason.trim().length < 20) throw new Error(`acknowledging ${rule} needs a written reason`);
  // Validation ids are `<plugin>::<rule>`; the AwsSolutions pack reports under its own name.
  Validations.of(scope).acknowledge({ id: `${NAG_PACK}::${rule}`, reason });
}

/** The cdk-nag pack the app runs (registered in credstack-app.ts). */
export const NAG_PACK = 'AwsSolutions';
