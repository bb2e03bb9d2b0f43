/**
 * What every policy obeys, whatever it computed: the guard is applied after `decide` (see
 * `guarded`), so a baseline with a wild level or a bug in ours still cannot:
 * - dial with no available agent (ready, talking or wrapping) logged in;
 * - start more calls in any one-second window than the calls-per-second limit;
 * - exceed the concurrent-call cap;
 * - start progressive calls beyond the ready agents that have no call reserved yet.
 */
import type { PacingDecision, PacingPolicy, PacingState, PacingStep } from './types.js';

export interface FloorCounts {
  ready: number;
  talking: number;
  wrapping: number;
  paused: number;
  /** Ready + talking + wrapping: agents working this campaign now. */
  available: number;
  queued: number;
  ringing: number;
  answered: number;
  waiting: number;
  /** Calls started that have no agent yet. */
  inFlight: number;
  /** Calls with an agent reserved for them. */
  reserved: number;
}

export function countFloor(state: PacingState): FloorCounts {
  let ready = 0;
  let talking = 0;
  let wrapping = 0;
  let paused = 0;
  for (const a of state.agents) {
    if (a.status === 'ready') ready++;
    else if (a.status === 'talking') talking++;
    else if (a.status === 'wrapping') wrapping++;
    else paused++;
  }
  let queued = 0;
  let ringing = 0;
  let answered = 0;
  let waiting = 0;
  let reserved = 0;
  for (const call of state.calls) {
    if (call.phase === 'ringing') ringing++;
    else if (call.phase === 'queued') queued++;
    else if (call.phase === 'answered') answered++;
    else waiting++;
    if (call.reservedAgentId !== undefined) reserved++;
  }
  const available = ready + talking + wrapping;
  return { ready, talking, wrapping, paused, available, queued, ringing, answered, waiting, inFlight: state.calls.length, reserved };
}

/** Calls that may still start at `now` without breaking the per-second limit. */
export function callsPerSecondRoom(state: PacingState, now: number): number {
  const limit = Math.floor(state.limits.callsPerSecond);
  let used = 0;
  for (const t of state.limits.recentDialTimes) if (t > now - 1000 && t <= now) used++;
  return Math.max(0, limit - used);
}

export function guardDecision(state: PacingState, now: number, decision: PacingDecision): PacingDecision {
  const floor = countFloor(state);
  if (floor.available === 0) return { dial: 0, reason: 'no-agents', mode: 'none' };
  let dial = Number.isFinite(decision.dial) ? Math.max(0, Math.floor(decision.dial)) : 0;
  let reason = decision.reason;
  if (decision.mode === 'progressive') {
    const room = Math.max(0, floor.ready - floor.reserved);
    if (dial > room) [dial, reason] = [room, `${reason};cap:ready-agents`];
  }
  const cps = callsPerSecondRoom(state, now);
  if (dial > cps) [dial, reason] = [cps, `${reason};cap:calls-per-second`];
  const maxConcurrent = state.limits.maxConcurrentCalls;
  if (maxConcurrent !== undefined) {
    const room = Math.max(0, Math.floor(maxConcurrent) - floor.inFlight);
    if (dial > room) [dial, reason] = [room, `${reason};cap:concurrent-calls`];
  }
  return { dial, reason, mode: dial > 0 ? decision.mode : 'none' };
}

/** The policy with the guard applied to every decision. */
export function guarded<M>(policy: PacingPolicy<M>): PacingPolicy<M> {
  return {
    name: policy.name,
    initialMemory: () => policy.initialMemory(),
    decide(state, now, memory): PacingStep<M> {
      const step = policy.decide(state, now, memory);
      return { ...guardDecision(state, now, step), memory: step.memory };
    },
  };
}
