import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api';

const problems = 'https://rewards-api.dev/problems/';

let api: TestApi;
let memberId: string;
beforeAll(async () => {
  api = await startTestApi();
  const enrolled = await api.call('POST', '/v1/members', { body: { consent: { marketing: false, analytics: false } } });
  memberId = enrolled.body.memberId;
});
afterAll(async () => api?.stop());

/** Sends bytes fetch would refuse to send, and returns the raw answer. */
function rawRequest(bytes: string | Buffer): Promise<string> {
  const { hostname, port } = new URL(api.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    let answer = '';
    socket.on('data', (chunk) => (answer += String(chunk)));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

function parseRaw(answer: string): { status: number; headers: string; body: Record<string, unknown> } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: JSON.parse(body) };
}

/** Every answer, even one made before any header could be read, has a request id and names it as its instance. */
function expectRequestId(answer: ReturnType<typeof parseRaw>): void {
  const id = /^x-request-id: (\S+)$/m.exec(answer.headers)?.[1];
  expect(id).toMatch(/^[\x21-\x7E]{1,128}$/);
  expect(answer.body.instance).toBe(`urn:request:${id}`);
}

describe("requests Node's HTTP parser refuses", () => {
  it.each([
    ['a header value with a NUL', 'X-Note: a\u0000b\r\n'],
    ['a header value with a bare carriage return', 'X-Note: a\rb\r\n'],
    ['a header name with a space', 'Bad Name: x\r\n'],
  ])('answers %s with a 400 problem', async (_, header) => {
    const answer = parseRaw(await rawRequest(`GET /health HTTP/1.1\r\nHost: localhost\r\n${header}\r\n`));
    expect(answer.status).toBe(400);
    expect(answer.headers).toContain('content-type: application/problem+json');
    expect(answer.body).toMatchObject({ type: `${problems}bad-request`, status: 400 });
    expectRequestId(answer);
  });

  it('answers a 100 KB URL with a 431 problem', async () => {
    const answer = parseRaw(await rawRequest(`GET /v1/rewards?q=${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`));
    expect(answer.status).toBe(431);
    expect(answer.headers).toContain('content-type: application/problem+json');
    expect(answer.body).toMatchObject({ type: `${problems}request-header-fields-too-large`, status: 431 });
    expectRequestId(answer);
  });
});

describe('text that is not valid Unicode', () => {
  it('refuses a body that is not UTF-8 with 400 and stores nothing', async () => {
    const externalId = 'bad-bytes';
    const json = Buffer.from(
      `{"externalId":"${externalId}","name":"Jos\xe9","consent":{"marketing":false,"analytics":false}}`,
      'latin1',
    );
    const response = await fetch(`${api.url}/v1/members`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${api.partnerKey}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': 'latin1-body',
      },
      body: json,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    // The same member, sent correctly, is new: the refused request stored nothing.
    const valid = await api.call('POST', '/v1/members', {
      body: { externalId, name: 'José', consent: { marketing: false, analytics: false } },
    });
    expect(valid.status).toBe(201);
    expect(valid.body.name).toBe('José');
  });

  it('refuses a lone surrogate in a text field with 400 naming the field', async () => {
    const rawBody = '{"name":"abc\\ud800","consent":{"marketing":false,"analytics":false}}';
    const response = await api.call('POST', '/v1/members', {
      rawBody,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: `${problems}validation-error`, errors: [{ path: 'body.name' }] });
    const paired = '{"name":"smile \\ud83d\\ude00","consent":{"marketing":false,"analytics":false}}';
    const ok = await api.call('POST', '/v1/members', {
      rawBody: paired,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.name).toBe('smile 😀');
  });
});

describe('deeply nested bodies', () => {
  /** The largest body the API takes (64 KiB), nesting `open`/`close` as deep as it fits around `inner`. */
  function nestedBody(open: string, close: string, inner = '', [before, after] = ['', '']): string {
    const depth = Math.floor((64 * 1024 - inner.length - before.length - after.length) / (open.length + close.length));
    const body = before + open.repeat(depth) + inner + close.repeat(depth) + after;
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(64 * 1024);
    expect(Buffer.byteLength(body)).toBeGreaterThan(64 * 1024 - open.length - close.length);
    return body;
  }

  it.each([
    ['arrays', nestedBody('[', ']')],
    ['arrays in a field', nestedBody('[', ']', '', ['{"name":', '}'])],
    ['objects', nestedBody('{"a":', '}', '1')],
    ['objects around a lone surrogate', nestedBody('{"a":', '}', '"\\ud800"')],
  ])('answers 64 KiB of nested %s with a 400 problem, not a 500', async (_, rawBody) => {
    const response = await api.call('POST', '/v1/members', {
      rawBody,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });
});

describe('a malformed percent-encoding in the path', () => {
  it.each([
    ['GET', '/v1/members/%ZZ', 'none'],
    ['GET', '/v1/members/%ZZ', 'partner'],
    ['PUT', '/v1/members/%E0%A4%A', 'none'],
    ['POST', '/v1/members/abc%/earn', 'partner'],
  ] as const)('answers %s %s (key: %s) with a 400 problem on the path parameter', async (method, path, as) => {
    const response = await api.call(method, path, { as, headers: { Origin: 'https://console.example.com' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body).toMatchObject({
      type: `${problems}validation-error`,
      errors: [{ path: 'path.memberId' }],
      instance: `urn:request:${response.headers.get('x-request-id')}`,
    });
  });
});

describe('invisible characters in names and free text', () => {
  const consent = { marketing: false, analytics: false };
  const rle = '\u202E'; // RIGHT-TO-LEFT OVERRIDE
  const cases: [string, string, string, 'partner' | 'admin', () => unknown, string][] = [
    [
      'a member name with a bidi override',
      'POST',
      '/v1/members',
      'partner',
      () => ({ name: `Ada${rle}gnp.exe`, consent }),
      'body.name',
    ],
    ['a member name with a NUL', 'POST', '/v1/members', 'partner', () => ({ name: 'Ada\u0000', consent }), 'body.name'],
    [
      'a member name with a line break',
      'PATCH',
      '/v1/members/{m}',
      'partner',
      () => ({ name: 'Ada\nLovelace' }),
      'body.name',
    ],
    [
      'a member name with an isolate',
      'PATCH',
      '/v1/members/{m}',
      'partner',
      () => ({ name: 'Ada\u2066x\u2069' }),
      'body.name',
    ],
    [
      'an adjustment reason with a bell',
      'POST',
      '/v1/members/{m}/adjustments',
      'partner',
      () => ({ points: 5, reason: 'goodwill\u0007' }),
      'body.reason',
    ],
    [
      'an adjustment reference with a tab',
      'POST',
      '/v1/members/{m}/adjustments',
      'partner',
      () => ({ points: 5, reason: 'goodwill', reference: 'T-1\t' }),
      'body.reference',
    ],
    [
      'an NPS comment with an override',
      'POST',
      '/v1/members/{m}/nps',
      'partner',
      () => ({ score: 9, comment: `fine${rle}` }),
      'body.comment',
    ],
    [
      'a reward name with an escape',
      'PUT',
      '/v1/admin/rewards/mug',
      'admin',
      () => ({ name: 'Mug\u001B[31m', pointsCost: 10 }),
      'body.name',
    ],
    [
      'a webhook description with a DEL',
      'POST',
      '/v1/admin/webhooks',
      'admin',
      () => ({ url: 'https://hooks.example.com/r', types: ['points.earned'], description: 'x\u007F' }),
      'body.description',
    ],
    [
      'a partner name with a pop-directional',
      'POST',
      '/v1/admin/partners',
      'admin',
      () => ({ name: 'Shop\u202C', scopes: ['members:read'] }),
      'body.name',
    ],
  ];

  it.each(cases)('refuses %s with a 400 at the field', async (_, method, path, as, body, field) => {
    const response = await api.call(method, path.replace('{m}', memberId), { as, body: body() });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: `${problems}validation-error` });
    expect(response.body.errors).toContainEqual({
      path: field,
      message: 'must not contain control characters or bidirectional overrides',
    });
  });

  it('takes any script, emoji and, in free text, line breaks and tabs', async () => {
    const enrolled = await api.call('POST', '/v1/members', { body: { name: 'José محمد 李 😀', consent } });
    expect(enrolled.status).toBe(201);
    const comment = 'Line one,\r\nline two\twith a tab.';
    const answered = await api.call('POST', `/v1/members/${enrolled.body.memberId}/nps`, {
      body: { score: 9, comment },
    });
    expect(answered.status).toBe(201);
  });
});

describe('query parameters', () => {
  it.each(['0x10', '1e1', '%205', '5%20', '+5', '05', '5.0', '-1', ''])(
    'refuses limit=%s (not a canonical decimal integer) with 400',
    async (limit) => {
      const response = await api.call('GET', `/v1/members/${memberId}/transactions?limit=${limit}`);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ type: `${problems}validation-error`, errors: [{ path: 'query.limit' }] });
    },
  );

  it('takes a canonical limit', async () => {
    expect((await api.call('GET', `/v1/members/${memberId}/transactions?limit=10`)).status).toBe(200);
    expect((await api.call('GET', '/v1/admin/metrics/snapshots?limit=100', { as: 'admin' })).status).toBe(200);
  });

  it('refuses a repeated parameter with 400 instead of taking the last', async () => {
    const response = await api.call('GET', `/v1/members/${memberId}/transactions?limit=5&limit=6`);
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: 'query.limit', message: 'must be given at most once' }]);
    const snapshots = await api.call('GET', '/v1/admin/metrics/snapshots?limit=1&limit=1', { as: 'admin' });
    expect(snapshots.status).toBe(400);
  });
});
