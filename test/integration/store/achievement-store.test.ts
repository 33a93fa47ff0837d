import { achievementRepositoryContract } from '#test/contract/achievement-repository-contract.ts';
import { dynamoStoreTable } from '#test/support/dynamo-store-table.ts';
import { useDynamoDbLocal } from '#test/support/dynamodb.ts';

const db = useDynamoDbLocal();

achievementRepositoryContract('DynamoDB', () => dynamoStoreTable(db));
