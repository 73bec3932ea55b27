import { cashbackCredit, redeemCashbackMovement } from '@shared/domain/cashback';
import { DomainError } from '@shared/domain/errors';
import { postMovements, type LedgerEntry } from '@shared/domain/ledger';
import { assertCurrency, type Money } from '@shared/domain/money';
import { orderForPurchase } from '@shared/domain/order';
import { planRefund } from '@shared/domain/refund';
import { runMemberCommand, runMemberOrderCommand, type CommandResult } from './members';
import { orderWrite } from './orders';
import { postingContext, type Caller } from './points';
import { currentProgram } from './program';
import { toTransaction } from './views';

/** The transaction a call answers with: its last entry, which carries the balances after the whole write. */
function lastTransaction(entries: LedgerEntry[]) {
  const last = entries.at(-1);
  if (!last) throw new Error('a write posts at least one ledger entry');
  return toTransaction(last);
}

/**
 * Cashback for a purchase: the member's tier rate, pending during the return window.
 * One credit per order per member; an order that already earned points is the same
 * purchase, so it is not counted again.
 */
export async function creditCashback(
  memberId: string,
  purchase: { orderId: string; amount: Money; occurredAt?: string },
  caller: Caller,
): Promise<CommandResult> {
  const program = await currentProgram();
  assertCurrency(purchase.amount, program.currency, 'body.amount');
  return runMemberOrderCommand(memberId, purchase.orderId, caller.idempotency, caller.now, (member, existing, now) => {
    const { order, member: purchased } = orderForPurchase(member, existing, purchase, now);
    if (existing?.cashback)
      throw new DomainError('duplicate-order', `Order ${purchase.orderId} already credited cashback to this member.`);
    const credit = cashbackCredit(
      program,
      member,
      { order, recorded: existing !== undefined, amount: purchase.amount.value },
      now,
    );
    const { member: next, entries } = postMovements(purchased, [credit.movement], postingContext(caller, program, now));
    return {
      members: [{ expectedVersion: member.version, member: next, entries }],
      writes: [
        orderWrite(
          { ...order, cashback: { credited: credit.credited, reversed: credit.reversed, releaseAt: credit.releaseAt } },
          order.version,
        ),
      ],
      response: { status: 201, body: lastTransaction(entries) },
    };
  });
}

/** Spends available cashback; the member's version condition keeps concurrent spends from overdrawing it. */
export async function redeemCashback(
  memberId: string,
  request: { amount: Money; orderId?: string },
  caller: Caller,
): Promise<CommandResult> {
  const program = await currentProgram();
  assertCurrency(request.amount, program.currency, 'body.amount');
  return runMemberCommand(memberId, caller.idempotency, caller.now, (member, now) => {
    const movement = redeemCashbackMovement(
      member,
      request.amount.value,
      request.orderId ? { orderId: request.orderId } : {},
    );
    const { member: next, entries } = postMovements(member, [movement], postingContext(caller, program, now));
    return {
      members: [{ expectedVersion: member.version, member: next, entries }],
      response: { status: 201, body: lastTransaction(entries) },
    };
  });
}

/**
 * A full or partial refund: reverses the order's points and cashback in proportion, from
 * the facts stored on the order item (never a search of the ledger), and takes the amount
 * out of the member's qualifying spend. The order's version condition keeps two refunds
 * of one order from both passing the "not more than the order" check.
 */
export async function refundOrder(
  memberId: string,
  refund: { orderId: string; amount: Money },
  caller: Caller,
): Promise<CommandResult> {
  const program = await currentProgram();
  assertCurrency(refund.amount, program.currency, 'body.amount');
  return runMemberOrderCommand(memberId, refund.orderId, caller.idempotency, caller.now, (member, order, now) => {
    if (!order) throw new DomainError('order-not-found', `Member ${memberId} has no order ${refund.orderId}.`);
    const plan = planRefund(member, order, refund.amount.value, now);
    const { member: next, entries } = postMovements(plan.member, plan.movements, postingContext(caller, program, now));
    return {
      members: [{ expectedVersion: member.version, member: next, entries }],
      writes: [orderWrite(plan.order, order.version)],
      response: { status: 201, body: lastTransaction(entries) },
    };
  });
}
