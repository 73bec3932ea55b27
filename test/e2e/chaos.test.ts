import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultProgram } from '@infra/config/default-program';
import { startDynamoDbLocal, type LocalDynamo } from '@infra/local/dynamodb';
import { startLocalStack, type LocalStack } from '@infra/local/stack';
import { ProgramRules } from '@shared/schemas/program';

/**
 * A bounded chaos run on a DynamoDB Local of its own (the shared one is never frozen): random
 * earns, point and reward redemptions and reads from 16 clients, with duplicate requests,
 * requests aborted by the client and retried with the same key, and DynamoDB frozen
 * (SIGSTOP … SIGCONT) a few times. Clients retry 503s with the same key. Afterwards, through
 * the API only: Σ ledger = balance for every member, each acknowledged request exactly once in
 * the ledger, and the limited reward never oversold.
 */
// Every 503 during a freeze is logged as an error; so many would drown the test output (set before the logger loads).
vi.hoisted(() => {
  process.env.LOG_LEVEL = 'CRITICAL';
});

const OPERATIONS = 2_000;
const CONCURRENCY = 16;
/** Stop issuing operations after this long, so a slow machine still ends well inside the test timeout. */
const ISSUE_BUDGET_MS = 40_000;
const MEMBERS = 24;
const STOCK = 25;
const REWARD_COST = 40;

interface Entry {
  transactionId: string;
  type: string;
  points: number;
  orderId?: string;
  rewardId?: string;
}

let dynamo: LocalDynamo;
let stack: LocalStack;

beforeAll(async () => {
  process.env.REQUEST_DEADLINE_MS = '2000';
  process.env.DYNAMODB_CALL_TIMEOUT_MS = '1500';
  process.env.PROGRAM_CACHE_SECONDS = '30';
  process.env.DEFAULT_PROGRAM = JSON.stringify(
    ProgramRules.parse({ ...defaultProgram, bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0 } }),
  );
  dynamo = await startDynamoDbLocal();
  stack = await startLocalStack({ port: 0, dynamoDbEndpoint: dynamo.endpoint, tableName: `chaos-${randomUUID()}` });
}, 180_000);
afterAll(async () => {
  if (dynamo?.process.pid) process.kill(dynamo.process.pid, 'SIGCONT');
  await stack?.stop();
  await dynamo?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

interface Answer {
  status: number;
  body: any;
}

async function send(
  method: string,
  path: string,
  options: { body?: unknown; key?: string; as?: 'admin'; abortAfterMs?: number } = {},
): Promise<Answer | 'aborted'> {
  const headers: Record<string, string> = {
    Authorization: `Bearer ${options.as === 'admin' ? stack.adminKey : stack.partnerKey}`,
  };
  if (options.key) headers['Idempotency-Key'] = options.key;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    const response = await fetch(stack.url + path, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.abortAfterMs !== undefined ? { signal: AbortSignal.timeout(options.abortAfterMs) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError') return 'aborted';
    throw error;
  }
}

/**
 * One client operation to its end: a write is sent (sometimes twice at once, sometimes cut off
 * by the client) and retried with the same key until it is answered with something other than
 * 503. Returns the final answer, or undefined when it never got one.
 */
async function untilAnswered(method: string, path: string, body?: unknown): Promise<Answer | undefined> {
  const key = randomUUID();
  for (let attempt = 0; attempt < 40; attempt += 1) {
    const roll = Math.random();
    const abortAfterMs = roll < 0.08 ? Math.floor(Math.random() * 150) : undefined;
    const tries = [send(method, path, { body, key, ...(abortAfterMs !== undefined ? { abortAfterMs } : {}) })];
    if (roll > 0.95) tries.push(send(method, path, { body, key }));
    const answers = await Promise.all(tries);
    const final = answers.find((a): a is Answer => a !== 'aborted' && a.status !== 503);
    if (final) return final;
    for (const answer of answers)
      if (answer !== 'aborted') expect(answer.status === 503 || answer.status === 201).toBe(true);
    await sleep(100 + Math.random() * 300);
  }
  return undefined;
}

async function ledgerOf(memberId: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  let cursor: string | undefined;
  do {
    const page = await send(
      'GET',
      `/v1/members/${memberId}/transactions?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
    );
    if (page === 'aborted' || page.status !== 200) throw new Error(`ledger read failed: ${JSON.stringify(page)}`);
    entries.push(...(page.body.items as Entry[]));
    cursor = page.body.nextCursor;
  } while (cursor);
  return entries;
}

describe('chaos: random operations while DynamoDB freezes', () => {
  it('ends with no invariant violated', async () => {
    const members: string[] = [];
    for (let i = 0; i < MEMBERS; i += 1) {
      const enrolled = await untilAnswered('POST', '/v1/members', { consent: { marketing: false, analytics: false } });
      expect(enrolled?.status).toBe(201);
      members.push(enrolled?.body.memberId);
    }
    const reward = await send('PUT', '/v1/admin/rewards/limited', {
      as: 'admin',
      body: { name: 'Limited', pointsCost: REWARD_COST, stock: STOCK },
    });
    expect(reward).toMatchObject({ status: 201 });

    const acknowledged = new Map<string, Entry & { memberId: string }>();
    const refused: Record<string, number> = {};
    let unanswered = 0;
    let issued = 0;
    let freezes = 0;
    const started = Date.now();

    // DynamoDB Local freezes for 1-2 s every few seconds while the clients run.
    let running = true;
    const javaPid = dynamo.process.pid as number;
    const freezer = (async () => {
      await sleep(2_000);
      while (running && freezes < 4) {
        process.kill(javaPid, 'SIGSTOP');
        freezes += 1;
        await sleep(1_000 + Math.random() * 1_000);
        process.kill(javaPid, 'SIGCONT');
        await sleep(3_000 + Math.random() * 3_000);
      }
    })();

    const operation = async () => {
      const memberId = pick(members);
      const kind = pick(['earn', 'earn', 'redeem', 'reward', 'read'] as const);
      if (kind === 'read') {
        const read = await send('GET', `/v1/members/${memberId}`);
        if (read !== 'aborted') expect([200, 503]).toContain(read.status);
        return;
      }
      const body =
        kind === 'earn'
          ? {
              orderId: `o-${randomUUID()}`,
              amount: { value: 100 + Math.floor(Math.random() * 9_900), currency: 'EUR' },
            }
          : kind === 'redeem'
            ? { points: 1 + Math.floor(Math.random() * 60) }
            : { rewardId: 'limited' };
      const answer = await untilAnswered(
        'POST',
        `/v1/members/${memberId}/${kind === 'earn' ? 'earn' : 'redeem'}`,
        body,
      );
      if (!answer) {
        unanswered += 1;
        return;
      }
      if (answer.status === 201) {
        acknowledged.set(answer.body.transactionId, { ...answer.body, memberId });
        return;
      }
      expect(answer.status).toBe(409);
      refused[answer.body.type] = (refused[answer.body.type] ?? 0) + 1;
    };

    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (issued < OPERATIONS && Date.now() - started < ISSUE_BUDGET_MS) {
          issued += 1;
          await operation();
        }
      }),
    );
    running = false;
    await freezer;
    process.kill(javaPid, 'SIGCONT');

    // Invariants, through the API only.
    const violations: string[] = [];
    const seen = new Map<string, number>();
    let rewardRedemptions = 0;
    for (const memberId of members) {
      const ledger = await ledgerOf(memberId);
      const member = await send('GET', `/v1/members/${memberId}`);
      if (member === 'aborted') throw new Error('member read aborted');
      const sum = ledger.reduce((total, entry) => total + entry.points, 0);
      if (sum !== member.body.points.balance)
        violations.push(`${memberId}: Σ ledger ${sum} ≠ balance ${member.body.points.balance}`);
      if (member.body.points.balance < 0) violations.push(`${memberId}: negative balance`);
      for (const entry of ledger) {
        seen.set(entry.transactionId, (seen.get(entry.transactionId) ?? 0) + 1);
        if (entry.rewardId === 'limited') rewardRedemptions += 1;
      }
      const orders = ledger.filter((entry) => entry.orderId).map((entry) => `${entry.type}:${entry.orderId}`);
      if (new Set(orders).size !== orders.length) violations.push(`${memberId}: an order applied twice`);
    }
    for (const [transactionId, entry] of acknowledged)
      if (seen.get(transactionId) !== 1)
        violations.push(`acknowledged ${entry.type} ${transactionId} in the ledger ${seen.get(transactionId) ?? 0}x`);
    // Whatever is in the ledger and was never acknowledged can only be from requests that never got an answer.
    const unacknowledged = [...seen.keys()].filter((id) => !acknowledged.has(id)).length;
    if (unacknowledged > unanswered) violations.push(`${unacknowledged} ledger entries nobody was told about`);
    const catalog = await send('GET', '/v1/rewards?limit=100');
    if (catalog === 'aborted') throw new Error('catalog read aborted');
    const stock = catalog.body.items.find((item: { rewardId: string }) => item.rewardId === 'limited')?.stock ?? 0;
    if (rewardRedemptions > STOCK) violations.push(`oversold: ${rewardRedemptions} of ${STOCK}`);
    if (stock !== STOCK - rewardRedemptions)
      violations.push(`stock ${stock} ≠ ${STOCK} - ${rewardRedemptions} redeemed`);

    console.info(
      `chaos: ${issued} operations in ${Date.now() - started} ms, ${freezes} freezes, ${acknowledged.size} acknowledged, ` +
        `refused ${JSON.stringify(refused)}, ${unanswered} never answered, ${rewardRedemptions}/${STOCK} rewards`,
    );
    expect(violations).toEqual([]);
    expect(freezes).toBeGreaterThanOrEqual(2);
    expect(acknowledged.size).toBeGreaterThan(MEMBERS);
  }, 150_000);
});
