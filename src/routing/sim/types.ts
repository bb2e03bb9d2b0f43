import type { Channel } from '../../contracts/index.js';
import type { Decision, EngineAgent, EngineEvent, QueueConfig, SkillRequirement } from '../engine/types.js';
import type { Dist } from './rng.js';

/** What the simulator needs from an engine: the RoutingEngine, or anything with the same two calls. */
export interface SimEngine {
  apply(event: EngineEvent, now: number): boolean;
  decide(now: number): Decision[];
  /** Optional read-back, used to keep an agent's place in the idle line when their shift ends. */
  agent?(id: string): Readonly<EngineAgent> | undefined;
}

/** One contact arriving. Times are seconds from the start of the run. */
export interface SimArrival {
  at: number;
  queueId: string;
  channel: Channel;
  /** Talk/handle time once answered (wrap-up comes on top, from the queue or the run's options). */
  handleSeconds: number;
  /** The customer across channels: the key for sticky routing. */
  customerId?: string;
  /** How long this customer waits before hanging up; overrides the run's patience distribution. */
  patienceSeconds?: number;
  priority?: number;
  /** Used only when the queue is unknown to the engine (legacy AND list). */
  requiredSkills?: SkillRequirement[];
}

export interface SimShift {
  /** Seconds from the start of the run. */
  start: number;
  end: number;
}

export interface SimAgent {
  id: string;
  skills: Record<string, number>;
  /** Capacity in cost units (default 100). */
  capacity?: number;
  /** Logged in from `start` to `end`; no shift = the whole run. */
  shift?: SimShift;
}

export interface SimOptions {
  engine: SimEngine;
  /** Sent to the engine as queue.upserted at the start. Tasks of other queues are routed the legacy way. */
  queues?: readonly QueueConfig[];
  agents: readonly SimAgent[];
  arrivals: readonly SimArrival[];
  /** Cost units per channel (defaults: voice 100, webchat 34, sms 20, email 10). */
  costs?: Partial<Record<Channel, number>>;
  /** Time from an offer to the agent's accept, seconds (default 1 s fixed; 0 for Erlang comparisons). */
  acceptDelay?: Dist;
  /** Customer patience, seconds; null/absent = nobody abandons (unless an arrival says otherwise). */
  patience?: Dist | null;
  /** Wrap-up after each contact, seconds; overrides every queue's wrapUpSeconds when given. */
  wrapUpSeconds?: number;
  /** The runtime's periodic decide (escalation timers, sticky budgets), seconds; default 1. */
  tickSeconds?: number;
  /** Arrivals before this are simulated but not counted, and busy time before it is not measured. */
  warmupSeconds?: number;
  /** End of the measurement window (arrivals after it are still fed but not counted); default: the last arrival. */
  horizonSeconds?: number;
  /** After the horizon, how long counted contacts may still finish (default 4 h); the rest are "waiting at end". */
  drainSeconds?: number;
  /** SL threshold for tasks whose queue the run does not configure (default 20 s). */
  defaultThresholdSeconds?: number;
  /** Seed for the run's own draws (accept delays, patience); arrivals carry their own. */
  seed?: number | string;
  /** Engine clock at time 0 (epoch ms); default 2023-11-14T22:13:20Z. */
  epochMs?: number;
  /** Tell the engine the customer's last agent (stickyAgentId) on each new contact; default true. */
  sticky?: boolean;
  /**
   * Handle time multiplier by who answers (e.g. a less proficient agent talks longer); default 1.
   * Must be a pure function of its arguments so runs stay deterministic.
   */
  handleFactor?: (arrival: SimArrival, agent: SimAgent) => number;
  /** Keep one record per counted task in the result. */
  recordTasks?: boolean;
}

export interface SimTaskRecord {
  id: string;
  queueId: string;
  /** Queue the task ended in (after overflow). */
  finalQueueId: string;
  channel: Channel;
  arrivedAt: number;
  outcome: 'answered' | 'abandoned' | 'waiting';
  /** Seconds from arrival to answer (or to abandonment, or to the end of the run). */
  waitSeconds: number;
  agentId: string | null;
}

export interface SimGroupStats {
  arrivals: number;
  answered: number;
  abandoned: number;
  waitingAtEnd: number;
  sl: number;
  asaSeconds: number;
  abandonRate: number;
}

export interface SimAgentStats {
  id: string;
  staffedSeconds: number;
  /** Time with at least one contact in hand or in wrap-up. */
  busySeconds: number;
  /** Cost-weighted: ∫ min(1, load / capacity) dt / staffed (two chats of 34 = 0.68). */
  occupancy: number;
  /** busy / staffed: time with any contact in hand. */
  busyFraction: number;
  handled: number;
}

export interface SimResult {
  /** How each rate is defined (the anchors' definitions). */
  definitions: {
    sl: string;
    sl2: string;
    asa: string;
    abandonRate: string;
    occupancy: string;
    busyFraction: string;
    occupancySpread: string;
  };
  /** Counted arrivals: those in [warmup, horizon]. Every one is answered, abandoned or waiting at the end. */
  arrivals: number;
  answered: number;
  abandoned: number;
  waitingAtEnd: number;
  answeredWithinThreshold: number;
  sl: number;
  sl2: number;
  asaSeconds: number;
  /** Median and 90th percentile wait of answered contacts. */
  p50WaitSeconds: number;
  p90WaitSeconds: number;
  maxWaitSeconds: number;
  abandonRate: number;
  /** Capacity in use, cost-weighted (see SimAgentStats.occupancy). */
  occupancy: number;
  /** Time with any contact in hand / staffed time (see SimAgentStats.busyFraction). */
  busyFraction: number;
  occupancySpread: number;
  occupancyMin: number;
  occupancyMax: number;
  offers: number;
  escalations: { timer: number; predicted: number };
  overflows: number;
  agentsSetAway: number;
  perQueue: Record<string, SimGroupStats>;
  perChannel: Partial<Record<Channel, SimGroupStats>>;
  perAgent: SimAgentStats[];
  /** Simulated seconds from 0 to the last event processed. */
  simulatedSeconds: number;
  /** Engine calls made (apply + decide). */
  engineCalls: number;
  tasks?: SimTaskRecord[];
}

export const SIM_DEFINITIONS: SimResult['definitions'] = {
  sl: 'answered within the queue threshold / answered',
  sl2: '(answered + abandoned, each within the threshold) / (answered + abandoned)',
  asa: 'total wait of answered (arrival to accept) / answered',
  abandonRate: 'abandoned / arrivals offered to the queue',
  occupancy:
    'capacity in use / capacity, time-weighted over staffed (logged-in) time, all agents: handling + wrap-up at the contact\'s cost units (a call 100/100, two chats 68/100); for voice only this is handling / (handling + idle)',
  busyFraction: 'time with at least one contact in hand or in wrap-up / staffed time, all agents',
  occupancySpread: 'max − min of per-agent occupancy (fraction), agents with staffed time',
};
