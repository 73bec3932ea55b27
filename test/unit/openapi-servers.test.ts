import { describe, expect, it } from 'vitest';

/**
 * `servers` of the served document names where it was fetched from: API Gateway's domain and
 * stage on an execute-api address, the bare domain on a custom domain (no stage in the path),
 * the Host locally (plain http). The e2e test covers the local server; this one the AWS shapes.
 */
async function servers(event: Record<string, unknown>): Promise<unknown> {
  const { handler } = await import('@functions/public');
  const answer = await handler(
    { httpMethod: 'GET', path: '/openapi.json', resource: '/openapi.json', ...event } as never,
    {} as never,
  );
  expect(answer.statusCode).toBe(200);
  return (JSON.parse(answer.body) as { servers: { url: string }[] }).servers.map((server) => server.url);
}

describe('the servers of the served document', () => {
  it('is the execute-api address with its stage', async () => {
    expect(
      await servers({
        headers: { Host: 'abc123.execute-api.eu-west-1.amazonaws.com', 'X-Forwarded-Proto': 'https' },
        requestContext: {
          requestId: 'gw-1',
          domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
          path: '/prod/openapi.json',
          stage: 'prod',
        },
      }),
    ).toEqual(['https://abc123.execute-api.eu-west-1.amazonaws.com/prod']);
  });

  it('is the custom domain without a stage', async () => {
    expect(
      await servers({
        headers: { Host: 'loyalty.example.com', 'X-Forwarded-Proto': 'https' },
        requestContext: { requestId: 'gw-2', domainName: 'loyalty.example.com', path: '/openapi.json', stage: 'prod' },
      }),
    ).toEqual(['https://loyalty.example.com']);
  });

  it('is the local server with its port, over http', async () => {
    expect(
      await servers({
        headers: { host: '127.0.0.1:4123' },
        requestContext: { requestId: 'local-1', path: '/openapi.json', stage: 'local' },
      }),
    ).toEqual(['http://127.0.0.1:4123']);
  });
});
