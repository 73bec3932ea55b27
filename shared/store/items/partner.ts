import type { RateLimit } from '@shared/domain/principal';
import type { Scope } from '@shared/schemas/admin';
import { getItem } from '../get';
import { createPut, deleteItem, plainPut, versionedPut, type Item, type TransactItem } from '../item';
import { cursorPage, type Page } from '../query';

export type { RateLimit };

/** A partner (or admin) and the hash of its key; the key itself is never stored. */
export interface PartnerRecord {
  partnerId: string;
  name: string;
  scopes: Scope[];
  role: 'partner' | 'admin';
  keyHash: string;
  /** The key before the last rotation, working until its own expiry (24 h after the rotation). */
  previousKeyHash?: string;
  /** Its own throttle (absent: seeded keys, which the region's stage limit alone throttles). */
  rateLimit?: RateLimit;
  /** The identifier of the partner's own usage plan that the authorizer hands to API Gateway. */
  usageKey?: string;
  /** What the throttle adapter made for it (on AWS: the API key and usage plan ids), to remove them again. */
  throttleIds?: Record<string, string>;
  createdAt: string;
  /** Moves with every change of the record (key rotation): the condition for a rotation. */
  version?: number;
}

/**
 * Every partner is in one partition, one item each: the admin list is one Query (partners
 * are few and admin traffic is low, so the partition is never hot). Partners written by
 * earlier releases (PK `PARTNER#<id>`) need copying here once to be listed or deleted; their
 * keys keep working meanwhile, since the authorizer reads only the key items.
 */
export const PARTNERS_PARTITION = 'PARTNERS';
export const partnerKey = (partnerId: string) => ({ PK: PARTNERS_PARTITION, SK: `PARTNER#${partnerId}` });

export const partnerToItem = (partner: PartnerRecord): Item => ({
  ...partnerKey(partner.partnerId),
  entity: 'partner',
  ...partner,
  version: partner.version ?? 1,
});

export const itemToPartner = (item: Item): PartnerRecord => {
  const { PK: _pk, SK: _sk, entity: _entity, ...partner } = item;
  return partner as unknown as PartnerRecord;
};

export async function findPartner(partnerId: string): Promise<PartnerRecord | undefined> {
  const item = await getItem(partnerKey(partnerId));
  return item ? itemToPartner(item) : undefined;
}

/** The authorizer's check that the partner behind a member session still exists: eventually consistent, like a key's read. */
export async function findLivePartner(partnerId: string): Promise<PartnerRecord | undefined> {
  const item = await getItem(partnerKey(partnerId), { consistent: false });
  return item ? itemToPartner(item) : undefined;
}

export async function findPartnerKeyHash(partnerId: string): Promise<string | undefined> {
  return (await findPartner(partnerId))?.keyHash;
}

/** Partners in descending id order (ids are time-ordered: the newest first), a page at a time. */
export function listPartners(limit: number, cursor: string | undefined): Promise<Page<PartnerRecord>> {
  return cursorPage(
    'partners',
    {
      partition: PARTNERS_PARTITION,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': PARTNERS_PARTITION, ':prefix': 'PARTNER#' },
      ScanIndexForward: false,
    },
    { limit, cursor },
    itemToPartner,
  );
}

export const partnerCreate = (partner: PartnerRecord): TransactItem => createPut(partnerToItem(partner));
/** Seeding a known key replaces an earlier partner of the same id. */
export const partnerReplace = (partner: PartnerRecord): TransactItem => plainPut(partnerToItem(partner));
/** The partner's next state, conditioned on the version read. */
export const partnerUpdate = (partner: PartnerRecord, readVersion: number): TransactItem =>
  versionedPut(partnerToItem({ ...partner, version: readVersion + 1 }), readVersion);
export const partnerDelete = (partnerId: string): TransactItem =>
  deleteItem(partnerKey(partnerId), { mustExist: true });

/**
 * The name of the partner (or admin key) that makes a change, for its audit record; its id when
 * it is gone. Eventually consistent, like a key's read: a renamed partner (PATCH, rare) may be
 * recorded under its old name for a moment.
 */
export async function partnerNameOf(partnerId: string): Promise<string> {
  return (await findLivePartner(partnerId))?.name ?? partnerId;
}
