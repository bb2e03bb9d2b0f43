// The business-hours form's draft and its checks. Pure: the form keeps text as
// typed (Persian digits, "9:00") and turns it into the hub's calendar shape
// here, keyed by the same paths the hub reports (`weekly.mon.0`,
// `jalaliHolidays.2`), so a problem shows in one place whichever side found it.
import { parseHoliday, parseInterval, toJalali, WEEKDAYS, type Calendar, type Weekday } from '../../../../src/channels/voice/calendar.js';
import type { Lang, StringKey } from '../i18n/strings.js';
import { asciiDigits, ErrorCollector, type FieldErrors } from './fieldErrors.js';

type T = (key: StringKey, params?: Record<string, string | number>) => string;

export type HolidayKind = 'gregorian' | 'jalali';

export interface IntervalDraft {
  /** Stable across edits, so removing one row does not hand its text to the next. */
  id: number;
  start: string;
  end: string;
}

export interface CalendarDraft {
  timezone: string;
  weekly: Record<Weekday, IntervalDraft[]>;
  /** As the hub stores them: "YYYY-MM-DD" once or "MM-DD" every year. */
  holidays: string[];
  jalaliHolidays: string[];
}

let nextId = 1;

export function newInterval(start = '', end = ''): IntervalDraft {
  return { id: nextId++, start, end };
}

export function draftOf(c: Calendar): CalendarDraft {
  const weekly = Object.fromEntries(
    WEEKDAYS.map((day) => [
      day,
      (c.weekly[day] ?? []).map((text) => {
        const [start = '', end = ''] = text.split('-');
        return newInterval(start.trim(), end.trim());
      }),
    ]),
  ) as Record<Weekday, IntervalDraft[]>;
  return { timezone: c.timezone, weekly, holidays: [...(c.holidays ?? [])], jalaliHolidays: [...(c.jalaliHolidays ?? [])] };
}

/** The week as people there read it: Saturday first in Persian, Monday first in English (en-GB). */
export function weekOrder(lang: Lang): Weekday[] {
  const first = lang === 'fa' ? 'sat' : 'mon';
  const i = WEEKDAYS.indexOf(first);
  return [...WEEKDAYS.slice(i), ...WEEKDAYS.slice(0, i)];
}

/** "9:00", "۰۹:۰۰" → "09:00"; null when it is not a clock time (24:00 is one, as an end). */
export function normaliseTime(text: string): string | null {
  const m = /^(\d{1,2})[:٫.](\d{2})$/.exec(asciiDigits(text).trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return null;
  return `${String(h).padStart(2, '0')}:${m[2]}`;
}

/**
 * The calendar to send, or the problems a person can fix before asking the
 * hub. The time zone is left to the hub: its ICU data decides what the IVR
 * understands, not this browser's.
 */
export function calendarOf(d: CalendarDraft, t: T): { calendar: Calendar; errors: FieldErrors | null } {
  const c = new ErrorCollector();
  if (!d.timezone.trim()) c.add('timezone', t('form.required'));
  const weekly: Calendar['weekly'] = {};
  for (const day of WEEKDAYS) {
    const out: string[] = [];
    d.weekly[day].forEach((iv, i) => {
      const start = normaliseTime(iv.start);
      const end = normaliseTime(iv.end);
      const path = `weekly.${day}.${i}`;
      if (start === null || end === null || start === '24:00') {
        c.add(path, t('hours.err.time'));
        return;
      }
      const text = `${start}-${end}`;
      if (!parseInterval(text)) {
        c.add(path, t('hours.err.order'));
        return;
      }
      out.push(text);
    });
    if (out.length > 0) weekly[day] = out;
  }
  const calendar: Calendar = { timezone: d.timezone.trim(), weekly, holidays: d.holidays, jalaliHolidays: d.jalaliHolidays };
  return { calendar, errors: c.empty ? null : c.errors };
}

export interface HolidayInput {
  month: string;
  day: string;
  year: string;
}

/** A holiday typed into the adder as the hub stores it, or why it cannot be one. */
export function holidayFromInput(kind: HolidayKind, input: HolidayInput, existing: readonly string[], t: T): { text: string } | { error: string } {
  const month = Number(asciiDigits(input.month).trim());
  const dayText = asciiDigits(input.day).trim();
  const yearText = asciiDigits(input.year).trim();
  if (!/^\d{1,2}$/.test(dayText)) return { error: t('hours.err.day') };
  if (yearText !== '' && !/^\d{4}$/.test(yearText)) return { error: t('hours.err.year') };
  const mm = String(month).padStart(2, '0');
  const dd = dayText.padStart(2, '0');
  const text = yearText ? `${yearText}-${mm}-${dd}` : `${mm}-${dd}`;
  const parsed = parseHoliday(text, kind);
  if (!parsed) return { error: t('hours.err.day') };
  // 30 Esfand exists only in leap years: a dated one must survive the round trip through the Gregorian calendar.
  if (kind === 'jalali' && parsed.year !== undefined && jalaliToGregorian(parsed.year, parsed.month, parsed.day) === null) return { error: t('hours.err.day') };
  if (existing.includes(text)) return { error: t('hours.err.duplicate') };
  return { text };
}

/** By month and day, the yearly ones before dated ones on the same day, then by year. */
export function sortHolidays(list: readonly string[]): string[] {
  const key = (text: string) => {
    const parts = text.split('-').map(Number);
    return parts.length === 3 ? [parts[1]!, parts[2]!, parts[0]!] : [parts[0]!, parts[1]!, 0];
  };
  return [...list].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka[0]! - kb[0]! || ka[1]! - kb[1]! || ka[2]! - kb[2]!;
  });
}

const DAY_MS = 86_400_000;

/** The Gregorian date of a Jalali one, or null when that Jalali date does not exist (30 Esfand outside leap years). */
export function jalaliToGregorian(year: number, month: number, day: number): { year: number; month: number; day: number } | null {
  const dayOfYear = month <= 6 ? (month - 1) * 31 + day : 186 + (month - 7) * 30 + day;
  const gy = year + 621;
  // 1 Farvardin (the March equinox) falls between 19 and 22 March.
  let start: number | null = null;
  for (let d = 19; d <= 22 && start === null; d++) {
    const j = toJalali(gy, 3, d);
    if (j.year === year && j.month === 1 && j.day === 1) start = Date.UTC(gy, 2, d);
  }
  if (start === null) return null;
  const at = new Date(start + (dayOfYear - 1) * DAY_MS);
  const g = { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate() };
  const back = toJalali(g.year, g.month, g.day);
  return back.year === year && back.month === month && back.day === day ? g : null;
}

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';

/** Farvardin … Esfand, in the console's language. */
export const JALALI_MONTHS = [
  'hours.jalaliMonth.1',
  'hours.jalaliMonth.2',
  'hours.jalaliMonth.3',
  'hours.jalaliMonth.4',
  'hours.jalaliMonth.5',
  'hours.jalaliMonth.6',
  'hours.jalaliMonth.7',
  'hours.jalaliMonth.8',
  'hours.jalaliMonth.9',
  'hours.jalaliMonth.10',
  'hours.jalaliMonth.11',
  'hours.jalaliMonth.12',
] as const satisfies readonly StringKey[];

/** Digits in the language's own script, without grouping (years read 1404, not 1,404). */
export function digits(lang: Lang, value: number | string): string {
  const s = String(value);
  return lang === 'fa' ? s.replace(/\d/g, (d) => PERSIAN_DIGITS[Number(d)]!) : s;
}

const gregorianFormats = new Map<string, Intl.DateTimeFormat>();

function gregorianText(lang: Lang, g: { year?: number; month: number; day: number }): string {
  const key = `${lang}:${g.year === undefined ? 'md' : 'ymd'}`;
  let f = gregorianFormats.get(key);
  if (!f) {
    // Always the Gregorian calendar, also in Persian (whose default is the Jalali one).
    f = new Intl.DateTimeFormat(lang === 'fa' ? 'fa-IR-u-ca-gregory' : 'en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', ...(g.year === undefined ? {} : { year: 'numeric' }) });
    gregorianFormats.set(key, f);
  }
  // A leap year, so 29 February has a date to format when no year is given.
  return f.format(new Date(Date.UTC(g.year ?? 2024, g.month - 1, g.day)));
}

/** How a stored holiday reads: "13 Farvardin 1404 (2 April 2025)", "1 Farvardin, every year", "25 December, every year". */
export function holidayLabel(kind: HolidayKind, text: string, lang: Lang, t: T): string {
  const h = parseHoliday(text, kind);
  if (!h) return text;
  if (kind === 'gregorian') {
    const date = gregorianText(lang, h);
    return h.year === undefined ? t('hours.everyYear', { date }) : date;
  }
  const monthName = t(JALALI_MONTHS[h.month - 1]!);
  const date = h.year === undefined ? `${digits(lang, h.day)} ${monthName}` : `${digits(lang, h.day)} ${monthName} ${digits(lang, h.year)}`;
  if (h.year === undefined) return t('hours.everyYear', { date });
  const g = jalaliToGregorian(h.year, h.month, h.day);
  return g ? t('hours.withGregorian', { date, gregorian: gregorianText(lang, g) }) : date;
}

/** Names of the twelve Gregorian months in the language, for the adder's select. */
export function gregorianMonthNames(lang: Lang): string[] {
  const f = new Intl.DateTimeFormat(lang === 'fa' ? 'fa-IR-u-ca-gregory' : 'en-GB', { timeZone: 'UTC', month: 'long' });
  return Array.from({ length: 12 }, (_, i) => f.format(new Date(Date.UTC(2024, i, 1))));
}

/** The IANA zones this browser knows, for suggestions; the hub still has the last word. */
export function knownTimeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['Asia/Tehran', 'UTC'];
  }
}
