import type { Channel, PresenceStatus } from '../../contracts/index.js';

export interface SkillRequirement {
  skill: string;
  minLevel: number;
}

/** Who may take a task: a skill at a minimum level, or AND / OR of expressions. */
export type SkillExpr = { skill: string; minLevel?: number } | { all: SkillExpr[] } | { any: SkillExpr[] };

export type Strategy = 'longest-idle' | 'least-occupied' | 'most-proficient' | 'round-robin';

/** One relaxation, applied once the task has waited `afterSeconds` since it entered the queue. */
export interface EscalationStep {
  afterSeconds: number;
  /** Lower every minimum level in the requirement by this much (never below 1). */
  lowerMinLevelBy?: number;
  /** Also accept agents matching this expression (OR with the requirement). */
  alsoAccept?: SkillExpr;
  /** Move the task to another queue; it keeps its original enqueuedAt (its place in line). */
  overflowToQueueId?: string;
}

/** A queue as the engine needs it; the runtime loads these from Postgres. */
export interface QueueConfig {
  id: string;
  channel: Channel;
  /** null = any agent. */
  requirement: SkillExpr | null;
  priority: number;
  /** e.g. 80 % answered within 20 s. */
  serviceLevel: { targetFraction: number; thresholdSeconds: number };
  strategy: Strategy;
  escalation: EscalationStep[];
  /** Apply the next escalation step early when the predicted wait would breach the threshold. */
  predictiveEscalation: boolean;
  /** Priority points added per minute waited, so low-priority work never starves. */
  agingPerMinute: number;
  /** How long a task waits for its sticky (last / preferred) agent before anyone may take it. */
  stickyWaitSeconds: number;
  /** Wrap-up after work in this queue is released; the agent takes no new work meanwhile. */
  wrapUpSeconds: number;
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
  /** In wrap-up until this time (epoch ms): no new work before it. */
  wrapUpUntil?: number;
}

export interface EngineTask {
  id: string;
  queueId: string;
  channel: Channel;
  priority: number;
  cost: number;
  /** Legacy AND list; used when the task's queue is unknown to the engine. */
  requiredSkills: readonly SkillRequirement[];
  enqueuedAt: number;
  /** The customer, across channels: the key for sticky routing. */
  customerId?: string;
  /** The agent this customer should go back to (last agent or an explicit preference), within the queue's sticky wait. */
  stickyAgentId?: string | null;
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
  | { type: 'agent.away'; agentId: string; reason: 'missed-offers'; missed: number }
  | { type: 'task.escalated'; taskId: string; queueId: string; step: number; reason: 'timer' | 'predicted-breach' }
  | { type: 'task.overflowed'; taskId: string; fromQueueId: string; toQueueId: string };

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
  | { type: 'work.released'; agentId: string; cost: number; wrapUpMs?: number }
  | { type: 'queue.upserted'; queue: QueueConfig }
  | { type: 'queue.removed'; queueId: string };

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
