/**
 * The largest raffle draw allowed: 2,000 prize units among 2,000 members holding one entry each,
 * so every unit has its own winning member and each gets a raffle.won (41 announcement batches).
 * The members and entries are written straight to the table (enrolling 2,000 members over HTTP
 * would be most of the run); the raffle and the draw go over HTTP, under the request deadline.
 * A call that runs out of time answers 503 and the next call finishes the announcements, so
 * the figure is the time until a call answers 201, and how many calls that took.
 */
import { performance } from 'node:perf_hooks';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { localDocumentClient } from '@infra/local/dynamodb';
import { newMember } from '@shared/domain/member';
import { MAX_PRIZE_UNITS } from '@shared/domain/raffle';
import { newMemberId, newReferralCode } from '@shared/ids';
import { useStore } from '@shared/store/client';
import { memberPut } from '@shared/store/items/member';
import { raffleEntryPut } from '@shared/store/items/raffle-entry';
import type { ApiClient } from './api-client';

export interface DrawFigures {
  prizeUnits: number;
  winners: number;
  /** Seconds from the first call to the first 201. */
  seconds: number;
  calls: number;
  statuses: number[];
}

export async function measureLargestDraw(api: ApiClient, endpoint: string, tableName: string): Promise<DrawFigures> {
  const hour = 3_600_000;
  const raffleId = 'bench-largest';
  await api.expect(201, 'PUT', `/v1/admin/raffles/${raffleId}`, {
    key: api.adminKey,
    body: {
      name: 'Largest draw',
      opensAt: new Date(Date.now() - 2 * hour).toISOString(),
      closesAt: new Date(Date.now() - hour).toISOString(),
      entries: { pointsPerEntry: 10 },
      prizes: [{ prizeId: 'voucher', name: 'Voucher', quantity: MAX_PRIZE_UNITS }],
    },
  });
  const client = localDocumentClient(endpoint);
  // The item builders put the items in the store's table: point it at the bench stack's.
  useStore({ client, tableName });
  const createdAt = new Date().toISOString();
  for (let start = 0; start < MAX_PRIZE_UNITS; start += 50) {
    const TransactItems = Array.from({ length: 50 }, () => newMemberId()).flatMap((memberId) => [
      memberPut(
        newMember({
          memberId,
          referralCode: newReferralCode(),
          createdAt,
          profile: {},
          consent: { marketing: false, analytics: false },
        }),
        null,
      ),
      raffleEntryPut({ raffleId, memberId, entries: 0, version: 0 }, 1),
    ]);
    await client.send(new TransactWriteCommand({ TransactItems }));
  }
  const started = performance.now();
  const statuses: number[] = [];
  let answer = await api.call('POST', `/v1/admin/raffles/${raffleId}/draw`, { key: api.adminKey });
  statuses.push(answer.status);
  while (answer.status === 503 && statuses.length < 10) {
    answer = await api.call('POST', `/v1/admin/raffles/${raffleId}/draw`, { key: api.adminKey });
    statuses.push(answer.status);
  }
  const seconds = (performance.now() - started) / 1000;
  const winners = new Set(((answer.body as { winners?: { memberId: string }[] }).winners ?? []).map((w) => w.memberId));
  return {
    prizeUnits: MAX_PRIZE_UNITS,
    winners: winners.size,
    seconds: Number(seconds.toFixed(1)),
    calls: statuses.length,
    statuses,
  };
}
