/**
 * Fixed ratio (VICIdial's RATIO method, described, not copied): a loop every 2.5 s counts agents
 * (ready + in a call; ready only with the "available-only tally"), sets a goal of
 * round(level × agents counted) calls, and starts goal − calls already in progress (ringing,
 * answered, waiting, and calls with agents). The level is a campaign setting.
 */
import { countFloor } from './guard.js';
import type { PacingPolicy, PacingState, PacingStep } from './types.js';

export interface RatioLoopMemory {
  /** When the dialling loop runs next (0: at the first decision). */
  nextLoopAt: number;
}

export const RATIO_LOOP_MS = 2500;

/** Calls the ratio rule would start for `level` (no loop timing). */
export function ratioDial(state: PacingState, level: number, availableOnly: boolean): number {
  const floor = countFloor(state);
  const counted = availableOnly ? floor.ready : floor.ready + floor.talking;
  const goal = Math.round(level * counted);
  const inProgress = floor.inFlight + floor.talking;
  return Math.max(0, goal - inProgress);
}

/** Runs `body` on the 2.5-s loop; between loops the decision is 0. */
export function onRatioLoop<M extends RatioLoopMemory>(now: number, memory: M, body: () => { dial: number; reason: string }): PacingStep<M> {
  if (now < memory.nextLoopAt) return { dial: 0, reason: 'between-loops', mode: 'none', memory };
  // Keep the 2.5-s rhythm even when decisions come on a 1-s tick; never run twice for one late tick.
  const next = memory.nextLoopAt === 0 ? now + RATIO_LOOP_MS : Math.max(memory.nextLoopAt + RATIO_LOOP_MS, now + 1);
  const { dial, reason } = body();
  return { dial, reason, mode: dial > 0 ? 'predictive' : 'none', memory: { ...memory, nextLoopAt: next } };
}

export interface FixedRatioConfig {
  level: number;
  availableOnly?: boolean;
}

export function fixedRatioPolicy(config: FixedRatioConfig): PacingPolicy<RatioLoopMemory> {
  const level = Math.max(1, config.level);
  const availableOnly = config.availableOnly ?? false;
  return {
    name: 'fixed-ratio',
    initialMemory: () => ({ nextLoopAt: 0 }),
    decide: (state: PacingState, now: number, memory: RatioLoopMemory) =>
      onRatioLoop(now, memory, () => ({ dial: ratioDial(state, level, availableOnly), reason: `ratio:${level}` })),
  };
}
