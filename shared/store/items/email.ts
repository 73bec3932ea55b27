import { getItem } from '../get';
import { store } from '../client';
import type { TransactItem } from '../item';

/**
 * The email claim: which members gave an email address, under its normalised form (see
 * `normaliseEmail`), so that a lookup is one GetItem. Emails are not unique (a household may
 * share one), so the claim holds a set of member ids; adding and removing an id are set
 * updates that commute, so concurrent enrolments never conflict on it.
 */
export const emailKey = (normalisedEmail: string) => ({ PK: `EMAIL#${normalisedEmail}`, SK: 'EMAIL' });

function setUpdate(normalisedEmail: string, action: 'ADD' | 'DELETE', memberId: string): TransactItem {
  return {
    Update: {
      TableName: store().tableName,
      Key: emailKey(normalisedEmail),
      UpdateExpression: `${action} memberIds :member SET entity = :entity`,
      ExpressionAttributeValues: { ':member': new Set([memberId]), ':entity': 'email' },
    },
  };
}

export const emailClaim = (normalisedEmail: string, memberId: string) => setUpdate(normalisedEmail, 'ADD', memberId);
export const emailRelease = (normalisedEmail: string, memberId: string) =>
  setUpdate(normalisedEmail, 'DELETE', memberId);

/** The members that gave this (normalised) email, in id order. */
export async function memberIdsForEmail(normalisedEmail: string): Promise<string[]> {
  const item = await getItem(emailKey(normalisedEmail));
  const ids = item?.memberIds;
  return ids instanceof Set ? [...(ids as Set<string>)].sort() : [];
}
