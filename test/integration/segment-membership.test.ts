import { beforeAll, describe, expect, it } from 'vitest';
import { runTimeRules } from '@shared/app/jobs/time-rules';
import { executeOnce } from '@shared/app/support/execute';
import type { SegmentRules } from '@shared/schemas/segments';
import { useStore, type StoreConfig } from '@shared/store/client';
import { readEventFeed } from '@shared/store/items/event';
import { findMember } from '@shared/store/items/member';
import { segmentPut, type SegmentState } from '@shared/store/items/segment';
import { segmentMembersPage, segmentSize } from '@shared/store/items/segment-member';
import { forgetCachedSegments } from '@shared/store/segments';
import { outcome } from '@shared/app/support/outcome';
import { withFaults } from '../support/faults';
import { earnPoints, enrolMember, refundOrder } from '../support/use-cases';
import { useFreshTable } from '../support/table';

/**
 * The membership hook on DynamoDB Local: every member write re-evaluates the member's segments
 * in its own transaction (memberships, membership items, sharded sizes, events after the
 * member's other events), and the time job moves members whose segments change by time alone.
 */
let table: StoreConfig;
beforeAll(async () => {
  table = await useFreshTable({ bonuses: { signup: 0, referrer: 0, referee: 0, birthday: 0 } });
});

const eur = (value: number) => ({ value, currency: 'EUR' });
const caller = (time: string) => ({ partnerId: 'partner-1', idempotency: undefined, now: () => new Date(time) });
const START = '2026-03-01T00:00:00.000Z';

async function saveSegment(segmentId: string, rules: SegmentRules | undefined): Promise<SegmentState> {
  const segment: SegmentState = {
    segmentId,
    name: segmentId,
    ...(rules ? { rules } : {}),
    startedAt: START,
    createdAt: START,
    updatedAt: START,
  };
  await executeOnce(() => () => outcome(undefined, { writes: [{ item: segmentPut(segment, undefined) }] }), {
    partnerId: 'admin',
    now: () => new Date(START),
  });
  forgetCachedSegments();
  return segment;
}

async function eventsOf(memberId: string) {
  const page = await readEventFeed({ memberId, limit: 100, now: new Date('2100-01-01'), settleMs: 0 });
  return page.items.map(({ type, sequence, data }) => ({ type, sequence, data }));
}

describe('segment memberships follow member writes', () => {
  let buyers: SegmentState;
  let big: SegmentState;
  let lapsed: SegmentState;
  let everyone: SegmentState;
  beforeAll(async () => {
    buyers = await saveSegment('buyers', { all: [{ field: 'purchases.count', op: 'gte', value: 1 }] });
    big = await saveSegment('big', { any: [{ field: 'spend.rolling12m', op: 'gte', value: eur(10_000) }] });
    lapsed = await saveSegment('lapsed', {
      all: [
        { field: 'purchases.lastAt', op: 'olderThan', value: 'P30D' },
        { field: 'purchases.count', op: 'gte', value: 1 },
      ],
    });
    everyone = await saveSegment('web', { all: [{ field: 'channel.last', op: 'in', value: ['web'] }] });
  });

  it('enters three segments with one earn, in two round trips, with the events after points.earned', async () => {
    const enrolled = await enrolMember(
      { consent: { marketing: true, analytics: false } },
      caller('2026-03-02T10:00:00.000Z'),
    );
    const memberId = (enrolled.body as { memberId: string }).memberId;
    // Another member's earn first: this instance has read the program, the raffles and the segments (cached).
    const other = await enrolMember(
      { consent: { marketing: true, analytics: false } },
      caller('2026-03-02T10:00:00.000Z'),
    );
    await earnPoints(
      (other.body as { memberId: string }).memberId,
      { orderId: 'w-1', amount: eur(100) },
      caller('2026-03-02T10:30:00.000Z'),
    );
    const counted = withFaults(table, []);
    useStore(counted);
    try {
      const earned = await earnPoints(
        memberId,
        { orderId: 'o-1', amount: eur(12_000), channel: 'web' } as never,
        caller('2026-03-02T11:00:00.000Z'),
      );
      expect(earned.status).toBe(201);
    } finally {
      useStore(table);
    }
    // The member and its order in one batch, then one transaction.
    expect(counted.calls).toEqual({ BatchGetCommand: 1, TransactWriteCommand: 1 });
    const member = await findMember(memberId);
    expect(member?.segments).toEqual({
      big: '2026-03-02T11:00:00.000Z',
      buyers: '2026-03-02T11:00:00.000Z',
      web: '2026-03-02T11:00:00.000Z',
    });
    expect(member?.segmentsDueAt).toBe('2026-04-01T11:00:00.000Z');
    const events = await eventsOf(memberId);
    expect(events.map((event) => event.type)).toEqual([
      'member.enrolled',
      'points.earned',
      'segment.entered',
      'segment.entered',
      'segment.entered',
    ]);
    expect(events.slice(2).map((event) => event.data)).toEqual([
      { segmentId: 'big' },
      { segmentId: 'buyers' },
      { segmentId: 'web' },
    ]);
    const sequences = events.map((event) => event.sequence ?? 0);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    expect(await segmentSize(buyers)).toBe(2);
    expect(await segmentSize(everyone)).toBe(1);
    expect((await segmentMembersPage(big, { limit: 10 })).items).toEqual([
      { memberId, since: '2026-03-02T11:00:00.000Z' },
    ]);

    // A refund takes the spend back: the member leaves `big` in the refund's own transaction.
    const refunded = await refundOrder(
      memberId,
      { orderId: 'o-1', amount: eur(6_000) },
      caller('2026-03-03T10:00:00.000Z'),
    );
    expect(refunded.status).toBe(201);
    expect((await findMember(memberId))?.segments).not.toHaveProperty('big');
    expect(await segmentSize(big)).toBe(0);
    expect((await segmentMembersPage(big, { limit: 10 })).items).toEqual([]);
    expect((await eventsOf(memberId)).at(-1)).toMatchObject({ type: 'segment.left', data: { segmentId: 'big' } });

    // Time alone: 30 days after the last purchase the time job moves the member into `lapsed`.
    const early = await runTimeRules(new Date('2026-03-20T00:00:00.000Z'));
    expect(early.rules.segments).toBeUndefined();
    const run = await runTimeRules(new Date('2026-04-01T12:00:00.000Z'));
    // Both members bought last on 2 March: both are due, both enter.
    expect(run.rules.segments?.members).toBe(2);
    const after = await findMember(memberId);
    expect(after?.segments?.lapsed).toBe('2026-04-01T12:00:00.000Z');
    expect(after?.segmentsDueAt).toBeUndefined();
    expect((await eventsOf(memberId)).at(-1)).toMatchObject({ type: 'segment.entered', data: { segmentId: 'lapsed' } });
    expect(await segmentSize(lapsed)).toBe(2);
    // Run again: nothing more to do, nothing emitted twice.
    const again = await runTimeRules(new Date('2026-04-01T13:00:00.000Z'));
    expect(again.events['segment.entered'] ?? 0).toBe(0);
    expect(await segmentSize(lapsed)).toBe(2);
  });
});
