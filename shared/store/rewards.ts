import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '@shared/domain/errors';
import { postMovements } from '@shared/domain/ledger';
import { rewardAvailableAt, rewardRedemption, rewardView, type RewardState } from '@shared/domain/rewards';
import { tierRank } from '@shared/domain/tiers';
import { store } from './client';
import type { ConditionalWrite } from './commit';
import { StaleMemberError } from './errors';
import { decodeCursor, encodeCursor } from './cursor';
import { keys } from './keys';
import { itemToReward, rewardToItem } from './mappers';
import { runCommand, runMemberCommand, type CommandResult } from './members';
import { postingContext, type Caller } from './points';
import { currentProgram } from './program';
import { toTransaction } from './views';

/** What an admin states about a reward (the rest is kept by the engine). */
export type RewardTerms = Omit<RewardState, 'rewardId' | 'updatedAt' | 'revision'>;

export async function findReward(rewardId: string): Promise<RewardState | undefined> {
  const { client, tableName } = store();
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: keys.reward(rewardId), ConsistentRead: true }),
  );
  return Item ? itemToReward(Item) : undefined;
}

/**
 * Creates (201) or replaces (200) a reward. A replace states the whole reward, stock
 * included: the admin's number is the stock from now on. The write is conditioned on the
 * revision read, so two admins cannot silently overwrite each other's replace.
 */
export async function putReward(rewardId: string, terms: RewardTerms, now: () => Date): Promise<CommandResult> {
  const program = await currentProgram();
  if (terms.minTier !== undefined && tierRank(program, terms.minTier) < 0) {
    throw new DomainError('unknown-tier', `The program has no tier ${terms.minTier}.`, [
      { path: 'body.minTier', message: `must be one of ${program.tiers.map((t) => t.id).join(', ')}` },
    ]);
  }
  const { tableName } = store();
  return runCommand(undefined, now, async (at) => {
    const existing = await findReward(rewardId);
    const reward: RewardState = {
      rewardId,
      ...terms,
      updatedAt: at.toISOString(),
      revision: (existing?.revision ?? 0) + 1,
    };
    const write: ConditionalWrite = {
      item: {
        Put: {
          TableName: tableName,
          Item: rewardToItem(reward),
          ...(existing
            ? {
                ConditionExpression: '#revision = :read',
                ExpressionAttributeNames: { '#revision': 'revision' },
                ExpressionAttributeValues: { ':read': existing.revision },
              }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
        },
      },
      onConditionFailed: () => new StaleMemberError(),
    };
    return { members: [], writes: [write], response: { status: existing ? 200 : 201, body: rewardView(reward) } };
  });
}

/**
 * The rewards a member can see now (active, inside their window), in rewardId order. The
 * catalog is one partition: pages are Queries on it, filtered here, filled up to `limit`.
 */
export async function listRewards(
  limit: number,
  cursor: string | undefined,
  now: Date,
): Promise<{ items: ReturnType<typeof rewardView>[]; nextCursor?: string }> {
  const { client, tableName } = store();
  const items: ReturnType<typeof rewardView>[] = [];
  let start: string | undefined = cursor ? decodeCursor(cursor, 'rewards') : undefined;
  for (;;) {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.catalogPartition, ':prefix': keys.rewardPrefix },
        Limit: 100,
        ...(start ? { ExclusiveStartKey: { PK: keys.catalogPartition, SK: start } } : {}),
      }),
    );
    const found = page.Items ?? [];
    for (const [index, item] of found.entries()) {
      const reward = itemToReward(item);
      if (!rewardAvailableAt(reward, now)) continue;
      items.push(rewardView(reward));
      if (items.length === limit) {
        const more = index < found.length - 1 || page.LastEvaluatedKey !== undefined;
        return more ? { items, nextCursor: encodeCursor('rewards', String(item.SK)) } : { items };
      }
    }
    if (!page.LastEvaluatedKey) return { items };
    start = String(page.LastEvaluatedKey.SK);
  }
}

/** Takes one unit in the redemption's own transaction; the condition is what makes overselling impossible. */
function stockWrite(reward: RewardState): ConditionalWrite {
  const { tableName } = store();
  const limited = reward.stock !== undefined;
  return {
    item: limited
      ? {
          Update: {
            TableName: tableName,
            Key: keys.reward(reward.rewardId),
            UpdateExpression: 'SET #stock = #stock - :one',
            ConditionExpression: '#revision = :revision AND #stock > :zero',
            ExpressionAttributeNames: { '#stock': 'stock', '#revision': 'revision' },
            ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':revision': reward.revision },
          },
        }
      : {
          // Unlimited: nothing to take, but the terms read (cost, tier, window) must still be in force.
          ConditionCheck: {
            TableName: tableName,
            Key: keys.reward(reward.rewardId),
            ConditionExpression: '#revision = :revision',
            ExpressionAttributeNames: { '#revision': 'revision' },
            ExpressionAttributeValues: { ':revision': reward.revision },
          },
        },
    // Someone took the last unit or the admin changed the reward since we read it: read both
    // again; the retry answers out-of-stock (or redeems on the new terms).
    onConditionFailed: () => new StaleMemberError(),
  };
}

/** Redeem a reward of the catalog: its cost in points, one unit of its stock, in one transaction. */
export async function redeemReward(
  memberId: string,
  request: { rewardId: string; orderId?: string },
  caller: Caller,
): Promise<CommandResult> {
  const program = await currentProgram();
  return runMemberCommand(memberId, caller.idempotency, caller.now, async (member, now) => {
    const reward = await findReward(request.rewardId);
    if (!reward) throw new DomainError('reward-not-found', `No reward ${request.rewardId}.`);
    const movement = rewardRedemption(member, reward, program, now, request.orderId);
    const { member: next, entries } = postMovements(member, [movement], postingContext(caller, program, now));
    return {
      members: [{ expectedVersion: member.version, member: next, entries }],
      writes: [stockWrite(reward)],
      response: { status: 201, body: entries[0] && toTransaction(entries[0]) },
    };
  });
}
