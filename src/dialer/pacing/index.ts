/**
 * The dialer's pacing model: pure policies behind one interface (types.ts), the guard every policy
 * obeys (guard.ts), and the rule filter from a decision to numbers (select.ts). See pasokh.ts for our
 * model; the baselines are progressive.ts, fixed-ratio.ts, vicidial-adapt.ts and expected-value.ts.
 */
import { expectedValuePolicy, type ExpectedValueConfig } from './expected-value.js';
import { fixedRatioPolicy, type FixedRatioConfig } from './fixed-ratio.js';
import { guarded } from './guard.js';
import { pasokhPolicy, type PasokhConfig } from './pasokh.js';
import { progressivePolicy } from './progressive.js';
import type { PacingDecision, PacingPolicy, PacingState, PolicyName } from './types.js';
import { vicidialAdaptPolicy, type VicidialAdaptConfig } from './vicidial-adapt.js';

export type PolicyConfig =
  | { name: 'progressive' }
  | ({ name: 'fixed-ratio' } & FixedRatioConfig)
  | ({ name: 'vicidial-adapt' } & VicidialAdaptConfig)
  | ({ name: 'expected-value' } & ExpectedValueConfig)
  | ({ name: 'pasokh' } & PasokhConfig);

/** A policy by name, with the guard applied. Memory types differ per policy: treat it as opaque. */
export function createPolicy(config: PolicyConfig): PacingPolicy<unknown> {
  const erase = <M>(p: PacingPolicy<M>): PacingPolicy<unknown> => guarded(p) as PacingPolicy<unknown>;
  switch (config.name) {
    case 'progressive':
      return erase(progressivePolicy());
    case 'fixed-ratio':
      return erase(fixedRatioPolicy(config));
    case 'vicidial-adapt':
      return erase(vicidialAdaptPolicy(config));
    case 'expected-value':
      return erase(expectedValuePolicy(config));
    case 'pasokh':
      return erase(pasokhPolicy(config));
  }
}

/** Convenience for callers that keep the memory in one place (the simulation, a single runtime). */
export class Pacer {
  private memory: unknown;
  constructor(readonly policy: PacingPolicy<unknown>) {
    this.memory = policy.initialMemory();
  }
  get name(): PolicyName {
    return this.policy.name;
  }
  /** The memory to persist (plain data). */
  snapshot(): unknown {
    return this.memory;
  }
  decide(state: PacingState, now: number): PacingDecision {
    const step = this.policy.decide(state, now, this.memory);
    this.memory = step.memory;
    return { dial: step.dial, reason: step.reason, mode: step.mode };
  }
}

export { expectedValuePolicy, agentFreeWithin, callPersonWithin } from './expected-value.js';
export type { ExpectedValueConfig, ExpectedValueMemory } from './expected-value.js';
export { fixedRatioPolicy, ratioDial, RATIO_LOOP_MS } from './fixed-ratio.js';
export { callsPerSecondRoom, countFloor, guardDecision, guarded } from './guard.js';
export type { FloorCounts } from './guard.js';
export { answerModel, ingest, initialLearned, workModel } from './learn.js';
export type { AnswerModel, Learned, WorkModel } from './learn.js';
export { lognormalFromMean, normalCdf, poissonBinomial } from './math.js';
export { abandonmentBudget, marginalDials, pasokhPolicy } from './pasokh.js';
export type { PasokhConfig, PasokhMemory } from './pasokh.js';
export { progressiveDecision, progressivePolicy } from './progressive.js';
export { selectNumbersToDial } from './select.js';
export type { DialCandidate, Selection, SelectionRules, SkipReason } from './select.js';
export type * from './types.js';
export { vicidialAdaptPolicy } from './vicidial-adapt.js';
export type { AdaptMode, VicidialAdaptConfig, VicidialMemory } from './vicidial-adapt.js';
export type { FixedRatioConfig } from './fixed-ratio.js';
