import { jobRepositoryContracts } from '#test/contract/job-repository-contract.ts';
import { dynamoStoreTable } from '#test/support/dynamo-store-table.ts';
import { useDynamoDbLocal } from '#test/support/dynamodb.ts';

const db = useDynamoDbLocal();

jobRepositoryContracts('DynamoDB', () => dynamoStoreTable(db));
