import { assertActiveMember, settleCashback, type MemberState } from '@shared/domain/member';
import type { OrderState } from '@shared/domain/order';
import { findMember } from '@shared/store/items/member';
import { findOrder } from '@shared/store/items/order';
import { findMemberWithLots } from './lots';

/**
 * A member that exists and is not erased, with released cashback settled.
 * `lots`: the use case moves or shows points, so the member's lots are read beside it, in the
 * same round trip (./lots.ts `findMemberWithLots`; nothing more while the program has no lots).
 */
export async function loadActiveMember(
  memberId: string,
  now: Date,
  options: { lots?: boolean } = {},
): Promise<MemberState> {
  const member = options.lots ? await findMemberWithLots(memberId, now) : await findMember(memberId);
  return settleCashback(assertActiveMember(member, memberId), now);
}

/** For use cases about one order of the member (earn, cashback, refund): both read at once, not one after the other. */
export async function loadMemberAndOrder(
  memberId: string,
  orderId: string,
  now: Date,
  options: { lots?: boolean } = {},
): Promise<{ member: MemberState; order: OrderState | undefined }> {
  const [member, order] = await Promise.all([loadActiveMember(memberId, now, options), findOrder(memberId, orderId)]);
  return { member, order };
}
