import { getItem } from '../get';
import { indexKeys } from '../keys';
import { createPut, deleteItem, type Item, type TransactItem } from '../item';

/** The claim on a referral code: which member owns it. Also the enrolment's one entry on GSI1. */
export const referralCodeKey = (code: string) => ({ PK: `REFERRAL#${code}`, SK: 'REFERRAL' });

export async function memberIdForReferralCode(code: string): Promise<string | undefined> {
  const item = await getItem(referralCodeKey(code));
  return item ? String(item.memberId) : undefined;
}

/** Written once per member, so it also carries the enrolment into the metrics job's activity index (GSI1). */
export function referralCodeClaim(code: string, memberId: string, createdAt: string): TransactItem {
  return createPut({
    ...referralCodeKey(code),
    entity: 'referral-code',
    memberId,
    createdAt,
    ...indexKeys.activity(createdAt, memberId),
  });
}

/** The enrolment a claim records on the activity index: the member and when they enrolled. */
export const itemToEnrolment = (item: Item) => ({ memberId: String(item.memberId), createdAt: String(item.createdAt) });

export const referralCodeRelease = (code: string): TransactItem => deleteItem(referralCodeKey(code));
