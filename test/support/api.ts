import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '@infra/local/stack';
import { defaultProgram } from '@infra/config/default-program';
import { ProgramRules } from '@shared/schemas/program';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestApi extends LocalStack {
  /** Calls the API as the local partner (or `as: 'admin'`); POST/DELETE get a fresh Idempotency-Key unless one is given. */
  call: <T = any>(
    method: string,
    path: string,
    options?: {
      body?: unknown;
      rawBody?: string;
      as?: 'partner' | 'admin' | 'none';
      key?: string;
      idempotencyKey?: string | null;
      headers?: Record<string, string>;
    },
  ) => Promise<ApiResponse<T>>;
}

/** The local server, on its own table of the shared DynamoDB Local, on a free port (`options`: e.g. the test clock). */
export async function startTestApi(
  program: Partial<ProgramRules> = {},
  options: Pick<LocalStackOptions, 'testClock' | 'testClockStart'> = {},
): Promise<TestApi> {
  process.env.DEFAULT_PROGRAM = JSON.stringify(ProgramRules.parse({ ...defaultProgram, ...program }));
  process.env.PROGRAM_CACHE_SECONDS = '0';
  const stack = await startLocalStack({
    port: 0,
    dynamoDbEndpoint: inject('dynamoDbEndpoint'),
    tableName: `e2e-${randomUUID()}`,
    ...options,
  });
  const call: TestApi['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const as = options.as ?? 'partner';
    const key = options.key ?? (as === 'admin' ? stack.adminKey : as === 'partner' ? stack.partnerKey : undefined);
    if (key) headers.Authorization = `Bearer ${key}`;
    if ((method === 'POST' || method === 'DELETE') && options.idempotencyKey !== null)
      headers['Idempotency-Key'] = options.idempotencyKey ?? randomUUID();
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const response = await fetch(stack.url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
  return { ...stack, call };
}
