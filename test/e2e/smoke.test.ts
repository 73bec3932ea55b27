import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api?.stop());

describe('the local server', () => {
  it('answers health without a key', async () => {
    const response = await api.call('GET', '/health', { as: 'none' });
    expect(response).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('enrols, earns and redeems over HTTP', async () => {
    const enrolled = await api.call('POST', '/v1/members', {
      body: { consent: { marketing: false, analytics: true } },
    });
    expect(enrolled.status).toBe(201);
    const memberId = enrolled.body.memberId;
    const earned = await api.call('POST', `/v1/members/${memberId}/earn`, {
      body: { orderId: 'o-1', amount: { value: 2599, currency: 'EUR' } },
    });
    expect(earned.status).toBe(201);
    expect(earned.body.points).toBe(25);
    const redeemed = await api.call('POST', `/v1/members/${memberId}/redeem`, { body: { points: 25 } });
    expect(redeemed.status).toBe(201);
    expect(redeemed.body.balance.points).toBe(100);
  });
});
