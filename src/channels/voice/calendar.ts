// Business hours for IVR branches: a weekly schedule in one time zone, with
// holidays as Gregorian or Jalali (Persian solar) dates. Pure: the time is an
// argument. Jalali dates come from the platform's ICU persian calendar
// (Intl with `-u-ca-persian`), the same one the console uses to show dates.

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface Calendar {
  /** IANA time zone the schedule is written in, e.g. Asia/Tehran. */
  timezone: string;
  /** Open intervals per weekday, "HH:MM-HH:MM" (end exclusive; "24:00" allowed as an end). A day not listed is closed. */
  weekly: Partial<Record<Weekday, string[]>>;
  /** Closed all day: Gregorian "YYYY-MM-DD" (once) or "MM-DD" (every year). */
  holidays?: string[];
  /** Closed all day: Jalali "YYYY-MM-DD" (once, e.g. 1404-01-13) or "MM-DD" (every year, e.g. 01-01 for Nowruz). */
  jalaliHolidays?: string[];
}

export interface LocalDay {
  gregorian: { year: number; month: number; day: number };
  jalali: { year: number; month: number; day: number };
  weekday: Weekday;
  /** Minutes since local midnight. */
  minutes: number;
}

const formatters = new Map<string, { greg: Intl.DateTimeFormat; persian: Intl.DateTimeFormat }>();

function formattersFor(timezone: string) {
  let f = formatters.get(timezone);
  if (!f) {
    f = {
      greg: new Intl.DateTimeFormat('en-US', { timeZone: timezone, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }),
      persian: new Intl.DateTimeFormat('en-US-u-ca-persian-nu-latn', { timeZone: timezone, year: 'numeric', month: 'numeric', day: 'numeric' }),
    };
    formatters.set(timezone, f);
  }
  return f;
}

/** True when the platform knows the IANA zone. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const num = (parts: Intl.DateTimeFormatPart[], type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? NaN);

/** The local date (both calendars), weekday and time of day of `at` in `timezone`. */
export function localDay(at: Date, timezone: string): LocalDay {
  const f = formattersFor(timezone);
  const g = f.greg.formatToParts(at);
  const p = f.persian.formatToParts(at);
  const weekdayName = (g.find((x) => x.type === 'weekday')?.value ?? '').toLowerCase().slice(0, 3) as Weekday;
  return {
    gregorian: { year: num(g, 'year'), month: num(g, 'month'), day: num(g, 'day') },
    jalali: { year: num(p, 'year'), month: num(p, 'month'), day: num(p, 'day') },
    weekday: weekdayName,
    minutes: (num(g, 'hour') % 24) * 60 + num(g, 'minute'),
  };
}

/** The Jalali date of a Gregorian calendar date (as a civil date, no time zone involved). */
export function toJalali(year: number, month: number, day: number): { year: number; month: number; day: number } {
  // Noon UTC keeps the civil date the same in UTC.
  return localDay(new Date(Date.UTC(year, month - 1, day, 12)), 'UTC').jalali;
}

const INTERVAL = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]|24):([0-5]\d)$/;

/** [start, end) in minutes, or null when the text is not "HH:MM-HH:MM" with start < end. */
export function parseInterval(text: string): [number, number] | null {
  const m = INTERVAL.exec(text.trim());
  if (!m) return null;
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  if (end > 24 * 60 || start >= end) return null;
  return [start, end];
}

const DATE_FULL = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_YEARLY = /^(\d{2})-(\d{2})$/;

/** {year?, month, day} of "YYYY-MM-DD" or "MM-DD"; null when malformed or impossible in that calendar. */
export function parseHoliday(text: string, calendar: 'gregorian' | 'jalali'): { year?: number; month: number; day: number } | null {
  const full = DATE_FULL.exec(text);
  const yearly = full ? null : DATE_YEARLY.exec(text);
  if (!full && !yearly) return null;
  const year = full ? Number(full[1]) : undefined;
  const month = Number(full ? full[2] : yearly![1]);
  const day = Number(full ? full[3] : yearly![2]);
  if (month < 1 || month > 12 || day < 1) return null;
  // Jalali: months 1–6 have 31 days, 7–11 have 30, Esfand 29 (30 in leap years).
  const max = calendar === 'jalali' ? (month <= 6 ? 31 : month <= 11 ? 30 : 30) : [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day > max) return null;
  if (calendar === 'gregorian' && year !== undefined) {
    const d = new Date(Date.UTC(year, month - 1, day));
    if (d.getUTCMonth() !== month - 1) return null;
  }
  return { ...(year === undefined ? {} : { year }), month, day };
}

/** Problems with a calendar definition, each with the path below the calendar. */
export function calendarProblems(c: Calendar): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  if (!isTimeZone(c.timezone)) out.push({ path: 'timezone', message: `unknown time zone "${c.timezone}" (use an IANA name such as Asia/Tehran)` });
  for (const [day, intervals] of Object.entries(c.weekly)) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) {
      out.push({ path: `weekly.${day}`, message: `unknown weekday (use ${WEEKDAYS.join(', ')})` });
      continue;
    }
    (intervals ?? []).forEach((text, i) => {
      if (!parseInterval(text)) out.push({ path: `weekly.${day}.${i}`, message: `"${text}" is not an interval "HH:MM-HH:MM" with the start before the end` });
    });
  }
  (c.holidays ?? []).forEach((text, i) => {
    if (!parseHoliday(text, 'gregorian')) out.push({ path: `holidays.${i}`, message: `"${text}" is not a Gregorian date "YYYY-MM-DD" or "MM-DD"` });
  });
  (c.jalaliHolidays ?? []).forEach((text, i) => {
    if (!parseHoliday(text, 'jalali')) out.push({ path: `jalaliHolidays.${i}`, message: `"${text}" is not a Jalali date "YYYY-MM-DD" or "MM-DD" (e.g. 01-01 for Nowruz)` });
  });
  return out;
}

const matches = (h: { year?: number; month: number; day: number } | null, d: { year: number; month: number; day: number }) =>
  h !== null && h.month === d.month && h.day === d.day && (h.year === undefined || h.year === d.year);

export type BusinessReason = 'open' | 'holiday' | 'jalali-holiday' | 'outside-hours';
export interface BusinessState {
  open: boolean;
  reason: BusinessReason;
}

/** Why the business is open or closed at `at`. */
export function businessState(c: Calendar, at: Date): BusinessState {
  const local = localDay(at, c.timezone);
  if ((c.holidays ?? []).some((h) => matches(parseHoliday(h, 'gregorian'), local.gregorian))) return { open: false, reason: 'holiday' };
  if ((c.jalaliHolidays ?? []).some((h) => matches(parseHoliday(h, 'jalali'), local.jalali))) return { open: false, reason: 'jalali-holiday' };
  const open = (c.weekly[local.weekday] ?? []).some((text) => {
    const iv = parseInterval(text);
    return iv !== null && local.minutes >= iv[0] && local.minutes < iv[1];
  });
  return { open, reason: open ? 'open' : 'outside-hours' };
}

export function isOpen(c: Calendar, at: Date): boolean {
  return businessState(c, at).open;
}
