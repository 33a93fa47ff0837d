import { learnerRepositoryContracts } from '#test/contract/learner-repository-contract.ts';
import { dynamoStoreTable } from '#test/support/dynamo-store-table.ts';
import { useDynamoDbLocal } from '#test/support/dynamodb.ts';

const db = useDynamoDbLocal();

learnerRepositoryContracts('DynamoDB', () => dynamoStoreTable(db));
