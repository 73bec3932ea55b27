import { getItem } from '../get';
import { createPut, deleteItem, type Item, type TransactItem } from '../item';

/** The claim on a partner's external id: one member per external id. */
export const externalIdKey = (externalId: string) => ({ PK: `EXTERNAL#${externalId}`, SK: 'EXTERNAL' });

/**
 * Creates the claim; when the id is taken the cancelled transaction returns the stored claim,
 * so the refusal can name the member holding it without another read.
 */
export function externalIdClaim(externalId: string, memberId: string): TransactItem {
  const { Put } = createPut({ ...externalIdKey(externalId), entity: 'external-id', memberId });
  if (!Put) throw new Error('createPut makes a Put');
  return { Put: { ...Put, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } };
}

export const externalIdRelease = (externalId: string): TransactItem => deleteItem(externalIdKey(externalId));

/** The member holding a claim, from the claim item a failed condition returned. */
export const claimHolder = (claim: Item | undefined): string | undefined =>
  typeof claim?.memberId === 'string' ? claim.memberId : undefined;

/** Lookup by external id: one GetItem on the claim. */
export async function memberIdForExternalId(externalId: string): Promise<string | undefined> {
  return claimHolder(await getItem(externalIdKey(externalId)));
}
