import { afterEach, describe, expect, it } from 'vitest';
import { corsHeaders, finishResponse, preflightResponse, requestIdOf } from '@shared/http/protocol';

const event = (headers: Record<string, string>, requestId?: string) => ({
  headers,
  requestContext: requestId ? { requestId } : null,
});

describe('request ids', () => {
  it("take the caller's valid X-Request-Id, else API Gateway's, else one fresh id per event", () => {
    expect(requestIdOf(event({ 'x-request-id': 'abc-1' }, 'gw-1'))).toBe('abc-1');
    expect(requestIdOf(event({ 'X-Request-Id': 'bad id' }, 'gw-1'))).toBe('gw-1');
    expect(requestIdOf(event({ 'X-Request-Id': 'x'.repeat(129) }, 'gw-1'))).toBe('gw-1');
    expect(requestIdOf(event({ 'X-Request-Id': 'x'.repeat(128) }, 'gw-1'))).toBe('x'.repeat(128));
    const bare = event({});
    expect(requestIdOf(bare)).toBe(requestIdOf(bare));
    expect(requestIdOf(bare)).not.toBe(requestIdOf(event({})));
  });
});

describe('CORS by the region’s allowed origins', () => {
  const saved = process.env.CORS_ALLOWED_ORIGINS;
  afterEach(() => {
    if (saved === undefined) delete process.env.CORS_ALLOWED_ORIGINS;
    else process.env.CORS_ALLOWED_ORIGINS = saved;
  });

  it('allows none when unset (the AWS default)', () => {
    delete process.env.CORS_ALLOWED_ORIGINS;
    expect(corsHeaders('https://a.example')).toEqual({});
    const preflight = preflightResponse(event({ origin: 'https://a.example' }));
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
  });

  it('echoes only a listed origin, never *', () => {
    process.env.CORS_ALLOWED_ORIGINS = 'https://a.example https://b.example';
    expect(corsHeaders('https://b.example')['Access-Control-Allow-Origin']).toBe('https://b.example');
    expect(corsHeaders('https://evil.example')).toEqual({});
    expect(corsHeaders(undefined)).toEqual({});
    const finished = finishResponse(event({ Origin: 'https://a.example' }, 'gw-2'), { statusCode: 200, body: '' });
    expect(finished.headers).toMatchObject({
      'X-Request-Id': 'gw-2',
      'Access-Control-Allow-Origin': 'https://a.example',
      Vary: 'Origin',
    });
  });

  it('allows any origin with * (LOCAL_CORS_ORIGINS=* on the local server)', () => {
    process.env.CORS_ALLOWED_ORIGINS = '*';
    expect(corsHeaders('http://localhost:5173')['Access-Control-Allow-Origin']).toBe('http://localhost:5173');
  });
});

describe('a malformed percent-encoding on the AWS path', () => {
  it('is a 400 problem on the parameter from the public function (a route with another method), not a 500', async () => {
    const { handler } = await import('@functions/public');
    const answer = await handler(
      {
        httpMethod: 'PUT',
        path: '/v1/members/%ZZ',
        resource: '/{proxy+}',
        headers: { 'X-Request-Id': 'req-1' },
        requestContext: { requestId: 'gw-1' },
      } as never,
      {} as never,
    );
    expect(answer.statusCode).toBe(400);
    expect(answer.headers?.['X-Request-Id']).toBe('req-1');
    expect(JSON.parse(answer.body)).toMatchObject({
      status: 400,
      instance: 'urn:request:req-1',
      errors: [{ path: 'path.memberId' }],
    });
  });
});

describe('answers made outside the handler’s own error mapping', () => {
  const event = { httpMethod: 'GET', path: '/v1/x', headers: { 'X-Request-Id': 'req-2' } } as never;

  it('carry the request id and the instance: a crash escaping the handler, and the deadline backstop', async () => {
    const { withRequestDeadline } = await import('@shared/http/deadline');
    const crashed = await withRequestDeadline(
      () => Promise.reject(new Error('escaped')),
      () => 1_000,
    )(event, {} as never);
    const late = await withRequestDeadline(
      () => new Promise(() => undefined),
      () => 20,
    )(event, {} as never);
    for (const [answer, status] of [
      [crashed, 500],
      [late, 503],
    ] as const) {
      expect(answer.statusCode).toBe(status);
      expect(answer.headers?.['X-Request-Id']).toBe('req-2');
      expect(JSON.parse(answer.body)).toMatchObject({ status, instance: 'urn:request:req-2' });
    }
  });
});
