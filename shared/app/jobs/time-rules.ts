import { clock } from '@shared/clock';
import { DomainError } from '@shared/domain/errors';
import { postMovements, type LedgerEntry } from '@shared/domain/ledger';
import { pointsTotals, type LotBook } from '@shared/domain/lots';
import type { MemberState } from '@shared/domain/member';
import type { TimeRule, TimeRuleChange } from '@shared/domain/time-rule';
import { isDue, rescheduled, TIME_RULES } from '@shared/domain/time-rules';
import type { Program } from '@shared/schemas/program';
import { CODES_EXPIRED_PER_WRITE, reservedPoints, type IssuedCode } from '@shared/domain/codes';
import type { ConditionalWrite } from '@shared/store/commit';
import { codeChangeWrites, memberCodesDue } from '@shared/store/items/code';
import { codeCountsAdd } from '@shared/store/items/reward-counters';
import { lotWrite } from '@shared/store/items/lot';
import { currentProgram } from '@shared/store/program';
import { timeChangeCandidates } from '@shared/store/queries';
import { transactionEvent } from '../support/emit';
import { executeOnce } from '../support/execute';
import { loadActiveMember } from '../support/load';
import { loadLotBook, withDigest } from '../support/lots';
import { outcome, type EmittedEvent, type Outcome, type UseCase } from '../support/outcome';
import { postingContext } from '../support/posting';

/**
 * The time job: every member with a time rule due (shared/domain/time-rules.ts) gets it applied,
 * one rule per transaction, in rule order, conditioned on the member version read. Members are
 * found through their schedule key (GSI4: the earliest time any rule is due), one Query per shard,
 * never a Scan. A few members at a time; stops cleanly when `timeLeft` says so: who is left stays
 * on the index.
 */
const CONCURRENCY = 8;
/** Transactions one run gives a member (a lots backlog bigger than one transaction, then the other rules). */
const MAX_PASSES_PER_MEMBER = 16;

/** Thrown inside a member's use case when, read fresh, nothing is due and its keys are right: nothing is written. */
class NothingDueError extends Error {
  constructor() {
    super('nothing due');
    this.name = 'NothingDueError';
  }
}

export interface RuleRun {
  /** Members the rule changed. */
  members: number;
  /** The rule's own counts (points expired, reminders, …), added up. */
  [count: string]: number;
}

export interface TimeRulesRun {
  /** Members the schedule key offered as due. */
  candidates: number;
  /** Members written (a rule applied, or only their keys moved on). */
  members: number;
  /** Events emitted, by type. */
  events: Record<string, number>;
  rules: Record<string, RuleRun>;
}

interface Settled {
  /** The rule applied (undefined: only the member's keys moved on). */
  rule?: string;
  tally: Record<string, number>;
  events: string[];
  /** Something is still due for the member now. */
  more: boolean;
}

/** One member at `at`: the first due rule applied, or, with none, its keys moved on to when the next is due. */
export function settleMemberTime(memberId: string, rules: readonly TimeRule[] = TIME_RULES): UseCase<Settled> {
  return async () => {
    const program = await currentProgram();
    return async (at) => {
      const member = await loadActiveMember(memberId, at, { lots: true });
      const book = member.lots ? await loadLotBook(member) : undefined;
      // Codes past their time are read only when the codes' rule is due (their due items, then the codes).
      const codesRule = rules.find((rule) => rule.codes);
      const dueCodes =
        codesRule && isDue(codesRule, member, program, at)
          ? await memberCodesDue(memberId, at, CODES_EXPIRED_PER_WRITE)
          : undefined;
      const codes = dueCodes && { ...dueCodes, due: dueCodes.due.map((stored) => stored.state) };
      for (const [index, rule] of rules.entries()) {
        if (!isDue(rule, member, program, at)) continue;
        const change = rule.apply({ member, program, now: at, book, ...(rule.codes && codes ? { codes } : {}) });
        if (!change) continue;
        const more =
          change.more === true || rules.slice(index + 1).some((later) => isDue(later, change.member, program, at));
        const codeWrites = (change.codes ?? []).flatMap((code) => {
          const stored = dueCodes?.due.find((candidate) => candidate.state.codeId === code.codeId);
          if (!stored) throw new Error(`the codes' rule changed code ${code.codeId}, which it was not given`);
          return [...codeChangeWrites(stored, code), codeCountsAdd(code.rewardId, codeCountsOfExpiry(code))].flatMap(
            (item) => (item ? [{ item }] : []),
          );
        });
        return ruleOutcome(rule, member, change, program, {
          partnerId: `system:${rule.name}`,
          at,
          more,
          book,
          codeWrites,
        });
      }
      const next = rescheduled(member, program);
      if (next.timeChangesCheckAt === member.timeChangesCheckAt) throw new NothingDueError();
      return outcome<Settled>(
        { tally: {}, events: [], more: false },
        { members: [{ expectedVersion: member.version, member: next, entries: [], scheduleSet: true }] },
      );
    };
  };
}

function ruleOutcome(
  rule: TimeRule,
  member: MemberState,
  change: TimeRuleChange,
  program: Program,
  context: { partnerId: string; at: Date; more: boolean; book: LotBook | undefined; codeWrites: ConditionalWrite[] },
): Outcome<Settled> {
  const { at, book } = context;
  const memberId = member.memberId;
  const posted = postMovements(
    change.member,
    change.movements.map((moved) => moved.movement),
    postingContext({ partnerId: context.partnerId }, program, at),
  );
  let entries: LedgerEntry[] = posted.entries;
  let next = posted.member;
  const writes: ConditionalWrite[] = [...context.codeWrites];
  if (change.lots && change.member.lots) {
    // The rule planned the lots itself: what they hold must be what the ledger sums to.
    const totals = pointsTotals(change.lots.book, at);
    if (totals.balance + totals.pending !== next.points.balance)
      throw new Error(`lots of member ${memberId} out of step with the ledger after ${rule.name}`);
    // What the member can spend after it: points reserved for codes charged at use are held apart.
    const spendable = totals.balance - reservedPoints(next);
    entries = entries.map((entry) => ({ ...entry, balance: { ...entry.balance, points: spendable } }));
    writes.push(...change.lots.writes.map((lot) => ({ item: lotWrite(memberId, lot) })));
    next = { ...next, lots: withDigest(change.member.lots, book?.lots ?? [], change.lots.writes) };
  }
  next = rescheduled(next, program);
  const events: EmittedEvent[] = [
    ...change.events.map((event) => ({ ...event, memberId })),
    ...change.movements.map(({ event }, index) => transactionEvent(event, entryAt(entries, index))),
  ];
  return outcome<Settled>(
    { rule: rule.name, tally: change.tally ?? {}, events: events.map((event) => event.type), more: context.more },
    { members: [{ expectedVersion: member.version, member: next, entries, scheduleSet: true }], writes, events },
    change.lots ? { lotsApplied: [memberId] } : book ? { lotBooks: new Map([[memberId, book]]) } : {},
  );
}

/** An expired code leaves the reward's issued count for its expired one, and its reservation ends. */
const codeCountsOfExpiry = (code: IssuedCode) => ({
  issued: -1,
  expired: 1,
  reserved: code.chargeOn === 'use' ? -code.points : 0,
});

function entryAt(entries: LedgerEntry[], index: number): LedgerEntry {
  const entry = entries[index];
  if (!entry) throw new Error('a movement posts one ledger entry');
  return entry;
}

/** Every member with a time rule due by `now`, a few at a time; stops cleanly when time runs out. */
export async function runTimeRules(
  now: Date = clock(),
  options: { timeLeft?: () => boolean; rules?: readonly TimeRule[] } = {},
): Promise<TimeRulesRun> {
  const rules = options.rules ?? TIME_RULES;
  const offered = await timeChangeCandidates(now);
  const run: TimeRulesRun = { candidates: offered.length, members: 0, events: {}, rules: {} };
  const queue = [...new Set(offered)];
  const passes = new Map<string, number>();
  const written = new Set<string>();
  const ruleMembers = new Map<string, Set<string>>();
  const worker = async () => {
    for (
      let memberId = queue.shift();
      memberId !== undefined && (options.timeLeft?.() ?? true);
      memberId = queue.shift()
    ) {
      const settled = await settleOne(memberId, now, rules);
      if (!settled) continue;
      const pass = (passes.get(memberId) ?? 0) + 1;
      passes.set(memberId, pass);
      if (!written.has(memberId)) run.members += 1;
      written.add(memberId);
      for (const type of settled.events) run.events[type] = (run.events[type] ?? 0) + 1;
      if (settled.rule) {
        const counted = (run.rules[settled.rule] ??= { members: 0 });
        const members = ruleMembers.get(settled.rule) ?? new Set<string>();
        ruleMembers.set(settled.rule, members);
        if (!members.has(memberId)) counted.members += 1;
        members.add(memberId);
        for (const [name, value] of Object.entries(settled.tally)) counted[name] = (counted[name] ?? 0) + value;
      }
      // More due (another rule, or a backlog bigger than one transaction): the member again, after the others.
      if (settled.more && pass < MAX_PASSES_PER_MEMBER) queue.push(memberId);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return run;
}

/** Nothing due after all (the index lags, or a write applied it), or erased meanwhile: handled here, once. */
async function settleOne(memberId: string, now: Date, rules: readonly TimeRule[]): Promise<Settled | undefined> {
  try {
    return await executeOnce(settleMemberTime(memberId, rules), { partnerId: 'system:time', now: () => now });
  } catch (error) {
    if (error instanceof NothingDueError || error instanceof DomainError) return undefined;
    throw error;
  }
}
