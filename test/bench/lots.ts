/**
 * Points lots in the bench: what an earn and a redemption cost with lot expiry on, for a member
 * with one open lot and for one with 700 (a daily buyer whose points live 24 months), next to the
 * same requests under the stack's default program (no lots). The lots are made through the real
 * handlers, one purchase a day with the process clock moved back, and the lots' time job runs
 * every week of that time (as the daily job would keep the member: announced, reminded, due later).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { defaultProgram } from '@infra/config/default-program';
import { runLotTimeEvents } from '@shared/app/jobs/lot-time-events';
import { loadLotBook } from '@shared/app/support/lots';
import { effectiveLots } from '@shared/domain/lots';
import { ProgramRules } from '@shared/schemas/program';
import { findMember } from '@shared/store/items/member';
import { forgetCachedProgram } from '@shared/store/program';
import type { ApiClient } from './api-client';
import { DAY_MS, realNow, resetClock, setClock } from './clock';
import type { DynamoRecorder } from './dynamo-recorder';
import { createMeter, memberItem, SAMPLES, type OpFigures } from './operations';

/** The program of this part: a 14-day return window, lots that expire 24 months after they become available. */
export const LOTS_PROGRAM = ProgramRules.parse({
  ...defaultProgram,
  earn: { ...defaultProgram.earn, holdDays: 14 },
  expiry: { afterMonths: 24, roundTo: 'day', remindDays: 30 },
});

/** Lots a redemption spans in the wide case: more than one transaction can write (MAX_LOT_WRITES). */
const WIDE_LOTS = 150;

export interface LotsResult {
  ops: Record<string, OpFigures | null>;
  /** Open lots of the large member when its figures were taken (before its own earns add to them). */
  openLots: number;
  /** Lots the wide redemption spans. */
  wideLots: number;
  /** The member item of the member with many lots, after its earn. */
  memberItemBytes: number;
  seedSeconds: number;
}

/** The member's open lots at `now`, in consumption order, with what each still holds. */
async function openLots(memberId: string, now = new Date()) {
  const member = await findMember(memberId);
  const book = member && (await loadLotBook(member));
  if (!book) throw new Error(`member ${memberId} has no lots`);
  return effectiveLots(book, now).lots.filter((lot) => lot.effective > 0);
}

const earn = (api: ApiClient, member: string) =>
  api.call('POST', `/v1/members/${member}/earn`, {
    body: { orderId: `lots-${randomUUID()}`, amount: { value: 1999, currency: 'EUR' } },
  });
const redeemOne = (api: ApiClient, member: string) =>
  api.call('POST', `/v1/members/${member}/redeem`, { body: { points: 1 } });

/**
 * Measures on a stack started with its default program (no hold, no lot expiry), then makes the
 * lots program the deployment's default (no program was saved on the new table) for the rest.
 */
export async function measureLots(
  api: ApiClient,
  recorder: DynamoRecorder,
  options: { lots?: number; log?: (message: string) => void } = {},
): Promise<LotsResult> {
  const wanted = options.lots ?? 700;
  const { ops, writtenBy, measure } = await createMeter(api, recorder);
  // Warm the functions before counting.
  recorder.accounting = false;
  await redeemOne(api, await api.enrol());
  recorder.accounting = true;

  // The same requests without lots: a new member (its signup bonus) under the default program.
  await measure(
    'earnNoLots',
    () => api.enrol(),
    (member) => earn(api, member),
    201,
  );
  await measure(
    'redeemNoLots',
    () => api.enrol(),
    (member) => redeemOne(api, member),
    201,
  );

  const before = process.env.DEFAULT_PROGRAM;
  process.env.DEFAULT_PROGRAM = JSON.stringify(LOTS_PROGRAM);
  forgetCachedProgram();
  try {
    const program = (await api.expect(200, 'GET', '/v1/admin/program', { key: api.adminKey })).body as {
      earn: { holdDays?: number };
      expiry: { afterMonths?: number } | null;
    };
    if (program.earn.holdDays !== 14 || program.expiry?.afterMonths !== 24)
      throw new Error(`lots: the program in force is not the lots program: ${JSON.stringify(program)}`);

    // The large member: enrolled (the signup bonus is its first lot), one purchase a day since.
    recorder.accounting = false;
    const seeded = performance.now();
    const large = await (async () => {
      const start = realNow() - wanted * DAY_MS;
      setClock(start);
      try {
        const id = await api.enrol();
        for (let day = 1; day < wanted; day += 1) {
          setClock(start + day * DAY_MS);
          await api.earn(id, `lot-day-${day}`, 1000 + (day % 7) * 250);
          if (day % 7 === 0) await runLotTimeEvents(new Date());
          if (day % 100 === 0) options.log?.(`lots: ${day + 1} lots made`);
        }
        return id;
      } finally {
        resetClock();
      }
    })();
    await runLotTimeEvents(new Date());
    const seedSeconds = Math.round((performance.now() - seeded) / 1000);
    const open = (await openLots(large)).length;
    if (open !== wanted) throw new Error(`lots: the large member has ${open} open lots, not ${wanted}`);
    await api.call('GET', `/v1/members/${large}`);
    recorder.accounting = true;

    // One open lot: a new member's signup bonus.
    await measure(
      'earnLots1',
      () => api.enrol(),
      (member) => earn(api, member),
      201,
    );
    await measure(
      'redeemLots1',
      () => api.enrol(),
      (member) => redeemOne(api, member),
      201,
    );
    const nothing = () => Promise.resolve(large);
    await measure(`getMemberLots${wanted}`, nothing, () => api.call('GET', `/v1/members/${large}`), 200);
    await measure(`earnLots${wanted}`, nothing, (member) => earn(api, member), 201);
    const largeItem = memberItem(writtenBy[`earnLots${wanted}`] ?? [], large);
    await measure(`redeemLots${wanted}`, nothing, (member) => redeemOne(api, member), 201);
    // A redemption that spans more lots than one transaction can write: what its lots hold, exactly
    // (fewer lots when the member has too few for every sample).
    const available = (await openLots(large)).filter((lot) => lot.status === 'available').length;
    const span = Math.min(WIDE_LOTS, Math.floor(available / (SAMPLES + 1)));
    await measure(
      `redeemLots${wanted}Across${span}`,
      async () => {
        recorder.accounting = false;
        const lots = (await openLots(large)).filter((lot) => lot.status === 'available').slice(0, span);
        recorder.accounting = true;
        return lots.reduce((sum, lot) => sum + lot.effective, 0);
      },
      (points) => api.call('POST', `/v1/members/${large}/redeem`, { body: { points } }),
      201,
    );
    return { ops, openLots: open, wideLots: span, memberItemBytes: largeItem?.bytesAfter ?? 0, seedSeconds };
  } finally {
    if (before === undefined) delete process.env.DEFAULT_PROGRAM;
    else process.env.DEFAULT_PROGRAM = before;
    forgetCachedProgram();
  }
}
