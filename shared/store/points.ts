import { pointsForPurchase } from '@shared/domain/earn';
import { DomainError } from '@shared/domain/errors';
import { postMovements, type PostingContext } from '@shared/domain/ledger';
import type { Program } from '@shared/schemas/program';
import { assertCurrency, type Money } from '@shared/domain/money';
import { orderForPurchase } from '@shared/domain/order';
import { redeemPointsMovement } from '@shared/domain/redeem';
import { newTransactionId } from '@shared/ids';
import type { IdempotencyContext } from './idempotency';
import { runMemberCommand, runMemberOrderCommand, type CommandResult } from './members';
import { orderWrite } from './orders';
import { currentProgram } from './program';
import { toTransaction } from './views';

export interface Caller {
  partnerId: string;
  idempotency: IdempotencyContext | undefined;
  now: () => Date;
}

/** Who posts the ledger entries of a write, under which program version. */
export function postingContext(
  caller: Pick<Caller, 'partnerId'>,
  program: Pick<Program, 'currency' | 'version'>,
  now: Date,
): PostingContext {
  return {
    partnerId: caller.partnerId,
    now: now.toISOString(),
    currency: program.currency,
    programVersion: program.version,
    newTransactionId,
  };
}

/** Earn: points for a purchase by the program's rules; one earn per order per member. */
export async function earnPoints(
  memberId: string,
  purchase: { orderId: string; amount: Money; occurredAt?: string },
  caller: Caller,
): Promise<CommandResult> {
  const program = await currentProgram();
  assertCurrency(purchase.amount, program.currency, 'body.amount');
  return runMemberOrderCommand(memberId, purchase.orderId, caller.idempotency, caller.now, (member, existing, now) => {
    const { order, member: purchased } = orderForPurchase(member, existing, purchase, now);
    if (existing?.points)
      throw new DomainError('duplicate-order', `Order ${purchase.orderId} already earned points for this member.`);
    const earned = pointsForPurchase(
      program,
      member,
      { orderId: order.orderId, amount: purchase.amount, occurredAt: order.occurredAt },
      now,
      existing,
    );
    // The birthday bonus is once a year: the member remembers which year's it was.
    const rewarded =
      earned.birthdayBonusYear === undefined
        ? purchased
        : { ...purchased, purchases: { ...purchased.purchases, birthdayBonusYear: earned.birthdayBonusYear } };
    const { member: next, entries } = postMovements(
      rewarded,
      [
        {
          type: 'earn',
          points: earned.points,
          orderId: order.orderId,
          occurredAt: order.occurredAt,
          amount: purchase.amount.value,
          breakdown: earned.breakdown,
        },
      ],
      postingContext(caller, program, now),
    );
    const entry = entries[0];
    return {
      members: [{ expectedVersion: member.version, member: next, entries }],
      writes: [orderWrite({ ...order, points: { earned: earned.points, reversed: 0 } }, order.version)],
      response: { status: 201, body: entry && toTransaction(entry) },
    };
  });
}

/** Redeem a number of points (rewards of the catalog go through `redeemReward`). */
export async function redeemPoints(
  memberId: string,
  request: { points: number; orderId?: string },
  caller: Caller,
): Promise<CommandResult> {
  const program = await currentProgram();
  return runMemberCommand(memberId, caller.idempotency, caller.now, (member, now) => {
    const movement = redeemPointsMovement(member, request.points, request.orderId ? { orderId: request.orderId } : {});
    const { member: next, entries } = postMovements(member, [movement], postingContext(caller, program, now));
    return {
      members: [{ expectedVersion: member.version, member: next, entries }],
      response: { status: 201, body: entries[0] && toTransaction(entries[0]) },
    };
  });
}
