/**
 * Reward codes: what a member takes to the till for a reward, and the rules of its life —
 * issued → used (→ released: issued again) | expired | cancelled. Pure functions only; the
 * store keeps a code in one item keyed by a hash of its text (shared/store/items/code.ts), and
 * every change of state is committed with its ledger entry and its event in one transaction.
 */
import { DomainError } from './errors';
import type { Movement } from './ledger';
import { planKeptExpiry } from './lots';
import type { EventDraft } from './events';
import type { MemberState } from './member';
import { DAY_MS } from './time';
import type { TimeRule, TimeRuleChange } from './time-rule';

/**
 * 32 symbols without the look-alikes 0/O and 1/I: each symbol is 5 bits, and a random byte
 * masked to 5 bits is uniform over them (256 is a multiple of 32), so no modulo bias.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
/** 12 symbols = 60 bits: unguessable by a till trying codes (the issue asks ≥ 50 bits, ≥ 10 symbols). */
export const GENERATED_CODE_LENGTH = 12;

/** A generated code from `random` bytes (crypto-random in production: shared/ids.ts `newCodeText`). */
export function generatedCode(random: Uint8Array): string {
  if (random.length < GENERATED_CODE_LENGTH) throw new RangeError(`a code needs ${GENERATED_CODE_LENGTH} random bytes`);
  let code = '';
  for (let i = 0; i < GENERATED_CODE_LENGTH; i += 1) code += CODE_ALPHABET[(random[i] ?? 0) & 31];
  return code;
}

/** What the till grants for the code (shown to it; the engine only carries it). */
export type CodeValue =
  { amount: { value: number; currency: string } } | { percentOff: number } | { sku: string; quantity: number };

export interface CodeFulfilment {
  type: 'code';
  source: 'generated' | 'pool';
  validDays: number;
  /** `use`: the points are reserved at issue and charged when the code is used. */
  chargeOn: 'issue' | 'use';
  /** chargeOn `issue` only (default returnPoints): what an unused code's points become at expiry. */
  onExpiry?: 'returnPoints' | 'forfeit';
  value?: CodeValue;
}

export interface DonationFulfilment {
  type: 'donation';
  cause: string;
}

export type Fulfilment = CodeFulfilment | DonationFulfilment;

export type CodeStatus = 'issued' | 'used' | 'expired' | 'cancelled';

/** A code as the engine keeps it once issued to a member. */
export interface IssuedCode {
  codeId: string;
  /** The text the member shows and the till types: answered to them, never logged. */
  code: string;
  rewardId: string;
  memberId: string;
  source: 'generated' | 'pool';
  status: CodeStatus;
  issuedAt: string;
  expiresAt: string;
  chargeOn: 'issue' | 'use';
  onExpiry: 'returnPoints' | 'forfeit';
  /**
   * What the member paid (chargeOn issue) or has reserved (chargeOn use): what a cancel or an
   * expiry gives back. 0 for a gift (a rule's or a campaign's reward effect).
   */
  points: number;
  value?: CodeValue;
  /** The use: when and for which order (kept after a release is undone? no: a release clears them). */
  usedAt?: string;
  orderId?: string;
  /** chargeOn use: the redeem entry posted by the use (answered again for the same order). */
  useTransactionId?: string;
  cancelledAt?: string;
  cancelReason?: string;
  expiredAt?: string;
}

/** The instant a code issued at `issuedAt` stops being usable: validDays whole days later, to the millisecond. */
export function codeExpiresAt(issuedAt: Date, validDays: number): string {
  return new Date(issuedAt.getTime() + validDays * DAY_MS).toISOString();
}

/** Usable until `expiresAt` exactly: a code is past its time only strictly after it. */
export function isPastExpiry(code: Pick<IssuedCode, 'expiresAt'>, now: Date): boolean {
  return now.getTime() > Date.parse(code.expiresAt);
}

/**
 * The status at `now`: an issued code past `expiresAt` is expired even before the job marked
 * it (that is what makes expiry exact at the boundary).
 */
export function statusAt(code: Pick<IssuedCode, 'status' | 'expiresAt'>, now: Date): CodeStatus {
  return code.status === 'issued' && isPastExpiry(code, now) ? 'expired' : code.status;
}

export function newIssuedCode(input: {
  codeId: string;
  code: string;
  rewardId: string;
  memberId: string;
  fulfilment: CodeFulfilment;
  points: number;
  now: Date;
}): IssuedCode {
  const { fulfilment } = input;
  return {
    codeId: input.codeId,
    code: input.code,
    rewardId: input.rewardId,
    memberId: input.memberId,
    source: fulfilment.source,
    status: 'issued',
    issuedAt: input.now.toISOString(),
    expiresAt: codeExpiresAt(input.now, fulfilment.validDays),
    chargeOn: fulfilment.chargeOn,
    onExpiry: fulfilment.chargeOn === 'issue' ? (fulfilment.onExpiry ?? 'returnPoints') : 'forfeit',
    points: input.points,
    ...(fulfilment.value ? { value: fulfilment.value } : {}),
  };
}

export type ValidateAnswer =
  { valid: true; code: IssuedCode } | { valid: false; reason: 'unknown' | 'expired' | 'used' | 'cancelled' };

/** What a till learns from `validate`: usable now, or why not. A pool code not issued yet is unknown to it. */
export function validateCode(code: IssuedCode | undefined, now: Date): ValidateAnswer {
  if (!code) return { valid: false, reason: 'unknown' };
  const status = statusAt(code, now);
  return status === 'issued' ? { valid: true, code } : { valid: false, reason: status };
}

/** The refusal for a code that is not `issued` at `now` (a use, or a cancel). */
function notIssued(code: IssuedCode, now: Date): DomainError {
  const status = statusAt(code, now);
  if (status === 'used')
    return new DomainError(
      'code-used',
      `The code was used for order ${code.orderId ?? '?'} at ${code.usedAt ?? '?'}.`,
      undefined,
      {
        extensions: {
          ...(code.orderId ? { orderId: code.orderId } : {}),
          ...(code.usedAt ? { usedAt: code.usedAt } : {}),
        },
      },
    );
  if (status === 'expired') return new DomainError('code-expired', `The code expired at ${code.expiresAt}.`);
  return new DomainError('code-cancelled', 'The code was cancelled.');
}

export type UseDecision =
  | { kind: 'use'; code: IssuedCode; movement?: Movement }
  /** Used already for this very order: the same answer again, nothing written. */
  | { kind: 'again'; code: IssuedCode };

/**
 * Using a code for an order. chargeOn `use`: the reserved points are charged now, as a `redeem`
 * entry of the reward. Refusals name the state the code is in (used: with the first order and time).
 */
export function useCode(code: IssuedCode | undefined, orderId: string, now: Date): UseDecision {
  if (!code) throw new DomainError('code-not-found', 'No such code.');
  if (code.status === 'used' && code.orderId === orderId) return { kind: 'again', code };
  if (statusAt(code, now) !== 'issued') throw notIssued(code, now);
  const used: IssuedCode = { ...code, status: 'used', usedAt: now.toISOString(), orderId };
  if (code.chargeOn !== 'use' || code.points === 0) return { kind: 'use', code: used };
  return {
    kind: 'use',
    code: used,
    movement: { type: 'redeem', points: -code.points, redemption: true, rewardId: code.rewardId, orderId },
  };
}

/**
 * Releasing a code: the order it was used for was voided before it completed, so it is issued
 * again — and, chargeOn `use`, the points charged by the use are given back to the reservation
 * (a `return` entry of the charge, the reservation restored).
 */
export function releaseCode(code: IssuedCode | undefined, orderId: string): { code: IssuedCode; movement?: Movement } {
  if (!code) throw new DomainError('code-not-found', 'No such code.');
  if (code.status !== 'used' || code.orderId !== orderId)
    throw new DomainError('code-not-used-for-order', `The code was not used for order ${orderId}.`);
  const { usedAt: _usedAt, orderId: _orderId, useTransactionId: _useTransactionId, ...issued } = code;
  const released: IssuedCode = { ...issued, status: 'issued' };
  if (code.chargeOn !== 'use' || code.points === 0) return { code: released };
  return {
    code: released,
    movement: { type: 'return', points: code.points, rewardId: code.rewardId, orderId, redemption: true },
  };
}

/**
 * Cancelling an issued code (a support desk): chargeOn `issue`, the points come back as a
 * `return` entry; chargeOn `use`, the reservation is released (no entry).
 */
export function cancelCode(
  code: IssuedCode | undefined,
  reason: string,
  now: Date,
): { code: IssuedCode; movement?: Movement; reservationReleased: number } {
  if (!code) throw new DomainError('code-not-found', 'No such code.');
  if (statusAt(code, now) !== 'issued') throw notIssued(code, now);
  const cancelled: IssuedCode = { ...code, status: 'cancelled', cancelledAt: now.toISOString(), cancelReason: reason };
  return { code: cancelled, ...giveBack(code), reservationReleased: code.chargeOn === 'use' ? code.points : 0 };
}

/**
 * Marking an issued code expired (the time rule, once `expiresAt` is past): chargeOn `issue`
 * with `returnPoints`, a `return` entry; chargeOn `use`, the reservation simply ends.
 */
export function expireCode(
  code: IssuedCode,
  now: Date,
): { code: IssuedCode; movement?: Movement; reservationReleased: number } {
  if (code.status !== 'issued' || !isPastExpiry(code, now))
    throw new RangeError('only an issued code past its time expires');
  const expired: IssuedCode = { ...code, status: 'expired', expiredAt: now.toISOString() };
  const back = code.onExpiry === 'returnPoints' ? giveBack(code) : {};
  return { code: expired, ...back, reservationReleased: code.chargeOn === 'use' ? code.points : 0 };
}

function giveBack(code: IssuedCode): { movement?: Movement } {
  if (code.chargeOn !== 'issue' || code.points === 0) return {};
  return { movement: { type: 'return', points: code.points, rewardId: code.rewardId, redemption: true } };
}

/** What the API shows of a code; `withText: false` for the events of a code that can no longer be used. */
export function codeView(code: IssuedCode, now: Date, options: { withText?: boolean } = {}) {
  return {
    codeId: code.codeId,
    ...(options.withText === false ? {} : { code: code.code }),
    rewardId: code.rewardId,
    memberId: code.memberId,
    status: statusAt(code, now),
    issuedAt: code.issuedAt,
    expiresAt: code.expiresAt,
    chargeOn: code.chargeOn,
    ...(code.value ? { value: code.value } : {}),
    ...(code.usedAt ? { usedAt: code.usedAt } : {}),
    ...(code.orderId ? { orderId: code.orderId } : {}),
    ...(code.cancelledAt ? { cancelledAt: code.cancelledAt } : {}),
  };
}

export type CodeView = ReturnType<typeof codeView>;

// ---------------------------------------------------------------- reservation

/** Points the member has reserved for codes charged at use (0 when none). */
export function reservedPoints(member: { points: { reserved?: number } }): number {
  return member.points.reserved ?? 0;
}

/** The member's points with `delta` more (or less) reserved; the field disappears at 0. */
export function withReserved<M extends { points: { reserved?: number } }>(member: M, delta: number): M {
  const reserved = reservedPoints(member) + delta;
  if (reserved < 0) throw new RangeError('reserved points cannot go below zero');
  const { reserved: _reserved, ...points } = member.points;
  return { ...member, points: reserved === 0 ? points : { ...points, reserved } };
}

/**
 * The expiry a reservation's end brings (a cancel, a code's expiry; `member` after it): the points
 * it kept after their lots died and no longer needs expire now (shared/domain/lots.ts "Reservations").
 */
export function keptExpiry(member: Pick<MemberState, 'points' | 'lots'>): Movement | undefined {
  const kept = member.lots?.keptForCodes ?? 0;
  return kept > 0
    ? planKeptExpiry({ lots: [], owed: 0, keptForCodes: kept }, reservedPoints(member)).movement
    : undefined;
}

// ---------------------------------------------------------------- donations

/** A donation gives at least the reward's pointsCost (its minimum); absent: the minimum. */
export function donationPoints(reward: { rewardId: string; pointsCost: number }, points: number | undefined): number {
  const given = points ?? reward.pointsCost;
  if (given < reward.pointsCost)
    throw new DomainError(
      'donation-below-minimum',
      `A donation to ${reward.rewardId} is at least ${reward.pointsCost} points.`,
      [{ path: 'body.points', message: `must be at least ${reward.pointsCost}` }],
    );
  return given;
}

// ---------------------------------------------------------------- expiry, a time rule

/** Codes one transaction expires (each: the code, its due item, a count, an event, perhaps an entry and its event). */
export const CODES_EXPIRED_PER_WRITE = 10;

/**
 * The codes' time rule: once an issued code is past `expiresAt` it is marked `expired` — points
 * returned (`onExpiry: "returnPoints"`, charged at issue) or the reservation ended (charged at
 * use) — in one transaction with the member, its entry and the events. Due one millisecond after
 * the member's earliest issued code's `expiresAt` (a code is usable until that instant exactly);
 * a use, a cancel or a release meanwhile only leaves the key early, and the rule then moves it on.
 */
export const codesExpiryRule: TimeRule = {
  name: 'codes',
  codes: true,
  dueAt: (member) =>
    member.codesDueAt === undefined ? undefined : new Date(Date.parse(member.codesDueAt) + 1).toISOString(),
  apply({ member, now, codes }) {
    if (member.codesDueAt === undefined || !codes) return undefined;
    let next: MemberState = member;
    const movements: TimeRuleChange['movements'] = [];
    const events: EventDraft[] = [];
    const expired: IssuedCode[] = [];
    for (const code of codes.due) {
      if (code.status !== 'issued' || !isPastExpiry(code, now)) continue;
      const out = expireCode(code, now);
      next = withReserved(next, -out.reservationReleased);
      expired.push(out.code);
      events.push({ type: 'code.expired', data: codeView(out.code, now, { withText: false }) });
      if (out.movement) movements.push({ movement: out.movement, event: 'points.returned' });
    }
    const kept = keptExpiry(next);
    if (kept) movements.push({ movement: kept, event: 'points.expired' });
    const { codesDueAt: _due, ...rest } = next;
    next = codes.nextDueAt === undefined ? rest : { ...rest, codesDueAt: codes.nextDueAt };
    if (expired.length === 0 && next.codesDueAt === member.codesDueAt) return undefined;
    return {
      member: next,
      movements,
      events,
      codes: expired,
      more: codes.more,
      tally: {
        codesExpired: expired.length,
        pointsReturned: movements.reduce((sum, moved) => sum + Math.max(0, moved.movement.points), 0),
        ...(kept ? { pointsExpired: -kept.points } : {}),
      },
    };
  },
};
