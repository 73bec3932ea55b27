import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  endpointWants,
  EVENT_DATA_BUDGET_BYTES,
  EVENT_TYPES,
  fitEventData,
  memberEvents,
  memberEventSequence,
  publicEvent,
  withoutPersonalData,
  EVENTS_ABOUT_NO_MEMBER,
  globalEvent,
} from '@shared/domain/events';
import { newEventId } from '@shared/ids';
import { Event } from '@shared/schemas/events';
import { eventToItem, itemSizeBytes, MAX_EVENT_ITEM_BYTES } from '@shared/store/items/event';

describe('sequence', () => {
  it('increases with every change and every event in it, and is unique per member', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 0, max: 99 }),
        (v1, i1, v2, i2) => {
          const a = memberEventSequence(v1, i1);
          const b = memberEventSequence(v2, i2);
          if (v1 < v2 || (v1 === v2 && i1 < i2)) expect(a).toBeLessThan(b);
          if (v1 === v2 && i1 === i2) expect(a).toBe(b);
          expect(Math.floor(a / 100)).toBe(v1);
        },
      ),
    );
  });

  it('refuses positions a transaction cannot hold', () => {
    expect(() => memberEventSequence(0, 0)).toThrow(RangeError);
    expect(() => memberEventSequence(3, 100)).toThrow(RangeError);
  });

  it('numbers the events of one change in order', () => {
    const events = memberEvents(
      { memberId: 'mem_1', version: 7 },
      [
        { type: 'points.expiring', data: { expiresAt: '2026-12-24T23:59:59.999Z', points: 40 } },
        { type: 'tier.changed', data: { from: 'member', to: 'silver', direction: 'up' } },
      ],
      '2026-11-24T10:00:00.000Z',
      newEventId,
    );
    expect(events.map((e) => e.sequence)).toEqual([700, 701]);
    for (const event of events) expect(Event.parse(publicEvent(event))).toBeTruthy();
  });
});

describe('subscriptions', () => {
  it('delivers every type but the test event to "*", and only the listed types otherwise', () => {
    for (const type of EVENT_TYPES) {
      expect(endpointWants(['*'], { type })).toBe(type !== 'webhook.test');
      expect(endpointWants(['points.earned'], { type })).toBe(type === 'points.earned');
    }
  });
});

describe('erasure of events', () => {
  it('removes personal fields at any depth and keeps the amounts', () => {
    const data = {
      memberId: 'mem_1',
      email: 'ada@example.com',
      name: 'Ada',
      birthday: '1990-04-17',
      externalId: 'crm-1',
      points: { balance: 120 },
      nested: [{ comment: 'great shop', score: 9 }],
    };
    expect(withoutPersonalData(data)).toEqual({
      memberId: 'mem_1',
      points: { balance: 120 },
      nested: [{ score: 9 }],
    });
  });
});

describe('event items', () => {
  it('stay within 1 KB for a transaction with every optional field', () => {
    const transaction = {
      transactionId: 'txn_01JD0000000000000000000000',
      memberId: 'mem_01JD0000000000000000000000',
      type: 'earn',
      points: 1234567,
      cashback: { value: 123456, currency: 'EUR', status: 'pending', releaseAt: '2026-12-24T10:00:00.000Z' },
      balance: { points: 99999999, cashbackAvailable: 1234567, cashbackPending: 7654321 },
      orderId: 'x'.repeat(128),
      partnerId: 'prt_01JD0000000000000000000000',
      createdAt: '2026-11-24T10:00:00.000Z',
      occurredAt: '2026-11-24T09:59:00.000Z',
      amount: { value: 99999999, currency: 'EUR' },
      breakdown: [
        { rule: 'base', points: 1000000 },
        { rule: 'tier', points: 200000 },
        { rule: 'promotion:black-friday-weekend', points: 34567 },
      ],
      programVersion: 42,
    };
    const [event] = memberEvents(
      { memberId: transaction.memberId, version: 123456 },
      [{ type: 'points.earned', data: transaction }],
      transaction.createdAt,
      newEventId,
    );
    const bytes = itemSizeBytes(eventToItem(event!));
    expect(bytes).toBeLessThanOrEqual(MAX_EVENT_ITEM_BYTES);
    // The estimate is conservative: never below the JSON text without its punctuation.
    expect(bytes).toBeGreaterThan(JSON.stringify(transaction).length * 0.6);
  });
});

describe('fitEventData', () => {
  const member = { memberId: 'mem_1', tier: { id: 'member' }, points: { balance: 100 } };

  it('keeps data within the budget as it is', () => {
    expect(fitEventData({ ...member, email: 'a@example.com' })).toEqual({ ...member, email: 'a@example.com' });
  });

  it('drops the breakdown, then personal fields, so that any event item stays within 1 KB (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.string({ maxLength: 254 }),
        fc.string({ maxLength: 128 }),
        fc.array(fc.record({ rule: fc.string({ maxLength: 40 }), points: fc.integer() }), { maxLength: 20 }),
        (name, email, externalId, breakdown) => {
          const data = fitEventData({ ...member, name, email, externalId, breakdown });
          expect(new TextEncoder().encode(JSON.stringify(data)).length).toBeLessThanOrEqual(
            Math.max(EVENT_DATA_BUDGET_BYTES, new TextEncoder().encode(JSON.stringify(member)).length),
          );
          const [event] = memberEvents(
            { memberId: 'mem_1', version: 123_456 },
            [{ type: 'member.enrolled', data }],
            new Date().toISOString(),
            newEventId,
          );
          expect(itemSizeBytes(eventToItem(event!))).toBeLessThanOrEqual(MAX_EVENT_ITEM_BYTES);
          expect(data.points).toEqual(member.points);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('events about a member', () => {
  it('every type but reward.out-of-stock and webhook.test is about a member: stored without one, it is refused', () => {
    const aboutMembers = EVENT_TYPES.filter((type) => !EVENTS_ABOUT_NO_MEMBER.includes(type));
    expect(aboutMembers).toContain('raffle.won');
    for (const type of aboutMembers)
      expect(() => globalEvent({ type, data: {} }, new Date().toISOString(), newEventId())).toThrow(/about a member/);
    for (const type of EVENTS_ABOUT_NO_MEMBER)
      expect(globalEvent({ type, data: {} }, new Date().toISOString(), newEventId())).not.toHaveProperty('memberId');
  });
});
