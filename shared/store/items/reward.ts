import type { RewardState } from '@shared/domain/rewards';
import { store } from '../client';
import { getItem } from '../get';
import { queryAll } from '../query';
import { versionedPut, withoutStorageAttributes, type Item, type TransactItem } from '../item';

/** The catalog is one partition, so listing it is a Query, never a Scan. */
export const CATALOG_PARTITION = 'CATALOG';
export const REWARD_PREFIX = 'REWARD#';
export const rewardKey = (rewardId: string) => ({ PK: CATALOG_PARTITION, SK: `${REWARD_PREFIX}${rewardId}` });

export function rewardToItem(reward: RewardState): Item {
  return { ...rewardKey(reward.rewardId), entity: 'reward', ...reward };
}

export function itemToReward(item: Item): RewardState {
  return withoutStorageAttributes(item) as unknown as RewardState;
}

/** The rewards limited to the segment (`segments` names it): a Query on the catalog partition, filtered. */
export async function rewardsNamingSegment(segmentId: string): Promise<RewardState[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    FilterExpression: 'contains(#segments, :segmentId)',
    ExpressionAttributeNames: { '#segments': 'segments' },
    ExpressionAttributeValues: { ':pk': CATALOG_PARTITION, ':prefix': REWARD_PREFIX, ':segmentId': segmentId },
    ConsistentRead: true,
  });
  return items.map(itemToReward);
}

export async function findReward(rewardId: string): Promise<RewardState | undefined> {
  const item = await getItem(rewardKey(rewardId));
  return item ? itemToReward(item) : undefined;
}

/** Creates the reward, or replaces the revision that was read: two admins cannot silently overwrite each other. */
export function rewardPut(
  reward: RewardState,
  revisionRead: number | undefined,
  keptStock?: { read: number | undefined },
): TransactItem {
  const put = versionedPut(rewardToItem(reward), revisionRead, 'revision');
  if (!keptStock || !put.Put || revisionRead === undefined) return put;
  // A redemption takes a unit without moving the revision: the stock kept must be the one read too.
  const stockHolds = keptStock.read === undefined ? 'attribute_not_exists(#stock)' : '#stock = :stock';
  return {
    Put: {
      ...put.Put,
      ConditionExpression: `${put.Put.ConditionExpression ?? ''} AND ${stockHolds}`,
      ExpressionAttributeNames: { ...put.Put.ExpressionAttributeNames, '#stock': 'stock' },
      ExpressionAttributeValues: {
        ...put.Put.ExpressionAttributeValues,
        ...(keptStock.read === undefined ? {} : { ':stock': keptStock.read }),
      },
    },
  };
}

/**
 * Takes one unit of a limited reward, or (unlimited) checks that the terms read are still in
 * force. Conditioned on the revision read, so the redemption sees the terms it decided on.
 */
export function rewardStockTake(reward: RewardState): TransactItem {
  const { tableName } = store();
  const key = rewardKey(reward.rewardId);
  if (reward.stock === undefined)
    return {
      ConditionCheck: {
        TableName: tableName,
        Key: key,
        ConditionExpression: '#revision = :revision',
        ExpressionAttributeNames: { '#revision': 'revision' },
        ExpressionAttributeValues: { ':revision': reward.revision },
      },
    };
  return {
    Update: {
      TableName: tableName,
      Key: key,
      UpdateExpression: 'SET #stock = #stock - :one',
      ConditionExpression: '#revision = :revision AND #stock > :zero',
      ExpressionAttributeNames: { '#stock': 'stock', '#revision': 'revision' },
      ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':revision': reward.revision },
    },
  };
}

/**
 * Codes uploaded to a pool reward add to its stock (the codes left). The revision moves too, so
 * an admin's replace read before the upload is refused and reads again instead of writing back
 * the stock it read.
 */
export function rewardPoolAdd(rewardId: string, added: number): TransactItem {
  return {
    Update: {
      TableName: store().tableName,
      Key: rewardKey(rewardId),
      UpdateExpression: 'ADD #stock :added, #revision :one',
      ConditionExpression: 'attribute_exists(PK) AND #fulfilment.#source = :pool',
      ExpressionAttributeNames: {
        '#stock': 'stock',
        '#revision': 'revision',
        '#fulfilment': 'fulfilment',
        '#source': 'source',
      },
      ExpressionAttributeValues: { ':added': added, ':one': 1, ':pool': 'pool' },
    },
  };
}
