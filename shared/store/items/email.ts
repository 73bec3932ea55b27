import { getItem } from '../get';
import { store } from '../client';
import { deleteItem, type TransactItem } from '../item';

/**
 * The email claim: which members gave an email address, under its normalised form (see
 * `normaliseEmail`), so that a lookup is one GetItem. Emails are not unique (a household may
 * share one), so the claim holds a set of member ids; adding and removing an id are set
 * updates that commute, so concurrent enrolments never conflict on it.
 */
export const emailKey = (normalisedEmail: string) => ({ PK: `EMAIL#${normalisedEmail}`, SK: 'EMAIL' });

export function emailClaim(normalisedEmail: string, memberId: string): TransactItem {
  return {
    Update: {
      TableName: store().tableName,
      Key: emailKey(normalisedEmail),
      UpdateExpression: 'ADD memberIds :member SET entity = :entity',
      ExpressionAttributeValues: { ':member': new Set([memberId]), ':entity': 'email' },
    },
  };
}

/**
 * Takes the member off the claim, given the holders read before: the last holder deletes the
 * item. Both are conditioned on the count read, so a concurrent change makes the use case
 * read again and decide again (never an empty item left, never another member dropped).
 */
export function emailRelease(normalisedEmail: string, memberId: string, holders: string[]): TransactItem {
  const count = { ':count': holders.length };
  if (holders.length <= 1)
    return deleteItem(emailKey(normalisedEmail), {
      condition: { expression: 'attribute_not_exists(PK) OR size(memberIds) = :count', values: count },
    });
  return {
    Update: {
      TableName: store().tableName,
      Key: emailKey(normalisedEmail),
      UpdateExpression: 'DELETE memberIds :member',
      ConditionExpression: 'size(memberIds) = :count',
      ExpressionAttributeValues: { ':member': new Set([memberId]), ...count },
    },
  };
}

/** The members that gave this (normalised) email, in id order. */
export async function memberIdsForEmail(normalisedEmail: string): Promise<string[]> {
  const item = await getItem(emailKey(normalisedEmail));
  const ids = item?.memberIds;
  return ids instanceof Set ? [...(ids as Set<string>)].sort() : [];
}
