// Date-range helpers for the reports screen. Pure: "today" is an input. Dates
// are ISO calendar dates (2026-11-01) in the browser's own time zone; the screen
// shows an inclusive end date, the API takes the first day not included.

export const MAX_RANGE_DAYS = 366;

export type GroupBy = 'queue' | 'agent';

const pad = (n: number) => String(n).padStart(2, '0');

/** The local calendar date of the moment. */
export function isoDateOf(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function utcMs(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

export function addDays(iso: string, days: number): string {
  const d = new Date(utcMs(iso) + days * 86_400_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

export function isIsoDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && addDays(s, 0) === s;
}

/** What is wrong with an inclusive range, if anything. */
export function rangeProblem(from: string, toInclusive: string): 'badRange' | 'tooLong' | null {
  if (!isIsoDate(from) || !isIsoDate(toInclusive)) return 'badRange';
  const days = (utcMs(toInclusive) - utcMs(from)) / 86_400_000 + 1;
  if (days < 1) return 'badRange';
  if (days > MAX_RANGE_DAYS) return 'tooLong';
  return null;
}

/** The last `days` days up to and including today. */
export function lastDays(today: string, days: number): { from: string; to: string } {
  return { from: addDays(today, -(days - 1)), to: today };
}

/** The query string for /api/reports and /api/reports.csv. */
export function reportQuery(from: string, toInclusive: string, groupBy: GroupBy, tz: string): string {
  return new URLSearchParams({ from, to: addDays(toInclusive, 1), groupBy, tz }).toString();
}

/** Noon of the calendar date, so formatting it in any nearby zone gives the same day. */
export function dateForDisplay(iso: string): Date {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d, 12);
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
