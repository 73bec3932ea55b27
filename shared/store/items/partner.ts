import type { Scope } from '@shared/schemas/admin';
import { getItem } from '../get';
import { createPut, deleteItem, plainPut, type Item, type TransactItem } from '../item';

/** A partner (or admin) and the hash of its one key; the key itself is never stored. */
export interface PartnerRecord {
  partnerId: string;
  name: string;
  scopes: Scope[];
  role: 'partner' | 'admin';
  keyHash: string;
  createdAt: string;
}

export const partnerKey = (partnerId: string) => ({ PK: `PARTNER#${partnerId}`, SK: 'PARTNER' });

export const partnerToItem = (partner: PartnerRecord): Item => ({
  ...partnerKey(partner.partnerId),
  entity: 'partner',
  partnerId: partner.partnerId,
  name: partner.name,
  scopes: partner.scopes,
  role: partner.role,
  keyHash: partner.keyHash,
  createdAt: partner.createdAt,
});

export async function findPartnerKeyHash(partnerId: string): Promise<string | undefined> {
  const item = await getItem(partnerKey(partnerId));
  return item ? String(item.keyHash) : undefined;
}

export const partnerCreate = (partner: PartnerRecord): TransactItem => createPut(partnerToItem(partner));
/** Seeding a known key replaces an earlier partner of the same id. */
export const partnerReplace = (partner: PartnerRecord): TransactItem => plainPut(partnerToItem(partner));
export const partnerDelete = (partnerId: string): TransactItem =>
  deleteItem(partnerKey(partnerId), { mustExist: true });
