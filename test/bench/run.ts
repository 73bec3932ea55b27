/**
 * `npm run bench`: the local stack (real DynamoDB Local, the same handlers as on AWS)
 * under a bounded load from this process, on loopback only. Latency on a shared 2-core
 * machine is noisy, so each use case is also reported as a ratio to GET /health measured
 * in the same run, and by what it costs in DynamoDB round trips per request, which does
 * not depend on the machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startLocalStack } from '@infra/local/stack';
import { store, useStore } from '@shared/store/client';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 600);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

process.env.PROGRAM_CACHE_SECONDS = '60';
const stack = await startLocalStack({ port: 0, tableName: `bench-${randomUUID()}` });

// Count the DynamoDB calls each request makes (a counting wrapper on the real client).
const calls: Record<string, number> = {};
const real = store();
useStore({
  tableName: real.tableName,
  client: new Proxy(real.client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: { constructor: { name: string } }) => {
        calls[command.constructor.name] = (calls[command.constructor.name] ?? 0) + 1;
        return target.send(command as never);
      };
    },
  }),
});

async function call(method: string, path: string, body?: unknown, key = stack.partnerKey): Promise<number> {
  const headers: Record<string, string> = { Authorization: `Bearer ${key}` };
  if (method === 'POST') headers['Idempotency-Key'] = randomUUID();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(stack.url + path, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  await response.arrayBuffer();
  return response.status;
}

interface Result {
  name: string;
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  dynamoCallsPerRequest: number;
  errors: number;
}

async function measure(name: string, request: (i: number) => Promise<number>, expected: number): Promise<Result> {
  for (const key of Object.keys(calls)) delete calls[key];
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const i = next++;
        const t0 = performance.now();
        const status = await request(i);
        latencies.push(performance.now() - t0);
        if (status !== expected) errors += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const dynamoCalls = Object.values(calls).reduce((a, b) => a + b, 0);
  return {
    name,
    requests: REQUESTS,
    perSecond: REQUESTS / seconds,
    p50: at(0.5),
    p99: at(0.99),
    dynamoCallsPerRequest: dynamoCalls / REQUESTS,
    errors,
  };
}

try {
  const members: string[] = [];
  for (let i = 0; i < CONCURRENCY * 4; i += 1) {
    const response = await fetch(`${stack.url}/v1/members`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${stack.partnerKey}`,
        'Idempotency-Key': randomUUID(),
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ consent: { marketing: false, analytics: false } }),
    });
    members.push(((await response.json()) as { memberId: string }).memberId);
  }
  const member = (i: number) => members[i % members.length];
  // Warm up every function once (module load, program cache).
  await call('GET', '/health');
  await call('GET', `/v1/members/${member(0)}`);

  const results = [
    await measure('GET /health (baseline)', () => call('GET', '/health'), 200),
    await measure('GET member', (i) => call('GET', `/v1/members/${member(i)}`), 200),
    await measure(
      'POST enrol',
      () => call('POST', '/v1/members', { consent: { marketing: false, analytics: false } }),
      201,
    ),
    await measure(
      'POST earn',
      (i) =>
        call('POST', `/v1/members/${member(i)}/earn`, { orderId: `o-${i}`, amount: { value: 1999, currency: 'EUR' } }),
      201,
    ),
    await measure('POST redeem', (i) => call('POST', `/v1/members/${member(i)}/redeem`, { points: 1 }), 201),
    await measure('GET transactions (25)', (i) => call('GET', `/v1/members/${member(i)}/transactions`), 200),
  ];
  const baseline = results[0];
  const rows = results.map((r) => ({
    ...r,
    throughputVsHealth: baseline ? r.perSecond / baseline.perSecond : 1,
    p50VsHealth: baseline ? r.p50 / baseline.p50 : 1,
  }));
  console.log(`\n${REQUESTS} requests per use case, ${CONCURRENCY} concurrent, local server + DynamoDB Local\n`);
  console.log(
    '| use case | req/s | p50 ms | p99 ms | throughput vs /health | p50 vs /health | DynamoDB calls / request | errors |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.throughputVsHealth.toFixed(2)} | ${r.p50VsHealth.toFixed(1)}× | ${r.dynamoCallsPerRequest.toFixed(2)} | ${r.errors} |`,
    );
  }
  mkdirSync('.bench', { recursive: true });
  writeFileSync(
    '.bench/results.json',
    JSON.stringify({ at: new Date().toISOString(), requests: REQUESTS, concurrency: CONCURRENCY, rows }, null, 2),
  );
} finally {
  await stack.stop();
}
