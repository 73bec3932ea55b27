import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDocumentClient } from '@infra/local/dynamodb';
import { startTestApi, type TestApi } from '../support/api';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api?.stop());

const email = 'Ana.Erasmus@example.com';
const name = 'Ana Erasmus';
const externalId = 'crm-erasmus-77';
const birthday = '1990-04-17';

/** Every item of the table as text (sets and binary values included), read with a Scan: a test may look everywhere. */
async function everyItemAsText(): Promise<string[]> {
  const client = localDocumentClient(api.endpoint);
  const texts: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: api.tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? [])
      texts.push(
        JSON.stringify(item, (_key, value: unknown) =>
          value instanceof Set
            ? [...(value as Set<unknown>)]
            : value instanceof Uint8Array
              ? Buffer.from(value).toString()
              : value,
        ),
      );
    start = page.LastEvaluatedKey;
  } while (start);
  return texts;
}

describe('erasure reaches every copy in the table', () => {
  it('leaves no item that holds the email, name, external id or birthday, and a replay of the enrolment answers without them', async () => {
    const enrolKey = 'enrol-key-1';
    const enrolled = await api.call('POST', '/v1/members', {
      idempotencyKey: enrolKey,
      body: { externalId, email, name, birthday, consent: { marketing: true, analytics: true } },
    });
    expect(enrolled.status).toBe(201);
    const member = `/v1/members/${enrolled.body.memberId as string}`;
    // Every kind of write that copies the person somewhere: a PATCH (its answer is kept for replays),
    // an adjustment whose free text names them, a survey comment, an earn, and an import whose bad
    // lines quote them.
    expect((await api.call('PATCH', member, { body: { name: `${name} Q.` }, idempotencyKey: 'patch-1' })).status).toBe(
      200,
    );
    const earned = await api.call('POST', `${member}/earn`, {
      body: { orderId: 'till-9:1', amount: { value: 4_000, currency: 'EUR' } },
    });
    expect(earned.status).toBe(201);
    const adjusted = await api.call('POST', `${member}/adjustments`, {
      as: 'admin',
      body: { points: 50, reason: `Goodwill for ${name}, who wrote from ${email}`, reference: externalId },
    });
    expect(adjusted.status).toBe(201);
    expect(
      (await api.call('POST', `${member}/nps`, { body: { score: 9, comment: `Write me at ${email}` } })).status,
    ).toBe(201);
    const lines = [
      // Not JSON: the parser's message would quote the text.
      `{"kind":"member","externalId":"${externalId}","email":${email}}`,
      // A purchase for an "external id" that is the email: the refusal would name it.
      JSON.stringify({
        kind: 'purchase',
        externalId: email,
        orderId: 'o-1',
        amount: { value: 100, currency: 'EUR' },
        occurredAt: new Date(Date.now() - 86_400_000).toISOString(),
      }),
      JSON.stringify({ kind: 'member', externalId: 'other-1', consent: { marketing: false, analytics: false } }),
    ];
    const imported = await api.call('POST', '/v1/admin/imports', {
      rawBody: lines.join('\n'),
      as: 'admin',
      headers: { 'Content-Type': 'application/x-ndjson' },
    });
    expect(imported.status).toBe(202);
    await api.imports.idle();
    const errors = await api.call('GET', `/v1/admin/imports/${imported.body.importId as string}/errors`, {
      as: 'admin',
    });
    expect(errors.body.items.map((e: { problem: { type: string } }) => e.problem.type.split('/').at(-1))).toEqual([
      'malformed-json',
      'member-not-found',
    ]);

    expect((await api.call('DELETE', member, { as: 'admin' })).status).toBe(204);

    const replay = await api.call('POST', '/v1/members', {
      idempotencyKey: enrolKey,
      body: { externalId, email, name, birthday, consent: { marketing: true, analytics: true } },
    });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replay.body).toMatchObject({ memberId: enrolled.body.memberId as string });
    for (const field of ['email', 'name', 'birthday', 'externalId']) expect(replay.body).not.toHaveProperty(field);

    const items = await everyItemAsText();
    expect(items.length).toBeGreaterThan(20);
    for (const needle of [email.toLowerCase(), 'erasmus', externalId, birthday]) {
      expect(items.filter((text) => text.toLowerCase().includes(needle))).toEqual([]);
    }
    // The amounts stay: the ledger still adds up to what the member held.
    const ledger = items.filter((text) => text.includes('"entity":"ledger"') && text.includes('"adjustment"'));
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toContain('"points":50');
  });
});
