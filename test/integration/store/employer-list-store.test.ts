import { employerListRepositoryContracts } from '#test/contract/employer-list-repository-contract.ts';
import { dynamoStoreTable } from '#test/support/dynamo-store-table.ts';
import { useDynamoDbLocal } from '#test/support/dynamodb.ts';

const db = useDynamoDbLocal();

employerListRepositoryContracts('DynamoDB', () => dynamoStoreTable(db));
