/**
 * Replay: a supervisor's "what if". Parses and validates a routing configuration (queues, agents,
 * simulation settings) and a list of arrivals (recorded, or generated from a few rates), runs the
 * simulator against the real engine and formats what came out. No file or console I/O here: the
 * command-line wrapper is src/cli/routing-replay.ts.
 */
import { z } from 'zod';
import type { Channel } from '../../contracts/index.js';
import { RoutingEngine, STRATEGIES, validateQueues } from '../engine/index.js';
import type { QueueConfig } from '../engine/index.js';
import { generateArrivals } from './arrivals.js';
import type { ArrivalStream } from './arrivals.js';
import { Rng, sample } from './rng.js';
import type { Dist } from './rng.js';
import { simulate } from './simulator.js';
import type { SimAgent, SimArrival, SimResult } from './types.js';

const CHANNELS = ['voice', 'webchat', 'sms', 'email'] as const;
const DEFAULT_HANDLE: Record<Channel, number> = { voice: 240, webchat: 480, sms: 120, email: 300 };

const channel = z.enum(CHANNELS);
const nonNegative = z.number().finite().nonnegative();

const dist = z.union([
  nonNegative,
  z.strictObject({ kind: z.literal('fixed'), value: nonNegative }),
  z.strictObject({ kind: z.literal('exponential'), mean: nonNegative }),
  z.strictObject({ kind: z.literal('uniform'), min: nonNegative, max: nonNegative }),
  z.strictObject({ kind: z.literal('lognormal'), mean: nonNegative, sd: nonNegative }),
]);

/** "HH:MM" (from midnight of the first day) or seconds from the start. */
const clock = z.union([
  nonNegative,
  z
    .string()
    .regex(/^\d{1,2}:\d{2}$/, 'use "HH:MM" or a number of seconds')
    .transform((s) => {
      const [h, m] = s.split(':').map(Number) as [number, number];
      return h * 3600 + m * 60;
    }),
]);

// The shape only; the meaning (skill expressions, escalation order, overflow cycles) is the
// engine's validateQueues, which names the field of every problem.
const queueSchema = z.object({
  id: z.string().min(1),
  channel,
  requirement: z.unknown().nullable().default(null),
  priority: z.number().finite().default(0),
  serviceLevel: z.object({ targetFraction: z.number().finite(), thresholdSeconds: z.number().finite() }),
  strategy: z.enum(STRATEGIES).default('longest-idle'),
  escalation: z.array(z.record(z.string(), z.unknown())).default([]),
  predictiveEscalation: z.boolean().default(false),
  agingPerMinute: z.number().finite().default(0),
  stickyWaitSeconds: z.number().finite().default(0),
  wrapUpSeconds: z.number().finite().default(0),
});

const agentSchema = z.object({
  id: z.string().min(1),
  skills: z.record(z.string(), z.number().finite().min(0).max(10)).default({}),
  capacity: z.number().finite().positive().optional(),
  shift: z.object({ start: clock, end: clock }).optional(),
});

const simulationSchema = z
  .object({
    seed: z.union([z.number().int(), z.string()]).default(1),
    /** Seconds from an offer to the agent's accept. */
    acceptDelay: dist.default(2),
    /** Customer patience: one distribution, or one per channel; absent = nobody abandons. */
    patience: z.union([dist, z.partialRecord(channel, dist)]).optional(),
    /** Overrides every queue's wrap-up. */
    wrapUpSeconds: nonNegative.optional(),
    warmupSeconds: nonNegative.default(0),
    drainSeconds: nonNegative.default(4 * 3600),
    tickSeconds: z.number().finite().positive().default(1),
    /** Tell the engine each customer's last agent (sticky routing). */
    sticky: z.boolean().default(true),
  })
  .default({ seed: 1, acceptDelay: 2, warmupSeconds: 0, drainSeconds: 4 * 3600, tickSeconds: 1, sticky: true });

export const replayConfigSchema = z.object({
  queues: z.array(queueSchema).min(1, 'give at least one queue'),
  agents: z.array(agentSchema).min(1, 'give at least one agent'),
  costs: z.partialRecord(channel, nonNegative).optional(),
  simulation: simulationSchema,
});

export type ReplayConfig = z.infer<typeof replayConfigSchema>;

const arrivalSchema = z.object({
  /** Seconds from the start, or an ISO timestamp. */
  at: z.union([nonNegative, z.iso.datetime({ offset: true })]),
  queueId: z.string().min(1),
  channel,
  handleSeconds: nonNegative,
  customerId: z.string().min(1).optional(),
  patienceSeconds: nonNegative.optional(),
  priority: z.number().finite().optional(),
});

const arrivalsFileSchema = z.union([z.array(arrivalSchema), z.object({ arrivals: z.array(arrivalSchema) })]);

export const generateSchema = z.strictObject({
  hours: z.number().finite().positive().max(24 * 31).default(8),
  /** Contacts per hour in total, split evenly over the queues (or use `rates`). */
  rate: nonNegative.optional(),
  /** Contacts per hour per queue id. */
  rates: z.record(z.string(), nonNegative).optional(),
  /** Mean handle time (exponential), seconds: one number, or per channel. */
  handleSeconds: z.union([nonNegative, z.partialRecord(channel, nonNegative)]).optional(),
  /** Returning customers: ids drawn from a pool of this size. */
  customers: z.number().int().nonnegative().optional(),
  seed: z.union([z.number().int(), z.string()]).default(1),
});

export type GenerateSpec = z.infer<typeof generateSchema>;

/** A problem in the input, with the field it is about (e.g. `config.queues[1].serviceLevel.thresholdSeconds`). */
export interface ReplayIssue {
  path: string;
  message: string;
}

export class ReplayInputError extends Error {
  constructor(readonly issues: ReplayIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
    this.name = 'ReplayInputError';
  }
}

function zodIssues(error: z.ZodError, root: string): ReplayIssue[] {
  return error.issues.map((i) => ({ path: formatPath(root, i.path), message: i.message }));
}

function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `.${String(p)}`;
  return out;
}

export interface ParsedConfig {
  queues: QueueConfig[];
  agents: SimAgent[];
  costs: Partial<Record<Channel, number>>;
  simulation: ReplayConfig['simulation'];
  /** Not fatal: e.g. a queue asking for a skill no agent has. */
  warnings: ReplayIssue[];
}

/** Checks a configuration; throws ReplayInputError naming every bad field. */
export function parseConfig(raw: unknown): ParsedConfig {
  const parsed = replayConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ReplayInputError(zodIssues(parsed.error, 'config'));
  const c = parsed.data;
  const queues = c.queues as unknown as QueueConfig[];
  const issues: ReplayIssue[] = validateQueues(queues).map((i) => ({ path: `config.${i.path}`, message: i.message }));
  const seen = new Map<string, number>();
  c.agents.forEach((a, i) => {
    const prev = seen.get(a.id);
    if (prev !== undefined) issues.push({ path: `config.agents[${i}].id`, message: `duplicate agent id "${a.id}" (also agents[${prev}])` });
    else seen.set(a.id, i);
    if (a.shift && a.shift.end <= a.shift.start) issues.push({ path: `config.agents[${i}].shift.end`, message: 'must be after shift.start' });
  });
  if (issues.length > 0) throw new ReplayInputError(issues);
  const known = new Set(c.agents.flatMap((a) => Object.keys(a.skills)));
  const warnings = validateQueues(queues, known)
    .filter((i) => i.message.startsWith('unknown skill'))
    .map((i) => ({ path: `config.${i.path}`, message: `${i.message}: no agent has it, so this queue can only be served after escalation` }));
  const agents: SimAgent[] = c.agents.map((a) => ({ id: a.id, skills: a.skills, ...(a.capacity !== undefined ? { capacity: a.capacity } : {}), ...(a.shift ? { shift: a.shift } : {}) }));
  return { queues, agents, costs: c.costs ?? {}, simulation: c.simulation, warnings };
}

/**
 * Checks recorded arrivals against the configuration. Numeric `at` is seconds from the start; ISO
 * timestamps become seconds from midnight (UTC) of the earliest one's day, so "HH:MM" shifts line up.
 */
export function parseArrivals(raw: unknown, config: ParsedConfig): SimArrival[] {
  const parsed = arrivalsFileSchema.safeParse(raw);
  if (!parsed.success) throw new ReplayInputError(zodIssues(parsed.error, 'arrivals'));
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.arrivals;
  const iso = list.filter((a) => typeof a.at === 'string').map((a) => Date.parse(a.at as string));
  const day0 = iso.length > 0 ? Math.floor(Math.min(...iso) / 86_400_000) * 86_400_000 : 0;
  const queues = new Map(config.queues.map((q) => [q.id, q]));
  const issues: ReplayIssue[] = [];
  const out: SimArrival[] = list.map((a, i) => {
    const q = queues.get(a.queueId);
    if (!q) issues.push({ path: `arrivals[${i}].queueId`, message: `unknown queue "${a.queueId}"` });
    else if (q.channel !== a.channel) issues.push({ path: `arrivals[${i}].channel`, message: `queue "${a.queueId}" is a ${q.channel} queue, not ${a.channel}` });
    const at = typeof a.at === 'number' ? a.at : (Date.parse(a.at) - day0) / 1000;
    const x: SimArrival = { at, queueId: a.queueId, channel: a.channel, handleSeconds: a.handleSeconds };
    if (a.customerId !== undefined) x.customerId = a.customerId;
    if (a.patienceSeconds !== undefined) x.patienceSeconds = a.patienceSeconds;
    if (a.priority !== undefined) x.priority = a.priority;
    return x;
  });
  if (issues.length > 0) throw new ReplayInputError(issues);
  return out;
}

/** Poisson arrivals for every queue of the configuration, from a few rates. */
export function generateFor(rawSpec: unknown, config: ParsedConfig): SimArrival[] {
  const parsed = generateSchema.safeParse(rawSpec);
  if (!parsed.success) throw new ReplayInputError(zodIssues(parsed.error, 'generate'));
  const g = parsed.data;
  const issues: ReplayIssue[] = [];
  if (g.rate === undefined && g.rates === undefined) issues.push({ path: 'generate.rate', message: 'give "rate" (per hour, all queues) or "rates" (per queue)' });
  for (const id of Object.keys(g.rates ?? {})) {
    if (!config.queues.some((q) => q.id === id)) issues.push({ path: `generate.rates.${id}`, message: `unknown queue "${id}"` });
  }
  if (issues.length > 0) throw new ReplayInputError(issues);
  const patience = config.simulation.patience;
  const streams: ArrivalStream[] = config.queues.map((q) => {
    const handle = typeof g.handleSeconds === 'number' ? g.handleSeconds : (g.handleSeconds?.[q.channel] ?? DEFAULT_HANDLE[q.channel]);
    const s: ArrivalStream = {
      queueId: q.id,
      channel: q.channel,
      ratePerHour: g.rates?.[q.id] ?? (g.rate ?? 0) / config.queues.length,
      handle: { kind: 'exponential', mean: handle },
    };
    const p = patienceFor(patience, q.channel);
    if (p !== undefined) s.patience = p;
    return s;
  });
  return generateArrivals({ seed: g.seed, durationSeconds: g.hours * 3600, streams, ...(g.customers ? { customers: g.customers } : {}) });
}

function patienceFor(p: ReplayConfig['simulation']['patience'], ch: Channel): Dist | undefined {
  if (p === undefined) return undefined;
  if (typeof p === 'number' || 'kind' in p) return p as Dist;
  return (p as Partial<Record<Channel, Dist>>)[ch];
}

/** Runs the replay. Patience per channel is drawn per arrival (recorded patience wins). */
export function runReplay(config: ParsedConfig, arrivals: SimArrival[]): SimResult {
  const sim = config.simulation;
  const patience = sim.patience;
  const perChannel = patience !== undefined && typeof patience === 'object' && !('kind' in patience);
  const withPatience = perChannel
    ? arrivals.map((a, i) => {
        if (a.patienceSeconds !== undefined) return a;
        const d = patienceFor(patience, a.channel);
        if (d === undefined) return a;
        // Deterministic per arrival: drawn from a generator seeded by the run's seed and the index.
        return { ...a, patienceSeconds: drawOnce(`${String(sim.seed)}/patience/${i}`, d) };
      })
    : arrivals;
  return simulate({
    engine: new RoutingEngine(),
    queues: config.queues,
    agents: config.agents,
    arrivals: withPatience,
    costs: config.costs,
    acceptDelay: sim.acceptDelay,
    patience: perChannel ? null : ((patience as Dist | undefined) ?? null),
    ...(sim.wrapUpSeconds !== undefined ? { wrapUpSeconds: sim.wrapUpSeconds } : {}),
    warmupSeconds: sim.warmupSeconds,
    drainSeconds: sim.drainSeconds,
    tickSeconds: sim.tickSeconds,
    sticky: sim.sticky,
    seed: sim.seed,
  });
}

function drawOnce(seed: string, d: Dist): number {
  return sample(new Rng(seed), d);
}

/** The human-readable table and the machine-readable summary line. */
export function formatReport(r: SimResult, config: ParsedConfig): { table: string; summary: Record<string, unknown> } {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const rows: string[][] = [['queue', 'channel', 'arrivals', 'answered', 'abandoned', 'waiting', 'SL', 'threshold', 'ASA', 'abandon']];
  const thresholds = new Map(config.queues.map((q) => [q.id, q]));
  for (const [id, s] of Object.entries(r.perQueue)) {
    const q = thresholds.get(id);
    rows.push([id, q?.channel ?? '', String(s.arrivals), String(s.answered), String(s.abandoned), String(s.waitingAtEnd), pct(s.sl), `${q?.serviceLevel.thresholdSeconds ?? '?'} s`, `${s.asaSeconds.toFixed(1)} s`, pct(s.abandonRate)]);
  }
  rows.push(['all', '', String(r.arrivals), String(r.answered), String(r.abandoned), String(r.waitingAtEnd), pct(r.sl), '', `${r.asaSeconds.toFixed(1)} s`, pct(r.abandonRate)]);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const table = [
    line(rows[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1, -1).map(line),
    widths.map((w) => '-'.repeat(w)).join('  '),
    line(rows[rows.length - 1]!),
    '',
    `occupancy ${pct(r.occupancy)} (${r.definitions.occupancy})`,
    `agents: ${r.perAgent.length}, occupancy spread ${pct(r.occupancySpread)} (min ${pct(r.occupancyMin)}, max ${pct(r.occupancyMax)})`,
    `SL = ${r.definitions.sl}; ASA = ${r.definitions.asa}; abandon = ${r.definitions.abandonRate}`,
    `escalations: ${r.escalations.timer} on timers, ${r.escalations.predicted} on predicted breach; overflows ${r.overflows}`,
  ].join('\n');
  const summary = {
    sl: r.sl,
    asa_s: r.asaSeconds,
    abandon_rate: r.abandonRate,
    occupancy: r.occupancy,
    occupancy_spread: r.occupancySpread,
    arrivals: r.arrivals,
    answered: r.answered,
    abandoned: r.abandoned,
    waiting_at_end: r.waitingAtEnd,
    sl2: r.sl2,
    p90_wait_s: r.p90WaitSeconds,
    per_queue: Object.fromEntries(Object.entries(r.perQueue).map(([id, s]) => [id, { sl: s.sl, asa_s: s.asaSeconds, abandon_rate: s.abandonRate, arrivals: s.arrivals }])),
  };
  return { table, summary };
}
