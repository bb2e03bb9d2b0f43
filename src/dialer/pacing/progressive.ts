/**
 * Progressive (1:1): each ready agent has exactly one call in progress for them; a call that fails
 * or reaches a machine is replaced by a new one for the same agent. Abandonment is essentially nil,
 * and each connected person costs the agent the whole dialling time (talk minutes per agent-hour ≈
 * 60·T / (T + W + D + M)). It is also the fallback of every predictive policy here.
 */
import { countFloor } from './guard.js';
import type { PacingDecision, PacingPolicy, PacingState } from './types.js';

/** One call per ready agent that has none yet. Calls already in flight, reserved or not, each count. */
export function progressiveDecision(state: PacingState, reason = 'progressive'): PacingDecision {
  const floor = countFloor(state);
  const dial = Math.max(0, floor.ready - floor.inFlight);
  return { dial, reason, mode: dial > 0 ? 'progressive' : 'none' };
}

export function progressivePolicy(): PacingPolicy<null> {
  return {
    name: 'progressive',
    initialMemory: () => null,
    decide: (state) => ({ ...progressiveDecision(state), memory: null }),
  };
}
