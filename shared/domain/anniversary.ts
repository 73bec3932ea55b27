import type { Program } from '@shared/schemas/program';
import { birthdayIn } from './earn';
import type { MemberState } from './member';
import type { TimeRule } from './time-rule';
import { localDate, startOfLocalDay } from './local-time';
import { DAY_MS } from './time';

/**
 * `bonuses.anniversary`: points on the day of each enrolment anniversary, in the program's time
 * zone (29 February counts on 28 February in other years), once a year, without a purchase. The
 * mark is the last anniversary year handled; a member with none has handled the enrolment year.
 * Every active member is scheduled, whatever the bonus (0 marks the year and pays nothing), so a
 * bonus set later pays from the next anniversary on, with no member left unscheduled.
 */
const MARK = 'anniversary';
/** An anniversary found later than this (the job stopped for long, or the engine was upgraded) is marked, not paid. */
const LATE_LIMIT_MS = 7 * DAY_MS;

const zoneOf = (program: Pick<Program, 'timezone'> | undefined) => program?.timezone ?? 'UTC';

function handledYear(member: MemberState, timeZone: string): number {
  const marked = member.timeMarks?.[MARK];
  return marked !== undefined ? Number(marked) : Number(localDate(new Date(member.createdAt), timeZone).slice(0, 4));
}

/** The local date of the anniversary in `year`. */
function anniversaryIn(member: MemberState, timeZone: string, year: number): string {
  return birthdayIn(localDate(new Date(member.createdAt), timeZone), year)
    .toISOString()
    .slice(0, 10);
}

export const anniversaryRule: TimeRule = {
  name: 'anniversary',
  dueAt(member, program) {
    if (member.status !== 'active') return undefined;
    const timeZone = zoneOf(program);
    const due = startOfLocalDay(anniversaryIn(member, timeZone, handledYear(member, timeZone) + 1), timeZone);
    // From the member alone (no zone known): two days early covers every zone and enrolment date.
    return new Date(program ? due.getTime() : due.getTime() - 2 * DAY_MS).toISOString();
  },
  apply({ member, program, now }) {
    const timeZone = zoneOf(program);
    const today = localDate(now, timeZone);
    const thisYear = Number(today.slice(0, 4));
    const year = anniversaryIn(member, timeZone, thisYear) <= today ? thisYear : thisYear - 1;
    if (year <= handledYear(member, timeZone)) return undefined;
    const marked = { ...member, timeMarks: { ...member.timeMarks, [MARK]: String(year) } };
    const late = now.getTime() - startOfLocalDay(anniversaryIn(member, timeZone, year), timeZone).getTime();
    const points = program.bonuses.anniversary ?? 0;
    if (points <= 0 || late > LATE_LIMIT_MS) return { member: marked, movements: [], events: [] };
    return {
      member: marked,
      movements: [
        { movement: { type: 'bonus', points, breakdown: [{ rule: 'anniversary', points }] }, event: 'points.earned' },
      ],
      events: [],
      tally: { points },
    };
  },
};
