/**
 * `npm run bench`: what each request costs on AWS, measured on the local stack (real DynamoDB
 * Local, the same handlers as on AWS, driven over HTTP). DynamoDB calls, round trips and
 * capacity units are counted from the requests the code really sends (a recording proxy in front
 * of DynamoDB Local); throughput, cold start and the metrics job are measured in the same run.
 * Prints the figures next to their targets and writes `.bench/results.json`.
 *
 * `npm run bench -- --only lots` (or `BENCH_ONLY=lots`) runs only the named parts, comma
 * separated: operations, throughput (needs operations: it runs them too), import, metrics, scale
 * (the metrics job over ≥ 20,000 members and ≥ 100,000 purchases), cold, lots, hot (N concurrent
 * redeems on one member: how many succeed within the deadline; BENCH_HOT_REQUESTS, default 120),
 * draw (the largest raffle allowed, 2,000 prize units and winners, over HTTP), basket (basket
 * rules: an earn with 20 lines against 20 rules, 200 concurrent earns against a rule with a budget),
 * codes (reward codes: the till's validate and use counted, 100 concurrent uses of one code),
 * simulation (a program change replayed on history: purchases per second, a run's reads, the AWS estimate),
 * segments (an earn entering 3 segments vs none: round trips, extra write units; a new segment evaluated over
 * BENCH_SEGMENT_MEMBERS members, default 20,000: members per second and the 1M estimate on AWS).
 * A partial run writes `.bench/results.<parts>.json` and leaves `.bench/results.json` alone.
 * `--detail` (or `BENCH_DETAIL=1`) also prints every counted item write on stderr: its key, its
 * size before and after, its write units and the index units by index.
 */
import './environment';
import './clock';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startLocalStack } from '@infra/local/stack';
import { startDynamoDbLocal } from '@infra/local/dynamodb';
import { ApiClient } from './api-client';
import { API_FUNCTIONS, measureColdStart } from './cold-start';
import { costPerMillion, PRICES, type OpCost } from './cost';
import { DynamoRecorder } from './dynamo-recorder';
import { runScenario, type JobFigures, type Scenario } from './metrics-job';
import { measureMetricsScale, type ScaleFigures } from './metrics-scale';
import { LOTS_PROGRAM, measureLots, type LotsResult } from './lots';
import { measureOperations, type OperationsResult } from './operations';
import { measureThroughput, type ThroughputResult } from './throughput';
import { measureImport, type ImportFigures } from './import';
import { measureHotMember, type HotMemberResult } from './hot-member';
import { measureLargestDraw, type DrawFigures } from './draw';
import { measureBasketEarn, measureBudgetConcurrency } from './basket-rules';
import { measureCodes, type CodesResult } from './codes';
import { measureSimulation, type SimulationFigures } from './simulation';
import { measureSegments, type SegmentsResult } from './segments';

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const log = (message: string) => console.error(`[bench ${elapsed()}] ${message}`);

const PARTS = [
  'operations',
  'throughput',
  'import',
  'metrics',
  'scale',
  'cold',
  'lots',
  'hot',
  'draw',
  'basket',
  'codes',
  'simulation',
  'segments',
] as const;
type Part = (typeof PARTS)[number];
const onlyArgument = (() => {
  const args = process.argv.slice(2);
  const at = args.findIndex((arg) => arg === '--only' || arg.startsWith('--only='));
  if (at < 0) return process.env.BENCH_ONLY;
  const arg = args[at] ?? '';
  return arg.includes('=') ? arg.slice('--only='.length) : args[at + 1];
})();
const only = onlyArgument
  ? new Set(
      onlyArgument.split(',').map((name) => {
        const part = name.trim() as Part;
        if (!PARTS.includes(part)) throw new Error(`--only: no part "${name}" (parts: ${PARTS.join(', ')})`);
        return part;
      }),
    )
  : undefined;
if (only?.has('throughput')) only.add('operations');
const runs = (part: Part) => !only || only.has(part);

const dynamo = await startDynamoDbLocal();
const recorder = new DynamoRecorder(dynamo.endpoint);
recorder.detail = process.argv.includes('--detail') || process.env.BENCH_DETAIL === '1';
const recordingEndpoint = await recorder.start();

async function withStack<T>(endpoint: string, work: (api: ApiClient, tableName: string) => Promise<T>): Promise<T> {
  const tableName = `bench-${randomUUID()}`;
  // No event pipeline: its polling of the feed would be counted in the requests it overlaps.
  const stack = await startLocalStack({ port: 0, dynamoDbEndpoint: endpoint, tableName, eventPipeline: false });
  try {
    return await work(new ApiClient(stack.url, stack.partnerKey, stack.adminKey), tableName);
  } finally {
    await stack.stop();
  }
}

try {
  let operations: OperationsResult | undefined;
  if (runs('operations')) {
    log('operations (counted through the recorder)');
    operations = await withStack(recordingEndpoint, (api) => measureOperations(api, recorder));
    recorder.clear();
  }

  let throughput: ThroughputResult | undefined;
  if (runs('throughput') && operations) {
    const earnWrites = operations.earnWrites;
    log('throughput (straight to DynamoDB Local)');
    throughput = await withStack(dynamo.endpoint, (api, tableName) =>
      measureThroughput(api, dynamo.endpoint, tableName, earnWrites, {
        concurrency: 32,
        perWorker: Number(process.env.BENCH_EARNS_PER_WORKER ?? 30),
      }),
    );
  }

  let bulkImport: ImportFigures | undefined;
  if (runs('import')) {
    // 100,000 lines is the figure; the default is smaller so the whole bench stays short on a busy 2-core machine.
    const importLines = Number(process.env.BENCH_IMPORT_LINES ?? 3_000);
    log(`bulk import: ${importLines} member lines`);
    bulkImport = await measureImport(dynamo.endpoint, importLines);
  }

  const base: Scenario = { members: 40, historyPurchases: 300, windowPurchases: 150, newPurchases: 20 };
  const scenarios: Record<string, Scenario> = {
    base,
    tenfoldHistory: { ...base, historyPurchases: base.historyPurchases * 10 },
    fourfoldWindowActivity: { ...base, windowPurchases: base.windowPurchases * 4 },
  };
  const metricsJob: Record<string, JobFigures> = {};
  for (const [name, scenario] of runs('metrics') ? Object.entries(scenarios) : []) {
    log(`metrics job: ${name}`);
    const result = await withStack(recordingEndpoint, (api) =>
      runScenario(api, recorder, scenario, { idleAfter: name === 'base' }),
    );
    metricsJob[name] = result.run;
    if (result.idle) metricsJob.idle = result.idle;
    recorder.clear();
  }

  let scale: ScaleFigures | undefined;
  if (runs('scale')) {
    const size = {
      members: Number(process.env.BENCH_SCALE_MEMBERS ?? 20_000),
      purchases: Number(process.env.BENCH_SCALE_PURCHASES ?? 100_000),
    };
    log(`metrics job at scale: ${size.members} members, ${size.purchases} purchases over 60 days`);
    scale = await withStack(recordingEndpoint, () => measureMetricsScale(recorder, size, log));
    recorder.clear();
  }

  let coldStart: Awaited<ReturnType<typeof measureColdStart>> | undefined;
  if (runs('cold')) {
    log('cold start (bundles)');
    coldStart = await measureColdStart(Number(process.env.BENCH_COLD_RUNS ?? 5));
  }

  let lots: LotsResult | undefined;
  if (runs('lots')) {
    log('points lots: earn and redeem with lot expiry on (counted through the recorder)');
    lots = await withStack(recordingEndpoint, (api) =>
      measureLots(api, recorder, { lots: Number(process.env.BENCH_LOTS ?? 700), log }),
    );
    recorder.clear();
  }

  let hotMember: HotMemberResult | undefined;
  if (runs('hot')) {
    const requests = Number(process.env.BENCH_HOT_REQUESTS ?? 120);
    log(`hot member: ${requests} concurrent redeems on one member (straight to DynamoDB Local)`);
    hotMember = await withStack(dynamo.endpoint, (api) => measureHotMember(api, requests));
  }

  let largestDraw: DrawFigures | undefined;
  if (runs('draw')) {
    log('raffle draw: 2,000 prize units among 2,000 members (straight to DynamoDB Local)');
    largestDraw = await withStack(dynamo.endpoint, (api, tableName) =>
      measureLargestDraw(api, dynamo.endpoint, tableName),
    );
  }

  let basket:
    (Awaited<ReturnType<typeof measureBasketEarn>> & Awaited<ReturnType<typeof measureBudgetConcurrency>>) | undefined;
  if (runs('basket')) {
    log('basket rules: an earn with 20 lines against 20 rules (counted through the recorder)');
    const earn = await withStack(recordingEndpoint, (api) => measureBasketEarn(api, recorder));
    recorder.clear();
    log(`basket earn: ${JSON.stringify(earn)}`);
    log('basket rules: 200 concurrent earns with and without a budget (straight to DynamoDB Local)');
    const concurrency = await withStack(dynamo.endpoint, (api) =>
      measureBudgetConcurrency(api, 200, Number(process.env.BENCH_BUDGET_EARNS_PER_MEMBER ?? 3)),
    );
    basket = { ...earn, ...concurrency };
  }

  let codes: CodesResult | undefined;
  if (runs('codes')) {
    log("reward codes: the till's validate and use (counted through the recorder), 100 concurrent uses of one code");
    codes = await withStack(recordingEndpoint, (api) => measureCodes(api, recorder));
    recorder.clear();
  }

  let simulation: SimulationFigures | undefined;
  if (runs('simulation')) {
    const replayMembers = Number(process.env.BENCH_SIMULATION_REPLAY_MEMBERS ?? 5_000);
    const localMembers = Number(process.env.BENCH_SIMULATION_MEMBERS ?? 300);
    log(
      `simulation: the fold over ${replayMembers} members; a run over ${localMembers} (counted through the recorder)`,
    );
    simulation = await withStack(recordingEndpoint, () => measureSimulation(recorder, { replayMembers, localMembers }));
    recorder.clear();
  }

  let segments: SegmentsResult | undefined;
  if (runs('segments')) {
    const members = Number(process.env.BENCH_SEGMENT_MEMBERS ?? 20_000);
    segments = await measureSegments(recordingEndpoint, dynamo.endpoint, recorder, { members, log });
    recorder.clear();
  }

  const costs: Record<string, OpCost> = {};
  const allOps = { ...operations?.ops, ...lots?.ops };
  for (const [name, op] of Object.entries(allOps)) if (op) costs[name] = costPerMillion(op);

  // The mid-size program of the issue: 1M members, 5M earns, 1M redemptions, 10M reads a month.
  const baseJob = metricsJob.base;
  const fourfold = metricsJob.fourfoldWindowActivity;
  const midProgram = (() => {
    if (!operations || (!scale && (!baseJob || !fourfold))) return undefined;
    const midWindowPurchases = 2 * 5_000_000; // the current and the previous 30 days
    const runsPerMonth = 720;
    const job = scale
      ? (() => {
          // From the scale run's hourly run: the digests it reads grow with the two windows' purchases,
          // the rest with the hour's purchases, the heap with the members the windows hold.
          const windowFactor = midWindowPurchases / scale.purchases;
          const purchasesPerHour = 5_000_000 / runsPerMonth;
          const otherRruPerPurchase = (scale.hourly.rru - scale.hourly.digestRru) / scale.hourly.newPurchases;
          // The seeded history has no ledger entries; the mid-size hour records one per earn and per
          // redemption (~600 B each, read eventually consistent from GSI1).
          const ledgerRru = (((5_000_000 + 1_000_000) / runsPerMonth) * 600) / 4096 / 2;
          return {
            basis: 'scale' as const,
            itemsReadPerRun: Math.round(
              scale.hourly.digestItems * windowFactor +
                ((scale.hourly.itemsRead - scale.hourly.digestItems) / scale.hourly.newPurchases) * purchasesPerHour,
            ),
            rruPerRun: Math.round(
              scale.hourly.digestRru * windowFactor + otherRruPerPurchase * purchasesPerHour + ledgerRru,
            ),
            // What the fold keeps per member, for a million, plus what a run holds besides (a page, the hour's items).
            peakHeapMBPerRun: Math.round(
              (scale.fold.bytesPerMember * 1_000_000) / 1_048_576 +
                Math.max(0, scale.hourly.peakHeapMB - scale.fold.retainedMB),
            ),
            durationSecondsPerRun: Math.round((scale.hourly.durationMs / 1000) * windowFactor),
          };
        })()
      : (() => {
          const [baseRun, fourRun] = [baseJob as JobFigures, fourfold as JobFigures];
          const extra = 3 * base.windowPurchases;
          const perPurchase = (key: 'itemsRead' | 'rru' | 'peakHeapMB' | 'durationMs') =>
            Math.max(0, (fourRun[key] - baseRun[key]) / extra);
          const scaleUp = (key: 'itemsRead' | 'rru' | 'peakHeapMB' | 'durationMs') =>
            baseRun[key] + perPurchase(key) * (midWindowPurchases - base.windowPurchases);
          // Read units from the bytes the reads return: every query costs at least half a unit, and the items
          // beyond that cost what they weigh (eventually consistent: half a unit per 4 KB).
          const itemsReadPerRun = scaleUp('itemsRead');
          const bytesPerItem = fourRun.bytesRead / Math.max(1, fourRun.itemsRead);
          return {
            basis: 'windowScenarios' as const,
            itemsReadPerRun: Math.round(itemsReadPerRun),
            rruPerRun: Math.round(baseRun.queries * 0.5 + (itemsReadPerRun * bytesPerItem) / 4096 / 2),
            peakHeapMBPerRun: Math.round(scaleUp('peakHeapMB')),
            durationSecondsPerRun: Math.round(scaleUp('durationMs') / 1000),
          };
        })();
    const jobReadsMonthly = (job.rruPerRun * runsPerMonth * PRICES.dynamoRruPerMillion) / 1_000_000;
    const jobLambdaMonthly = job.durationSecondsPerRun * runsPerMonth * PRICES.lambdaGbSecond;
    const usd = (perMillion: number | undefined, millions: number) => Number(((perMillion ?? 0) * millions).toFixed(2));
    const earn = costs.earnDailyBuyerYear ?? costs.earn;
    const lines = {
      earns: { millions: 5, dynamo: usd(earn?.dynamo, 5), lambda: usd(earn?.lambda, 5), apiGateway: usd(3.5, 5) },
      redemptions: {
        millions: 1,
        dynamo: usd(costs.redeem?.dynamo, 1),
        lambda: usd(costs.redeem?.lambda, 1),
        apiGateway: usd(3.5, 1),
      },
      reads: {
        millions: 10,
        dynamo: usd(costs.getMember?.dynamo, 10),
        lambda: usd(costs.getMember?.lambda, 10),
        apiGateway: usd(3.5, 10),
      },
      metricsJob: {
        runs: runsPerMonth,
        dynamo: Number(jobReadsMonthly.toFixed(2)),
        lambda: Number(jobLambdaMonthly.toFixed(2)),
      },
      memberStorage: {
        gb: Number(((1_000_000 * operations.memberItemBytes.dailyBuyerYear) / 1e9).toFixed(2)),
        dynamo: Number(
          ((1_000_000 * operations.memberItemBytes.dailyBuyerYear * PRICES.dynamoStorageGbMonth) / 1e9).toFixed(2),
        ),
      },
    };
    const total = Object.values(lines).reduce(
      (sum, line) =>
        sum +
        ('dynamo' in line ? line.dynamo : 0) +
        ('lambda' in line ? line.lambda : 0) +
        ('apiGateway' in line ? line.apiGateway : 0),
      0,
    );
    return { job, lines, totalUsd: Number(total.toFixed(2)) };
  })();

  const results = {
    at: new Date().toISOString(),
    parts: only ? [...only] : [...PARTS],
    ops: Object.fromEntries(
      Object.entries(allOps).map(([name, op]) => [
        name,
        op && {
          calls: op.calls,
          roundTrips: op.roundTrips,
          wru: op.wru,
          rru: op.rru,
          indexWru: op.indexWru,
          authorizerCalls: op.authorizerCalls,
          ownMs: op.ownMs,
        },
      ]),
    ),
    memberItemBytes: operations?.memberItemBytes,
    handlerOverheadMs: operations?.handlerOverheadMs,
    throughput,
    hotMember,
    largestDraw,
    bulkImport,
    coldStart,
    metricsJob,
    metricsJobScale: scale,
    lots: lots && {
      program: { earn: LOTS_PROGRAM.earn, expiry: LOTS_PROGRAM.expiry },
      openLots: lots.openLots,
      wideLots: lots.wideLots,
      memberItemBytes: lots.memberItemBytes,
      seedSeconds: lots.seedSeconds,
    },
    basketRules: basket,
    rewardCodes: codes,
    simulation,
    segments,
    costPerMillion: Object.fromEntries(Object.entries(costs).map(([name, cost]) => [name, cost.total])),
    costBreakdownPerMillion: costs,
    midProgramMonthlyUsd: midProgram,
    prices: PRICES,
    notes: operations?.notes ?? [],
    durationSeconds: Math.round((performance.now() - started) / 1000),
  };
  mkdirSync('.bench', { recursive: true });
  const resultsFile = only ? `.bench/results.${[...only].join('-')}.json` : '.bench/results.json';
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);

  // The targets, each next to the figure it judges.
  const targets: [string, string, string, boolean][] = [];
  const target = (name: string, measured: string, goal: string, pass: boolean) =>
    targets.push([name, measured, goal, pass]);
  const mutations = [
    'enrol',
    'earn',
    'earnDailyBuyerYear',
    'redeem',
    'redeemReward',
    'cashback',
    'cashbackRedeem',
    'refund',
    'nps',
    'adjustment',
    // With lot expiry on (the lots part): a member with 1 and with 700 open lots.
    ...Object.keys(lots?.ops ?? {}).filter((name) => !name.startsWith('get')),
  ];
  for (const name of mutations) {
    const op = allOps[name];
    if (op) target(`${name}: round trips`, String(op.roundTrips), '≤ 2', op.roundTrips <= 2);
  }
  for (const name of ['getMember', 'transactions']) {
    const op = operations?.ops[name];
    if (op) target(`${name}: round trips`, String(op.roundTrips), '1', op.roundTrips <= 1);
  }
  const replay = operations?.ops.replay;
  if (replay) target('replay: calls', String(replay.calls), '≤ 2', replay.calls <= 2);
  for (const name of ['earn', 'earnDailyBuyerYear']) {
    const op = operations?.ops[name];
    if (op) target(`${name}: write units (table + index)`, String(op.wru), '≤ 12 (aim 10)', op.wru <= 12);
  }
  const dailyBytes = operations?.memberItemBytes.dailyBuyerYear;
  if (dailyBytes !== undefined)
    target('member item, daily buyer after a year', `${dailyBytes} B`, '≤ 2048 B', dailyBytes <= 2048);
  if (segments)
    target(
      'earn entering 3 segments: round trips',
      String(segments.earn.threeSegments.roundTrips),
      '≤ 2',
      segments.earn.threeSegments.roundTrips <= 2,
    );
  if (largestDraw)
    target(
      `raffle draw of ${largestDraw.prizeUnits} units: every winner drawn, answered 201`,
      `${largestDraw.winners} winners, ${largestDraw.statuses.at(-1) ?? 0}`,
      `${largestDraw.prizeUnits}, 201`,
      largestDraw.winners === largestDraw.prizeUnits && largestDraw.statuses.at(-1) === 201,
    );
  if (hotMember) {
    target(
      `hot member: ${hotMember.requests} concurrent redeems, 201 within the deadline`,
      `${Math.round(hotMember.goodput * 100)} %`,
      '≥ 90 %',
      hotMember.goodput >= 0.9,
    );
    target(
      'hot member: nothing lost or applied twice (503s sent again)',
      String(hotMember.consistent),
      'true',
      hotMember.consistent,
    );
  }
  if (throughput)
    target('earn throughput / raw TransactWriteItems', throughput.ratio.toFixed(2), '≥ 0.70', throughput.ratio >= 0.7);
  for (const name of coldStart ? API_FUNCTIONS : []) {
    const fn = coldStart?.functions[name];
    if (!fn) continue;
    target(`${name}: bundle`, `${(fn.bundleBytes / 1024).toFixed(0)} KB`, '≤ 600 KB', fn.bundleBytes <= 600 * 1024);
    const over = fn.initMs - (coldStart?.baselineInitMs ?? 0);
    target(`${name}: init over empty import`, `${over.toFixed(0)} ms`, '≤ 60 ms', over <= 60);
  }
  if (baseJob && metricsJob.tenfoldHistory) {
    const ratio = metricsJob.tenfoldHistory.itemsRead / Math.max(1, baseJob.itemsRead);
    target('metrics job: items read at 10× history', `${ratio.toFixed(2)}×`, '≤ 1.2×', ratio <= 1.2);
  }
  if (baseJob && fourfold) {
    const ratio = fourfold.peakHeapMB / Math.max(0.01, baseJob.peakHeapMB);
    target('metrics job: peak heap at 4× window activity', `${ratio.toFixed(2)}×`, '≤ 1.5×', ratio <= 1.5);
  }
  if (metricsJob.idle)
    target('metrics job: idle run queries', String(metricsJob.idle.queries), '≤ 50', metricsJob.idle.queries <= 50);
  if (scale)
    target('metrics job at scale: idle run queries', String(scale.idle.queries), '≤ 50', scale.idle.queries <= 50);
  if (midProgram) {
    const reads = midProgram.lines.metricsJob.dynamo;
    target('metrics job at 1M members / 5M purchases: reads', `$${reads}/month`, '≤ $10/month', reads <= 10);
    target(
      'metrics job at that size: heap',
      `${midProgram.job.peakHeapMBPerRun} MB`,
      '≤ 1024 MB',
      midProgram.job.peakHeapMBPerRun <= 1024,
    );
    target(
      'metrics job at that size: duration',
      `${midProgram.job.durationSecondsPerRun} s`,
      '≤ 300 s',
      midProgram.job.durationSecondsPerRun <= 300,
    );
  }

  const table = (header: string[], rows: (string | number)[][]) => {
    console.log(`| ${header.join(' | ')} |`);
    console.log(`| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
    for (const row of rows) console.log(`| ${row.join(' | ')} |`);
    console.log('');
  };
  console.log(`\nDynamoDB per request (counted from the requests sent to DynamoDB Local; authorizer lookup apart)\n`);
  table(
    ['op', 'calls', 'round trips', 'write units (of which index)', 'read units', 'own ms', '$ per million'],
    Object.entries(allOps).map(([name, op]) =>
      op
        ? [
            name,
            op.calls,
            op.roundTrips,
            `${op.wru} (${op.indexWru})`,
            op.rru,
            op.ownMs.toFixed(1),
            costs[name]?.total.toFixed(2) ?? '',
          ]
        : [name, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'route missing'],
    ),
  );
  if (operations) {
    console.log(
      `member item: ${operations.memberItemBytes.new} B new, ${operations.memberItemBytes.newAfterFirstEarn} B after its first earn, ` +
        `${dailyBytes} B after a year of daily purchases`,
    );
    console.log(
      `earn, our code (DynamoDB time excluded): p50 ${operations.handlerOverheadMs.earn.p50} ms, p99 ${operations.handlerOverheadMs.earn.p99} ms`,
    );
  }
  if (lots)
    console.log(
      `lots: program earn.holdDays ${LOTS_PROGRAM.earn.holdDays}, expiry ${JSON.stringify(LOTS_PROGRAM.expiry)}; ` +
        `${lots.openLots} open lots made in ${lots.seedSeconds} s; that member's item ${lots.memberItemBytes} B after its earn`,
    );
  if (bulkImport)
    console.log(
      `bulk import: ${bulkImport.lines} member lines in ${bulkImport.seconds} s = ${bulkImport.linesPerSecond} lines/s ` +
        `(${bulkImport.inFlight} lines in flight, ${bulkImport.msPerLine} ms per line)`,
    );
  if (largestDraw)
    console.log(
      `raffle draw of ${largestDraw.prizeUnits} prize units (${largestDraw.winners} winners): 201 after ` +
        `${largestDraw.seconds} s in ${largestDraw.calls} call(s) (${largestDraw.statuses.join(', ')})`,
    );
  if (hotMember)
    console.log(
      `hot member: ${hotMember.requests} concurrent redeems on one member in ${hotMember.seconds} s: ` +
        `${hotMember.succeeded} × 201, ${hotMember.busy} × 503, ${hotMember.other} other`,
    );
  if (throughput)
    console.log(
      `throughput at concurrency ${throughput.concurrency}: earn ${throughput.earnPerSecond}/s over HTTP, ` +
        `raw TransactWriteItems ${throughput.rawTransactPerSecond}/s (${throughput.ratio})\n`,
    );
  if (coldStart) {
    const baseline = coldStart.baselineInitMs;
    table(
      ['function', 'bundle KB', 'init ms', 'over empty import ms'],
      Object.entries(coldStart.functions).map(([name, fn]) => [
        name,
        (fn.bundleBytes / 1024).toFixed(0),
        fn.initMs.toFixed(0),
        (fn.initMs - baseline).toFixed(0),
      ]),
    );
  }
  if (Object.keys(metricsJob).length > 0)
    table(
      ['metrics job run', 'items read', 'queries', 'read units', 'peak heap MB', 'ms'],
      Object.entries(metricsJob).map(([name, job]) => [
        name,
        job.itemsRead,
        job.queries,
        job.rru,
        job.peakHeapMB,
        job.durationMs,
      ]),
    );
  if (scale)
    table(
      [
        `metrics job, ${scale.members} members / ${scale.purchases} purchases`,
        'items read',
        'queries',
        'read units',
        'digest read units',
        'peak heap MB',
        'ms',
      ],
      (['catchUp', 'hourly', 'idle'] as const).map((name) => {
        const run = scale?.[name] as ScaleFigures['hourly'];
        return [name, run.itemsRead, run.queries, run.rru, run.digestRru, run.peakHeapMB, run.durationMs];
      }),
    );
  if (basket) {
    console.log('\nBasket rules: an earn with 20 lines against 20 rules, the items it wrote\n');
    table(
      ['item', 'bytes', 'write units'],
      basket.withLines.items.map((item) => [item.item, item.bytes, item.writeUnits]),
    );
    console.log(
      `earn with 20 lines: ${basket.withLines.roundTrips} round trips, ${basket.withLines.wru} WRU, own ${basket.withLines.ownMsMedian} ms; ` +
        `without lines: ${basket.withoutLines.roundTrips} round trips, ${basket.withoutLines.wru} WRU, own ${basket.withoutLines.ownMsMedian} ms`,
    );
    console.log(
      `${basket.concurrency} concurrent earns: ${basket.budgetedPerSecond}/s with a budget, ${basket.unbudgetedPerSecond}/s without; ` +
        `oversubscribed budget ${basket.oversubscribed.budget}: asked ${basket.oversubscribed.asked}, given ${basket.oversubscribed.given} (shards ${basket.oversubscribed.shardsSum}); ${basket.retriedAfter503} earns asked again after a 503`,
    );
    target(
      'basket earn round trips (20 lines, 20 rules)',
      `${basket.withLines.roundTrips}`,
      '≤ 2',
      basket.withLines.roundTrips <= 2,
    );
    target('basket earn write units', `${basket.withLines.wru}`, '≤ 16', basket.withLines.wru <= 16);
    target('basket earn own code vs without lines', `${basket.ownRatio}×`, '≤ 1.5×', basket.ownRatio <= 1.5);
    target(
      'budget never passed (200 concurrent)',
      `${basket.oversubscribed.given} of ${basket.oversubscribed.budget}`,
      `≤ ${basket.oversubscribed.budget}`,
      basket.oversubscribed.given <= basket.oversubscribed.budget,
    );
    target(
      'throughput with a budget vs without',
      `${basket.throughputRatio}×`,
      '≥ 0.7×',
      basket.throughputRatio >= 0.7,
    );
  }
  if (codes) {
    console.log("\nReward codes: the till's calls\n");
    table(
      ['call', 'calls', 'round trips', 'items read', 'read units', 'write units'],
      (['validate', 'useChargedAtIssue', 'useChargedAtUse'] as const).map((name) => {
        const op = codes?.[name];
        return [name, op.calls, op.roundTrips, op.itemsRead, op.rru, op.wru];
      }),
    );
    const contest = codes.concurrentUses;
    console.log(
      `${contest.requests} concurrent uses of one code: ${contest.succeeded} succeeded, ${contest.codeUsed} answered 409 code-used, ` +
        `other ${JSON.stringify(contest.other)}; slowest answer ${contest.slowestMs} ms`,
    );
    target(
      'code validate: reads',
      `${codes.validate.itemsRead} in ${codes.validate.calls} call(s)`,
      '1',
      codes.validate.calls === 1 && codes.validate.itemsRead <= 1,
    );
    for (const name of ['useChargedAtIssue', 'useChargedAtUse'] as const)
      target(
        `code use (${name === 'useChargedAtIssue' ? 'charged at issue' : 'charged at use'}): round trips`,
        `${codes[name].roundTrips}`,
        '≤ 2',
        codes[name].roundTrips <= 2,
      );
    target(
      '100 concurrent uses of one code',
      `${contest.succeeded} ok, ${contest.codeUsed} code-used, ${contest.slowestMs} ms`,
      '1 ok, 99 code-used, < 29,000 ms',
      contest.succeeded === 1 && contest.codeUsed === contest.requests - 1 && contest.slowestMs < 29_000,
    );
  }
  if (simulation) {
    const { replay, local, aws } = simulation;
    console.log(
      `\nsimulation: the fold replays ${replay.ordersPerSecond} purchases/s (each under the program in force and the draft; ` +
        `${replay.ordersFolded} in ${replay.ms} ms); a local run over ${local.members} members (${local.purchases} purchases in 90 days, ` +
        `60 orders each over a year) took ${local.wallSeconds} s: ${local.queries} queries, ${local.rru} read units (${local.rruPerMember} a member), ` +
        `${local.wru} write units; an order item ${local.orderBytes} B`,
    );
    console.log(
      `simulation on AWS, ${aws.members} members, ${aws.purchases} purchases in 90 days, ${aws.shards} shards at ${aws.concurrency} workers: ` +
        `a day step ${aws.daySeconds} s, a shard step ${aws.shardSeconds} s → ${aws.minutes} min; ` +
        `${aws.readUnitsMillions} M read units = $${aws.readUsd} (writes $${aws.writeUsd})`,
    );
    target(
      'simulation of 1M members over 90 days on AWS (estimate)',
      `${aws.minutes} min`,
      '≤ 15 min',
      aws.minutes <= 15,
    );
    target('simulation read cost (on-demand)', `$${aws.readUsd}`, '≤ $2', aws.readUsd <= 2);
  }
  if (segments) {
    const { earn, evaluation } = segments;
    const units = (op: { wru: number; indexWru: number }) => `${op.wru + op.indexWru} (${op.indexWru} index)`;
    console.log(
      `\nsegments: a first earn with no segment ${earn.noSegments.roundTrips} round trips, ${units(earn.noSegments)} write units; ` +
        `entering 3 segments ${earn.threeSegments.roundTrips} round trips, ${units(earn.threeSegments)} write units: +${earn.extraWru}`,
    );
    console.log(
      `segment evaluation: ${evaluation.members} members (${evaluation.entered} entered) in ${evaluation.seconds} s over ` +
        `${evaluation.parts} parts = ${evaluation.membersPerSecond} members/s; on AWS, 1M members at ${evaluation.aws.parts} parts × ` +
        `${evaluation.aws.membersPerSecondPerPart}/s → ${evaluation.aws.minutes} min, Scan ${evaluation.aws.scanRru} read units = $${evaluation.aws.scanUsd}`,
    );
    target(
      'segment evaluation of 1M members on AWS (estimate)',
      `${evaluation.aws.minutes} min`,
      '≤ 15 min',
      evaluation.aws.minutes <= 15,
    );
  }
  table(
    ['target', 'measured', 'goal', 'result'],
    targets.map(([name, measured, goal, pass]) => [name, measured, goal, pass ? 'pass' : 'FAIL']),
  );
  for (const note of operations?.notes ?? []) console.log(`note: ${note}`);
  console.log(
    `\n${targets.filter((t) => t[3]).length}/${targets.length} targets met; ${elapsed()}; ${resultsFile} written`,
  );
} finally {
  await recorder.stop();
  await dynamo.stop();
}
