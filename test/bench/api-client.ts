import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { request } from 'node:http';

export interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** A small HTTP client for the local server (node:http with keep-alive: cheaper than fetch on a busy machine). */
export class ApiClient {
  constructor(
    private readonly base: string,
    readonly partnerKey: string,
    readonly adminKey: string,
  ) {}

  call(
    method: string,
    path: string,
    /** `idempotencyKey: null` sends none (the till's validate takes none). */
    options: { body?: unknown; key?: string; idempotencyKey?: string | null } = {},
  ): Promise<Answer> {
    const url = new URL(this.base + path);
    const headers: Record<string, string> = { authorization: `Bearer ${options.key ?? this.partnerKey}` };
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if ((method === 'POST' || method === 'DELETE' || method === 'PUT') && options.idempotencyKey !== null)
      headers['idempotency-key'] = options.idempotencyKey ?? randomUUID();
    return new Promise((resolve, reject) => {
      const outgoing = request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, agent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON: keep the text
            }
            resolve({ status: response.statusCode ?? 0, body, headers: response.headers });
          });
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }

  /** Like call, but fails loudly on an unexpected status: a bench of errors measures nothing. */
  async expect(status: number, method: string, path: string, options: Parameters<ApiClient['call']>[2] = {}) {
    const answer = await this.call(method, path, options);
    if (answer.status !== status)
      throw new Error(`${method} ${path}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer;
  }

  async enrol(): Promise<string> {
    const answer = await this.expect(201, 'POST', '/v1/members', {
      body: { consent: { marketing: false, analytics: false } },
    });
    return (answer.body as { memberId: string }).memberId;
  }

  earn(memberId: string, orderId: string, value = 1999, occurredAt?: string) {
    return this.expect(201, 'POST', `/v1/members/${memberId}/earn`, {
      body: { orderId, amount: { value, currency: 'EUR' }, ...(occurredAt ? { occurredAt } : {}) },
    });
  }
}

/** Runs `work(i)` for i in 0..count-1 with at most `concurrency` in flight. */
export async function pool(count: number, concurrency: number, work: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}
