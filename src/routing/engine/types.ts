import type { Channel, PresenceStatus } from '../../contracts/index.js';

export interface SkillRequirement {
  skill: string;
  minLevel: number;
}

/** What the engine knows about an agent. Times are epoch milliseconds, supplied by the caller. */
export interface EngineAgent {
  id: string;
  status: PresenceStatus;
  /** At least one console is connected; an agent with no open console is never offered work. */
  connected: boolean;
  capacity: number;
  used: number;
  skills: Readonly<Record<string, number>>;
  /** When the agent last became free for work; longest idle first. */
  idleSince: number;
  missedOffers: number;
}

export interface EngineTask {
  id: string;
  queueId: string;
  channel: Channel;
  priority: number;
  cost: number;
  requiredSkills: readonly SkillRequirement[];
  enqueuedAt: number;
}

export interface Explanation {
  rule: string;
  candidates: number;
  /** The best few candidates in policy order, the chosen one first. */
  ranked: string[];
  summary: string;
}

export type Decision =
  | { type: 'offer'; taskId: string; agentId: string; cost: number; why: Explanation }
  | { type: 'agent.away'; agentId: string; reason: 'missed-offers'; missed: number };

export type EngineEvent =
  | { type: 'task.added'; task: EngineTask }
  | { type: 'task.removed'; taskId: string }
  | { type: 'agent.upserted'; agent: EngineAgent }
  | { type: 'agent.removed'; agentId: string }
  /** The runtime could not take the lease the engine asked for (another runtime won, or capacity moved). */
  | { type: 'offer.failed'; taskId: string; agentId: string }
  | { type: 'offer.created'; offerId: string; taskId: string; agentId: string }
  | { type: 'offer.accepted'; offerId: string }
  | { type: 'offer.rejected'; offerId: string }
  | { type: 'offer.expired'; offerId: string }
  /** Work held by an agent ended (conversation closed); capacity comes back. */
  | { type: 'work.released'; agentId: string; cost: number };

/** Chooses one agent among eligible candidates. Must be deterministic in its inputs. */
export interface SelectionPolicy {
  readonly name: string;
  rank(task: EngineTask, candidates: readonly EngineAgent[], now: number): EngineAgent[];
}

export interface EngineOptions {
  policy?: SelectionPolicy;
  /** After an agent rejects or lets an offer lapse, how long before the same task may go to them again. */
  redeclineCooldownMs?: number;
  /** Consecutive missed offers that turn an agent away. */
  maxMissedOffers?: number;
}
