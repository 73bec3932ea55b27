import { createRemoteJWKSet, decodeProtectedHeader, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SESSION_LIFETIME_SECONDS } from '@shared/domain/member-session';
import { startTestApi, type TestApi } from '../support/api';
import { documented } from '../support/documented';
import { eur } from '../support/money';

/**
 * The member's own app over HTTP: a partner's backend creates a session, the member's app calls
 * the /v1/me routes with it. Every token is checked the way any outsider would check it: jose's
 * remote key set on the server's /.well-known/jwks.json, not the server's own code.
 */
const problems = 'https://rewards-api.dev/problems/';
let api: TestApi;
let jwks: ReturnType<typeof createRemoteJWKSet>;

beforeAll(async () => {
  api = await startTestApi({ bonuses: { signup: 1_000, referrer: 0, referee: 0, birthday: 0 } });
  jwks = createRemoteJWKSet(new URL(`${api.url}/.well-known/jwks.json`));
  const rewards = [
    ['cup', { name: 'Espresso cup', pointsCost: 400, stock: 5 }],
    ['bike', { name: 'City bike', pointsCost: 50_000 }],
    ['lounge', { name: 'Gold lounge', pointsCost: 100, minTier: 'gold' }],
    [
      'coffee',
      {
        name: 'Coffee voucher',
        pointsCost: 100,
        fulfilment: { type: 'code', source: 'generated', validDays: 30, chargeOn: 'issue' },
      },
    ],
  ] as const;
  for (const [rewardId, body] of rewards)
    expect((await api.call('PUT', `/v1/admin/rewards/${rewardId}`, { as: 'admin', body })).status).toBe(201);
});
afterAll(async () => api?.stop());

async function enrol(): Promise<string> {
  const enrolled = await api.call('POST', '/v1/members', {
    body: { name: 'Ada', consent: { marketing: true, analytics: false } },
  });
  expect(enrolled.status).toBe(201);
  return enrolled.body.memberId as string;
}

/** A session created through the API, its token verified independently before it is used. */
async function sessionFor(memberId: string, key?: string): Promise<string> {
  const created = documented(
    'createMemberSession',
    await api.call('POST', `/v1/members/${memberId}/sessions`, key ? { key } : {}),
    201,
  ) as { token: string; expiresAt: string };
  const { payload } = await jwtVerify(created.token, jwks, { algorithms: ['ES256'] });
  expect(payload.sub).toBe(memberId);
  return created.token;
}

const asMember = (token: string) => ({ key: token });

async function pointsOf(memberId: string): Promise<number> {
  const member = await api.call('GET', `/v1/members/${memberId}`);
  expect(member.status).toBe(200);
  return member.body.points.balance as number;
}

describe('POST /v1/members/{memberId}/sessions', () => {
  it('answers a JWT signed ES256 with a kid, sub = memberId, at most 15 minutes, that the published keys verify', async () => {
    const memberId = await enrol();
    const before = Math.floor(Date.now() / 1000);
    const response = await api.call('POST', `/v1/members/${memberId}/sessions`);
    const { token, expiresAt } = documented('createMemberSession', response, 201) as {
      token: string;
      expiresAt: string;
    };
    const header = decodeProtectedHeader(token);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    const keys = await api.call('GET', '/.well-known/jwks.json', { as: 'none' });
    expect(keys.status).toBe(200);
    expect(keys.body.keys.map((key: { kid: string }) => key.kid)).toContain(header.kid);
    for (const key of keys.body.keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key).not.toHaveProperty('d');
    }
    const { payload } = await jwtVerify(token, jwks, { algorithms: ['ES256'] });
    expect(payload.sub).toBe(memberId);
    expect(payload.azp).toBe('local-partner');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBeLessThanOrEqual(SESSION_LIFETIME_SECONDS);
    expect(payload.exp).toBeLessThanOrEqual(before + SESSION_LIFETIME_SECONDS + 5);
    expect(Date.parse(expiresAt)).toBe((payload.exp ?? 0) * 1000);
  });

  it('refuses a partner without the members:session scope (403) and unknown or erased members (404, 409)', async () => {
    const memberId = await enrol();
    const reader = await api.call('POST', '/v1/admin/partners', {
      as: 'admin',
      body: { name: 'Reader', scopes: ['members:read'] },
    });
    expect(reader.status).toBe(201);
    const refused = await api.call('POST', `/v1/members/${memberId}/sessions`, { key: reader.body.apiKey });
    expect(refused).toMatchObject({ status: 403, body: { type: `${problems}forbidden` } });
    const unknown = await api.call('POST', '/v1/members/no-such-member/sessions');
    expect(unknown).toMatchObject({ status: 404, body: { type: `${problems}member-not-found` } });
    expect((await api.call('DELETE', `/v1/members/${memberId}`, { as: 'admin' })).status).toBe(204);
    const erased = await api.call('POST', `/v1/members/${memberId}/sessions`);
    expect(erased).toMatchObject({ status: 409, body: { type: `${problems}member-erased` } });
  });
});

describe('the /v1/me routes with a member token', () => {
  let memberId: string;
  let token: string;
  beforeAll(async () => {
    memberId = await enrol();
    token = await sessionFor(memberId);
  });

  it('GET /v1/me answers the member of the token', async () => {
    const me = documented('getMe', await api.call('GET', '/v1/me', asMember(token)), 200);
    expect(me).toMatchObject({ memberId, name: 'Ada', points: { balance: 1_000 } });
  });

  it("GET /v1/me/transactions answers the member's ledger", async () => {
    const page = documented('listMyTransactions', await api.call('GET', '/v1/me/transactions', asMember(token)), 200);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ memberId, points: 1_000 });
  });

  it('GET /v1/me/rewards says of each reward whether it is eligible and affordable', async () => {
    const page = documented(
      'listMyRewards',
      await api.call('GET', '/v1/me/rewards?limit=100', asMember(token)),
      200,
    ) as { items: { rewardId: string; eligible: boolean; affordable: boolean }[] };
    const byId = Object.fromEntries(page.items.map((reward) => [reward.rewardId, reward]));
    expect(byId.cup).toMatchObject({ eligible: true, affordable: true });
    expect(byId.bike).toMatchObject({ eligible: true, affordable: false });
    expect(byId.lounge).toMatchObject({ eligible: false, affordable: true });
  });

  it('POST /v1/me/redeem redeems a reward once per Idempotency-Key', async () => {
    const idempotencyKey = `me-redeem-${memberId}`;
    const redeem = () =>
      api.call('POST', '/v1/me/redeem', { ...asMember(token), idempotencyKey, body: { rewardId: 'cup' } });
    const first = documented('redeemMyReward', await redeem(), 201);
    expect(first).toMatchObject({ memberId, points: -400, rewardId: 'cup' });
    const again = await redeem();
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await pointsOf(memberId)).toBe(600);
    const noKey = await api.call('POST', '/v1/me/redeem', {
      ...asMember(token),
      idempotencyKey: null,
      body: { rewardId: 'cup' },
    });
    expect(noKey).toMatchObject({ status: 400, body: { type: `${problems}missing-idempotency-key` } });
    const tooDear = await api.call('POST', '/v1/me/redeem', { ...asMember(token), body: { rewardId: 'bike' } });
    expect(tooDear).toMatchObject({ status: 409, body: { type: `${problems}insufficient-points` } });
    expect(await pointsOf(memberId)).toBe(600);
  });

  it("GET /v1/me/codes lists the member's own codes, the one redeemed in the app included", async () => {
    const owner = await enrol();
    const ownToken = await sessionFor(owner);
    const redeemed = documented(
      'redeemMyReward',
      await api.call('POST', '/v1/me/redeem', { ...asMember(ownToken), body: { rewardId: 'coffee' } }),
      201,
    ) as { code: { codeId: string; code: string; status: string } };
    expect(redeemed.code).toMatchObject({ status: 'issued' });
    const page = documented('listMyCodes', await api.call('GET', '/v1/me/codes', asMember(ownToken)), 200) as {
      items: { codeId: string; code: string; memberId: string; status: string }[];
    };
    expect(page.items).toEqual([
      expect.objectContaining({ codeId: redeemed.code.codeId, code: redeemed.code.code, memberId: owner }),
    ]);
    const used = documented('listMyCodes', await api.call('GET', '/v1/me/codes?status=used', asMember(ownToken)), 200);
    expect(used.items).toEqual([]);
    // Another member's token sees none of them.
    const others = documented('listMyCodes', await api.call('GET', '/v1/me/codes', asMember(token)), 200);
    expect(others.items).toEqual([]);
    expect((await api.call('GET', '/v1/me/codes', { as: 'partner' })).status).toBe(403);
  });

  it('buys raffle entries with points and lists the raffles the member is in', async () => {
    const raffle = await api.call('PUT', '/v1/admin/raffles/me-raffle', {
      as: 'admin',
      body: {
        name: 'Member raffle',
        opensAt: new Date(Date.now() - 60_000).toISOString(),
        closesAt: new Date(Date.now() + 3_600_000).toISOString(),
        entries: { perAmount: eur(1_000), pointsPerEntry: 100, maxPerMember: 5 },
        prizes: [{ prizeId: 'bike', name: 'City bike', quantity: 1 }],
      },
    });
    expect(raffle.status).toBe(201);
    const bought = documented(
      'buyMyRaffleEntries',
      await api.call('POST', '/v1/me/raffles/me-raffle/entries', { ...asMember(token), body: { count: 2 } }),
      201,
    );
    expect(bought).toMatchObject({ entries: 2, transaction: { memberId, points: -200 } });
    const mine = documented('listMyRaffles', await api.call('GET', '/v1/me/raffles', asMember(token)), 200);
    expect(mine.items).toEqual([expect.objectContaining({ raffleId: 'me-raffle', entries: 2 })]);
  });

  it('PATCH /v1/me changes name and consent (the longest name allowed too), and refuses any other field with 400', async () => {
    const longest = 'N'.repeat(200);
    const changed = documented(
      'updateMe',
      await api.call('PATCH', '/v1/me', { ...asMember(token), body: { name: longest, consent: { marketing: false } } }),
      200,
    );
    expect(changed).toMatchObject({ memberId, name: longest, consent: { marketing: false, analytics: false } });
    for (const body of [
      { email: 'eve@example.com' },
      { externalId: 'crm-9' },
      { name: 'Eve', birthday: '1990-01-01' },
    ]) {
      const refused = await api.call('PATCH', '/v1/me', { ...asMember(token), body });
      expect(refused, JSON.stringify(body)).toMatchObject({
        status: 400,
        body: { type: `${problems}validation-error` },
      });
    }
    const tooLong = await api.call('PATCH', '/v1/me', { ...asMember(token), body: { name: 'N'.repeat(201) } });
    expect(tooLong.status).toBe(400);
    const member = await api.call('GET', `/v1/members/${memberId}`);
    expect(member.body).toMatchObject({ name: longest });
    expect(member.body).not.toHaveProperty('email');
    expect(member.body).not.toHaveProperty('birthday');
  });

  it('GET /v1/me/export answers everything stored about the member, consent changes included', async () => {
    const exported = documented('exportMe', await api.call('GET', '/v1/me/export', asMember(token)), 200);
    expect(exported.member.memberId).toBe(memberId);
    expect(exported.consentHistory.length).toBeGreaterThan(0);
  });
});

describe('where a member token is refused', () => {
  let memberId: string;
  let token: string;
  beforeAll(async () => {
    memberId = await enrol();
    token = await sessionFor(memberId);
  });

  it.each([
    ['GET', (id: string) => `/v1/members/${id}`],
    ['GET', () => '/v1/rewards'],
    ['POST', (id: string) => `/v1/members/${id}/earn`],
    ['POST', (id: string) => `/v1/members/${id}/redeem`],
    ['POST', (id: string) => `/v1/members/${id}/sessions`],
    ['GET', () => '/v1/admin/partners'],
  ])('answers 403 on %s %s and writes nothing', async (method, path) => {
    const body = method === 'POST' ? { orderId: 'o-1', amount: eur(5_000), points: 10 } : undefined;
    const answer = await api.call(method, path(memberId), { ...asMember(token), ...(body ? { body } : {}) });
    expect(answer).toMatchObject({ status: 403, body: { type: `${problems}forbidden` } });
    expect(await pointsOf(memberId)).toBe(1_000);
  });

  it('answers 403 to a partner key or an admin key on /v1/me (a key is no member)', async () => {
    for (const as of ['partner', 'admin'] as const) {
      expect((await api.call('GET', '/v1/me', { as })).status, as).toBe(403);
      const redeem = await api.call('POST', '/v1/me/redeem', { as, body: { rewardId: 'cup' } });
      expect(redeem.status, as).toBe(403);
    }
    expect(await pointsOf(memberId)).toBe(1_000);
  });

  it('answers 401 without a token, and to an altered or a foreign-signed token', async () => {
    expect((await api.call('GET', '/v1/me', { as: 'none' })).status).toBe(401);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const other = await enrol();
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const altered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: other })).toString('base64url')}.${signature}`;
    const { privateKey } = await generateKeyPair('ES256');
    const foreign = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: decodeProtectedHeader(token).kid ?? '' })
      .sign(privateKey);
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    for (const [what, bad] of [
      ['altered', altered],
      ['foreign-signed', foreign],
      ['unsigned', unsigned],
      ['truncated', `${header}.${payload}`],
    ] as const) {
      await expect(jwtVerify(bad, jwks, { algorithms: ['ES256'] }), what).rejects.toThrow();
      const answer = await api.call('PATCH', '/v1/me', { key: bad, body: { name: 'Mallory' } });
      expect(answer, what).toMatchObject({ status: 401, body: { type: `${problems}unauthorized` } });
    }
    const me = await api.call('GET', `/v1/members/${other}`);
    expect(me.body.name).toBe('Ada');
  });

  it('answers 401 once the token has expired (16 minutes on)', async () => {
    const fresh = await sessionFor(memberId);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + (SESSION_LIFETIME_SECONDS + 60) * 1000);
      await expect(jwtVerify(fresh, jwks, { algorithms: ['ES256'] })).rejects.toThrow(/exp/);
      const answer = await api.call('GET', '/v1/me', asMember(fresh));
      expect(answer).toMatchObject({ status: 401, body: { type: `${problems}unauthorized` } });
    } finally {
      vi.useRealTimers();
    }
    expect((await api.call('GET', '/v1/me', asMember(fresh))).status).toBe(200);
  });

  it("ends a member's sessions when the member is erased", async () => {
    const erasedId = await enrol();
    const erasedToken = await sessionFor(erasedId);
    expect((await api.call('GET', '/v1/me', asMember(erasedToken))).status).toBe(200);
    expect((await api.call('DELETE', `/v1/members/${erasedId}`, { as: 'admin' })).status).toBe(204);
    // Still a valid signature: the refusal comes from the member's state, not the token.
    await jwtVerify(erasedToken, jwks, { algorithms: ['ES256'] });
    const answer = await api.call('GET', '/v1/me', asMember(erasedToken));
    expect(answer).toMatchObject({ status: 401, body: { type: `${problems}unauthorized` } });
  });

  it('ends the sessions a partner created when the partner is deleted, and only those', async () => {
    const app = await api.call('POST', '/v1/admin/partners', {
      as: 'admin',
      body: { name: 'Shop app', scopes: ['members:session'] },
    });
    expect(app.status).toBe(201);
    const viaApp = await sessionFor(memberId, app.body.apiKey as string);
    const viaLocal = await sessionFor(memberId);
    expect((await api.call('GET', '/v1/me', asMember(viaApp))).status).toBe(200);
    const deleted = await api.call('DELETE', `/v1/admin/partners/${app.body.partnerId}`, { as: 'admin' });
    expect(deleted.status).toBe(204);
    await jwtVerify(viaApp, jwks, { algorithms: ['ES256'] });
    expect((await api.call('GET', '/v1/me', asMember(viaApp))).status).toBe(401);
    expect((await api.call('GET', '/v1/me', asMember(viaLocal))).status).toBe(200);
  });
});
