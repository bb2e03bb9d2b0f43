/**
 * A VICIdial-style adaptive dial level (ADAPT_HARD_LIMIT / ADAPT_TAPERED / ADAPT_AVERAGE), written
 * from the published description of its behaviour, not from its code:
 *
 * - every 1 s: sample ready agents, answered calls waiting for an agent, and agents logged in; keep
 *   the last 15 samples; differential d = mean ready − mean waiting;
 * - every 15 s: x = (d + diffTarget) / mean logged in; with I = intensity / 100, x' = x·(1 + I) when
 *   x ≥ 0, else x·|I − 1|; level ← level·(1 + x'), capped at `maxLevel` and floored at 1.0;
 * - every 60 s: drop % = drops / people answered, since midnight and over the last 60, 30, 5 and
 *   1 minutes;
 * - then, on each 15-s cycle, overrides in order: more than 20 people answered in the last minute
 *   with over half dropped → halve the level; more than 50 today with today's drop % over the limit →
 *   HARD_LIMIT sets 1.0, AVERAGE halves the level (each cycle), TAPERED lets the level exceed 1.0 only
 *   in proportion to the part of the calling day still ahead (our reading of "scales down as the
 *   latest call time nears"); at or below `availableOnlyThreshold` agents the tally counts ready
 *   agents only; floor 1.0;
 * - calls are placed by the ratio rule (see fixed-ratio.ts) on a 2.5-s loop with the current level.
 */
import { onRatioLoop, ratioDial } from './fixed-ratio.js';
import { countFloor } from './guard.js';
import { clamp } from './math.js';
import type { PacingPolicy, PacingState } from './types.js';

export type AdaptMode = 'ADAPT_HARD_LIMIT' | 'ADAPT_TAPERED' | 'ADAPT_AVERAGE';

export interface VicidialAdaptConfig {
  mode: AdaptMode;
  /** Drop % limit as a fraction (VICIdial's default is 3 %). */
  dropLimit?: number;
  maxLevel?: number;
  /** adaptive_intensity, −40…40 (default 0). */
  intensity?: number;
  /** adaptive_dl_diff_target (default 0). */
  diffTarget?: number;
  availableOnlyThreshold?: number;
  initialLevel?: number;
}

export interface VicidialMemory {
  nextLoopAt: number;
  level: number;
  nextSampleAt: number;
  nextAdaptAt: number;
  nextStatsAt: number;
  /** The last 15 one-second samples. */
  ready: number[];
  waiting: number[];
  loggedIn: number[];
  lastDialSeq: number;
  /** Per-minute people answered and drops for the last 60 minutes (minute index → counts). */
  minutes: { minute: number; people: number; drops: number }[];
  /** Drop fractions at the last 60-s statistics pass. */
  stats: { today: number; todayPeople: number; hour: number; min30: number; min5: number; min1: number; min1People: number };
  availableOnly: boolean;
}

const SAMPLES = 15;

export function vicidialAdaptPolicy(config: VicidialAdaptConfig): PacingPolicy<VicidialMemory> {
  const dropLimit = config.dropLimit ?? 0.03;
  const maxLevel = config.maxLevel ?? 3;
  const intensity = (config.intensity ?? 0) / 100;
  const diffTarget = config.diffTarget ?? 0;
  const threshold = config.availableOnlyThreshold ?? 0;
  return {
    name: 'vicidial-adapt',
    initialMemory: () => ({
      nextLoopAt: 0,
      level: Math.max(1, config.initialLevel ?? 1),
      nextSampleAt: 0,
      nextAdaptAt: 0,
      nextStatsAt: 0,
      ready: [],
      waiting: [],
      loggedIn: [],
      lastDialSeq: -1,
      minutes: [],
      stats: { today: 0, todayPeople: 0, hour: 0, min30: 0, min5: 0, min1: 0, min1People: 0 },
      availableOnly: false,
    }),
    decide(state: PacingState, now: number, prev: VicidialMemory) {
      const m: VicidialMemory = { ...prev };
      const floor = countFloor(state);
      // Drops as they happen, per minute.
      const dials = state.recent.dials;
      if (dials.length > 0 && dials[dials.length - 1]!.seq > m.lastDialSeq) {
        const minutes = m.minutes.map((b) => ({ ...b }));
        let first = dials.length;
        while (first > 0 && dials[first - 1]!.seq > m.lastDialSeq) first--;
        for (let i = first; i < dials.length; i++) {
          const d = dials[i]!;
          if (d.result !== 'connected' && d.result !== 'abandoned') continue;
          const minute = Math.floor(d.endedAt / 60_000);
          let bucket = minutes.find((b) => b.minute === minute);
          if (!bucket) {
            bucket = { minute, people: 0, drops: 0 };
            minutes.push(bucket);
          }
          bucket.people++;
          if (d.result === 'abandoned') bucket.drops++;
        }
        const nowMinute = Math.floor(now / 60_000);
        m.minutes = minutes.filter((b) => b.minute > nowMinute - 60).sort((a, b) => a.minute - b.minute);
        m.lastDialSeq = dials[dials.length - 1]!.seq;
      }
      if (now >= m.nextSampleAt) {
        const waitingCalls = floor.waiting;
        const keep = (xs: number[], x: number) => {
          const next = xs.length >= SAMPLES ? xs.slice(xs.length - SAMPLES + 1) : xs.slice();
          next.push(x);
          return next;
        };
        m.ready = keep(m.ready, floor.ready);
        m.waiting = keep(m.waiting, waitingCalls);
        m.loggedIn = keep(m.loggedIn, floor.available);
        m.nextSampleAt = m.nextSampleAt === 0 ? now + 1000 : Math.max(m.nextSampleAt + 1000, now + 1);
      }
      if (now >= m.nextStatsAt) {
        const nowMinute = Math.floor(now / 60_000);
        const within = (mins: number) => {
          let people = 0;
          let drops = 0;
          for (const b of m.minutes) if (b.minute > nowMinute - mins) [people, drops] = [people + b.people, drops + b.drops];
          return { people, drops, rate: people > 0 ? drops / people : 0 };
        };
        const today = state.abandonment.today;
        const last1 = within(1);
        m.stats = {
          today: today.live > 0 ? today.abandoned / today.live : 0,
          todayPeople: today.live,
          hour: within(60).rate,
          min30: within(30).rate,
          min5: within(5).rate,
          min1: last1.rate,
          min1People: last1.people,
        };
        m.nextStatsAt = m.nextStatsAt === 0 ? now + 60_000 : Math.max(m.nextStatsAt + 60_000, now + 1);
      }
      if (now >= m.nextAdaptAt) {
        if (m.nextAdaptAt !== 0 && m.loggedIn.length > 0) {
          const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
          const logged = mean(m.loggedIn);
          let level = m.level;
          if (logged > 0) {
            const x = (mean(m.ready) - mean(m.waiting) + diffTarget) / logged;
            const adjusted = x >= 0 ? x * (1 + intensity) : x * Math.abs(intensity - 1);
            level = clamp(level * (1 + adjusted), 1, maxLevel);
          }
          if (m.stats.min1People > 20 && m.stats.min1 > 0.5) level /= 2;
          if (m.stats.todayPeople > 50 && m.stats.today > dropLimit) {
            if (config.mode === 'ADAPT_HARD_LIMIT') level = 1;
            else if (config.mode === 'ADAPT_AVERAGE') level /= 2;
            else {
              const span = Math.max(1, state.campaign.dayEndsAt - state.campaign.dayStartedAt);
              const ahead = clamp((state.campaign.dayEndsAt - now) / span, 0, 1);
              level = 1 + (level - 1) * ahead;
            }
          }
          m.availableOnly = logged <= threshold;
          m.level = clamp(level, 1, maxLevel);
        }
        m.nextAdaptAt = m.nextAdaptAt === 0 ? now + 15_000 : Math.max(m.nextAdaptAt + 15_000, now + 1);
      }
      return onRatioLoop(now, m, () => ({
        dial: ratioDial(state, m.level, m.availableOnly),
        reason: `adapt:${m.level.toFixed(2)}`,
      }));
    },
  };
}
