import type { Program } from '@shared/schemas/program';
import type { MemberState } from './member';
import { pendingCashbackTotal, settleCashback } from './member';
import { pointsExpireAt } from './expiry';
import { qualifyingSpend, tierFor } from './tiers';
import { reservedPoints } from './codes';

/** Points as the lots say at `now` (shared/app/support/lots.ts); absent for a member who never had a lot. */
export interface LotPoints {
  balance: number;
  pending: number;
  expiring: { points: number; expiresAt: string }[];
}

/** The member as the API shows it: balances with released cashback settled, the tier in force now. */
export function memberView(stored: MemberState, program: Program, now: Date, lots?: LotPoints) {
  const member = settleCashback(stored, now);
  const spend = qualifyingSpend(member, now);
  const { tier, next } = tierFor(program, spend);
  const currency = program.currency;
  const expiresAt = pointsExpireAt(member, program);
  return {
    memberId: member.memberId,
    status: member.status,
    createdAt: member.createdAt,
    referralCode: member.referralCode,
    tier: {
      id: tier.id,
      name: tier.name,
      discountRate: tier.discountRate,
      qualifyingSpend: { value: spend, currency },
      ...(next
        ? {
            nextTier: {
              id: next.id,
              // Its name too: a partner key cannot read the program, where the names are.
              name: next.name,
              remainingSpend: { value: next.minQualifyingSpend.value - spend, currency },
            },
          }
        : {}),
    },
    points: {
      // Reserved points (codes charged at use) are not spendable: balance + pending + reserved = the ledger's sum.
      balance: (lots ? lots.balance : member.points.balance) - reservedPoints(member),
      reserved: reservedPoints(member),
      lifetimeEarned: member.points.lifetimeEarned,
      lifetimeRedeemed: member.points.lifetimeRedeemed,
      ...(expiresAt ? { expiresAt } : {}),
      pending: lots ? lots.pending : 0,
      expiring: lots ? lots.expiring : [],
    },
    cashback: { currency, available: member.cashback.available, pending: pendingCashbackTotal(member) },
    consent: member.consent,
    ...member.profile,
  };
}

export type MemberView = ReturnType<typeof memberView>;
