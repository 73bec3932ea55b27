import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RaffleState } from '@shared/domain/raffle';
import type { RaffleWinner } from '@shared/domain/raffle-draw';
import { store } from '../client';
import { getItem } from '../get';
import { createPut, versionedPut, withoutStorageAttributes, type Item, type TransactItem } from '../item';
import { pad } from '../keys';
import { queryAll } from '../query';

/**
 * The raffle item: the rules, the secret seed, the draw. All raffles live in one partition,
 * so listing them is a Query. The seed is an attribute like any other here: what keeps it
 * secret before the draw is that only `raffleView` (shared/domain) turns a raffle into an
 * answer, and that the log formatter masks any `seed` key.
 */
export const RAFFLES_PARTITION = 'RAFFLES';
export const RAFFLE_PREFIX = 'RAFFLE#';
export const raffleKey = (raffleId: string) => ({ PK: RAFFLES_PARTITION, SK: `${RAFFLE_PREFIX}${raffleId}` });

/** A raffle as stored: the domain value and its revision (optimistic concurrency). */
export interface StoredRaffle {
  raffle: RaffleState;
  revision: number;
}

/** A winner stored as [prize index, memberId, entry]: a quarter of the bytes of the object form. */
type StoredWinner = [number, string, number];

function winnersToItem(raffle: RaffleState): StoredWinner[] {
  const index = new Map(raffle.prizes.map((prize, i) => [prize.prizeId, i]));
  return (raffle.draw?.winners ?? []).map((w) => [index.get(w.prizeId) ?? -1, w.memberId, w.entry]);
}

function winnersFromItem(stored: StoredWinner[], raffle: Pick<RaffleState, 'prizes'>): RaffleWinner[] {
  return stored.map(([prize, memberId, entry]) => ({ prizeId: raffle.prizes[prize]?.prizeId ?? '', memberId, entry }));
}

export function raffleToItem({ raffle, revision }: StoredRaffle): Item {
  const { draw, ...rest } = raffle;
  return {
    ...raffleKey(raffle.raffleId),
    entity: 'raffle',
    ...rest,
    ...(draw ? { draw: { drawnAt: draw.drawnAt, winners: winnersToItem(raffle) } } : {}),
    revision,
  };
}

export function itemToRaffle(item: Item): StoredRaffle {
  const { draw, revision, ...raffle } = withoutStorageAttributes(item) as unknown as Omit<RaffleState, 'draw'> & {
    draw?: { drawnAt: string; winners: StoredWinner[] };
    revision: number;
  };
  return {
    raffle: draw
      ? { ...raffle, draw: { drawnAt: draw.drawnAt, winners: winnersFromItem(draw.winners, raffle) } }
      : raffle,
    revision,
  };
}

export async function findRaffle(raffleId: string): Promise<StoredRaffle | undefined> {
  const item = await getItem(raffleKey(raffleId));
  return item ? itemToRaffle(item) : undefined;
}

/** Creates the raffle, or replaces the revision read (its rules, its name or its draw). */
export function rafflePut(raffle: RaffleState, revisionRead: number | undefined): TransactItem {
  return versionedPut(raffleToItem({ raffle, revision: (revisionRead ?? 0) + 1 }), revisionRead, 'revision');
}

/**
 * Part of every write that adds or takes back entries: the raffle still has the revision the
 * entries were decided on (same rules) and its entries are not closed for the draw. Failing,
 * it means "read the raffle again", which then shows the draw closed the entries.
 */
export function raffleEntriesOpenCheck(stored: Pick<StoredRaffle, 'revision'> & { raffleId: string }): TransactItem {
  return {
    ConditionCheck: {
      TableName: store().tableName,
      Key: raffleKey(stored.raffleId),
      ConditionExpression: '#revision = :revision AND attribute_not_exists(#closed)',
      ExpressionAttributeNames: { '#revision': 'revision', '#closed': 'entriesClosedAt' },
      ExpressionAttributeValues: { ':revision': stored.revision },
    },
  };
}

/**
 * The draw's first step: closes the raffle's entries. After this write commits, every
 * transaction that adds or takes back entries fails its `raffleEntriesOpenCheck`, and every
 * one that passed it has committed, so a consistent read of the entries from then on is final.
 * It bumps the revision, so a PUT that read the raffle before cannot write the closing away.
 * Closing twice is a no-op (the condition fails and nothing changes).
 */
export async function closeRaffleEntries(raffleId: string, at: Date): Promise<void> {
  const { client, tableName } = store();
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: raffleKey(raffleId),
        UpdateExpression: 'SET #closed = :at, #revision = #revision + :one',
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(#closed)',
        ExpressionAttributeNames: { '#closed': 'entriesClosedAt', '#revision': 'revision' },
        ExpressionAttributeValues: { ':at': at.toISOString(), ':one': 1 },
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
  }
}

/**
 * A batch of a draw's `raffle.won` events was written (shared/app/draw-raffle.ts): one marker per
 * batch, created in the same transaction as the batch's events, so a batch is announced once
 * however many draw calls run it.
 */
const announcementPartition = (raffleId: string) => `${RAFFLE_PREFIX}${raffleId}`;
/** Beside the raffle's entries (ENTRIES#…), in the raffle's own partition. */
const ANNOUNCED_PREFIX = 'ANNOUNCED#';
const announcementKey = (raffleId: string, batch: number) => ({
  PK: announcementPartition(raffleId),
  SK: `${ANNOUNCED_PREFIX}${pad(batch, 5)}`,
});

export function announcementPut(raffleId: string, batch: number, at: Date): TransactItem {
  return createPut({
    ...announcementKey(raffleId, batch),
    entity: 'raffle-announcement',
    raffleId,
    batch,
    announcedAt: at.toISOString(),
  });
}

export async function batchAnnounced(raffleId: string, batch: number): Promise<boolean> {
  return (await getItem(announcementKey(raffleId, batch))) !== undefined;
}

/** The batches of a draw already announced (at most 41: one Query). */
export async function announcedBatches(raffleId: string): Promise<Set<number>> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': announcementPartition(raffleId), ':prefix': ANNOUNCED_PREFIX },
    ConsistentRead: true,
  });
  return new Set(items.map((item) => Number(item.batch)));
}
