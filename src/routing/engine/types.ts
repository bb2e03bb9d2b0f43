import type { Channel, PresenceStatus } from '../../contracts/index.js';

export interface SkillRequirement {
  skill: string;
  minLevel: number;
}

/** Who may take a task: a skill at a minimum level, or AND / OR of expressions. */
export type SkillExpr = { skill: string; minLevel?: number } | { all: SkillExpr[] } | { any: SkillExpr[] };

/**
 * Selection strategies, one per queue. 'reserve' is 'best-fit' that also keeps agents whole for
 * higher-priority queues (see `reserveFraction` and the reserve rule in engine.ts): meant for
 * small, patient work (chat, SMS, email) in a center where calls need a whole agent.
 */
export const STRATEGIES = ['longest-idle', 'least-occupied', 'most-proficient', 'round-robin', 'best-fit', 'reserve'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** One relaxation, applied once the task has waited `afterSeconds` since it entered the queue. */
export interface EscalationStep {
  afterSeconds: number;
  /** Lower every minimum level in the requirement by this much (never below 1). */
  lowerMinLevelBy?: number;
  /** Also accept agents matching this expression (OR with the requirement). */
  alsoAccept?: SkillExpr;
  /**
   * Move the task to another queue; it keeps its original enqueuedAt (its place in line, and the clock
   * for the target's own steps). The engine does not move a task to a queue it does not know or that
   * the task has already been in (so even an unvalidated cycle cannot ping-pong); the step then only
   * applies its other relaxations.
   */
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

/** Presence as the engine sees it: 'break' is treated like 'away' (no new work, no sticky wait). */
export type AgentStatus = PresenceStatus | 'break';

/** What the engine knows about an agent. Times are epoch milliseconds, supplied by the caller. */
export interface EngineAgent {
  id: string;
  status: AgentStatus;
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
  /** The rule that chose: the strategy's name, or 'sticky' when the customer's own agent was chosen. */
  rule: string;
  candidates: number;
  /** The best few candidates in policy order, the chosen one first. */
  ranked: string[];
  summary: string;
  /** Set for tasks of a configured queue. */
  queueId?: string;
  strategy?: Strategy;
  /** Escalation steps applied in this queue so far (0 = the queue's own requirement; 1 = escalation[0] …). */
  step?: number;
  /** How stickiness applied: the customer's agent was chosen, or why it fell back to the strategy. */
  sticky?: 'preferred-agent' | 'budget-expired' | 'agent-unavailable';
  /** The agent had been kept free for this task because it waited past the SL threshold (see drain rule). */
  drained?: boolean;
  /** 'reserve': agents passed over because they were being kept for higher-priority work. */
  reservedSkipped?: number;
}

export type Decision =
  | { type: 'offer'; taskId: string; agentId: string; cost: number; why: Explanation }
  | { type: 'agent.away'; agentId: string; reason: 'missed-offers'; missed: number }
  /** step: 1 = the queue's first escalation step (`escalation[0]`); each step of a queue is applied at most once, in order. */
  | { type: 'task.escalated'; taskId: string; queueId: string; step: number; reason: 'timer' | 'predicted-breach' }
  /** Emitted right after the task.escalated of the overflow step; the task keeps its enqueuedAt. */
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
  /**
   * Work held by an agent ended (conversation closed); capacity comes back. wrapUpMs: wrap-up before
   * new work; when absent, the wrap-up of `queueId` (if the engine knows that queue) applies.
   */
  | { type: 'work.released'; agentId: string; cost: number; wrapUpMs?: number; queueId?: string }
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
  /** Mean handle time assumed for wait predictions before completions have been seen (default 5 min). */
  defaultHandleMs?: number;
  /** Time constant of the handle-time estimate used by predictive escalation (default 1 h). */
  handleWindowMs?: number;
  /** Time constant of the rolling occupancy used by 'least-occupied' (default 30 min). */
  occupancyWindowMs?: number;
  /**
   * 'reserve': the share of a higher-priority queue's online staff (in units of its bigger work)
   * kept ready for that work while a smaller task is young (default 0.1, at least one agent).
   */
  reserveFraction?: number;
  /**
   * Re-examine every waiting task on every decide instead of only what the last events could have
   * unblocked. Same decisions, O(waiting tasks) per decide: a reference for tests and benchmarks.
   */
  fullScan?: boolean;
}

/** A task as the engine currently sees it (for statistics, explanations and tests). */
export interface TaskView {
  id: string;
  queueId: string;
  phase: 'waiting' | 'reserved' | 'offered';
  /** Whether the engine knows the queue (else the legacy AND list and longest idle apply). */
  configured: boolean;
  /** Escalation steps applied in the current queue (0 = none; 1 = escalation[0] …). */
  step: number;
  /** The sticky agent this task is being held for, within its wait budget. */
  heldFor: string | null;
  /** The agent kept free for this task by the drain rule. */
  drainingAgent: string | null;
  agentId: string | null;
}
