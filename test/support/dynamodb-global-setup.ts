import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '#local/dynamodb-local.ts';

/**
 * Global setup of the tiers that run on DynamoDB Local (integration, conformance): one DynamoDB
 * Local per run, in memory, that every test file of the tier reaches through tables of its own
 * (test/support/dynamodb.ts). Starting the JVM once instead of once per file saves a JVM start
 * per file, seconds each on a busy machine. It is tethered to the vitest process
 * (local/tethered-java.sh), so a run killed outright leaves no JVM behind.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** The endpoint of the run's DynamoDB Local. */
    dynamodbEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // A JVM starting beside a whole test tier on two cores can take more than the usual minute.
  const db = await startDynamoDbLocal({ readyTimeoutMs: 180_000 });
  project.provide('dynamodbEndpoint', db.endpoint);
  return () => db.stop();
}
