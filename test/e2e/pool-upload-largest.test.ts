import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';

/**
 * The largest pool upload the schema accepts (10,000 codes of 64 characters) over HTTP: it
 * answers 201 within the request deadline, every code lands in the pool once, and the same
 * upload sent again with its Idempotency-Key answers the same without adding a code.
 */
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ bonuses: { signup: 1000, referrer: 0, referee: 0, birthday: 0 } });
}, 60_000);
afterAll(async () => api?.stop());

describe('the largest pool upload', () => {
  it('puts 10,000 codes of 64 characters in the pool within the deadline, once', async () => {
    const put = await api.call('PUT', '/v1/admin/rewards/big-pool', {
      as: 'admin',
      body: {
        name: 'Big pool',
        pointsCost: 10,
        fulfilment: { type: 'code', source: 'pool', validDays: 30, chargeOn: 'issue' },
      },
    });
    expect(put.status).toBe(201);
    // 64 visible characters each, mostly random (the kept answer of the all-duplicates upload below does not deflate away).
    const symbols = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&()*+,-./:;<=>?@[]^_{|}~';
    const random = (length: number) =>
      Array.from(randomBytes(length), (byte) => symbols[byte % symbols.length]).join('');
    const codes = Array.from({ length: 10_000 }, (_, i) => `BIG-${String(i).padStart(6, '0')}-${random(53)}`);
    // One code already in another pool is a duplicate, not an error.
    const other = await api.call('PUT', '/v1/admin/rewards/small-pool', {
      as: 'admin',
      body: {
        name: 'Small',
        pointsCost: 10,
        fulfilment: { type: 'code', source: 'pool', validDays: 30, chargeOn: 'issue' },
      },
    });
    expect(other.status).toBe(201);
    const taken = codes[1234] ?? '';
    expect(
      (await api.call('POST', '/v1/admin/rewards/small-pool/codes', { as: 'admin', body: { codes: [taken] } })).body,
    ).toEqual({ added: 1, duplicates: [] });

    const upload = () =>
      api.call('POST', '/v1/admin/rewards/big-pool/codes', {
        as: 'admin',
        body: { codes },
        idempotencyKey: 'big-upload-1',
      });
    const first = await upload();
    expect(first.status, JSON.stringify(first.body).slice(0, 500)).toBe(201);
    expect(first.body).toEqual({ added: 9_999, duplicates: [taken] });
    const again = await upload();
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const stats = await api.call('GET', '/v1/admin/rewards/big-pool/codes/stats', { as: 'admin' });
    expect(stats.body).toMatchObject({ available: 9_999, issued: 0 });
    const listed = (await api.call('GET', '/v1/rewards?limit=100')).body.items as {
      rewardId: string;
      stock?: number;
    }[];
    expect(listed.find((reward) => reward.rewardId === 'big-pool')?.stock).toBe(9_999);
    const valid = await api.call('POST', '/v1/codes/validate', { body: { code: codes[9_999] }, idempotencyKey: null });
    expect(valid.body).toMatchObject({ valid: false, reason: 'unknown' });
    // A member redeems one: it comes from this pool.
    const enrolled = await api.call('POST', '/v1/members', {
      body: { consent: { marketing: false, analytics: false } },
    });
    const redeemed = await api.call('POST', `/v1/members/${enrolled.body.memberId}/redeem`, {
      body: { rewardId: 'big-pool' },
    });
    expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(201);
    expect(codes).toContain(redeemed.body.code.code);

    // The same 10,000 codes to another pool: every one a duplicate, the longest answer there is.
    const third = await api.call('PUT', '/v1/admin/rewards/third-pool', {
      as: 'admin',
      body: {
        name: 'Third',
        pointsCost: 10,
        fulfilment: { type: 'code', source: 'pool', validDays: 30, chargeOn: 'issue' },
      },
    });
    expect(third.status).toBe(201);
    const allTaken = () =>
      api.call('POST', '/v1/admin/rewards/third-pool/codes', {
        as: 'admin',
        body: { codes },
        idempotencyKey: 'big-upload-2',
      });
    const refusedAll = await allTaken();
    expect(refusedAll.status, JSON.stringify(refusedAll.body).slice(0, 500)).toBe(201);
    expect(refusedAll.body.added).toBe(0);
    expect(refusedAll.body.duplicates).toHaveLength(10_000);
    expect((await allTaken()).body).toEqual(refusedAll.body);
  }, 180_000);
});
