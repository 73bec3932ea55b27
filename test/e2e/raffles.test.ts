import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { openApiDocument } from '@shared/http/openapi';
import { routes, type RouteId } from '@shared/http/routes';
import { eur } from '../support/money';
import { startTestApi, type ApiResponse, type TestApi } from '../support/api';
import { OpenApiValidator } from '../support/openapi-validator';

const problems = 'https://rewards-api.dev/problems/';
const verifier = fileURLToPath(new URL('../support/raffle-verifier.js', import.meta.url));

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ bonuses: { signup: 1_000, referrer: 0, referee: 0, birthday: 0 } });
});
afterAll(async () => api?.stop());

/** The answer matches the route table's schema for its status (what the OpenAPI document says). */
function documented(routeId: RouteId, response: ApiResponse, status: number) {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  const schema = (routes[routeId].responses as Record<number, z.ZodType | null | undefined>)[status];
  const parsed = schema?.safeParse(response.body);
  expect(parsed?.success, `${routeId}: ${JSON.stringify(parsed?.error?.issues)}`).toBe(true);
  return response.body;
}

async function enrol(): Promise<string> {
  const enrolled = await api.call('POST', '/v1/members', { body: { consent: { marketing: false, analytics: false } } });
  expect(enrolled.status).toBe(201);
  return enrolled.body.memberId;
}

/** Runs the published verifier script (shared/README.md) with node, as a member would, on what the API published. */
function verify(raffle: unknown, entries: unknown): { status: number; lines: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'raffle-e2e-'));
  writeFileSync(join(dir, 'raffle.json'), JSON.stringify(raffle));
  writeFileSync(join(dir, 'entries.json'), JSON.stringify(entries));
  writeFileSync(join(dir, 'verify-raffle.mjs'), readFileSync(verifier));
  try {
    const out = execFileSync(process.execPath, ['verify-raffle.mjs', 'raffle.json', 'entries.json'], {
      cwd: dir,
      encoding: 'utf8',
    });
    return { status: 0, lines: out.trim().split('\n') };
  } catch (error) {
    const failed = error as { status: number; stdout: string };
    return { status: failed.status, lines: failed.stdout.trim().split('\n') };
  }
}

describe('a raffle over HTTP, verified with the published script', () => {
  it('creates, earns and buys entries, refuses an early draw, draws once after closesAt, and the verifier agrees', async () => {
    const [ann, bob, cat] = [await enrol(), await enrol(), await enrol()];
    // The local server runs on the real clock (no test clock yet): the raffle closes 25 s from
    // now, room for the calls below on a busy machine; the test then waits for what is left.
    const closesAt = new Date(Date.now() + 25_000);
    const rules = {
      name: 'Summer raffle',
      opensAt: new Date(Date.now() - 60_000).toISOString(),
      closesAt: closesAt.toISOString(),
      entries: { perAmount: eur(1_000), pointsPerEntry: 100, maxPerMember: 10 },
      prizes: [
        { prizeId: 'bike', name: 'City bike', quantity: 1 },
        { prizeId: 'mug', name: 'Mug', quantity: 2 },
      ],
    };
    const put = await api.call('PUT', '/v1/admin/raffles/summer', { as: 'admin', body: rules });
    const created = documented('putRaffle', put, 201);
    expect(created).toMatchObject({ raffleId: 'summer', status: 'open' });
    expect(created).not.toHaveProperty('seed');

    // Entries from purchases (⌊amount / 10 EUR⌋), one taken back by a refund, and bought with points.
    const earn = (memberId: string, orderId: string, value: number) =>
      api.call('POST', `/v1/members/${memberId}/earn`, { body: { orderId, amount: eur(value) } });
    expect((await earn(ann, 'a-1', 3_000)).status).toBe(201);
    expect((await earn(bob, 'b-1', 5_000)).status).toBe(201);
    const refund = await api.call('POST', `/v1/members/${bob}/refunds`, {
      body: { orderId: 'b-1', amount: eur(2_000) },
    });
    expect(refund.status).toBe(201);
    const bought = documented(
      'buyRaffleEntries',
      await api.call('POST', `/v1/members/${cat}/raffles/summer/entries`, { body: { count: 2 } }),
      201,
    );
    expect(bought).toMatchObject({ entries: 2, transaction: { type: 'redeem', points: -200, raffleId: 'summer' } });
    const tooMany = await api.call('POST', `/v1/members/${cat}/raffles/summer/entries`, { body: { count: 9 } });
    expect(tooMany).toMatchObject({ status: 409, body: { type: `${problems}raffle-entry-limit` } });

    const listed = documented('listRaffles', await api.call('GET', '/v1/raffles'), 200);
    expect(listed.items.map((r: { raffleId: string }) => r.raffleId)).toContain('summer');
    const early = await api.call('POST', '/v1/admin/raffles/summer/draw', { as: 'admin' });
    expect(early).toMatchObject({ status: 409, body: { type: `${problems}raffle-not-closed` } });
    const changed = await api.call('PUT', '/v1/admin/raffles/summer', {
      as: 'admin',
      body: { ...rules, entries: { perAmount: eur(500) } },
    });
    expect(changed).toMatchObject({ status: 409, body: { type: `${problems}raffle-rules-locked` } });
    const renamed = await api.call('PUT', '/v1/admin/raffles/summer', { as: 'admin', body: { ...rules, name: 'Hot' } });
    expect(documented('putRaffle', renamed, 200)).toMatchObject({ name: 'Hot', seedHash: created.seedHash });
    expect(documented('getRaffle', await api.call('GET', '/v1/raffles/summer'), 200)).not.toHaveProperty('seed');

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, closesAt.getTime() - Date.now() + 200)));
    const late = await api.call('POST', `/v1/members/${cat}/raffles/summer/entries`, { body: { count: 1 } });
    expect(late).toMatchObject({ status: 409, body: { type: `${problems}raffle-not-open` } });

    const drawn = documented(
      'drawRaffle',
      await api.call('POST', '/v1/admin/raffles/summer/draw', { as: 'admin' }),
      201,
    );
    expect(drawn.status).toBe('drawn');
    expect(drawn.winners).toHaveLength(3);
    expect(createHash('sha256').update(Buffer.from(drawn.seed, 'hex')).digest('hex')).toBe(created.seedHash);
    const again = await api.call('POST', '/v1/admin/raffles/summer/draw', { as: 'admin' });
    expect(again.body).toEqual(drawn);

    // Each winning member has its raffle.won event, shaped as the document's webhooks publish it.
    const winners = new Set(drawn.winners.map((w: { memberId: string }) => w.memberId));
    let wonEvents: { data: { memberId: string } }[] = [];
    for (const deadline = Date.now() + 15_000; wonEvents.length < winners.size && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      wonEvents = (await api.call('GET', '/v1/events?types=raffle.won&limit=100')).body.items;
    }
    expect(new Set(wonEvents.map((event) => event.data.memberId))).toEqual(winners);
    const validator = new OpenApiValidator(openApiDocument());
    expect(wonEvents.flatMap((event) => validator.checkEvent(event))).toEqual([]);

    // The entries list, page by page, as a verifier collects it.
    const entries: { memberId: string; entries: number }[] = [];
    let cursor: string | undefined;
    do {
      const page = documented(
        'listRaffleEntries',
        await api.call('GET', `/v1/admin/raffles/summer/entries?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
          as: 'admin',
        }),
        200,
      );
      entries.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(entries).toEqual(
      [
        { memberId: ann, entries: 3 },
        { memberId: bob, entries: 3 },
        { memberId: cat, entries: 2 },
      ].sort((a, b) => (a.memberId < b.memberId ? -1 : 1)),
    );

    const published = documented('getRaffle', await api.call('GET', '/v1/raffles/summer'), 200);
    expect(published).toEqual(drawn);
    const verified = verify(published, entries);
    expect(verified.status).toBe(0);
    expect(verified.lines).toEqual([
      ...drawn.winners.map(
        (w: { prizeId: string; memberId: string; entry: number }) => `${w.prizeId} ${w.memberId} entry ${w.entry}`,
      ),
      'seedHash matches the seed',
      'published winners match the draw',
    ]);
    // Without a winner's entries the list cannot reproduce the published winners.
    const tampered = verify(
      published,
      entries.filter((e) => e.memberId !== drawn.winners[0].memberId),
    );
    expect(tampered.status).toBe(1);
    expect(tampered.lines.at(-1)).toBe('published winners DO NOT MATCH the draw');

    // Each member sees their entries and the units they won.
    for (const memberId of [ann, bob, cat]) {
      const mine = documented('listMemberRaffles', await api.call('GET', `/v1/members/${memberId}/raffles`), 200);
      const won = drawn.winners
        .filter((w: { memberId: string }) => w.memberId === memberId)
        .map((w: { prizeId: string }) => ({ prizeId: w.prizeId }));
      expect(mine.items).toEqual([
        { raffleId: 'summer', entries: entries.find((e) => e.memberId === memberId)?.entries, won },
      ]);
    }
  });

  it('answers an unknown raffle with 404 and the admin routes only to admins', async () => {
    expect((await api.call('GET', '/v1/raffles/nope')).body.type).toBe(`${problems}raffle-not-found`);
    expect((await api.call('POST', '/v1/admin/raffles/nope/draw')).status).toBe(403);
    expect((await api.call('GET', '/v1/admin/raffles/nope/entries', { as: 'admin' })).status).toBe(404);
  });
});
