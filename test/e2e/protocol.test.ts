import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from '@shared/http/client';
import { localCorsOrigins } from '@infra/local/stack';
import { startTestApi, type TestApi } from '../support/api';

/** The v1.1 protocol rules over HTTP: request ids, CORS, replays byte for byte, cursors. */
let api: TestApi;
let partner: Client;
let admin: Client;
let memberId: string;
const eur = (value: number) => ({ value, currency: 'EUR' });

beforeAll(async () => {
  api = await startTestApi();
  partner = createClient({ baseUrl: api.url, apiKey: api.partnerKey });
  admin = createClient({ baseUrl: api.url, apiKey: api.adminKey });
  const enrolled = await partner.call('createMember', { body: { consent: { marketing: false, analytics: false } } });
  if (!enrolled.ok) throw new Error(enrolled.text);
  memberId = enrolled.body.memberId;
  for (const orderId of ['o-1', 'o-2', 'o-3'])
    await partner.call('earnPoints', { params: { memberId }, body: { orderId, amount: eur(1_000) } });
});
afterAll(async () => api?.stop());

describe('X-Request-Id', () => {
  it('is on every answer: a fresh id, or the caller’s when it is 1-128 visible ASCII characters', async () => {
    const fresh = await partner.call('getMember', { params: { memberId } });
    const again = await partner.call('getMember', { params: { memberId } });
    expect(fresh.headers.get('x-request-id')).toMatch(/^[\x21-\x7E]{1,128}$/);
    expect(again.headers.get('x-request-id')).not.toBe(fresh.headers.get('x-request-id'));

    const mine = 'till-7/req:0042';
    const echoed = await partner.call('getMember', { params: { memberId }, headers: { 'X-Request-Id': mine } });
    expect(echoed.headers.get('x-request-id')).toBe(mine);

    for (const invalid of ['has space', 'x'.repeat(129)]) {
      const ignored = await partner.call('getMember', { params: { memberId }, headers: { 'X-Request-Id': invalid } });
      expect(ignored.status).toBe(200);
      expect(ignored.headers.get('x-request-id')).not.toBe(invalid);
    }
  });

  it('is the instance of every problem, whoever answered: a function, the public function, the server', async () => {
    const headers = { 'X-Request-Id': 'trace-1' };
    const refused = await partner.call('getMember', { params: { memberId: 'mem_nobody' }, headers });
    expect(refused.body).toMatchObject({ status: 404, instance: 'urn:request:trace-1' });
    const unknownRoute = await fetch(`${api.url}/v1/nothing`, { headers });
    expect(await unknownRoute.json()).toMatchObject({ status: 404, instance: 'urn:request:trace-1' });
    expect(unknownRoute.headers.get('x-request-id')).toBe('trace-1');
    const noKey = await fetch(`${api.url}/v1/members/${memberId}`);
    const problem = (await noKey.json()) as { status: number; instance: string };
    expect(problem.status).toBe(401);
    expect(problem.instance).toBe(`urn:request:${noKey.headers.get('x-request-id')}`);
  });
});

describe('CORS (locally: the server’s own origin, and those of LOCAL_CORS_ORIGINS)', () => {
  const foreign = 'https://console.example.com';

  it('answers a preflight on any route with 204 and what a browser may send; the origin only when allowed', async () => {
    for (const path of [`/v1/members/${memberId}/earn`, '/v1/admin/program', '/health']) {
      const preflight = (origin: string) =>
        fetch(api.url + path, {
          method: 'OPTIONS',
          headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
        });
      const own = await preflight(api.url);
      expect(own.status, path).toBe(204);
      expect(own.headers.get('access-control-allow-origin')).toBe(api.url);
      expect(own.headers.get('access-control-allow-methods')).toContain('POST');
      expect(own.headers.get('access-control-allow-headers')).toContain('Idempotency-Key');
      expect(own.headers.get('x-request-id')).toBeTruthy();
      const other = await preflight(foreign);
      expect(other.status, path).toBe(204);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('lets the browser read answers and problems of an allowed origin, and their headers; no other origin', async () => {
    const read = await partner.call('getMember', { params: { memberId }, headers: { Origin: api.url } });
    expect(read.headers.get('access-control-allow-origin')).toBe(api.url);
    expect(read.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
    const refused = await fetch(`${api.url}/v1/members/${memberId}`, { headers: { Origin: api.url } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(api.url);
    const noOrigin = await partner.call('getMember', { params: { memberId } });
    expect(noOrigin.headers.get('access-control-allow-origin')).toBeNull();
    // Any web page the developer opens is not allowed to read the local API.
    const other = await partner.call('getMember', { params: { memberId }, headers: { Origin: foreign } });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows the origins LOCAL_CORS_ORIGINS names', async () => {
    const saved = process.env.CORS_ALLOWED_ORIGINS;
    // What `LOCAL_CORS_ORIGINS=https://console.example.com npm start` sets up (the setting is read per request).
    process.env.CORS_ALLOWED_ORIGINS = localCorsOrigins(Number(new URL(api.url).port), foreign);
    try {
      const other = await partner.call('getMember', { params: { memberId }, headers: { Origin: foreign } });
      expect(other.headers.get('access-control-allow-origin')).toBe(foreign);
      const own = await partner.call('getMember', { params: { memberId }, headers: { Origin: api.url } });
      expect(own.headers.get('access-control-allow-origin')).toBe(api.url);
    } finally {
      process.env.CORS_ALLOWED_ORIGINS = saved;
    }
  });
});

describe('Host (DNS rebinding)', () => {
  /** A GET with the Host header given (fetch always sends the URL's own). */
  function getWithHost(
    path: string,
    host: string,
  ): Promise<{ status: number; headers: Record<string, unknown>; body: any }> {
    const { hostname, port } = new URL(api.url);
    return new Promise((resolve, reject) => {
      const request = httpRequest({ hostname, port, path, setHost: false, headers: { Host: host } }, (response) => {
        let text = '';
        response.on('data', (chunk) => (text += String(chunk)));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(text) }),
        );
      });
      request.on('error', reject);
      request.end();
    });
  }

  it('answers this machine’s names with the server’s port', async () => {
    const { port } = new URL(api.url);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`])
      expect((await getWithHost('/health', host)).status, host).toBe(200);
  });

  it('refuses any other Host with a 421 problem before any function runs', async () => {
    const { port } = new URL(api.url);
    for (const host of [`rebound.example:${port}`, 'localhost', `localhost:${Number(port) + 1}`, `127.0.0.2:${port}`]) {
      const answer = await getWithHost(`/v1/members/${memberId}`, host);
      expect(answer.status, String(host)).toBe(421);
      expect(answer.body).toMatchObject({
        type: 'https://rewards-api.dev/problems/misdirected-request',
        status: 421,
        instance: `urn:request:${String(answer.headers['x-request-id'])}`,
      });
    }
  });
});

describe('a replay answers the first response byte for byte', () => {
  it('for a success and for a refusal, with a new request id but the first instance', async () => {
    const earn = { params: { memberId }, body: { orderId: 'o-replay', amount: eur(2_345) }, idempotencyKey: 'k-earn' };
    const first = await partner.call('earnPoints', earn);
    const replay = await partner.call('earnPoints', earn);
    expect(first.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.text).toBe(first.text);

    const redeem = { params: { memberId }, body: { points: 10_000_000 }, idempotencyKey: 'k-redeem' };
    const refused = await partner.call('redeemPoints', redeem);
    const refusedAgain = await partner.call('redeemPoints', redeem);
    expect(refused.status).toBe(409);
    expect(refusedAgain.text).toBe(refused.text);
    expect(refusedAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(refusedAgain.headers.get('x-request-id')).not.toBe(refused.headers.get('x-request-id'));
    expect(refused.body).toMatchObject({ instance: `urn:request:${refused.headers.get('x-request-id')}` });
  });

  it('except a secret shown once: a partner key is left out of the replay', async () => {
    const input = { body: { name: 'Shop', scopes: ['members:read' as const] }, idempotencyKey: 'k-partner' };
    const first = await admin.call('createPartner', input);
    const replay = await admin.call('createPartner', input);
    if (!first.ok || !replay.ok) throw new Error(first.text);
    expect(first.body.apiKey).toBeTruthy();
    expect(replay.body.apiKey).toBeUndefined();
    const { apiKey: _shownOnce, ...rest } = first.body;
    expect(replay.body).toEqual(rest);
  });
});

describe('page cursors are bound to what they page and tamper-evident', () => {
  const cursorProblem = { status: 400, errors: [expect.objectContaining({ path: 'query.cursor' })] };

  it('refuse another member’s cursor, an altered one and a forged one with 400 on query.cursor', async () => {
    const page = await partner.call('listTransactions', { params: { memberId }, query: { limit: 1 } });
    if (!page.ok || !page.body.nextCursor) throw new Error('expected a next page');
    const cursor = page.body.nextCursor;
    expect((await partner.call('listTransactions', { params: { memberId }, query: { cursor } })).status).toBe(200);

    const other = await partner.call('createMember', { body: { consent: { marketing: false, analytics: false } } });
    if (!other.ok) throw new Error(other.text);
    const foreign = await partner.call('listTransactions', {
      params: { memberId: other.body.memberId },
      query: { cursor },
    });
    expect(foreign.body).toMatchObject(cursorProblem);

    const [payload = '', signature = ''] = cursor.split('.');
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, string>;
    const altered = Buffer.from(JSON.stringify({ ...decoded, k: 'PROFILE' })).toString('base64url');
    const forgedUnsigned = Buffer.from(JSON.stringify({ l: 'ledger', k: 'PROFILE' })).toString('base64url');
    for (const bad of [`${altered}.${signature}`, forgedUnsigned, `${payload}.${'A'.repeat(signature.length)}`]) {
      const refused = await partner.call('listTransactions', { params: { memberId }, query: { cursor: bad } });
      expect(refused.body, bad).toMatchObject(cursorProblem);
    }
  });

  it('on snapshots too: a cursor of another range is refused, and a range ending before it starts is a 400', async () => {
    for (let i = 0; i < 2; i += 1) await admin.call('createSnapshot', { body: {} });
    const page = await admin.call('listSnapshots', { query: { limit: 1 } });
    if (!page.ok || !page.body.nextCursor) throw new Error('expected a next page');
    const cursor = page.body.nextCursor;
    expect((await admin.call('listSnapshots', { query: { limit: 1, cursor } })).status).toBe(200);
    const otherRange = await admin.call('listSnapshots', { query: { cursor, from: '2026-01-01T00:00:00Z' } });
    expect(otherRange.body).toMatchObject(cursorProblem);

    const backwards = await admin.call('listSnapshots', {
      query: { from: '2026-11-20T00:00:00Z', to: '2026-11-10T00:00:00Z' },
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body).toMatchObject({ errors: [expect.objectContaining({ path: 'query.to' })] });
  });
});
