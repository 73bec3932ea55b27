import { createSocket, type Socket } from 'node:dgram';
import { randomBytes, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A sampled invocation on Lambda streams its subsegments to the X-Ray daemon over UDP. Here the
 * daemon is a local UDP listener, the trace header says Sampled=1, and a real handler issues an
 * API key: the segments it sends must not hold the key. A control handler wrapped with Powertools'
 * default capture sends the same answer to the same listener, so the listener is shown to see a
 * captured response when there is one.
 */
let daemon: Socket;
const received: string[] = [];

const traceHeader = () =>
  `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=1`;

const context = {
  functionName: 'admin',
  awsRequestId: randomUUID(),
  getRemainingTimeInMillis: () => 25_000,
} as unknown as Context;

function createPartnerEvent(): APIGatewayProxyEvent {
  return {
    resource: '/v1/admin/partners',
    path: '/v1/admin/partners',
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: JSON.stringify({ name: 'Traced shop', scopes: ['members:read'] }),
    isBase64Encoded: false,
    requestContext: {
      authorizer: { partnerId: 'admin', role: 'admin', scopes: '' },
      requestId: randomUUID(),
      resourcePath: '/v1/admin/partners',
    },
  } as unknown as APIGatewayProxyEvent;
}

/** Invokes like the Lambda runtime does: a fresh sampled trace id per invocation. */
async function invoke(handler: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>) {
  process.env._X_AMZN_TRACE_ID = traceHeader();
  const result = await handler(createPartnerEvent(), context);
  expect(result.statusCode).toBe(201);
  return JSON.parse(result.body) as { apiKey: string; partnerId: string };
}

/** Waits until the daemon has received a segment naming this trace id, then returns that trace's segments. */
async function segmentsOf(traceId: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const text = received.filter((datagram) => datagram.includes(traceId)).join('\n');
    if (text.includes('## index.handler')) return text;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no segment of trace ${traceId} reached the daemon`);
}

const traceIdOf = (header: string | undefined) => /Root=([^;]+)/.exec(header ?? '')?.[1] ?? 'none';

beforeAll(async () => {
  daemon = createSocket('udp4');
  daemon.on('message', (message) => received.push(message.toString('utf8')));
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
  const { port } = daemon.address();
  // What the Lambda runtime sets: the tracer is on, the X-Ray SDK is in Lambda mode.
  Object.assign(process.env, {
    AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${port}`,
    AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    AWS_LAMBDA_FUNCTION_NAME: 'admin',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    LAMBDA_TASK_ROOT: '/var/task',
    _HANDLER: 'index.handler',
    _X_AMZN_TRACE_ID: traceHeader(),
  });
  delete process.env.POWERTOOLS_TRACER_CAPTURE_RESPONSE;
  delete process.env.POWERTOOLS_TRACER_CAPTURE_ERROR;
  // Imported only now: the tracer reads the environment when its module loads.
  const { useFreshTable } = await import('../support/table');
  await useFreshTable();
});

afterAll(() => {
  daemon.close();
});

describe('traces of a sampled invocation', () => {
  it('hold no API key issued by the handler, while a capturing handler would put it there', async () => {
    const { handler } = await import('@functions/admin');
    const { tracer } = await import('@shared/observability');
    expect(tracer.isTracingEnabled()).toBe(true);

    const issued = await invoke(handler);
    const segments = await segmentsOf(traceIdOf(process.env._X_AMZN_TRACE_ID));
    expect(segments).toContain('"ColdStart"');
    expect(segments).not.toContain(issued.apiKey);
    expect(segments).not.toContain(issued.apiKey.slice(3, 20));

    // An unexpected error's message and stack stay out too (the answer is a bare 500).
    const { apiFunction } = await import('@shared/http/api-function');
    const { adminRoutes } = await import('@shared/http/function-routes/admin');
    const leakedSecret = `whsec_${randomBytes(12).toString('hex')}`;
    const failing = apiFunction(
      { createPartner: adminRoutes.createPartner },
      {
        createPartner: () => Promise.reject(new Error(`storage refused secret ${leakedSecret}`)),
      },
    );
    process.env._X_AMZN_TRACE_ID = traceHeader();
    expect((await failing(createPartnerEvent(), context)).statusCode).toBe(500);
    const failed = await segmentsOf(traceIdOf(process.env._X_AMZN_TRACE_ID));
    expect(failed).toMatch(/"(error|fault)":true/);
    expect(failed).not.toContain(leakedSecret);

    // The control: the same handler under a tracer and middleware with Powertools' defaults (responses captured).
    const middy = (await import('@middy/core')).default;
    const { Tracer } = await import('@aws-lambda-powertools/tracer');
    const { captureLambdaHandler } = await import('@aws-lambda-powertools/tracer/middleware');
    const capturing = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
      .use(captureLambdaHandler(new Tracer({ serviceName: 'control' })))
      .handler((event, lambdaContext) => handler(event, lambdaContext));
    const control = await invoke(capturing);
    expect(await segmentsOf(traceIdOf(process.env._X_AMZN_TRACE_ID))).toContain(control.apiKey);
  });
});
