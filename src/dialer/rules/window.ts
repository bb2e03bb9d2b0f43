/**
 * Calling windows in the callee's local time.
 *
 * `withinCallingWindow` resolves the zones the callee may be in (see timezones.ts) and allows the
 * call only when the local time is inside the rule set's window in every one of them. The window is
 * half-open, [08:00, 21:00), and shrinks at its end by `endMarginMs` (default one minute) so a call
 * that is still ringing does not run past 21:00. The verdict lists each zone with its local time: the
 * runtime stores it as evidence.
 */
import { resolveTimeZones, type ZoneResolution, type ZoneSource } from './timezones.js';
import { MINUTE_MS, type RuleSet } from './types.js';

const QUARTER_HOUR_MS = 15 * MINUTE_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * The zone's offset from UTC in ms at `instant`. Offsets only change at quarter-hour boundaries of
 * UTC (every modern offset is a multiple of 15 minutes and transitions happen on the local hour), so
 * the offset is memoised per zone and quarter hour.
 */
export function zoneOffsetMs(zone: string, instant: number): number {
  const bucket = Math.floor(instant / QUARTER_HOUR_MS);
  let byBucket = offsetCache.get(zone);
  if (!byBucket) offsetCache.set(zone, (byBucket = new Map()));
  const cached = byBucket.get(bucket);
  if (cached !== undefined) return cached;
  const at = bucket * QUARTER_HOUR_MS;
  const parts = formatter(zone).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const offset = asUtc - at;
  if (byBucket.size > 10_000) byBucket.clear();
  byBucket.set(bucket, offset);
  return offset;
}

/** Milliseconds since local midnight in `zone` at `instant`. */
export function localTimeOfDayMs(zone: string, instant: number): number {
  const local = instant + zoneOffsetMs(zone, instant);
  const day = 86_400_000;
  return ((local % day) + day) % day;
}

function hhmm(msOfDay: number): string {
  const minutes = Math.floor(msOfDay / MINUTE_MS);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export type WindowReason = 'inside' | 'outside' | 'invalid-number' | 'unknown-time-zone' | 'invalid-time-zone';

export interface WindowVerdict {
  allowed: boolean;
  reason: WindowReason;
  region: string | null;
  source: ZoneSource;
  /** Each zone considered, with the local time there ("HH:MM") and whether it is inside. */
  zones: { zone: string; localTime: string; inside: boolean }[];
}

export interface WindowOptions {
  /** The window closes this long before its end, so a call does not ring past it (default 60 s). */
  endMarginMs?: number;
  /** Zones resolved beforehand (from `resolveTimeZones`), to skip parsing the number again. */
  resolution?: ZoneResolution;
}

/**
 * Whether a call to `e164` may start at `now` under `ruleSet`: inside the window in every zone the
 * callee may be in. Unknown or invalid numbers and zones are never inside.
 */
export function withinCallingWindow(
  e164: string,
  now: number,
  ruleSet: RuleSet,
  explicitTimeZone?: string,
  options: WindowOptions = {},
): WindowVerdict {
  const resolution = options.resolution ?? resolveTimeZones(e164, explicitTimeZone);
  const base = { region: resolution.region, source: resolution.source };
  if (resolution.zones.length === 0) {
    const reason: WindowReason =
      resolution.problem === 'invalid-number' ? 'invalid-number' : resolution.problem === 'invalid-time-zone' ? 'invalid-time-zone' : 'unknown-time-zone';
    return { allowed: false, reason, ...base, zones: [] };
  }
  const start = ruleSet.callingWindow.startMinute * MINUTE_MS;
  const end = ruleSet.callingWindow.endMinute * MINUTE_MS - (options.endMarginMs ?? MINUTE_MS);
  const zones = resolution.zones.map((zone) => {
    const t = localTimeOfDayMs(zone, now);
    return { zone, localTime: hhmm(t), inside: t >= start && t < end };
  });
  const allowed = zones.every((z) => z.inside);
  return { allowed, reason: allowed ? 'inside' : 'outside', ...base, zones };
}

/** The same test without building evidence: for hot loops (the dialer's candidate filter). */
export function isInsideCallingWindow(zones: readonly string[], now: number, ruleSet: RuleSet, endMarginMs = MINUTE_MS): boolean {
  if (zones.length === 0) return false;
  const start = ruleSet.callingWindow.startMinute * MINUTE_MS;
  const end = ruleSet.callingWindow.endMinute * MINUTE_MS - endMarginMs;
  for (const zone of zones) {
    const t = localTimeOfDayMs(zone, now);
    if (t < start || t >= end) return false;
  }
  return true;
}
