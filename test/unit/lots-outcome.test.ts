import { beforeAll, describe, expect, it, vi } from 'vitest';
import { outcomeWithLots } from '@shared/app/support/lots';
import { outcome, type Outcome } from '@shared/app/support/outcome';
import { transactionEvent } from '@shared/app/support/emit';
import { postMovements, type LedgerEntry, type PostingContext } from '@shared/domain/ledger';
import { lotRulesOf } from '@shared/domain/lot-rules';
import { newMember, type MemberState } from '@shared/domain/member';

const at = new Date('2026-03-10T12:00:00.000Z');
const holdTwoWeeks = lotRulesOf({ earn: { holdDays: 14 }, expiry: null });

function context(): PostingContext {
  let next = 0;
  return {
    partnerId: 'partner-1',
    now: at.toISOString(),
    currency: 'EUR',
    programVersion: 1,
    newTransactionId: () => `txn-${(next += 1)}`,
  };
}

/** A member with 200 points from before lots, earning 50 for an order: the earn outcome a use case decides. */
function earnOutcome(): { decided: Outcome<{ entry: LedgerEntry; note: string }>; entry: LedgerEntry } {
  const before: MemberState = {
    ...newMember({
      memberId: 'mem-1',
      referralCode: 'REF1',
      createdAt: '2026-01-01T00:00:00.000Z',
      profile: {},
      consent: { marketing: false, analytics: false },
    }),
    version: 4,
    points: { balance: 200, lifetimeEarned: 200, lifetimeRedeemed: 0 },
  };
  const posted = postMovements(
    before,
    [{ type: 'earn', points: 50, orderId: 'order-1', occurredAt: '2026-03-09T10:00:00.000Z' }],
    context(),
  );
  const [entry] = posted.entries;
  if (!entry) throw new Error('the earn posted no entry');
  const decided = outcome(
    { entry, note: 'kept as it is' },
    {
      members: [{ expectedVersion: before.version, member: posted.member, entries: posted.entries }],
      events: [transactionEvent('points.earned', entry)],
    },
  );
  return { decided, entry };
}

describe('points lots applied to an outcome', () => {
  // The lot items are built with the table's name; nothing is sent to a table.
  beforeAll(() => vi.stubEnv('TABLE_NAME', 'lots-outcome-unit'));

  it('returns a new outcome with the lots and leaves what the use case decided unchanged', () => {
    const { decided, entry } = earnOutcome();
    const asDecided = structuredClone(decided);

    const withLots = outcomeWithLots(decided, at, holdTwoWeeks, new Map());

    expect(decided).toEqual(asDecided);
    expect(entry.pointsAvailableAt).toBeUndefined();
    expect(entry.balance.points).toBe(250);

    // The earn is held two weeks from the purchase; 200 points from before are spendable now.
    const [write] = withLots.members;
    expect(write?.member.lots).toMatchObject({ owed: 0, dueAt: '2026-03-23T10:00:00.000Z' });
    expect(write?.entries[0]).toMatchObject({
      pointsAvailableAt: '2026-03-23T10:00:00.000Z',
      balance: { points: 200 },
    });
    // The opening lot and the earn's lot (the lots' due time is on the member: its schedule key).
    expect(withLots.writes).toHaveLength(2);
    expect(withLots.result.entry).toBe(write?.entries[0]);
    expect(withLots.result.note).toBe('kept as it is');
    expect(withLots.events[0]?.data).toMatchObject({ pointsStatus: 'pending', balance: { points: 200 } });
    expect(decided.events[0]?.data).toMatchObject({ pointsStatus: 'available', balance: { points: 250 } });
  });

  it('returns the outcome itself when no write moves points', () => {
    const { decided } = earnOutcome();
    const noPoints = { ...decided, members: decided.members.map((write) => ({ ...write, entries: [] })) };
    expect(outcomeWithLots(noPoints, at, holdTwoWeeks, new Map())).toBe(noPoints);
  });
});
