import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startLocalStack } from './stack';

/**
 * `npm start`: the whole API locally. PORT (default 3000), DYNAMODB_PORT (default: a
 * free port), DATA_DIR (persist between runs; default in memory), LOCAL_PARTNER_KEY,
 * LOCAL_ADMIN_KEY, METRICS_INTERVAL_SECONDS (default 3600, as the hourly schedule).
 */
const dataDir = process.env.DATA_DIR ? resolve(process.env.DATA_DIR) : undefined;
if (dataDir) mkdirSync(dataDir, { recursive: true });

const stack = await startLocalStack({
  port: Number(process.env.PORT ?? 3000),
  ...(process.env.DYNAMODB_PORT ? { dynamoDbPort: Number(process.env.DYNAMODB_PORT) } : {}),
  ...(dataDir ? { dataDir } : {}),
  ...(process.env.LOCAL_PARTNER_KEY ? { partnerKey: process.env.LOCAL_PARTNER_KEY } : {}),
  ...(process.env.LOCAL_ADMIN_KEY ? { adminKey: process.env.LOCAL_ADMIN_KEY } : {}),
  jobIntervalMs: Number(process.env.METRICS_INTERVAL_SECONDS ?? 3600) * 1000,
});

console.log(`Rewards API listening on ${stack.url}`);
console.log(`  partner key (all partner scopes): ${stack.partnerKey}`);
console.log(`  admin key:                        ${stack.adminKey}`);
console.log(`  DynamoDB Local: ${stack.endpoint}${dataDir ? ` (data in ${dataDir})` : ' (in memory)'}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping`);
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
