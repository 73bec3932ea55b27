import './test/bench/environment';
import { startDynamoDbLocal } from '@infra/local/dynamodb';
import { measureImport } from './test/bench/import';
const dynamo = await startDynamoDbLocal();
try { console.log(JSON.stringify(await measureImport(dynamo.endpoint, Number(process.env.N ?? 2000)))); } finally { await dynamo.stop(); }
