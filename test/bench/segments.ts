/**
 * Segments in the bench (issue #27):
 * - `earn`: a member's first earn that enters 3 segments, against the same earn with no segment
 *   defined: calls, round trips and write units (table and index), counted through the recorder;
 *   the difference is what keeping the memberships costs an earn.
 * - `evaluation`: a new rules segment evaluated over N seeded members (20,000 by default) by the
 *   local engine, through the same functions the AWS state machine runs: members per second, and
 *   from it the estimate for 1M members on AWS (time with the parts run in parallel, Scan read cost).
 */
import { randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import { newMember } from '@shared/domain/member';
import { memberToItem } from '@shared/store/items/member';
import { forgetCachedSegments } from '@shared/store/segments';
import { startLocalStack } from '@infra/local/stack';
import { AWS_SEGMENT_EVALUATION_PARTS } from '@infra/constructs/segment-evaluation';
import { ApiClient } from './api-client';
import { itemBytes, type Item } from './capacity';
import { PRICES } from './cost';
import { roundTrips, type DynamoCall, type DynamoRecorder } from './dynamo-recorder';
import { batchWrite } from './metrics-scale';

export interface SegmentEarnFigures {
  calls: number;
  roundTrips: number;
  /** Table write units. */
  wru: number;
  /** Index write units. */
  indexWru: number;
}

export interface SegmentsResult {
  earn: {
    noSegments: SegmentEarnFigures;
    threeSegments: SegmentEarnFigures & { entered: string[] };
    extraWru: number;
  };
  evaluation: {
    members: number;
    entered: number;
    parts: number;
    seconds: number;
    membersPerSecond: number;
    memberItemBytes: number;
    aws: {
      members: number;
      parts: number;
      /** The rate each part keeps on AWS: the local rate per part (8 parts sharing 2 cores with DynamoDB Local). */
      membersPerSecondPerPart: number;
      minutes: number;
      scanRru: number;
      scanUsd: number;
    };
  };
}

/** The authorizer's key lookup is cached by API Gateway on AWS: not counted. */
const own = (calls: DynamoCall[]) =>
  calls.filter(
    (call) => !(call.partitionKeys.length > 0 && call.partitionKeys.every((pk) => pk.startsWith('APIKEY#'))),
  );

const figures = (calls: DynamoCall[]): SegmentEarnFigures => {
  const mine = own(calls);
  return {
    calls: mine.length,
    roundTrips: roundTrips(mine),
    wru: mine.reduce((sum, call) => sum + call.wru, 0),
    indexWru: mine.reduce((sum, call) => sum + call.indexWru, 0),
  };
};

const eur = (value: number) => ({ value, currency: 'EUR' });
/** The three segments of the integration test: a first earn of 120 € on the web enters all three. */
const THREE_SEGMENTS = {
  buyers: { all: [{ field: 'purchases.count', op: 'gte', value: 1 }] },
  big: { any: [{ field: 'spend.rolling12m', op: 'gte', value: eur(10_000) }] },
  web: { all: [{ field: 'channel.last', op: 'in', value: ['web'] }] },
};

/** A local stack whose evaluations start at once (the wait for every instance's cache is not the work measured). */
async function withSegmentStack<T>(
  endpoint: string,
  work: (api: ApiClient, stack: Awaited<ReturnType<typeof startLocalStack>>) => Promise<T>,
): Promise<T> {
  const stack = await startLocalStack({
    port: 0,
    dynamoDbEndpoint: endpoint,
    tableName: `bench-${randomUUID()}`,
    eventPipeline: false,
  });
  try {
    return await work(new ApiClient(stack.url, stack.partnerKey, stack.adminKey), stack);
  } finally {
    await stack.stop();
  }
}

/** PUTs segments with the cache time at 1 s, so their evaluations start now, and waits for them. */
async function putSegments(
  api: ApiClient,
  stack: { segments: { idle: () => Promise<void> } },
  segments: Record<string, unknown>,
) {
  const cacheSeconds = process.env.PROGRAM_CACHE_SECONDS;
  process.env.PROGRAM_CACHE_SECONDS = '1';
  try {
    for (const [segmentId, rules] of Object.entries(segments))
      await api.expect(202, 'PUT', `/v1/admin/segments/${segmentId}`, {
        key: api.adminKey,
        body: { name: segmentId, rules },
      });
    await stack.segments.idle();
  } finally {
    process.env.PROGRAM_CACHE_SECONDS = cacheSeconds;
  }
  // What every instance does once its cache expires.
  forgetCachedSegments();
}

async function firstWebEarn(api: ApiClient, recorder: DynamoRecorder) {
  const memberId = await api.enrol();
  const counted = await recorder.during(() =>
    api.expect(201, 'POST', `/v1/members/${memberId}/earn`, {
      body: { orderId: `o-${randomUUID()}`, amount: eur(12_000), channel: 'web' },
    }),
  );
  return { memberId, calls: counted.calls };
}

export async function measureSegmentEarn(
  api: ApiClient,
  recorder: DynamoRecorder,
  stack: { segments: { idle: () => Promise<void> } },
) {
  recorder.accounting = false;
  // Warm the functions and the caches (program, raffles, segments) with another member's earn.
  await firstWebEarn(api, recorder);
  recorder.accounting = true;
  const none = await firstWebEarn(api, recorder);
  recorder.accounting = false;
  await putSegments(api, stack, THREE_SEGMENTS);
  await firstWebEarn(api, recorder);
  recorder.accounting = true;
  const three = await firstWebEarn(api, recorder);
  recorder.accounting = false;
  const segments = await api.expect(200, 'GET', `/v1/members/${three.memberId}/segments`);
  const entered = (segments.body as { segmentId: string }[]).map((segment) => segment.segmentId).sort();
  if (entered.length !== 3) throw new Error(`the earn entered ${JSON.stringify(entered)}, not 3 segments`);
  const noSegments = figures(none.calls);
  const threeSegments = { ...figures(three.calls), entered };
  return {
    noSegments,
    threeSegments,
    extraWru: threeSegments.wru + threeSegments.indexWru - (noSegments.wru + noSegments.indexWru),
  };
}

/** Members as an import stores them; every other one has bought once, so half enter the new segment. */
async function seedMembers(count: number): Promise<number> {
  const createdAt = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const items = Array.from({ length: count }, (_, i) => {
    const memberId = `seg-${String(i).padStart(6, '0')}-${randomUUID().slice(0, 8)}`;
    const member = newMember({
      memberId,
      referralCode: memberId.slice(-8).toUpperCase(),
      createdAt,
      profile: {},
      consent: { marketing: i % 2 === 0, analytics: false },
    });
    return memberToItem({
      ...member,
      version: 1,
      purchases: i % 2 === 0 ? { count: 1, spendByDay: {}, firstAt: createdAt, lastAt: createdAt } : member.purchases,
    });
  });
  await batchWrite(items);
  return itemBytes(marshall(items[0] ?? {}, { removeUndefinedValues: true }) as unknown as Item);
}

export async function measureSegmentEvaluation(
  api: ApiClient,
  stack: { segments: { idle: () => Promise<void> } },
  members: number,
  log: (message: string) => void,
) {
  const memberItemBytes = await seedMembers(members);
  log(`segments: ${members} members seeded; evaluating a new segment`);
  await putSegments(api, stack, {
    buyers: {
      all: [
        { field: 'purchases.count', op: 'gte', value: 1 },
        { field: 'consent.marketing', op: 'eq', value: true },
      ],
    },
  });
  const answer = await api.expect(200, 'GET', '/v1/admin/segments/buyers', { key: api.adminKey });
  const segment = answer.body as {
    size: number;
    evaluation: { status: string; evaluated: number; startedAt?: string; finishedAt?: string };
  };
  const { evaluation } = segment;
  if (evaluation.status !== 'done' || !evaluation.startedAt || !evaluation.finishedAt)
    throw new Error(`evaluation not done: ${JSON.stringify(evaluation)}`);
  if (evaluation.evaluated < members || segment.size !== Math.ceil(members / 2))
    throw new Error(`evaluated ${evaluation.evaluated} of ${members}, size ${segment.size}`);
  const seconds = (Date.parse(evaluation.finishedAt) - Date.parse(evaluation.startedAt)) / 1000;
  const membersPerSecond = evaluation.evaluated / seconds;
  const localParts = Number(process.env.SEGMENT_EVALUATION_PARTS ?? 8);
  // On AWS the map runs its parts at once (an inline map: 40 at most), each a worker Lambda against
  // on-demand DynamoDB; each is assumed no faster than a part here.
  const awsParts = AWS_SEGMENT_EVALUATION_PARTS;
  const perPart = membersPerSecond / localParts;
  const awsMembers = 1_000_000;
  // The Scan reads every member item once, eventually consistent: half a unit per 4 KB.
  const scanRru = Math.ceil((awsMembers * memberItemBytes) / 4096 / 2);
  return {
    members,
    entered: segment.size,
    parts: localParts,
    seconds: Number(seconds.toFixed(1)),
    membersPerSecond: Math.round(membersPerSecond),
    memberItemBytes,
    aws: {
      members: awsMembers,
      parts: awsParts,
      membersPerSecondPerPart: Math.round(perPart),
      minutes: Number((awsMembers / (perPart * awsParts) / 60).toFixed(1)),
      scanRru,
      scanUsd: Number(((scanRru * PRICES.dynamoRruPerMillion) / 1_000_000).toFixed(4)),
    },
  };
}

export async function measureSegments(
  recordingEndpoint: string,
  directEndpoint: string,
  recorder: DynamoRecorder,
  options: { members: number; log: (message: string) => void },
): Promise<SegmentsResult> {
  options.log('segments: an earn entering 3 segments vs none (counted through the recorder)');
  const earn = await withSegmentStack(recordingEndpoint, (api, stack) => measureSegmentEarn(api, recorder, stack));
  recorder.clear();
  options.log(`segments: a new segment over ${options.members} members (straight to DynamoDB Local)`);
  const evaluation = await withSegmentStack(directEndpoint, (api, stack) =>
    measureSegmentEvaluation(api, stack, options.members, options.log),
  );
  return { earn, evaluation };
}
