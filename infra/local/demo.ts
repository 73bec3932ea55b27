import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { createClient, type Client } from '@shared/http/client';
import { PARTNER_SCOPES, type Scope } from '@shared/schemas/admin';
import { DAY_MS } from '@shared/domain/time';
import { progressBar } from './progress-bar';

/**
 * `npm run demo`: fills a running local server (`TEST_CLOCK=1`, its clock started in the past with
 * `TEST_CLOCK_START=-121d`) with a program's history, as the console would show it after months:
 * members enrolling over time (some referred), purchases with a weekly rhythm from heavy, regular
 * and occasional buyers, cashback, redemptions of points and rewards, refunds, NPS answers,
 * purchases of non-members, and the tier moves the spend brings. It moves the test clock day by
 * day through each day's hours, runs the scheduled jobs at the end of each day (expiry,
 * time-changes, metrics: one snapshot a day) and finally brings the clock to the present.
 *
 * Everything goes through the public API (the typed client) with two partner keys it creates,
 * so the console's ledgers show who did what. Random from `--seed`; with several requests in flight
 * the order they draw numbers in varies, so two runs are alike rather than identical.
 */
export interface DemoOptions {
  url: string;
  adminKey: string;
  members: number;
  days: number;
  seed: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Progress bar on this stream (undefined: silent). */
  progress?: NodeJS.WriteStream | undefined;
}

export interface DemoResult {
  days: number;
  members: string[];
  /** The first and last simulated day (UTC midnight). */
  from: string;
  to: string;
  calls: number;
  counts: Record<string, number>;
  snapshots: string[];
  durationMs: number;
  /** Where the time went: the day's activity, the end-of-day jobs (ms). */
  timings: { activityMs: number; jobsMs: number };
}

export class DemoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoError';
  }
}

const HOUR_MS = 3_600_000;
/** Hours of the day at which the day's activity happens (four waves); the jobs run at 23:00. */
const WAVES = [10, 13, 16, 19];
/** Monday first: more on Fridays and Saturdays, little on Sundays. */
const WEEKDAY = [0.8, 0.85, 0.9, 1.0, 1.25, 1.55, 0.65];
const weekdayFactor = (date: Date) => WEEKDAY[(date.getUTCDay() + 6) % 7] ?? 1;

type Segment = 'heavy' | 'regular' | 'occasional';
const SEGMENTS: Record<Segment, { share: number; perDay: number; meanAmount: number; nps: number }> = {
  heavy: { share: 0.1, perDay: 0.2, meanAmount: 7_000, nps: 8.7 },
  regular: { share: 0.35, perDay: 0.07, meanAmount: 4_500, nps: 7.7 },
  occasional: { share: 0.55, perDay: 0.025, meanAmount: 3_000, nps: 6.6 },
};

const FIRST = ['Ada', 'Grace', 'Linus', 'Margaret', 'Alan', 'Katherine', 'Dennis', 'Barbara', 'Ken', 'Frances'];
const FIRST2 = ['Tim', 'Radia', 'Edsger', 'Hedy', 'John', 'Sophie', 'Niklaus', 'Joan', 'Guido', 'Annie'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Turing', 'Johnson', 'Ritchie', 'Liskov', 'Thompson'];
const LAST2 = ['Allen', 'Perlman', 'Dijkstra', 'Lamarr', 'Backus', 'Wilson', 'Wirth', 'Clarke', 'Rossum', 'Easley'];

const REWARDS = [
  { rewardId: 'coffee-voucher', name: 'Coffee voucher', pointsCost: 300 },
  { rewardId: 'espresso-cup', name: 'Espresso cup', pointsCost: 500, stock: 400 },
  { rewardId: 'cinema-ticket', name: 'Cinema ticket', pointsCost: 1_200, stock: 150 },
];

/** mulberry32: small, fast and reproducible. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return {
    next,
    normal,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    /** An amount in minor units around `mean`, log-normally spread. */
    amount: (mean: number) => Math.max(150, Math.round(mean * Math.exp(0.5 * normal() - 0.125))),
  };
}

interface DemoMember {
  memberId: string;
  referralCode: string;
  segment: Segment;
  /** Purchases a day before the weekday factor; drops once the member has lapsed. */
  perDay: number;
  lapsesOn: number;
  balance: number;
  cashbackAvailable: number;
  orders: { orderId: string; amount: number; day: number; refunded: boolean }[];
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function inPool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(runners);
}

/** Enrolments per day: a share at the start (the program's first members), the rest growing over the days. */
export function enrolmentPlan(members: number, days: number, start: Date): number[] {
  if (days <= 1) return [members];
  const initial = Math.round(members * 0.4);
  const weights = Array.from(
    { length: days - 1 },
    (_, i) => weekdayFactor(new Date(start.getTime() + (i + 1) * DAY_MS)) * (1 + i / days),
  );
  const total = weights.reduce((sum, w) => sum + w, 0);
  const exact = weights.map((w) => ((members - initial) * w) / total);
  const plan = exact.map(Math.floor);
  let missing = members - initial - plan.reduce((sum, n) => sum + n, 0);
  const byRemainder = exact.map((value, i) => ({ i, rest: value - Math.floor(value) })).sort((a, b) => b.rest - a.rest);
  for (const { i } of byRemainder) {
    if (missing-- <= 0) break;
    plan[i] = (plan[i] ?? 0) + 1;
  }
  return [initial, ...plan];
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const began = Date.now();
  const rng = random(options.seed);
  const run = randomUUID().slice(0, 8);
  let calls = 0;
  let sequence = 0;
  const counts: Record<string, number> = {};
  const count = (kind: string) => (counts[kind] = (counts[kind] ?? 0) + 1);

  const admin = createClient({ baseUrl: options.url, apiKey: options.adminKey });
  type Answer = { ok: boolean; status: number; body: unknown; text: string };
  /** One call, retried on 429/5xx/network errors with the same Idempotency-Key (so it applies once). */
  const send = async (attempt: (idempotencyKey: string) => Promise<Answer>): Promise<Answer> => {
    const key = `demo-${run}-${++sequence}`;
    for (let tries = 1; ; tries++) {
      calls++;
      try {
        const answer = await attempt(key);
        if ((answer.status !== 429 && answer.status < 500) || tries >= 6) return answer;
      } catch (error) {
        if (tries >= 6) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** tries));
    }
  };
  const must = (what: string, answer: Answer, ...statuses: number[]): Answer => {
    if (!statuses.includes(answer.status))
      throw new DemoError(`${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
    return answer;
  };

  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  const start = new Date(today.getTime() - options.days * DAY_MS);
  let clockAt = 0;
  const moveClock = async (to: Date) => {
    if (to.getTime() <= clockAt) return;
    const answer = await send(() =>
      fetch(new URL('/v1/admin/test-clock', options.url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${options.adminKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ now: to.toISOString() }),
      }).then(async (r) => ({ ok: r.ok, status: r.status, text: await r.text(), body: undefined })),
    );
    if (answer.status === 404)
      throw new DemoError('The server has no test clock: start it with TEST_CLOCK=1 TEST_CLOCK_START=-121d npm start.');
    if (answer.status === 401 || answer.status === 403)
      throw new DemoError(
        'The admin key was refused: pass the one `npm start` printed (--admin-key or LOCAL_ADMIN_KEY).',
      );
    if (answer.status === 400 && clockAt === 0)
      throw new DemoError(
        `The server's clock is already past ${to.toISOString()} (it only moves forward): restart it with ` +
          `TEST_CLOCK=1 TEST_CLOCK_START=-${options.days + 1}d npm start (${answer.text.slice(0, 200)}).`,
      );
    must('moving the test clock', answer, 200);
    clockAt = to.getTime();
  };

  const health = await fetch(new URL('/health', options.url)).catch(() => undefined);
  if (!health?.ok)
    throw new DemoError(
      `No Rewards API answers at ${options.url}: start one with TEST_CLOCK=1 TEST_CLOCK_START=-${options.days + 1}d npm start.`,
    );
  // The program's set-up, the morning of the first day: its currency, two partners and the rewards.
  await moveClock(new Date(start.getTime() + 8 * HOUR_MS));
  const program = must('reading the program', await send(() => admin.call('getProgram', {})), 200).body as {
    currency: string;
  };
  const currency = program.currency;
  const money = (value: number) => ({ value, currency });
  // A till or a web shop: every partner scope but the event feed and hand corrections.
  const scopes: Scope[] = PARTNER_SCOPES.filter((scope) => scope !== 'events:read' && scope !== 'points:adjust');
  const partner = async (name: string): Promise<Client> => {
    const created = must(
      `creating partner ${name}`,
      await send((idempotencyKey) => admin.call('createPartner', { body: { name, scopes }, idempotencyKey })),
      201,
    ).body as { apiKey: string };
    return createClient({ baseUrl: options.url, apiKey: created.apiKey });
  };
  const tills = await partner('Shop tills (demo)');
  const web = await partner('Web shop (demo)');
  for (const { rewardId, ...reward } of REWARDS)
    must(
      `creating reward ${rewardId}`,
      await send(() => admin.call('putReward', { params: { rewardId }, body: reward })),
      200,
      201,
    );

  const plan = enrolmentPlan(options.members, options.days, start);
  const members: DemoMember[] = [];
  const snapshots: string[] = [];
  const timings = { activityMs: 0, jobsMs: 0 };
  let enrolled = 0;

  const enrol = async (day: number) => {
    const index = ++enrolled;
    const roll = rng.next();
    const segment: Segment =
      roll < SEGMENTS.heavy.share
        ? 'heavy'
        : roll < SEGMENTS.heavy.share + SEGMENTS.regular.share
          ? 'regular'
          : 'occasional';
    const first = rng.pick(rng.next() < 0.5 ? FIRST : FIRST2);
    const last = rng.pick(rng.next() < 0.5 ? LAST : LAST2);
    const referrer = day > 0 && members.length > 0 && rng.next() < 0.12 ? rng.pick(members) : undefined;
    const birthday =
      rng.next() < 0.7
        ? `${1950 + Math.floor(rng.next() * 55)}-${String(1 + Math.floor(rng.next() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rng.next() * 28)).padStart(2, '0')}`
        : undefined;
    const body = {
      externalId: `cust-${String(index).padStart(6, '0')}`,
      email: `${first}.${last}.${index}@example.com`.toLowerCase(),
      name: `${first} ${last}`,
      ...(birthday ? { birthday } : {}),
      consent: { marketing: rng.next() < 0.6, analytics: rng.next() < 0.8 },
      ...(referrer ? { referralCode: referrer.referralCode } : {}),
    };
    const client = rng.next() < 0.7 ? tills : web;
    const answer = must(
      'enrolling a member',
      await send((idempotencyKey) => client.call('createMember', { body, idempotencyKey })),
      201,
    );
    const created = answer.body as { memberId: string; referralCode: string; points: { balance: number } };
    count(referrer ? 'referred enrolments' : 'enrolments');
    const profile = SEGMENTS[segment];
    members.push({
      memberId: created.memberId,
      referralCode: created.referralCode,
      segment,
      perDay: profile.perDay * (0.5 + rng.next()),
      // Some members lapse: after a while they buy far less (retention then has something to show).
      lapsesOn: day + Math.round(-Math.log(1 - rng.next()) * 150),
      balance: created.points.balance,
      cashbackAvailable: 0,
      orders: [],
    });
  };

  type Entry = { balance: { points: number; cashbackAvailable: number } };
  const settle = (member: DemoMember, answer: Answer) => {
    const entry = answer.body as Entry;
    member.balance = entry.balance.points;
    member.cashbackAvailable = entry.balance.cashbackAvailable;
  };

  /** One member's visit: a purchase (points or, on the web, cashback), then maybe a redemption and an NPS answer. */
  const visit = async (member: DemoMember, day: number, wave: number) => {
    const viaWeb = rng.next() < 0.3;
    const client = viaWeb ? web : tills;
    const amount = rng.amount(SEGMENTS[member.segment].meanAmount);
    const orderId = `${viaWeb ? 'web' : 'till'}-${day}-${wave}-${++sequence}`;
    const withCashback = viaWeb && rng.next() < 0.5;
    const params = { memberId: member.memberId };
    const bought = must(
      withCashback ? 'crediting cashback' : 'earning points',
      await send((idempotencyKey) =>
        client.call(withCashback ? 'creditCashback' : 'earnPoints', {
          params,
          body: { orderId, amount: money(amount) },
          idempotencyKey,
        }),
      ),
      200,
      201,
    );
    settle(member, bought);
    count(withCashback ? 'cashback purchases' : 'points purchases');
    member.orders.push({ orderId, amount, day, refunded: false });

    if (member.balance >= 200 && rng.next() < 0.35) {
      const reward = rng.next() < 0.5 ? REWARDS.filter((r) => r.pointsCost <= member.balance) : [];
      const body =
        reward.length > 0
          ? { rewardId: rng.pick(reward).rewardId }
          : { points: 100 * Math.floor(member.balance / 200) };
      const redeemed = await send((idempotencyKey) => client.call('redeemPoints', { params, body, idempotencyKey }));
      if (redeemed.status === 201 || redeemed.status === 200) {
        settle(member, redeemed);
        count('rewardId' in body ? 'reward redemptions' : 'points redemptions');
      } else must('redeeming', redeemed, 409, 422);
    }
    if (member.cashbackAvailable >= 200 && rng.next() < 0.4) {
      const spend = Math.min(member.cashbackAvailable, Math.max(100, Math.round(amount * 0.3)));
      const spent = await send((idempotencyKey) =>
        web.call('redeemCashback', { params, body: { amount: money(spend) }, idempotencyKey }),
      );
      if (spent.status === 201 || spent.status === 200) {
        settle(member, spent);
        count('cashback redemptions');
      } else must('spending cashback', spent, 409, 422);
    }
    if (rng.next() < 0.08) {
      const trend = (0.8 * day) / Math.max(options.days, 1);
      const score = Math.max(0, Math.min(10, Math.round(SEGMENTS[member.segment].nps + trend + 1.6 * rng.normal())));
      must(
        'answering NPS',
        await send((idempotencyKey) => client.call('answerNps', { params, body: { score }, idempotencyKey })),
        200,
        201,
      );
      count('NPS answers');
    }
  };

  /** A refund of an order of the last ten days (about 3 % of purchases are returned). */
  const refund = async (member: DemoMember, order: DemoMember['orders'][number]) => {
    order.refunded = true;
    const value = rng.next() < 0.6 ? order.amount : Math.max(100, Math.round(order.amount * 0.4));
    const answer = await send((idempotencyKey) =>
      tills.call('refundPurchase', {
        params: { memberId: member.memberId },
        body: { orderId: order.orderId, amount: money(value) },
        idempotencyKey,
      }),
    );
    if (answer.status === 201 || answer.status === 200) {
      settle(member, answer);
      count('refunds');
    } else must('refunding', answer, 409, 422);
  };

  const guest = async (day: number, wave: number) => {
    must(
      'recording a purchase of a non-member',
      await send((idempotencyKey) =>
        tills.call('recordPurchase', {
          body: { orderId: `guest-${day}-${wave}-${++sequence}`, amount: money(rng.amount(3_200)) },
          idempotencyKey,
        }),
      ),
      200,
      201,
    );
    count('non-member purchases');
  };

  // The bar (cli-progress) counts days; its ETA is smoothed over the last days' pace.
  const bar = options.progress
    ? progressBar(
        options.progress,
        '{bar} day {value}/{total} · {members} members · {calls} calls · {duration_formatted} · ETA {eta_formatted}',
      )
    : undefined;
  const dayDone = (day: number) =>
    bar?.update(day, { members: members.length.toLocaleString('en-US'), calls: calls.toLocaleString('en-US') });
  bar?.start(options.days, 0, { members: '0', calls: '0' });

  try {
    for (let day = 0; day < options.days; day++) {
      const date = new Date(start.getTime() + day * DAY_MS);
      const factor = weekdayFactor(date);
      const enrolToday = plan[day] ?? 0;
      const activityStart = Date.now();
      for (const [wave, hour] of WAVES.entries()) {
        await moveClock(new Date(date.getTime() + hour * HOUR_MS + Math.floor(rng.next() * 50) * 60_000));
        // Enrolments first (this wave's share), then the members' visits, refunds and the guests.
        const enrolNow = Math.floor(enrolToday / WAVES.length) + (wave < enrolToday % WAVES.length ? 1 : 0);
        await inPool(
          Array.from({ length: enrolNow }, () => day),
          options.concurrency,
          enrol,
        );
        const visitors = members.filter((m) => {
          const rate = m.perDay * factor * (day >= m.lapsesOn ? 0.15 : 1);
          return rng.next() < rate / WAVES.length;
        });
        const refunds = members.flatMap((m) =>
          m.orders
            .filter((o) => !o.refunded && day - o.day >= 2 && day - o.day <= 10 && rng.next() < 0.03 / 9 / WAVES.length)
            .map((o) => ({ member: m, order: o })),
        );
        const guests = Math.round(visitors.length * (0.5 + 0.3 * rng.next()));
        // Each member at most once per wave, so the member's own calls stay in order.
        const work: (() => Promise<void>)[] = [
          ...visitors.map((m) => () => visit(m, day, wave)),
          ...refunds
            .filter(({ member }) => !visitors.includes(member))
            .map(
              ({ member, order }) =>
                () =>
                  refund(member, order),
            ),
          ...Array.from({ length: guests }, () => () => guest(day, wave)),
        ];
        await inPool(work, options.concurrency, (task) => task());
      }
      timings.activityMs += Date.now() - activityStart;
      // The end of the day: the schedule's jobs, the metrics job taking the day's snapshot.
      const jobsStart = Date.now();
      await moveClock(new Date(date.getTime() + 23 * HOUR_MS));
      for (const job of ['expiry', 'time-changes'] as const)
        must(`running the ${job} job`, await send(() => admin.call('runJob', { params: { job } })), 200, 202);
      const metrics = must(
        'running the metrics job',
        await send(() => admin.call('runJob', { params: { job: 'metrics' } })),
        200,
        202,
      ).body as { result?: { snapshotId?: string } };
      if (metrics.result?.snapshotId) snapshots.push(metrics.result.snapshotId);
      timings.jobsMs += Date.now() - jobsStart;
      dayDone(day + 1);
    }
  } finally {
    bar?.stop();
  }
  // Back to the present, so what is done in the console now happens today.
  await moveClock(new Date(Math.max(Date.now(), clockAt + 60_000)));
  return {
    days: options.days,
    members: members.map((m) => m.memberId),
    from: start.toISOString(),
    to: new Date(start.getTime() + (options.days - 1) * DAY_MS).toISOString(),
    calls,
    counts,
    snapshots,
    durationMs: Date.now() - began,
    timings,
  };
}

function argument(name: string): string | undefined {
  const args = process.argv.slice(2);
  const at = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return undefined;
  const arg = args[at] ?? '';
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[at + 1];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const adminKey = argument('admin-key') ?? process.env.DEMO_ADMIN_KEY ?? process.env.LOCAL_ADMIN_KEY;
  if (!adminKey) {
    console.error(
      'usage: npm run demo -- --admin-key rk_admin_… [--url http://127.0.0.1:3000] [--members 1000] [--days 120]\n' +
        '  (or LOCAL_ADMIN_KEY=…: the admin key `npm start` printed, or the one it was started with)',
    );
    process.exit(2);
  }
  const options: DemoOptions = {
    url: argument('url') ?? process.env.DEMO_URL ?? 'http://127.0.0.1:3000',
    adminKey,
    members: Number(argument('members') ?? 1_000),
    days: Number(argument('days') ?? 120),
    seed: Number(argument('seed') ?? 16),
    concurrency: Number(argument('concurrency') ?? 8),
    progress: process.stderr,
  };
  try {
    const result = await runDemo(options);
    console.log(
      `Demo: ${result.members.length.toLocaleString('en-US')} members, ${result.days} days ` +
        `(${result.from.slice(0, 10)} – ${result.to.slice(0, 10)}), ${result.snapshots.length} snapshots, ` +
        `${result.calls.toLocaleString('en-US')} calls in ${Math.round(result.durationMs / 1000)} s`,
    );
    for (const [kind, n] of Object.entries(result.counts)) console.log(`  ${kind}: ${n.toLocaleString('en-US')}`);
    console.log(
      `  time: ${Math.round(result.timings.activityMs / 1000)} s of activity, ` +
        `${Math.round(result.timings.jobsMs / 1000)} s of end-of-day jobs`,
    );
    console.log(`Open ${options.url}/console and sign in with the admin key.`);
  } catch (error) {
    console.error(error instanceof DemoError ? `\nDemo failed: ${error.message}` : error);
    process.exit(1);
  }
}
