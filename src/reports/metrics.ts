/**
 * Contact-center report figures from plain records. Pure: no I/O, no clock —
 * "now" (for work still in progress) is an input. Definitions:
 *
 * Queue rows and the total count tasks:
 * - offered: routing tasks enqueued in the range.
 * - answered: tasks an agent took (assigned_at set).
 * - abandoned: tasks closed before any agent took them.
 * - service level: answered within the queue's threshold ÷ answered (the live dashboard's definition).
 * - ASA: mean enqueued → assigned of answered tasks.
 * - AHT: mean assigned → completed of completed tasks, plus the queue's wrap-up time, which the
 *   routing runtime applies to the agent on every completion.
 * - abandon rate: abandoned ÷ (answered + abandoned).
 * - first response: the customer's first message → the first agent message after it.
 * - resolution: conversation created → closed.
 * - CSAT: mean visitor rating (1–5) and how many ratings.
 *
 * Agent rows credit each agent with their own assignment segments (took it → reassigned,
 * put back in a queue, or closed), never with a whole conversation for holding it last:
 * - offered: offers presented to the agent.
 * - answered (handled): segments the agent began in the range.
 * - service level, ASA: over the segments in which the agent was the first to take the task
 *   (a conversation handed over later waited for the queue, not for them).
 * - AHT: mean segment length, plus the queue's wrap-up when the segment ended with the close.
 * - first response: from the oldest customer message still unanswered when they took it (or the
 *   next one the customer sent), counted from when they took it, to their own first reply within
 *   the segment. The first agent's clock starts at the customer's message, as the customer felt it.
 * - resolution, CSAT: the agent whose segment ended with the close (the outcome is theirs).
 * - occupancy: time holding work (a segment, or the wrap-up after a close) ÷ time logged in (any
 *   presence other than offline), both within the range; several chats at once count once.
 *   The hub records an agent offline when their last console has been gone for the grace period,
 *   as of the moment it went, so a closed tab is not logged-in time.
 */

export interface TaskRecord {
  queueId: string;
  agentId: string | null;
  enqueuedAt: Date;
  assignedAt: Date | null;
  completedAt: Date | null;
  abandonedAt: Date | null;
  thresholdSeconds: number;
  wrapUpSeconds: number;
}

export interface ConversationRecord {
  queueId: string | null;
  agentId: string | null;
  createdAt: Date;
  closedAt: Date | null;
  firstCustomerAt: Date | null;
  /** First agent message after firstCustomerAt. */
  firstAgentReplyAt: Date | null;
  csatScore: number | null;
}

/** One agent's stretch of holding one task (assignment_segments). */
export interface SegmentRecord {
  agentId: string;
  queueId: string;
  start: Date;
  /** null: still holding it. */
  end: Date | null;
  endReason: 'completed' | 'reassigned' | 'requeued' | 'cancelled' | null;
  /** When the task entered the queue, if this agent was the first to take it; null for a handed-over task. */
  enqueuedAt: Date | null;
  thresholdSeconds: number;
  wrapUpSeconds: number;
  /** When the first-response clock started for this agent (see the definitions above); null: nothing to answer. */
  clockStart: Date | null;
  /** This agent's first message in the segment at or after clockStart. */
  firstReplyAt: Date | null;
}

export interface OfferRecord {
  agentId: string;
}

export interface StatusChange {
  agentId: string;
  status: 'available' | 'away' | 'break' | 'offline';
  at: Date;
}

/** A span of time [start, end) in epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

export interface WorkSpan {
  agentId: string;
  start: Date;
  /** null: still holding it. */
  end: Date | null;
}

export interface MetricRow {
  id: string;
  name: string;
  offered: number;
  answered: number;
  /** null for agent rows: abandonment belongs to a queue, not to an agent. */
  abandoned: number | null;
  /** Fractions (0.8 = 80 %), null when there is nothing to divide by. */
  serviceLevel: number | null;
  asaSeconds: number | null;
  ahtSeconds: number | null;
  abandonRate: number | null;
  occupancy: number | null;
  /** Agent rows and the total: time logged in and time holding work in the range; null on queue rows. */
  loggedInSeconds: number | null;
  busySeconds: number | null;
  firstResponseSeconds: number | null;
  resolutionSeconds: number | null;
  csatAverage: number | null;
  csatCount: number;
}

const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

export const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** Answered within the threshold ÷ answered; a wait exactly at the threshold counts as within. */
export function serviceLevel(tasks: readonly TaskRecord[]): number | null {
  let answered = 0;
  let within = 0;
  for (const t of tasks) {
    if (!t.assignedAt) continue;
    answered++;
    if (seconds(t.enqueuedAt, t.assignedAt) <= t.thresholdSeconds) within++;
  }
  return ratio(within, answered);
}

export interface TaskFigures {
  answered: number;
  abandoned: number;
  serviceLevel: number | null;
  asaSeconds: number | null;
  ahtSeconds: number | null;
  abandonRate: number | null;
}

export function taskFigures(tasks: readonly TaskRecord[]): TaskFigures {
  const waits: number[] = [];
  const handles: number[] = [];
  let abandoned = 0;
  for (const t of tasks) {
    if (t.assignedAt) waits.push(seconds(t.enqueuedAt, t.assignedAt));
    if (t.assignedAt && t.completedAt) handles.push(seconds(t.assignedAt, t.completedAt) + t.wrapUpSeconds);
    if (t.abandonedAt && !t.assignedAt) abandoned++;
  }
  return {
    answered: waits.length,
    abandoned,
    serviceLevel: serviceLevel(tasks),
    asaSeconds: mean(waits),
    ahtSeconds: mean(handles),
    abandonRate: ratio(abandoned, waits.length + abandoned),
  };
}

export interface ConversationFigures {
  firstResponseSeconds: number | null;
  resolutionSeconds: number | null;
  csatAverage: number | null;
  csatCount: number;
}

/** An agent's figures from their own segments (see the definitions at the top). */
export function segmentFigures(segments: readonly SegmentRecord[]): TaskFigures & { firstResponseSeconds: number | null } {
  const waits: number[] = [];
  let within = 0;
  const handles: number[] = [];
  const firsts: number[] = [];
  for (const s of segments) {
    if (s.enqueuedAt) {
      const wait = seconds(s.enqueuedAt, s.start);
      waits.push(wait);
      if (wait <= s.thresholdSeconds) within++;
    }
    if (s.end) handles.push(seconds(s.start, s.end) + (s.endReason === 'completed' ? s.wrapUpSeconds : 0));
    if (s.clockStart && s.firstReplyAt) firsts.push(seconds(s.clockStart, s.firstReplyAt));
  }
  return {
    answered: segments.length,
    abandoned: 0,
    serviceLevel: ratio(within, waits.length),
    asaSeconds: mean(waits),
    ahtSeconds: mean(handles),
    abandonRate: null,
    firstResponseSeconds: mean(firsts),
  };
}

/** Busy time of a segment: while holding it, and through the wrap-up when it ended with the close. */
export function segmentWork(s: Pick<SegmentRecord, 'agentId' | 'start' | 'end' | 'endReason' | 'wrapUpSeconds'>): WorkSpan {
  return { agentId: s.agentId, start: s.start, end: s.end && s.endReason === 'completed' ? new Date(s.end.getTime() + s.wrapUpSeconds * 1000) : s.end };
}

export function conversationFigures(conversations: readonly ConversationRecord[]): ConversationFigures {
  const firsts: number[] = [];
  const resolutions: number[] = [];
  const scores: number[] = [];
  for (const c of conversations) {
    if (c.firstCustomerAt && c.firstAgentReplyAt) firsts.push(seconds(c.firstCustomerAt, c.firstAgentReplyAt));
    if (c.closedAt) resolutions.push(seconds(c.createdAt, c.closedAt));
    if (c.csatScore !== null) scores.push(c.csatScore);
  }
  return { firstResponseSeconds: mean(firsts), resolutionSeconds: mean(resolutions), csatAverage: mean(scores), csatCount: scores.length };
}

/** Sorted, non-overlapping union of the intervals (touching ones join). */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

export const totalLength = (intervals: readonly Interval[]): number => mergeIntervals(intervals).reduce((s, i) => s + (i.end - i.start), 0);

/** Length of the overlap of two interval sets. */
export function overlapLength(a: readonly Interval[], b: readonly Interval[]): number {
  const x = mergeIntervals(a);
  const y = mergeIntervals(b);
  let i = 0;
  let j = 0;
  let sum = 0;
  while (i < x.length && j < y.length) {
    const xi = x[i]!;
    const yj = y[j]!;
    const start = Math.max(xi.start, yj.start);
    const end = Math.min(xi.end, yj.end);
    if (end > start) sum += end - start;
    if (xi.end < yj.end) i++;
    else j++;
  }
  return sum;
}

/**
 * The logged-in spans of one agent within [from, to), from the agent's status
 * changes. A change before `from` says what the agent was in when the range
 * began; before the first known change the agent counts as offline.
 */
export function loggedInIntervals(changes: readonly StatusChange[], from: Date, to: Date): Interval[] {
  const sorted = [...changes].sort((a, b) => a.at.getTime() - b.at.getTime());
  const out: Interval[] = [];
  for (let k = 0; k < sorted.length; k++) {
    const c = sorted[k]!;
    if (c.status === 'offline') continue;
    const start = Math.max(c.at.getTime(), from.getTime());
    const end = Math.min(sorted[k + 1]?.at.getTime() ?? Infinity, to.getTime());
    if (end > start) out.push({ start, end });
  }
  return mergeIntervals(out);
}

export function occupancy(changes: readonly StatusChange[], work: readonly WorkSpan[], from: Date, to: Date): { workingMs: number; loggedInMs: number } {
  const loggedIn = loggedInIntervals(changes, from, to);
  const working = work.map((w) => ({ start: Math.max(w.start.getTime(), from.getTime()), end: Math.min(w.end?.getTime() ?? to.getTime(), to.getTime()) }));
  return { workingMs: overlapLength(loggedIn, working), loggedInMs: totalLength(loggedIn) };
}

export interface ReportInput {
  from: Date;
  /** End of the range, already capped at "now" by the caller for occupancy. */
  to: Date;
  groupBy: 'queue' | 'agent';
  queues: readonly { id: string; name: string }[];
  agents: readonly { id: string; name: string }[];
  tasks: readonly TaskRecord[];
  conversations: readonly ConversationRecord[];
  offers: readonly OfferRecord[];
  /** Segments that began in the range (agent traffic). */
  segments: readonly SegmentRecord[];
  statusChanges: readonly StatusChange[];
  /** Busy spans that overlap the range, even if they began before it (occupancy is about time). */
  work: readonly WorkSpan[];
}

export interface Report {
  groupBy: 'queue' | 'agent';
  rows: MetricRow[];
  total: MetricRow;
}

interface Occupancy {
  workingMs: number;
  loggedInMs: number;
}

const time = (occ: Occupancy | null) =>
  occ ? { occupancy: ratio(occ.workingMs, occ.loggedInMs), loggedInSeconds: occ.loggedInMs / 1000, busySeconds: occ.workingMs / 1000 } : { occupancy: null, loggedInSeconds: null, busySeconds: null };

function taskRow(id: string, name: string, offered: number, tasks: readonly TaskRecord[], conversations: readonly ConversationRecord[], occ: Occupancy | null): MetricRow {
  const t = taskFigures(tasks);
  return {
    id,
    name,
    offered,
    answered: t.answered,
    abandoned: t.abandoned,
    serviceLevel: t.serviceLevel,
    asaSeconds: t.asaSeconds,
    ahtSeconds: t.ahtSeconds,
    abandonRate: t.abandonRate,
    ...time(occ),
    ...conversationFigures(conversations),
  };
}

function agentRow(id: string, name: string, offered: number, segments: readonly SegmentRecord[], closed: readonly ConversationRecord[], occ: Occupancy): MetricRow {
  const s = segmentFigures(segments);
  const c = conversationFigures(closed);
  return {
    id,
    name,
    offered,
    answered: s.answered,
    // Abandonment belongs to a queue, not to an agent.
    abandoned: null,
    serviceLevel: s.serviceLevel,
    asaSeconds: s.asaSeconds,
    ahtSeconds: s.ahtSeconds,
    abandonRate: null,
    ...time(occ),
    firstResponseSeconds: s.firstResponseSeconds,
    resolutionSeconds: c.resolutionSeconds,
    csatAverage: c.csatAverage,
    csatCount: c.csatCount,
  };
}

function groupOf<T>(items: readonly T[], key: (item: T) => string | null): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** One row per queue or per agent (every one listed, even with no traffic), and the whole center as the total. */
export function buildReport(input: ReportInput): Report {
  const changesByAgent = groupOf(input.statusChanges, (c) => c.agentId);
  const workByAgent = groupOf(input.work, (w) => w.agentId);
  const agentOcc = new Map(input.agents.map((a) => [a.id, occupancy(changesByAgent.get(a.id) ?? [], workByAgent.get(a.id) ?? [], input.from, input.to)]));
  const centerOcc = [...agentOcc.values()].reduce((s, o) => ({ workingMs: s.workingMs + o.workingMs, loggedInMs: s.loggedInMs + o.loggedInMs }), { workingMs: 0, loggedInMs: 0 });
  let rows: MetricRow[];
  if (input.groupBy === 'queue') {
    const tasks = groupOf(input.tasks, (t) => t.queueId);
    const convs = groupOf(input.conversations, (c) => c.queueId);
    rows = input.queues.map((q) => {
      const qt = tasks.get(q.id) ?? [];
      return taskRow(q.id, q.name, qt.length, qt, convs.get(q.id) ?? [], null);
    });
  } else {
    const segments = groupOf(input.segments, (s) => s.agentId);
    // conversations.assigned_agent_id is whoever held it at the close: the agent whose segment ended it.
    const closed = groupOf(input.conversations, (c) => (c.closedAt ? c.agentId : null));
    const offers = groupOf(input.offers, (o) => o.agentId);
    rows = input.agents.map((a) =>
      agentRow(a.id, a.name, offers.get(a.id)?.length ?? 0, segments.get(a.id) ?? [], closed.get(a.id) ?? [], agentOcc.get(a.id) ?? { workingMs: 0, loggedInMs: 0 }),
    );
  }
  const total = taskRow('total', 'total', input.tasks.length, input.tasks, input.conversations, centerOcc);
  return { groupBy: input.groupBy, rows, total };
}
