import type { Program } from '@shared/schemas/program';
import type { IssuedCode } from './codes';
import type { EventDraft, EventType } from './events';
import type { Movement } from './ledger';
import type { LotBook, PointsLot } from './lots';
import type { MemberState } from './member';

/**
 * What happens to a member by time alone (points expiring, lots becoming available, a tier
 * dropping, an anniversary bonus): a pure rule the time job runs (shared/app/jobs/time-rules.ts).
 * The rules are listed once, in ./time-rules.ts; "where things go" for a new one is in
 * shared/README.md.
 */
export interface TimeRule {
  /** Names the rule in the job's counts; its entries are posted by partner `system:<name>`. */
  readonly name: string;
  /** The rule reads (and may plan) the member's points lots: the job loads them beside the member. */
  readonly lots?: boolean;
  /** The rule reads the member's issued codes past their time: the job loads them (a few at a time) when it is due. */
  readonly codes?: boolean;
  /**
   * When the rule next has something to do for the member (ISO time), or undefined for never.
   * Without `program` (a write computing the member's schedule key, which has no program at
   * hand) it answers from the member alone, never later than with the program: the job, offered
   * the member early, finds nothing due and moves the key on.
   */
  dueAt(member: MemberState, program?: Program): string | undefined;
  /**
   * What becomes of the member at `now` (read fresh, cashback settled): its next state with the
   * rule's mark moved on, so applying again at `now` changes nothing. Undefined: nothing to do.
   */
  apply(input: TimeRuleInput): TimeRuleChange | undefined;
}

export interface TimeRuleInput {
  member: MemberState;
  program: Program;
  now: Date;
  /** The member's points lots, for a rule with `lots` (undefined: the member has none). */
  book: LotBook | undefined;
  /**
   * For a rule with `codes`: the member's issued codes whose `expiresAt` has passed (at most a few),
   * when the next of the others expires, and whether more are past already.
   */
  codes?: { due: IssuedCode[]; nextDueAt: string | undefined; more: boolean };
}

export interface TimeRuleChange {
  member: MemberState;
  /** Ledger movements, each announced by an event of the given type whose data is its transaction. */
  movements: { movement: Movement; event: EventType }[];
  /** Other events, emitted before the movements' events. */
  events: EventDraft[];
  /**
   * A rule that plans the member's lots itself (the lots' own time rule): the book after the
   * plan and the lots to write. Without, the lots follow the movements as for any use case.
   */
  lots?: { book: LotBook; writes: PointsLot[] };
  /** Codes whose state the rule changed: the job writes each with the member, in the same transaction. */
  codes?: IssuedCode[];
  /** Work left that did not fit in one transaction: the job applies the rule again in the same run. */
  more?: boolean;
  /** What the run reports, added up over members (e.g. `{ pointsExpired: 120 }`). */
  tally?: Record<string, number>;
}

/** The earliest of some ISO times (undefined when there is none). */
export const earliest = (times: readonly (string | undefined)[]): string | undefined =>
  times.reduce<string | undefined>(
    (min, time) => (time !== undefined && (min === undefined || time < min) ? time : min),
    undefined,
  );
