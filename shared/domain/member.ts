import type { CampaignMarks } from './campaigns';
import { DomainError } from './errors';
import type { RuleUses } from './rule-limits';

/**
 * The member as the engine keeps it: profile, balances and the per-member facts that
 * rules (tiers, birthday bonus, expiry) and metrics (first/last purchase, counts) need,
 * so that no rule ever has to search the ledger.
 */
export interface PendingCashback {
  orderId: string;
  value: number;
  /** When the return window ends and the amount becomes available. */
  releaseAt: string;
}

export interface TierMark {
  tier: string;
  /** The start of the day the qualifying spend would fall below the tier's threshold; none for the entry tier. */
  reviewAt?: string;
}

export interface MemberProfile {
  externalId?: string;
  email?: string;
  name?: string;
  birthday?: string;
}

export interface Consent {
  marketing: boolean;
  analytics: boolean;
}

/** A change of consent: when, by which partner, from what to what. */
export interface ConsentChange {
  changedAt: string;
  partnerId: string;
  from: Consent;
  to: Consent;
}

/**
 * The form an email is matched by: trimmed and lower-cased. The local part is case-sensitive
 * in theory, but no mail provider treats it so, and a till typing "Ada@" must find "ada@".
 */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface MemberState {
  memberId: string;
  status: 'active' | 'erased';
  createdAt: string;
  referralCode: string;
  referredBy?: string;
  profile: MemberProfile;
  consent: { marketing: boolean; analytics: boolean };
  /** Every change of consent after enrolment, oldest first (the enrolment's choice is `consent` before the first). */
  consentHistory?: ConsentChange[];
  /** Incremented by every write: the optimistic-concurrency token and the ledger sequence. */
  version: number;
  /**
   * `balance` is the ledger's sum. `reserved`: points held for issued codes charged at use
   * (shared/domain/codes.ts), not in the ledger yet: what can be spent is the rest.
   */
  points: { balance: number; lifetimeEarned: number; lifetimeRedeemed: number; reserved?: number };
  /**
   * The earliest `expiresAt` of the member's issued codes (absent: none issued): when the codes'
   * time rule is next due for this member. Moved by every write that issues, uses, releases,
   * cancels or expires a code.
   */
  codesDueAt?: string;
  cashback: {
    available: number;
    pending: PendingCashback[];
    /**
     * Lots that became available (settled by a read-then-write or by the job) and whose
     * `cashback.available` event the time-changes job has not emitted yet. Bounded: the job
     * empties it within one schedule period (shared/domain/time-changes.ts).
     */
    released?: PendingCashback[];
  };
  purchases: {
    count: number;
    firstAt?: string;
    lastAt?: string;
    /** The channel of the latest purchase (by occurredAt), when its caller said (segments' `channel.last`). */
    lastChannel?: string;
    /** Net qualifying spend per UTC day (YYYY-MM-DD), pruned to the tier window. */
    spendByDay: Record<string, number>;
    birthdayBonusYear?: number;
  };
  /**
   * The tier receivers were last told about (by a write's `tier.changed` or by the time-changes
   * job), and when it could next drop by time alone if nothing else happens (the job's index key).
   */
  tierMark?: TierMark;
  /**
   * When the time job next looks at this member: its schedule key (GSI4), read from that key (not
   * stored twice). Never later than the earliest time a time rule is due; see `scheduleKeyAt`
   * in ./time-rules.ts for who moves it and which way.
   */
  timeChangesCheckAt?: string;
  /**
   * What each time rule (./time-rules.ts) last did for this member, by the rule's name (e.g. the
   * year of the last anniversary handled): the mark that makes a rule apply once.
   */
  timeMarks?: Record<string, string>;
  erasedAt?: string;
  /**
   * Points lots (shared/domain/lots.ts), once the member has any: the few scalars that govern the
   * lot items of the partition. Absent: no lot was ever credited and `points.balance` is simply
   * the ledger's sum, as in v1.0. Present: `points.balance` is still the ledger's sum (pending
   * included); what can be spent now is computed from the lots (shared/app/support/lots.ts).
   */
  lots?: MemberLots;
  /**
   * The segments the member is in, and since when (shared/domain/segments.ts): at most 100, kept
   * current by every write of the member (shared/app/support/segment-membership.ts).
   */
  segments?: Record<string, string>;
  /** When a rules segment of the member could next change by time alone: the segments' time rule is due. */
  segmentsDueAt?: string;
  /**
   * The last write entered or left fewer segments than it should (its transaction had no room):
   * the rest are made by the segments' time rule, due at once, pass after pass.
   */
  segmentsBacklog?: true;
  /** Applications of rules with a per-member limit, by rule and calendar period (./rule-limits.ts). */
  ruleUses?: RuleUses;
  /** What campaigns left on the member: counts per campaign and boosts (./campaigns.ts). */
  campaigns?: CampaignMarks;
}

export interface MemberLots {
  /** Spent points not yet subtracted from a lot item (`LotBook.owed`). */
  owed: number;
  expiredThrough?: string;
  clearedThrough?: string;
  clearings?: number;
  /** Reserved points kept after their lots expired (`LotBook.keptForCodes`, shared/domain/lots.ts "Reservations"). */
  keptForCodes?: number;
  /** Pending lots that became available up to this instant were announced (`points.available`). */
  announcedThrough?: string;
  /** The next instant the lots' time rule has something to do for this member (its part of the schedule key). */
  dueAt?: string;
  /**
   * The fingerprint of the live lot items this member version goes with (shared/store/items/lot.ts
   * `lotItemsDigest`): lots read beside the member are its book when they match. Absent (lots
   * written before it existed): the lots are read after the member.
   */
  digest?: string;
}

export function pendingCashbackTotal(member: Pick<MemberState, 'cashback'>): number {
  return member.cashback.pending.reduce((sum, lot) => sum + lot.value, 0);
}

/** The one cashback-release rule: a pending amount is available once its hold has ended. */
export function isReleased(lot: { releaseAt: string }, now: Date): boolean {
  return Date.parse(lot.releaseAt) <= now.getTime();
}

/** Moves every pending lot whose hold has ended to available. Pure: returns a new state. */
export function settleCashback(member: MemberState, now: Date): MemberState {
  const released = member.cashback.pending.filter((lot) => isReleased(lot, now));
  if (released.length === 0) return member;
  return {
    ...member,
    cashback: {
      available: member.cashback.available + released.reduce((sum, lot) => sum + lot.value, 0),
      pending: member.cashback.pending.filter((lot) => !isReleased(lot, now)),
      // Kept until the time-changes job announces them: a write that settles a lot does not lose its event.
      released: [...(member.cashback.released ?? []), ...released],
    },
  };
}

/** Only a member that exists and is not erased takes part in a use case. */
export function assertActiveMember(member: MemberState | undefined, memberId: string): MemberState {
  if (!member) throw new DomainError('member-not-found', `No member ${memberId}.`);
  if (member.status === 'erased') throw new DomainError('member-erased', `Member ${memberId} was erased.`);
  return member;
}

/**
 * What erasure keeps of a member: balances, purchase facts and the ledger sequence, so
 * totals and metrics still add up; nothing that identifies or describes the person
 * (profile, consent choices, who referred them, the year of their birthday bonus).
 */
export function erasedMember(member: MemberState, now: Date): MemberState {
  const { referredBy: _referredBy, consentHistory: _consentHistory, ...kept } = member;
  const { birthdayBonusYear: _birthdayBonusYear, ...purchases } = member.purchases;
  return {
    ...kept,
    status: 'erased',
    profile: {},
    consent: { marketing: false, analytics: false },
    purchases,
    erasedAt: now.toISOString(),
  };
}

export function newMember(input: {
  memberId: string;
  referralCode: string;
  createdAt: string;
  profile: MemberProfile;
  consent: { marketing: boolean; analytics: boolean };
  referredBy?: string;
}): MemberState {
  return {
    memberId: input.memberId,
    status: 'active',
    createdAt: input.createdAt,
    referralCode: input.referralCode,
    ...(input.referredBy ? { referredBy: input.referredBy } : {}),
    profile: input.profile,
    consent: input.consent,
    version: 0,
    points: { balance: 0, lifetimeEarned: 0, lifetimeRedeemed: 0 },
    cashback: { available: 0, pending: [] },
    purchases: { count: 0, spendByDay: {} },
  };
}
