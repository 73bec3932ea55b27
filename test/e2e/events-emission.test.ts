import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';
import { startReceiver, type Receiver } from '../support/receiver';

/**
 * Every use case emits its events in its own transaction: seen through the feed (the member's
 * partition, strongly consistent) and through a real receiver. Refused and replayed requests
 * emit nothing: the receiver gets exactly the feed's events, each once.
 */

interface FeedEvent {
  id: string;
  type: string;
  memberId?: string;
  sequence?: number;
  data: Record<string, unknown>;
}

let api: TestApi;
let receiver: Receiver;
let secret: string;
beforeAll(async () => {
  process.env.WEBHOOK_RETRY_SCHEDULE = '1,2';
  api = await startTestApi();
  receiver = await startReceiver();
  const hook = await api.call<{ secret: string }>('POST', '/v1/admin/webhooks', {
    as: 'admin',
    body: { url: receiver.url, types: ['*'] },
  });
  expect(hook.status).toBe(201);
  secret = hook.body.secret;
});
afterAll(async () => {
  await api?.stop();
  await receiver?.close();
});

const eur = (value: number) => ({ value, currency: 'EUR' });
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

async function memberFeed(memberId: string): Promise<FeedEvent[]> {
  const page = await api.call<{ items: FeedEvent[] }>('GET', `/v1/events?memberId=${memberId}&limit=100`);
  expect(page.status).toBe(200);
  return page.body.items;
}

async function enrol(body: Record<string, unknown>): Promise<string> {
  const enrolled = await api.call<{ memberId: string }>('POST', '/v1/members', {
    body: { consent: { marketing: true, analytics: false }, ...body },
  });
  expect(enrolled.status).toBe(201);
  return enrolled.body.memberId;
}

describe('events of every use case', () => {
  it('are in the feed with their data and sequence; refusals and replays add none; the receiver gets each once', async () => {
    const alice = await enrol({ email: 'alice@example.com', name: 'Alice' });
    const aliceCode = (await api.call<{ referralCode: string }>('GET', `/v1/members/${alice}`)).body.referralCode;
    const bob = await enrol({ email: 'bob@example.com', referralCode: aliceCode });

    // An earn that takes Alice over the silver threshold (500 EUR), replayed once; a second
    // earn of the same order is refused (409).
    const earn = { orderId: 'till-1:0001', amount: eur(60_000) };
    const earned = await api.call<unknown>('POST', `/v1/members/${alice}/earn`, {
      body: earn,
      idempotencyKey: 'earn-1',
    });
    expect(earned.status).toBe(201);
    const replay = await api.call('POST', `/v1/members/${alice}/earn`, { body: earn, idempotencyKey: 'earn-1' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await api.call('POST', `/v1/members/${alice}/earn`, { body: earn })).status).toBe(409);
    expect((await api.call('POST', `/v1/members/${alice}/redeem`, { body: { points: 10_000_000 } })).status).toBe(409);

    const redeemed = await api.call<unknown>('POST', `/v1/members/${alice}/redeem`, { body: { points: 50 } });
    expect(redeemed.status).toBe(201);
    const reward = await api.call('PUT', '/v1/admin/rewards/last-mug', {
      as: 'admin',
      body: { name: 'The last mug', pointsCost: 40, stock: 1 },
    });
    expect(reward.status).toBe(201);
    expect((await api.call('POST', `/v1/members/${alice}/redeem`, { body: { rewardId: 'last-mug' } })).status).toBe(
      201,
    );
    expect((await api.call('POST', `/v1/members/${alice}/redeem`, { body: { rewardId: 'last-mug' } })).status).toBe(
      409,
    );
    // Cashback of an old purchase: its hold is over, so it can be spent at once.
    const cashback = { orderId: 'till-1:0002', amount: eur(10_000), occurredAt: daysAgo(30) };
    expect((await api.call('POST', `/v1/members/${alice}/cashback`, { body: cashback })).status).toBe(201);
    const spent = await api.call<unknown>('POST', `/v1/members/${alice}/cashback/redeem`, {
      body: { amount: eur(50) },
    });
    expect(spent.status).toBe(201);
    // Refunding most of the first order takes Alice back under the silver threshold.
    const refund = { orderId: 'till-1:0001', amount: eur(30_000) };
    expect((await api.call('POST', `/v1/members/${alice}/refunds`, { body: refund })).status).toBe(201);
    const nps = { score: 9, comment: 'Alice says the mugs are great' };
    expect((await api.call('POST', `/v1/members/${alice}/nps`, { body: nps })).status).toBe(201);
    // A PATCH that changes the profile, one that changes nothing (no event), an adjustment and a refused one.
    const patched = await api.call<unknown>('PATCH', `/v1/members/${alice}`, { body: { name: 'Alice B.' } });
    expect(patched.status).toBe(200);
    expect((await api.call('PATCH', `/v1/members/${alice}`, { body: { name: 'Alice B.' } })).status).toBe(200);
    const adjusted = await api.call<unknown>('POST', `/v1/members/${alice}/adjustments`, {
      body: { points: 25, reason: 'Goodwill: late delivery', reference: 'ticket-1' },
    });
    expect(adjusted.status).toBe(201);
    const overdrawn = { points: -10_000_000, reason: 'Too much' };
    expect((await api.call('POST', `/v1/members/${alice}/adjustments`, { body: overdrawn })).status).toBe(409);
    expect((await api.call('DELETE', `/v1/members/${bob}`, { as: 'admin' })).status).toBe(204);
    expect((await api.call('DELETE', `/v1/members/${bob}`, { as: 'admin' })).status).toBeGreaterThanOrEqual(400);

    const aliceEvents = await memberFeed(alice);
    expect(aliceEvents.map((e) => e.type)).toEqual([
      'member.enrolled',
      'points.earned', // Bob's referral
      'points.earned',
      'tier.changed',
      'points.redeemed',
      'reward.redeemed',
      'cashback.credited',
      'cashback.redeemed',
      'points.refunded',
      'tier.changed',
      'nps.answered',
      'member.updated',
      'points.adjusted',
    ]);
    const sequences = aliceEvents.map((e) => e.sequence ?? 0);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(sequences.length);
    const [
      enrolled,
      referral,
      points,
      up,
      redeem,
      mug,
      credit,
      cashbackSpent,
      refunded,
      down,
      answered,
      updated,
      adjustment,
    ] = aliceEvents;
    expect(enrolled!.data).toMatchObject({ memberId: alice, email: 'alice@example.com', points: { balance: 100 } });
    expect(referral!.data).toMatchObject({ type: 'bonus', points: 250 });
    expect(points!.data).toEqual(earned.body);
    expect(up!.data).toEqual({ from: 'member', to: 'silver', direction: 'up' });
    expect(redeem!.data).toEqual(redeemed.body);
    expect(mug!.data).toMatchObject({ type: 'redeem', rewardId: 'last-mug', points: -40 });
    expect(credit!.data).toMatchObject({ type: 'cashback', orderId: 'till-1:0002', cashback: { value: 200 } }); // silver: 2 %
    expect(cashbackSpent!.data).toEqual(spent.body);
    expect(refunded!.data).toMatchObject({ type: 'refund', orderId: 'till-1:0001' });
    expect(down!.data).toEqual({ from: 'silver', to: 'member', direction: 'down' });
    expect(Object.keys(answered!.data).sort()).toEqual(['answeredAt', 'score']);
    expect(answered!.data.score).toBe(9);
    expect(JSON.stringify(aliceEvents)).not.toContain('mugs are great');
    expect(updated!.data).toEqual(patched.body);
    expect(adjustment!.data).toEqual(adjusted.body);
    expect(adjustment!.data).toMatchObject({ type: 'adjustment', points: 25, reason: 'Goodwill: late delivery' });

    const bobEvents = await memberFeed(bob);
    expect(bobEvents.map((e) => e.type)).toEqual(['member.enrolled', 'member.erased']);
    expect(bobEvents[1]!.data).toEqual({ memberId: bob });
    expect(JSON.stringify(bobEvents)).not.toContain('bob@example.com');

    await new Promise((resolve) => setTimeout(resolve, 800)); // the local feed's settle time (0.5 s)
    const stock = await api.call<{ items: FeedEvent[] }>('GET', '/v1/events?types=reward.out-of-stock&limit=10');
    expect(stock.body.items.map((e) => e.data)).toEqual([{ rewardId: 'last-mug' }]);

    // The receiver gets exactly these events (signed), none for the refused or replayed requests.
    const expected = [...aliceEvents, ...bobEvents, ...stock.body.items].map((e) => e.id).sort();
    await receiver.waitFor((received) => new Set(received.map((r) => r.headers['webhook-id'])).size >= expected.length);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // anything extra would arrive meanwhile
    const delivered = [...new Set(receiver.received.map((r) => String(r.headers['webhook-id'])))].sort();
    expect(delivered).toEqual(expected);
    for (const request of receiver.received)
      new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
  });
});
