/**
 * Earn over HTTP against raw TransactWriteItems of the same item shapes, in the same run and at
 * the same concurrency, both straight to DynamoDB Local (no recorder in the path). The raw
 * transaction puts the very items an earn wrote (same count, sizes and index attributes), each
 * under a fresh key with an `attribute_not_exists` condition, so it does everything an earn's
 * write does except the reads and decisions before it and the HTTP/handler path around it.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient, TransactWriteItemsCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { ApiClient } from './api-client';
import type { WrittenItem } from './dynamo-recorder';

export interface ThroughputResult {
  concurrency: number;
  earnPerSecond: number;
  rawTransactPerSecond: number;
  ratio: number;
  requests: number;
}

async function timed(concurrency: number, perWorker: number, work: (worker: number, i: number) => Promise<void>) {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; i < perWorker; i += 1) await work(worker, i);
    }),
  );
  return (concurrency * perWorker) / ((performance.now() - started) / 1000);
}

export async function measureThroughput(
  api: ApiClient,
  endpoint: string,
  tableName: string,
  earnWrites: WrittenItem[],
  options: { concurrency: number; perWorker: number },
): Promise<ThroughputResult> {
  const { concurrency, perWorker } = options;
  // One member per worker, so concurrent earns never race on one member's version.
  const members: string[] = [];
  for (let i = 0; i < concurrency; i += 1) members.push(await api.enrol());
  const earn = async (worker: number, i: number) => {
    await api.earn(members[worker] ?? '', `tp-${worker}-${i}-${randomUUID()}`);
  };

  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
  const shapes = earnWrites.filter((w) => w.after !== undefined);
  if (shapes.length === 0) throw new Error('no earn writes were recorded to replay');
  const raw = async () => {
    const suffix = randomUUID();
    const TransactItems: TransactWriteItem[] = shapes.map((w) => ({
      Put: {
        TableName: tableName,
        Item: { ...(w.after as Record<string, never>), PK: { S: `${w.pk}#${suffix}` } },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    }));
    await client.send(new TransactWriteItemsCommand({ TransactItems }));
  };

  // Warm both paths, then alternate the measured runs so a busy moment of the machine hits both.
  await timed(concurrency, 2, earn);
  await timed(concurrency, 2, raw);
  const half = Math.max(1, Math.floor(perWorker / 2));
  const earnRates = [await timed(concurrency, half, earn)];
  const rawRates = [await timed(concurrency, half, raw)];
  earnRates.push(await timed(concurrency, half, earn));
  rawRates.push(await timed(concurrency, half, raw));
  client.destroy();
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const earnPerSecond = mean(earnRates);
  const rawTransactPerSecond = mean(rawRates);
  return {
    concurrency,
    earnPerSecond: Math.round(earnPerSecond),
    rawTransactPerSecond: Math.round(rawTransactPerSecond),
    ratio: Number((earnPerSecond / rawTransactPerSecond).toFixed(2)),
    requests: concurrency * half * 2,
  };
}
