import { DAY_MS } from './time';

/** A purchase instant as the program's clock on the wall shows it. */
export interface LocalTime {
  /** YYYY-MM-DD in the zone. */
  date: string;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local date, weekday and time of an instant in an IANA zone (daylight saving included). */
export function localTime(at: string, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(at))) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** The calendar date (YYYY-MM-DD) of an instant in an IANA zone. */
export const localDate = (at: Date, timeZone: string): string => localTime(at.toISOString(), timeZone).date;

/** How far the zone's wall clock is ahead of UTC at an instant, in ms (zones move by whole minutes). */
function zoneOffsetMs(at: number, timeZone: string): number {
  const local = localTime(new Date(at).toISOString(), timeZone);
  const wall = Date.parse(`${local.date}T00:00:00.000Z`) + local.minutes * 60_000;
  return wall - Math.floor(at / 60_000) * 60_000;
}

/** The instant a calendar date (YYYY-MM-DD) starts in an IANA zone (corrected twice for a daylight-saving change). */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T00:00:00.000Z`);
  const first = wall - zoneOffsetMs(wall, timeZone);
  return new Date(wall - zoneOffsetMs(first, timeZone));
}

/** "HH:MM" as minutes since midnight. */
export const minutesOf = (hourMinute: string) => Number(hourMinute.slice(0, 2)) * 60 + Number(hourMinute.slice(3, 5));

export type CalendarPeriod = 'day' | 'week' | 'month' | 'year' | 'lifetime';

/**
 * The calendar period (in the program's zone) an instant falls in, named by its first local
 * day: a day is itself, a week starts on Monday, a month on its 1st, a year on 1 January;
 * `lifetime` is one period, "-". Keys of one kind sort in time order.
 */
export function periodKey(period: CalendarPeriod, at: string, timeZone: string): string {
  if (period === 'lifetime') return '-';
  const local = localTime(at, timeZone);
  if (period === 'day') return local.date;
  if (period === 'month') return `${local.date.slice(0, 7)}-01`;
  if (period === 'year') return `${local.date.slice(0, 4)}-01-01`;
  const monday = Date.parse(`${local.date}T00:00:00.000Z`) - (local.weekday - 1) * DAY_MS;
  return new Date(monday).toISOString().slice(0, 10);
}

/** The longest a period of the kind lasts, in days: how long its count may still be needed. */
export const PERIOD_MAX_DAYS: Record<CalendarPeriod, number> = {
  day: 1,
  week: 7,
  month: 31,
  year: 366,
  lifetime: Number.POSITIVE_INFINITY,
};
