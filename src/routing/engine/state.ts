/**
 * The routing engine's internal state: agents, groups ("who may take this work"), buckets
 * (group × task cost), queues and tasks as the engine keeps them, and the orders its indexes use.
 * Shapes only, no behaviour beyond comparators: engine.ts owns every mutation.
 */
import type { SortedList } from './sorted.js';
import type { EngineAgent, EngineTask, QueueConfig, SkillExpr, SkillRequirement, Strategy } from './types.js';

export type Phase = 'waiting' | 'reserved' | 'offered';
export type StrategyName = Strategy | 'custom';

export interface AgentState {
  readonly a: EngineAgent;
  /** Order of arrival in the engine: agent.away decisions come out in this order. */
  readonly seq: number;
  alive: boolean;
  /** available + console connected (may still be in wrap-up or full). */
  online: boolean;
  /** online and not in wrap-up. */
  ready: boolean;
  groups: Set<Group>;
  /** The buckets whose ready list holds this agent, with the entry stored there. */
  readonly inBuckets: Map<Bucket, AgentEntry>;
  /** Drain rule: the agent is kept free for this task and takes no other work. */
  claimedBy: TaskState | null;
  /** A claim that ended during pass N leaves the agent out of the rest of pass N (it is dirty for the next). */
  frozenRound: number;
  /** Tasks held for this agent within their sticky budget. */
  readonly waiters: Set<TaskState>;
  wrapTimerAt: number;
  /** Rolling occupancy (exponentially weighted cost-weighted busy fraction) as of occAt. */
  occ: number;
  occAt: number;
  occFrac: number;
  /** Bumped whenever used or capacity changes: least-occupied entries are re-keyed then. */
  version: number;
}

export interface AgentEntry {
  readonly s: AgentState;
  readonly id: string;
  readonly idle: number;
  /** most-proficient: summed levels on the queue's skills. */
  readonly score: number;
  /** reserve: how many higher-priority queues' base groups the agent belongs to (see Group.higher). */
  readonly spare: number;
  /** least-occupied: current load fraction, then the rolling-occupancy key (see enter). */
  readonly load: number;
  readonly occSign: number;
  readonly occLog: number;
  readonly version: number;
}

export interface Group {
  readonly queue: QueueState | null;
  readonly step: number;
  readonly req: SkillExpr | null;
  readonly legacy: readonly SkillRequirement[] | null;
  readonly legacyKey: string | null;
  readonly strategy: StrategyName;
  /** most-proficient: the skills whose levels are summed. */
  readonly scoreSkills: readonly string[];
  /**
   * reserve: the base (step 0) groups of the queues of higher priority than this group's queue,
   * whose bigger work this group's small tasks must not starve of agents. Rebuilt on every queue
   * change.
   */
  higher: Group[];
  readonly members: Set<AgentState>;
  readonly buckets: Map<number, Bucket>;
  /** Sum of capacity of online members: the staffing used by wait predictions. */
  onlineCapacity: number;
  /** Tasks placed in this group. */
  placed: number;
  dead: boolean;
}

export interface Bucket {
  readonly group: Group;
  readonly cost: number;
  readonly tasks: SortedList<TaskState>;
  readonly ready: SortedList<AgentEntry>;
}

export interface QueueState {
  readonly cfg: QueueConfig;
  readonly json: string;
  readonly groups: Group[];
  readonly thresholdMs: number;
  readonly stickyMs: number;
  readonly wrapUpMs: number;
  readonly aging: number;
  readonly priority: number;
  /** Cost of the tasks waiting in this queue. */
  waitingCost: number;
  rrLast: string | null;
}

export interface TaskState {
  readonly task: EngineTask;
  phase: Phase;
  agentId: string | null;
  offerId: string | null;
  /** agentId → time of their last reject/miss of this task (allocated on the first one). */
  declined: Map<string, number> | null;
  alive: boolean;
  queue: QueueState | null;
  step: number;
  group: Group | null;
  bucket: Bucket | null;
  held: AgentState | null;
  counted: QueueState | null;
  key: number;
  aging: number;
  claim: AgentState | null;
  round: number;
  /**
   * Queues this task has been in, from its first overflow on (before that, only its own queue):
   * overflow never goes back to one — no ping-pong, even with a bad configuration.
   */
  visited: Set<string> | null;
}

export type Timer =
  | { at: number; seq: number; kind: 'escalate'; t: TaskState; queue: QueueState; step: number }
  | { at: number; seq: number; kind: 'task'; t: TaskState }
  | { at: number; seq: number; kind: 'agent'; s: AgentState };

export interface Cursor {
  t: TaskState;
  b: Bucket | null;
  by: AgentState[] | null;
}

export interface Snapshot {
  online: boolean;
  ready: boolean;
  capacity: number;
  room: number;
  groups: Set<Group>;
}

export interface Pick {
  chosen: AgentState;
  ranked: string[];
  candidates: number;
  /** reserve: agents passed over before the chosen one because they were kept for higher-priority work. */
  reserved?: number;
}

export const fin = (x: unknown, d: number): number => (typeof x === 'number' && Number.isFinite(x) ? x : d);
export const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Order inside a bucket (all tasks share the queue, so the aging term cancels out). */
export const byQueueOrder = (x: TaskState, y: TaskState): number =>
  x.key !== y.key ? (y.key > x.key ? 1 : -1) : x.task.enqueuedAt - y.task.enqueuedAt || cmpStr(x.task.id, y.task.id);

export const entryOrder = (strategy: StrategyName): ((x: AgentEntry, y: AgentEntry) => number) => {
  switch (strategy) {
    case 'most-proficient':
      return (x, y) => y.score - x.score || x.idle - y.idle || cmpStr(x.id, y.id);
    case 'round-robin':
      return (x, y) => cmpStr(x.id, y.id);
    case 'best-fit':
      // Fullest agent that still has room first, then the most proficient: small work packs onto
      // agents already busy, so more agents stay entirely free for a 100-unit call.
      return (x, y) => y.load - x.load || y.score - x.score || x.idle - y.idle || cmpStr(x.id, y.id);
    case 'reserve':
      // As best-fit, but between equally loaded agents the one fewer higher-priority queues can use
      // goes first: a generalist who can take every kind of call is the last one a chat ties up.
      return (x, y) => y.load - x.load || x.spare - y.spare || y.score - x.score || x.idle - y.idle || cmpStr(x.id, y.id);
    case 'least-occupied':
      // Lowest current load first; then lowest rolling occupancy: for equal load the decayed
      // occupancy orders like (sign, ±log) below at every later instant, so the order is static.
      return (x, y) =>
        x.load - y.load ||
        x.occSign - y.occSign ||
        (x.occSign < 0 ? y.occLog - x.occLog : x.occLog - y.occLog) ||
        x.idle - y.idle ||
        cmpStr(x.id, y.id);
    default:
      return (x, y) => x.idle - y.idle || cmpStr(x.id, y.id);
  }
};
