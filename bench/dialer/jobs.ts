/** One unit of work for the bench's process pool: a policy's day, or the oracle's. */
import type { PolicyConfig } from '../../src/dialer/pacing/index.js';
import { simulateOracle } from './oracle.js';
import type { Scenario } from './population.js';
import { simulate, type RunResult } from './sim.js';

export interface CampaignSettings {
  abandonTarget: number;
  dailyAbandonTarget: number;
  minAgentsForPredictive: number;
  /** The dialer's reasoned estimate of people AMD takes for machines (Ofcom counting). */
  amdFalsePositiveEstimate: number;
}

export type Job =
  | { kind: 'sim'; scenario: Scenario; seed: number; policy: PolicyConfig; variant: string; campaign: CampaignSettings }
  | { kind: 'oracle'; scenario: Scenario; seed: number };

export function runJob(job: Job): RunResult {
  if (job.kind === 'oracle') return simulateOracle(job.scenario, job.seed);
  return simulate({ scenario: job.scenario, seed: job.seed, policy: job.policy, variant: job.variant, ...job.campaign });
}
