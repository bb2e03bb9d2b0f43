/**
 * The simulated campaign: scenarios, the contact list, and what each callee does when rung.
 *
 * Population (anchors file): a person answers with probability p (p ∈ {.05, .10, .25, .40}) after a
 * lognormal ring time (median 9.5 s, σ .45); an answering machine (.20) picks up after N(16, 4) s;
 * busy or invalid (.10) ends after 2–6 s; the rest never answer. The dialer's ring timeout is 15–20 s
 * per call, so slow answers become no-answers. AMD gives its verdict 1.2 s after the greeting (a
 * person's "hello?" lasts 0.5–2 s; a machine is recognised 2.4–3.6 s after pickup); it takes 1–3 %
 * of people for machines (false positives) and 10–20 % of machines for people (false negatives: the
 * agent spends 8 s on them). Talk is lognormal with mean T ∈ {60, 120, 300} s and CV .8–1.0; the
 * wrap-up is timed, 10–30 s. The per-day AMD error rates and talk CV are drawn from the seed.
 *
 * The list: US numbers spread over the time zones by area code (a few with area codes the rules'
 * tables do not place, and a few in codes that straddle two zones), some Canadian and UK numbers, and
 * 1 % on the do-not-call list. The bench knows each lead's true zone; the dialer only has the number.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { resolveTimeZones } from '../../src/dialer/rules/index.js';
import { hash32, Rng } from './rng.js';

export interface Scenario {
  id: string;
  agents: number;
  /** Live answer probability (people who would pick up, before the ring timeout). */
  p: number;
  /** p after the 4-h shock (shock scenarios only). */
  pAfterShock: number;
  talkMeanS: number;
  shocks: boolean;
  hours: number;
  ruleSet: 'US' | 'UK';
  callsPerSecond: number;
}

export interface DayParams {
  talkCv: number;
  amdFalsePositive: number;
  amdFalseNegative: number;
}

/** The shift starts at 13:00 UTC (09:00 in New York, 06:00 in Los Angeles) on a day without DST changes. */
export const DAY_START_MS = Date.UTC(2024, 9, 15, 13, 0, 0);

export function dayParams(seed: number): DayParams {
  const rng = new Rng(hash32(seed, 0x5eed));
  return { talkCv: rng.uniform(0.8, 1.0), amdFalsePositive: rng.uniform(0.01, 0.03), amdFalseNegative: rng.uniform(0.1, 0.2) };
}

interface Place {
  prefix: string;
  zone: string;
  weight: number;
}

// Where the leads are: an E.164 prefix and the callee's true zone (bench truth, independent of the
// rules' tables). 850 and 541 straddle zone lines; 472 and 826 are codes the rules do not place.
const PLACES: Place[] = [
  { prefix: '+1212', zone: 'America/New_York', weight: 10 },
  { prefix: '+1617', zone: 'America/New_York', weight: 6 },
  { prefix: '+1404', zone: 'America/New_York', weight: 6 },
  { prefix: '+1305', zone: 'America/New_York', weight: 6 },
  { prefix: '+1215', zone: 'America/New_York', weight: 5 },
  { prefix: '+1313', zone: 'America/Detroit', weight: 4 },
  { prefix: '+1312', zone: 'America/Chicago', weight: 8 },
  { prefix: '+1214', zone: 'America/Chicago', weight: 7 },
  { prefix: '+1713', zone: 'America/Chicago', weight: 7 },
  { prefix: '+1612', zone: 'America/Chicago', weight: 4 },
  { prefix: '+1504', zone: 'America/Chicago', weight: 3 },
  { prefix: '+1850', zone: 'America/Chicago', weight: 2 },
  { prefix: '+1303', zone: 'America/Denver', weight: 3 },
  { prefix: '+1801', zone: 'America/Denver', weight: 2 },
  { prefix: '+1505', zone: 'America/Denver', weight: 1 },
  { prefix: '+1602', zone: 'America/Phoenix', weight: 3 },
  { prefix: '+1541', zone: 'America/Los_Angeles', weight: 1 },
  { prefix: '+1213', zone: 'America/Los_Angeles', weight: 6 },
  { prefix: '+1415', zone: 'America/Los_Angeles', weight: 4 },
  { prefix: '+1206', zone: 'America/Los_Angeles', weight: 3 },
  { prefix: '+1702', zone: 'America/Los_Angeles', weight: 2 },
  { prefix: '+1907', zone: 'America/Anchorage', weight: 0.5 },
  { prefix: '+1808', zone: 'Pacific/Honolulu', weight: 0.5 },
  { prefix: '+1472', zone: 'America/New_York', weight: 1 },
  { prefix: '+1826', zone: 'America/New_York', weight: 1 },
  { prefix: '+1416', zone: 'America/Toronto', weight: 2 },
  { prefix: '+1604', zone: 'America/Vancouver', weight: 1 },
  { prefix: '+4420', zone: 'Europe/London', weight: 1 },
  { prefix: '+44161', zone: 'Europe/London', weight: 1 },
];
const TOTAL_WEIGHT = PLACES.reduce((a, p) => a + p.weight, 0);

export interface Lead {
  index: number;
  e164: string;
  /** The callee's true zone (bench truth). */
  zone: string;
  /** What the dialer derived from the number at import (rules' resolveTimeZones). */
  zones: readonly string[];
  dnc: boolean;
}

// Each place's numbers are valid for libphonenumber-js: checked once, on a sample number.
for (const place of PLACES) {
  const sample = place.prefix.startsWith('+1') ? `${place.prefix}2345678` : place.prefix === '+4420' ? `${place.prefix}79460000` : `${place.prefix}4960000`;
  if (!parsePhoneNumberFromString(sample)?.isValid()) throw new Error(`bench lead prefix ${place.prefix} gives invalid numbers`);
}

function numberFor(prefix: string, rng: Rng): string {
  if (prefix.startsWith('+1')) {
    let exchange = rng.int(200, 999);
    if (exchange % 100 === 11 || exchange === 555) exchange = 234;
    return `${prefix}${exchange}${String(rng.int(0, 9999)).padStart(4, '0')}`;
  }
  if (prefix === '+4420') return `${prefix}7946${String(rng.int(0, 9999)).padStart(4, '0')}`;
  return `${prefix}496${String(rng.int(0, 999)).padStart(4, '0')}`;
}

/** The contact list of one simulated day: lead i is the same for every policy. */
export class LeadList {
  private readonly cache: Lead[] = [];
  constructor(private readonly seed: number) {}
  get(index: number): Lead {
    let lead = this.cache[index];
    if (!lead) {
      const rng = new Rng(hash32(this.seed, index, 0x1ead));
      let pick = rng.next() * TOTAL_WEIGHT;
      let place = PLACES[PLACES.length - 1]!;
      for (const p of PLACES) {
        pick -= p.weight;
        if (pick < 0) {
          place = p;
          break;
        }
      }
      const e164 = numberFor(place.prefix, rng);
      lead = { index, e164, zone: place.zone, zones: resolveTimeZones(e164).zones, dnc: rng.next() < 0.01 };
      this.cache[index] = lead;
    }
    return lead;
  }
}

const lists = new Map<number, LeadList>();
/** One list per seed, shared by every run of that seed in this process (numbers are parsed once). */
export function leadList(seed: number): LeadList {
  let list = lists.get(seed);
  if (!list) {
    if (lists.size > 16) lists.clear();
    list = new LeadList(seed);
    lists.set(seed, list);
  }
  return list;
}

export type TrueOutcome = 'person' | 'machine' | 'busy' | 'no-answer';

/** Everything a callee does on one attempt, drawn before anyone dials. */
export interface AttemptDraw {
  u: number;
  personPickupMs: number;
  machinePickupMs: number;
  ringTimeoutMs: number;
  busyMs: number;
  greetingMs: number;
  machineRecognitionMs: number;
  amdU: number;
  talkMs: number;
  wrapMs: number;
}

export function drawAttempt(seed: number, lead: number, attempt: number, scenario: Scenario, day: DayParams): AttemptDraw {
  const rng = new Rng(hash32(seed, lead, attempt, 0xca11));
  const talkSigma2 = Math.log(1 + day.talkCv * day.talkCv);
  const talkMu = Math.log(scenario.talkMeanS) - talkSigma2 / 2;
  return {
    u: rng.next(),
    personPickupMs: 1000 * rng.lognormal(Math.log(9.5), 0.45),
    machinePickupMs: 1000 * Math.max(2, 16 + 4 * rng.normal()),
    ringTimeoutMs: rng.uniform(15_000, 20_000),
    busyMs: rng.uniform(2000, 6000),
    greetingMs: rng.uniform(500, 2000),
    machineRecognitionMs: rng.uniform(2400, 3600),
    amdU: rng.next(),
    talkMs: 1000 * rng.lognormal(talkMu, Math.sqrt(talkSigma2)),
    wrapMs: rng.uniform(10_000, 30_000),
  };
}

/** The outcome of an attempt made when the live answer rate is `p`. */
export function trueOutcome(draw: AttemptDraw, p: number): TrueOutcome {
  if (draw.u < p) return draw.personPickupMs < draw.ringTimeoutMs ? 'person' : 'no-answer';
  if (draw.u < p + 0.2) return draw.machinePickupMs < draw.ringTimeoutMs ? 'machine' : 'no-answer';
  if (draw.u < p + 0.3) return 'busy';
  return 'no-answer';
}

export const MACHINE_HANDLING_MS = 8000;
