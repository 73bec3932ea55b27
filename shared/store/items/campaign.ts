import type { CampaignState } from '@shared/domain/campaigns';
import { store } from '../client';
import { getItem } from '../get';
import { versionedPut, withoutStorageAttributes, type Item, type TransactItem } from '../item';
import { decodeCursor, encodeCursor } from '../cursor';
import { queryAll } from '../query';

/**
 * The campaign items: every campaign lives in one partition (`CAMPAIGNS`, at most
 * MAX_CAMPAIGNS items of a few hundred bytes), so the list every segment entry consults is one
 * Query, cached per instance (shared/store/campaigns.ts).
 */
export const CAMPAIGNS_PARTITION = 'CAMPAIGNS';
const CAMPAIGN_PREFIX = 'CAMPAIGN#';
export const campaignKey = (campaignId: string) => ({ PK: CAMPAIGNS_PARTITION, SK: `${CAMPAIGN_PREFIX}${campaignId}` });

export function campaignToItem(campaign: CampaignState): Item {
  return { ...campaignKey(campaign.campaignId), entity: 'campaign', ...campaign };
}

export function itemToCampaign(item: Item): CampaignState {
  return withoutStorageAttributes(item) as unknown as CampaignState;
}

export async function findCampaign(campaignId: string): Promise<CampaignState | undefined> {
  const item = await getItem(campaignKey(campaignId));
  return item ? itemToCampaign(item) : undefined;
}

/** Every campaign, in campaignId order, read strongly consistent (an admin's list, a save's count). */
export async function readCampaigns(): Promise<CampaignState[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': CAMPAIGNS_PARTITION, ':prefix': CAMPAIGN_PREFIX },
    ConsistentRead: true,
  });
  return items.map(itemToCampaign);
}

/**
 * A page of campaigns in campaignId order. There are at most MAX_CAMPAIGNS, so the page is cut
 * from the whole partition (one Query of a few dozen KB) after the cursor's key.
 */
export async function campaignPage(
  limit: number,
  cursor: string | undefined,
): Promise<{ items: CampaignState[]; nextCursor?: string }> {
  const after = cursor === undefined ? undefined : decodeCursor(cursor, 'campaigns');
  const items = await queryAll({
    KeyConditionExpression: after === undefined ? 'PK = :pk AND begins_with(SK, :prefix)' : 'PK = :pk AND SK > :after',
    ExpressionAttributeValues: {
      ':pk': CAMPAIGNS_PARTITION,
      ...(after === undefined ? { ':prefix': CAMPAIGN_PREFIX } : { ':after': after }),
    },
    ConsistentRead: true,
  });
  const page = items.filter((item) => String(item.SK).startsWith(CAMPAIGN_PREFIX)).slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(itemToCampaign),
    ...(items.length > limit && last ? { nextCursor: encodeCursor('campaigns', String(last.SK)) } : {}),
  };
}

/** Creates the campaign, or replaces the revision that was read: two admins cannot silently overwrite each other. */
export function campaignPut(campaign: CampaignState, revisionRead: number | undefined): TransactItem {
  return versionedPut(campaignToItem(campaign), revisionRead, 'revision');
}

/** Deletes the revision that was read (a save meanwhile: read again). */
export function campaignDelete(campaign: CampaignState): TransactItem {
  return {
    Delete: {
      TableName: store().tableName,
      Key: campaignKey(campaign.campaignId),
      ConditionExpression: '#revision = :revision',
      ExpressionAttributeNames: { '#revision': 'revision' },
      ExpressionAttributeValues: { ':revision': campaign.revision },
    },
  };
}

/**
 * An application of `campaign` checks that it is still the revision it was decided on: a
 * campaign changed or deleted since this instance cached it fails the member's transaction,
 * which then decides again on the campaigns read afresh.
 */
export function campaignRevisionCheck(campaign: CampaignState): TransactItem {
  return {
    ConditionCheck: {
      TableName: store().tableName,
      Key: campaignKey(campaign.campaignId),
      ConditionExpression: '#revision = :revision',
      ExpressionAttributeNames: { '#revision': 'revision' },
      ExpressionAttributeValues: { ':revision': campaign.revision },
    },
  };
}
