import { BatchWriteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderState } from '@shared/domain/order';
import type { ProgramVersion, ReplayResult } from '@shared/domain/simulation';
import type { ProgramRules } from '@shared/schemas/program';
import { batchGet } from '../batch-get';
import { store } from '../client';
import { createPut, type Item, type TransactItem } from '../item';
import { memberPartition, pad } from '../keys';
import { countStepOnce, finishRunning } from '../progress';
import { queryAll } from '../query';
import { untilDone } from '../retry';
import { itemToOrder } from './order';
import { itemToProgram } from './program';
import { memberKey } from './member';

/**
 * A simulation (shared/app/simulate-program.ts) is one partition: its item (the draft, the period,
 * progress, the result once done), the members found per shard and day of activity, and each
 * shard's partial result. It is the only thing a simulation writes.
 */
export type SimulationStatus = 'running' | 'done' | 'failed';

export interface SimulationState {
  simulationId: string;
  status: SimulationStatus;
  from: string;
  to: string;
  /** The draft program, as validated. */
  program: ProgramRules;
  createdBy: string;
  /** Activity recorded up to here is read: the history the simulation replays ends when it was asked for. */
  createdAt: string;
  /** Member shards the replay is split into. */
  shards: number;
  /** Days of activity to read. */
  days: number;
  /** Steps done (a day read, a shard replayed), each counted once. */
  processed: number;
  result?: ReplayResult;
  finishedAt?: string;
}

const partition = (simulationId: string) => `SIMULATION#${simulationId}`;
export const simulationKey = (simulationId: string) => ({ PK: partition(simulationId), SK: 'SIMULATION' });
const MEMBERS_PREFIX = 'MEMBERS#';
const PART_PREFIX = 'PART#';
/** Ids per member-list item: 5,000 ids of ~30 bytes stay far below DynamoDB's 400 KB item. */
const IDS_PER_ITEM = 5_000;

export function newSimulationPut(state: Omit<SimulationState, 'processed'>): TransactItem {
  return createPut({ ...simulationKey(state.simulationId), entity: 'simulation', ...state, processed: 0 });
}

export async function findSimulation(simulationId: string): Promise<SimulationState | undefined> {
  const { client, tableName } = store();
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: simulationKey(simulationId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { PK: _pk, SK: _sk, entity: _entity, stepsDone: _steps, ...state } = Item;
  return state as unknown as SimulationState;
}

async function batchPut(items: Item[]): Promise<void> {
  const { client, tableName } = store();
  for (let i = 0; i < items.length; i += 25) {
    const requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    await untilDone(requests, async (left) => {
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: left } }));
      const unprocessed = result.UnprocessedItems?.[tableName];
      return unprocessed && unprocessed.length > 0 ? (unprocessed as typeof left) : undefined;
    });
  }
}

/** The members a day's activity names, by shard. Written by key: a day read again writes the same items. */
export async function putMemberLists(simulationId: string, day: string, byShard: Map<number, string[]>) {
  const items: Item[] = [];
  for (const [shard, memberIds] of byShard)
    for (let start = 0, part = 0; start < memberIds.length; start += IDS_PER_ITEM, part += 1)
      items.push({
        PK: partition(simulationId),
        SK: `${MEMBERS_PREFIX}${pad(shard, 4)}#${day}#${pad(part, 4)}`,
        entity: 'simulation-members',
        memberIds: memberIds.slice(start, start + IDS_PER_ITEM),
      });
  await batchPut(items);
}

/** Every member of a shard found on any day, once each, sorted. */
export async function membersOfShard(simulationId: string, shard: number): Promise<string[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': partition(simulationId), ':prefix': `${MEMBERS_PREFIX}${pad(shard, 4)}#` },
  });
  const ids = new Set<string>();
  for (const item of items) for (const id of item.memberIds as string[]) ids.add(id);
  return [...ids].sort();
}

/** A shard's figures, by key: a shard replayed again writes the same figures (the replay is deterministic). */
export async function putPartial(simulationId: string, shard: number, result: ReplayResult): Promise<void> {
  const { client, tableName } = store();
  await client.send(
    new PutCommand({
      TableName: tableName,
      Item: { PK: partition(simulationId), SK: `${PART_PREFIX}${pad(shard, 4)}`, entity: 'simulation-part', result },
    }),
  );
}

export async function partials(simulationId: string): Promise<ReplayResult[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': partition(simulationId), ':prefix': PART_PREFIX },
    ConsistentRead: true,
  });
  return items.map((item) => item.result as ReplayResult);
}

/** Counts a step once (into `stepsDone`); false if it already was (a step run again after a retry or a resume). */
export function checkpointStep(simulationId: string, step: string): Promise<boolean> {
  return countStepOnce(simulationKey(simulationId), 'stepsDone', step, { processed: 1 });
}

/** Ends a running simulation with its result, or as failed; the first word stands. */
export async function finishSimulation(
  simulationId: string,
  outcome: { status: 'done'; result: ReplayResult } | { status: 'failed' },
  now: string,
): Promise<void> {
  await finishRunning(
    simulationKey(simulationId),
    outcome.status,
    now,
    outcome.status === 'done' ? { result: outcome.result } : {},
  );
}

/** Every saved version of the program, oldest first (none while the deployment's default is in force). */
export async function savedProgramVersions(): Promise<ProgramVersion[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': 'PROGRAM', ':prefix': 'VERSION#' },
  });
  return items.map(itemToProgram);
}

/** Every order of a member (earned, credited or imported), in no particular order. */
export async function ordersOfMember(memberId: string): Promise<OrderState[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': memberPartition(memberId), ':prefix': 'ORDER#' },
  });
  return items.map(itemToOrder);
}

/** The members' birthdays (the only part of a member a replay needs), by member id. */
export async function birthdaysOf(memberIds: string[]): Promise<Map<string, string | undefined>> {
  const items = await batchGet(
    memberIds.map((memberId) => memberKey(memberId)),
    {
      expression: '#id, #profile.#birthday',
      names: { '#id': 'memberId', '#profile': 'profile', '#birthday': 'birthday' },
    },
  );
  const birthdays = new Map<string, string | undefined>();
  for (const item of items) {
    const profile = item.profile as { birthday?: string } | undefined;
    birthdays.set(String(item.memberId), profile?.birthday);
  }
  return birthdays;
}
