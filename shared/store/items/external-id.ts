import { getItem } from '../get';
import { createPut, deleteItem, type TransactItem } from '../item';

/** The claim on a partner's external id: one member per external id. */
export const externalIdKey = (externalId: string) => ({ PK: `EXTERNAL#${externalId}`, SK: 'EXTERNAL' });

export const externalIdClaim = (externalId: string, memberId: string): TransactItem =>
  createPut({ ...externalIdKey(externalId), entity: 'external-id', memberId });

export const externalIdRelease = (externalId: string): TransactItem => deleteItem(externalIdKey(externalId));

/** The member enrolled (or imported) under an external id, if any. */
export async function memberIdForExternalId(externalId: string): Promise<string | undefined> {
  const item = await getItem(externalIdKey(externalId));
  return item ? String(item.memberId) : undefined;
}
