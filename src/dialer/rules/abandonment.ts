/**
 * Abandonment per campaign, counted the way each regulator counts it.
 *
 * - FCC (US): abandoned / live-answered calls over the last 30 days (the whole campaign if it is
 *   younger). "Live-answered" is what the dialer saw as a person: AMD human verdicts, connected or
 *   not. A call is abandoned when no agent was connected within 2 s of the completed greeting.
 * - Ofcom (UK): the same over 24 hours, plus a reasoned estimate of AMD false positives — people AMD
 *   took for machines and hung up on — added to both the abandoned calls and the live calls. The
 *   estimate is `live × f / (1 − f)` for a campaign-supplied rate f (the share of live callees AMD
 *   classes as machines, measured by sampling recordings), bounded by the machine verdicts actually
 *   seen.
 *
 * The ledger keeps one bucket per minute. It holds no clock: every record and query carries its time.
 * It is a mutable object for the runtime's and the simulation's hot paths; everything it returns is a
 * fresh value.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS, type RuleSet } from './types.js';

export type AbandonmentKind = 'connected' | 'abandoned' | 'machine';

export interface AbandonmentCounts {
  /** Live-answered calls (connected + abandoned). */
  live: number;
  abandoned: number;
  /** AMD machine verdicts (true machines and people taken for machines). */
  machine: number;
}

export interface WindowRate extends AbandonmentCounts {
  /** Estimated people hung up on by AMD (0 when the rule does not count them). */
  falsePositives: number;
  /** (abandoned + falsePositives) / (live + falsePositives), 0 when nothing was answered. */
  rate: number;
}

export interface AbandonmentSummary {
  /** The rule set's own window (30 days for the US, 24 h for the UK), counted its way. */
  rule: WindowRate & { cap: number; windowMs: number; withinCap: boolean };
  fcc30d: WindowRate;
  ofcom24h: WindowRate;
  lastHour: AbandonmentCounts;
}

export interface CountingOptions {
  /** Share of live callees that AMD classes as machines (Ofcom's estimate); default 0.02. */
  amdFalsePositiveRate?: number;
  /** Counting starts here (the campaign's first call); default: no lower bound. */
  campaignStart?: number;
}

export const DEFAULT_AMD_FALSE_POSITIVE_RATE = 0.02;

/** The FCC or Ofcom rate for some counts. */
export function abandonmentRate(counts: AbandonmentCounts, countFalsePositives: boolean, amdFalsePositiveRate = DEFAULT_AMD_FALSE_POSITIVE_RATE): WindowRate {
  const f = Math.min(Math.max(amdFalsePositiveRate, 0), 0.5);
  const falsePositives = countFalsePositives ? Math.min(counts.machine, (counts.live * f) / (1 - f)) : 0;
  const denominator = counts.live + falsePositives;
  const rate = denominator > 0 ? (counts.abandoned + falsePositives) / denominator : 0;
  return { ...counts, falsePositives, rate };
}

export class AbandonmentLedger {
  private minutes: number[] = [];
  private live: number[] = [];
  private abandoned: number[] = [];
  private machine: number[] = [];
  /** Prefix sums (length = buckets + 1), valid up to `cleanUpTo`. */
  private cumLive: number[] = [0];
  private cumAbandoned: number[] = [0];
  private cumMachine: number[] = [0];
  private cleanUpTo = 0;

  constructor(private readonly retainMs = 31 * DAY_MS) {}

  record(kind: AbandonmentKind, at: number, count = 1): void {
    const minute = Math.floor(at / MINUTE_MS);
    let i = this.minutes.length - 1;
    if (i < 0 || this.minutes[i]! < minute) {
      this.minutes.push(minute);
      this.live.push(0);
      this.abandoned.push(0);
      this.machine.push(0);
      i = this.minutes.length - 1;
    } else if (this.minutes[i]! !== minute) {
      // A late record: find or insert its bucket.
      i = this.lowerBound(minute);
      if (this.minutes[i] !== minute) {
        this.minutes.splice(i, 0, minute);
        this.live.splice(i, 0, 0);
        this.abandoned.splice(i, 0, 0);
        this.machine.splice(i, 0, 0);
      }
    }
    if (kind === 'machine') this.machine[i]! += count;
    else {
      this.live[i]! += count;
      if (kind === 'abandoned') this.abandoned[i]! += count;
    }
    this.cleanUpTo = Math.min(this.cleanUpTo, i);
    this.prune(minute);
  }

  /** Counts with `from <= t < to`. */
  counts(from: number, to: number): AbandonmentCounts {
    this.refresh();
    const a = this.lowerBound(Math.floor(from / MINUTE_MS));
    const b = this.lowerBound(Math.floor(to / MINUTE_MS));
    return {
      live: this.cumLive[b]! - this.cumLive[a]!,
      abandoned: this.cumAbandoned[b]! - this.cumAbandoned[a]!,
      machine: this.cumMachine[b]! - this.cumMachine[a]!,
    };
  }

  /** The rates the rules care about, as of `now`. */
  summary(now: number, ruleSet: RuleSet, options: CountingOptions = {}): AbandonmentSummary {
    const start = options.campaignStart ?? -Infinity;
    const until = now + 1;
    const since = (ms: number) => Math.max(now - ms, start);
    const f = options.amdFalsePositiveRate;
    const fcc30d = abandonmentRate(this.counts(since(30 * DAY_MS), until), false, f);
    const ofcom24h = abandonmentRate(this.counts(since(DAY_MS), until), true, f);
    const own = abandonmentRate(this.counts(since(ruleSet.abandonment.windowMs), until), ruleSet.abandonment.countAmdFalsePositives, f);
    return {
      rule: { ...own, cap: ruleSet.abandonment.cap, windowMs: ruleSet.abandonment.windowMs, withinCap: own.rate <= ruleSet.abandonment.cap },
      fcc30d,
      ofcom24h,
      lastHour: this.counts(since(HOUR_MS), until),
    };
  }

  /**
   * The worst rate over any window of `windowMs` ending in [from, to] (minute resolution), counted
   * with or without AMD false positives. Windows with fewer than `minLive` live calls are skipped.
   */
  worstWindow(windowMs: number, from: number, to: number, countFalsePositives: boolean, options: { amdFalsePositiveRate?: number; minLive?: number } = {}): WindowRate {
    this.refresh();
    const minLive = options.minLive ?? 1;
    let worst: WindowRate = abandonmentRate({ live: 0, abandoned: 0, machine: 0 }, countFalsePositives, options.amdFalsePositiveRate);
    const firstEnd = Math.max(from, (this.minutes[0] ?? 0) * MINUTE_MS);
    for (let end = firstEnd + MINUTE_MS; end <= to + MINUTE_MS; end += MINUTE_MS) {
      const c = this.counts(Math.max(from, end - windowMs), end);
      if (c.live < minLive) continue;
      const r = abandonmentRate(c, countFalsePositives, options.amdFalsePositiveRate);
      if (r.rate > worst.rate || worst.live === 0) worst = r;
    }
    return worst;
  }

  private lowerBound(minute: number): number {
    let lo = 0;
    let hi = this.minutes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.minutes[mid]! < minute) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private refresh(): void {
    const n = this.minutes.length;
    if (this.cleanUpTo >= n && this.cumLive.length === n + 1) return;
    this.cumLive.length = n + 1;
    this.cumAbandoned.length = n + 1;
    this.cumMachine.length = n + 1;
    for (let i = this.cleanUpTo; i < n; i++) {
      this.cumLive[i + 1] = this.cumLive[i]! + this.live[i]!;
      this.cumAbandoned[i + 1] = this.cumAbandoned[i]! + this.abandoned[i]!;
      this.cumMachine[i + 1] = this.cumMachine[i]! + this.machine[i]!;
    }
    this.cleanUpTo = n;
  }

  private prune(latestMinute: number): void {
    const oldest = latestMinute - Math.ceil(this.retainMs / MINUTE_MS);
    if (this.minutes.length === 0 || this.minutes[0]! >= oldest) return;
    const k = this.lowerBound(oldest);
    if (k < 1024 && k < this.minutes.length / 2) return; // drop in batches
    this.minutes.splice(0, k);
    this.live.splice(0, k);
    this.abandoned.splice(0, k);
    this.machine.splice(0, k);
    this.cumLive = [0];
    this.cumAbandoned = [0];
    this.cumMachine = [0];
    this.cleanUpTo = 0;
  }
}
