// Locale-aware formatting. Persian uses the Jalali (Solar Hijri) calendar and
// Persian digits; English uses day-month-year order.
import type { Lang } from './strings.js';

const DATE_LOCALE: Record<Lang, string> = {
  en: 'en-GB',
  fa: 'fa-IR-u-ca-persian',
};

const NUMBER_LOCALE: Record<Lang, string> = {
  en: 'en-GB',
  fa: 'fa-IR',
};

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function dateFormat(lang: Lang, kind: 'dateTime' | 'time' | 'date'): Intl.DateTimeFormat {
  const key = `d:${lang}:${kind}`;
  let f = cache.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'dateTime'
        ? { dateStyle: 'medium', timeStyle: 'short' }
        : kind === 'time'
          ? { timeStyle: 'short' }
          : { dateStyle: 'medium' };
    f = new Intl.DateTimeFormat(DATE_LOCALE[lang], options);
    cache.set(key, f);
  }
  return f as Intl.DateTimeFormat;
}

function numberFormat(lang: Lang, kind: 'plain' | 'percent' | 'twoDigits' = 'plain'): Intl.NumberFormat {
  const key = `n:${lang}:${kind}`;
  let f = cache.get(key);
  if (!f) {
    const options: Intl.NumberFormatOptions =
      kind === 'percent'
        ? { style: 'percent', maximumFractionDigits: 0 }
        : kind === 'twoDigits'
          ? { minimumIntegerDigits: 2, useGrouping: false }
          : {};
    f = new Intl.NumberFormat(NUMBER_LOCALE[lang], options);
    cache.set(key, f);
  }
  return f as Intl.NumberFormat;
}

function toDate(value: string | Date): Date | null {
  const d = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDateTime(lang: Lang, value: string | Date): string {
  const d = toDate(value);
  return d ? dateFormat(lang, 'dateTime').format(d) : '';
}

export function formatDate(lang: Lang, value: string | Date): string {
  const d = toDate(value);
  return d ? dateFormat(lang, 'date').format(d) : '';
}

/** Time only when the moment is today, date and time otherwise. */
export function formatMoment(lang: Lang, value: string | Date, now: Date = new Date()): string {
  const d = toDate(value);
  if (!d) return '';
  const sameDay =
    d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  return dateFormat(lang, sameDay ? 'time' : 'dateTime').format(d);
}

export function formatNumber(lang: Lang, value: number): string {
  return numberFormat(lang).format(value);
}

/** A fraction (0.8) as a whole percentage in the language's digits: 80%, ۸۰٪. */
export function formatPercent(lang: Lang, fraction: number): string {
  return numberFormat(lang, 'percent').format(fraction);
}

/** Seconds as a clock: 0:07, 12:30, 1:02:03 (negative counts as 0). */
export function formatDuration(lang: Lang, totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  const two = numberFormat(lang, 'twoDigits');
  const plain = numberFormat(lang);
  return hours > 0
    ? `${plain.format(hours)}:${two.format(minutes)}:${two.format(seconds)}`
    : `${plain.format(minutes)}:${two.format(seconds)}`;
}
