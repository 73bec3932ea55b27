import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { routes, type RouteId } from '@shared/http/routes';
import { startTestApi, type ApiResponse, type TestApi } from '../support/api';

/**
 * The OpenAPI document is generated from the route table's schemas; these calls prove the
 * code returns what those schemas (and so the document) say, route by route.
 */
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ cashback: { holdDays: 0 } });
});
afterAll(async () => api?.stop());

function expectDocumented(routeId: RouteId, response: ApiResponse) {
  const schema = (routes[routeId].responses as Record<number, z.ZodType | null | undefined>)[response.status];
  expect(schema, `${routeId} answered ${response.status}: ${JSON.stringify(response.body)}`).toBeDefined();
  if (schema) {
    const parsed = schema.safeParse(response.body);
    expect(parsed.success, `${routeId}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
  }
}

describe('every success answer matches its documented schema', () => {
  it('for members, points, cashback, rewards, insights and admin', async () => {
    const enrolled = await api.call('POST', '/v1/members', {
      body: {
        email: 'ada@example.com',
        name: 'Ada',
        birthday: '1990-04-17',
        consent: { marketing: true, analytics: true },
      },
    });
    expectDocumented('createMember', enrolled);
    const id = enrolled.body.memberId as string;
    const member = `/v1/members/${id}`;
    expectDocumented(
      'earnPoints',
      await api.call('POST', `${member}/earn`, { body: { orderId: 'o1', amount: { value: 12_000, currency: 'EUR' } } }),
    );
    expectDocumented(
      'creditCashback',
      await api.call('POST', `${member}/cashback`, {
        body: { orderId: 'o1', amount: { value: 12_000, currency: 'EUR' } },
      }),
    );
    expectDocumented(
      'redeemCashback',
      await api.call('POST', `${member}/cashback/redeem`, { body: { amount: { value: 10, currency: 'EUR' } } }),
    );
    expectDocumented(
      'refundPurchase',
      await api.call('POST', `${member}/refunds`, {
        body: { orderId: 'o1', amount: { value: 2_000, currency: 'EUR' } },
      }),
    );
    expectDocumented(
      'putReward',
      await api.call('PUT', '/v1/admin/rewards/mug', { as: 'admin', body: { name: 'Mug', pointsCost: 10, stock: 5 } }),
    );
    expectDocumented('redeemPoints', await api.call('POST', `${member}/redeem`, { body: { rewardId: 'mug' } }));
    expectDocumented('redeemPoints', await api.call('POST', `${member}/redeem`, { body: { points: 5 } }));
    expectDocumented('listRewards', await api.call('GET', '/v1/rewards'));
    expectDocumented('getMember', await api.call('GET', member));
    expectDocumented('listTransactions', await api.call('GET', `${member}/transactions?limit=3`));
    expectDocumented('answerNps', await api.call('POST', `${member}/nps`, { body: { score: 9, comment: 'Great' } }));
    expectDocumented('exportMember', await api.call('GET', `${member}/export`));
    expectDocumented(
      'recordPurchase',
      await api.call('POST', '/v1/purchases', {
        body: { orderId: 'anon-1', amount: { value: 5_000, currency: 'EUR' } },
      }),
    );
    expectDocumented(
      'createSnapshot',
      await api.call('POST', '/v1/admin/metrics/snapshots', { as: 'admin', body: {} }),
    );
    expectDocumented('listSnapshots', await api.call('GET', '/v1/admin/metrics/snapshots', { as: 'admin' }));
    expectDocumented('latestSnapshot', await api.call('GET', '/v1/admin/metrics/snapshots/latest', { as: 'admin' }));
    const program = await api.call('GET', '/v1/admin/program', { as: 'admin' });
    expectDocumented('getProgram', program);
    const { version: _version, updatedAt: _updatedAt, ...rules } = program.body;
    expectDocumented('putProgram', await api.call('PUT', '/v1/admin/program', { as: 'admin', body: rules }));
    const partner = await api.call('POST', '/v1/admin/partners', {
      as: 'admin',
      body: { name: 'Till', scopes: ['points:earn'] },
    });
    expectDocumented('createPartner', partner);
    expectDocumented(
      'deletePartner',
      await api.call('DELETE', `/v1/admin/partners/${partner.body.partnerId}`, { as: 'admin' }),
    );
    expectDocumented('eraseMember', await api.call('DELETE', member, { as: 'admin' }));
  });
});
