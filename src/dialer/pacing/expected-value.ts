/**
 * Expected-value pacing (a strong baseline, as the anchors describe it). Every decision:
 *
 *   H   = mean time from dial to a human verdict (learned ring time to a person's answer + AMD lag,
 *         plus the provider's current QueueTime);
 *   F   = agents expected free within H: ready + wrapping agents finishing within H + Σ over talking
 *         agents of P(remaining talk + wrap < H | elapsed talk), from the learned talk distribution;
 *   E_h = people expected from calls already in progress (each by its phase and ring time);
 *   n   = ⌊(κ·F − E_h) / p̂⌋, p̂ the learned live answer rate.
 *
 * An outer loop every 60 s moves κ toward the campaign's daily abandonment target:
 * κ ← κ·exp(0.15·(0.9·target − today's rate) / target), within [0.2, 2.5].
 */
import { countFloor } from './guard.js';
import { answerModel, ingest, initialLearned, workModel, type AnswerModel, type Learned, type WorkModel } from './learn.js';
import { clamp } from './math.js';
import type { AgentSnapshot, CallSnapshot, PacingPolicy, PacingState } from './types.js';

export interface ExpectedValueMemory {
  learned: Learned;
  kappa: number;
  nextControlAt: number;
}

/** P(agent free within `withinMs`) from what is known about them now. */
export function agentFreeWithin(agent: AgentSnapshot, withinMs: number, work: WorkModel): number {
  switch (agent.status) {
    case 'ready':
      return 1;
    case 'paused':
      return 0;
    case 'wrapping':
      if (agent.remainingMs !== undefined) return agent.remainingMs <= withinMs ? 1 : 0;
      return work.wrapperFreeWithin(agent.sinceMs, withinMs);
    case 'talking':
      return work.talkerFreeWithin(agent.sinceMs, withinMs);
  }
}

/** P(call in progress yields a person who needs an agent within `withinMs`). */
export function callPersonWithin(call: CallSnapshot, withinMs: number, answers: AnswerModel, queueTimeMs: number): number {
  switch (call.phase) {
    case 'waiting':
      return 1;
    case 'answered':
      return withinMs + call.phaseMs >= answers.verdictLagMs ? answers.pPersonGivenAnswered : 0;
    case 'ringing':
      return answers.personWithin(call.phaseMs, withinMs - answers.verdictLagMs);
    case 'queued': {
      const stillQueued = Math.max(0, queueTimeMs - call.phaseMs);
      return answers.personWithin(0, withinMs - stillQueued - answers.verdictLagMs);
    }
  }
}

export function callPersonEventually(call: CallSnapshot, answers: AnswerModel): number {
  switch (call.phase) {
    case 'waiting':
      return 1;
    case 'answered':
      return answers.pPersonGivenAnswered;
    case 'ringing':
      return answers.personEventually(call.phaseMs);
    case 'queued':
      return answers.pLive;
  }
}

export interface ExpectedValueConfig {
  /** Experiments: hold κ fixed (no outer loop). */
  fixedKappa?: number;
}

export function expectedValuePolicy(config: ExpectedValueConfig = {}): PacingPolicy<ExpectedValueMemory> {
  return {
    name: 'expected-value',
    initialMemory: () => ({ learned: initialLearned(), kappa: 1, nextControlAt: 0 }),
    decide(state: PacingState, now: number, prev: ExpectedValueMemory) {
      const learned = ingest(prev.learned, state);
      let { kappa, nextControlAt } = prev;
      if (now >= nextControlAt) {
        if (nextControlAt !== 0) {
          const target = Math.min(state.campaign.dailyAbandonTarget, state.campaign.abandonTarget);
          const today = state.abandonment.today;
          if (today.live >= 20 && target > 0) {
            const rate = today.abandoned / today.live;
            kappa = clamp(kappa * Math.exp((0.15 * (0.9 * target - rate)) / target), 0.2, 2.5);
          }
        }
        nextControlAt = nextControlAt === 0 ? now + 60_000 : Math.max(nextControlAt + 60_000, now + 1);
      }
      if (config.fixedKappa !== undefined) kappa = config.fixedKappa;
      const memory = { learned, kappa, nextControlAt };
      const answers = answerModel(learned);
      const work = workModel(learned);
      const queueTime = state.limits.queueTimeMs;
      const horizon = answers.meanPersonRingMs + answers.verdictLagMs + queueTime;
      let free = 0;
      for (const agent of state.agents) free += agentFreeWithin(agent, horizon, work);
      let expectedPeople = 0;
      for (const call of state.calls) expectedPeople += callPersonEventually(call, answers);
      const p = Math.max(answers.pLive, 0.01);
      const floor = countFloor(state);
      if (floor.available === 0) return { dial: 0, reason: 'no-agents', mode: 'none', memory };
      const dial = Math.max(0, Math.floor((kappa * free - expectedPeople) / p));
      return { dial, reason: `ev:kappa=${kappa.toFixed(2)}`, mode: dial > 0 ? 'predictive' : 'none', memory };
    },
  };
}
