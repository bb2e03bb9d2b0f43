// Postgres side of the dialer runtime: campaigns, due contacts with their histories, attempts,
// the do-not-call list, standby legs, counts for pacing and stats.
import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { AttemptOutcomeColumn, AttemptStatus, CampaignMachine, CampaignMessage, CampaignWindow, DialMode, RetryPolicy } from '../campaigns/schema.js';
import type { AttemptRecord, AttemptOutcome } from '../rules/redial.js';
import type { AbandonmentCounts } from '../rules/abandonment.js';
import type { SkillNeed } from './plan.js';

export interface Campaign {
  id: string;
  name: string;
  status: 'draft' | 'running' | 'paused' | 'completed';
  ruleSet: 'US' | 'UK';
  mode: DialMode;
  pacing: string;
  callerId: string;
  queueId: string;
  queueName: string;
  needs: SkillNeed[];
  wrapUpMs: number;
  abandonTarget: number;
  message: CampaignMessage;
  machine: CampaignMachine;
  window: CampaignWindow;
  retry: RetryPolicy;
  maxAttempts: number;
  ringSeconds: number;
  createdAt: Date;
}

const json = <T>(v: unknown, fallback: T): T => {
  if (v === null || v === undefined) return fallback;
  if (typeof v === 'string') {
    try {
      return JSON.parse(v) as T;
    } catch {
      return fallback;
    }
  }
  return v as T;
};

function campaignQuery(db: Db) {
  return db
    .selectFrom('dialer_campaigns as c')
    .innerJoin('queues as q', 'q.id', 'c.queue_id')
    .select([
      'c.id',
      'c.name',
      'c.status',
      'c.rule_set',
      'c.mode',
      'c.pacing',
      'c.caller_id',
      'c.queue_id',
      'q.name as queue_name',
      'q.required_skills',
      'c.abandon_target',
      'c.message',
      'c.machine',
      'c.calling_window',
      'c.retry',
      'c.max_attempts',
      'c.ring_seconds',
      'c.created_at',
      (eb) => eb.selectFrom('queues as w').select('w.wrap_up_seconds').whereRef('w.id', '=', 'c.queue_id').as('wrap_up_seconds'),
    ]);
}

type CampaignRow = Awaited<ReturnType<ReturnType<typeof campaignQuery>['executeTakeFirstOrThrow']>>;

function toCampaign(r: CampaignRow): Campaign {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    ruleSet: r.rule_set,
    mode: r.mode,
    pacing: r.pacing,
    callerId: r.caller_id,
    queueId: r.queue_id,
    queueName: r.queue_name,
    needs: json<SkillNeed[]>(r.required_skills, []),
    wrapUpMs: Number(r.wrap_up_seconds ?? 0) * 1000,
    abandonTarget: Number(r.abandon_target),
    message: json<CampaignMessage>(r.message, {}),
    machine: json<CampaignMachine>(r.machine, { action: 'hangup' }),
    window: json<CampaignWindow>(r.calling_window, { start: '09:00', end: '20:00' }),
    retry: json<RetryPolicy>(r.retry, {}),
    maxAttempts: r.max_attempts,
    ringSeconds: r.ring_seconds,
    createdAt: r.created_at,
  };
}

export async function runningCampaigns(db: Db): Promise<Campaign[]> {
  return (await campaignQuery(db).where('c.status', '=', 'running').orderBy('c.created_at').execute()).map(toCampaign);
}

export async function campaign(db: Db, id: string): Promise<Campaign | null> {
  const r = await campaignQuery(db).where('c.id', '=', id).executeTakeFirst();
  return r ? toCampaign(r) : null;
}

export async function allCampaigns(db: Db): Promise<Campaign[]> {
  return (await campaignQuery(db).where('c.status', 'in', ['running', 'paused']).orderBy('c.created_at').execute()).map(toCampaign);
}

export interface DueContact {
  id: string;
  phone: string;
  name: string | null;
  zones: string[];
  attempts: number;
  doNotCall: boolean;
  history: AttemptRecord[];
}

const REDIAL_OUTCOMES: readonly string[] = ['connected', 'abandoned', 'machine', 'no-answer', 'busy', 'failed'];

/** Pending contacts due at `now`, oldest due first, with the DNC flag and their attempts so far. */
export async function dueContacts(db: Db, campaignId: string, now: Date, limit: number): Promise<DueContact[]> {
  const rows = await db
    .selectFrom('dialer_contacts as k')
    .leftJoin('dialer_dnc as d', 'd.phone', 'k.phone')
    .select(['k.id', 'k.phone', 'k.name', 'k.time_zones', 'k.attempts', 'd.phone as dnc'])
    .where('k.campaign_id', '=', campaignId)
    .where('k.status', '=', 'pending')
    .where('k.next_attempt_at', '<=', now)
    .orderBy('k.next_attempt_at')
    .limit(limit)
    .execute();
  if (rows.length === 0) return [];
  // UK redial gaps run per number, across campaigns.
  const history = await db
    .selectFrom('dialer_attempts as a')
    .innerJoin('dialer_contacts as k', 'k.id', 'a.contact_id')
    .select(['k.phone', 'a.placed_at', 'a.answered_at', 'a.outcome'])
    .where(
      'k.phone',
      'in',
      rows.map((r) => r.phone),
    )
    .where('a.outcome', 'is not', null)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    phone: r.phone,
    name: r.name,
    zones: r.time_zones,
    attempts: r.attempts,
    doNotCall: r.dnc !== null,
    history: history
      .filter((h) => h.phone === r.phone && h.outcome !== null && REDIAL_OUTCOMES.includes(h.outcome))
      .map((h) => ({ at: (h.answered_at ?? h.placed_at).getTime(), outcome: h.outcome as AttemptOutcome })),
  }));
}

export async function onDncList(db: Db, phone: string): Promise<boolean> {
  return (await db.selectFrom('dialer_dnc').select('phone').where('phone', '=', phone).executeTakeFirst()) !== undefined;
}

export interface AttemptRow {
  id: string;
  campaign_id: string;
  contact_id: string;
  call_sid: string | null;
  status: AttemptStatus;
  outcome: AttemptOutcomeColumn | null;
  answered_by: string | null;
  agent_id: string | null;
  conversation_id: string | null;
  placed_at: Date;
  answered_at: Date | null;
  connected_at: Date | null;
  ended_at: Date | null;
  queue_time_ms: number | null;
  amd_ms: number | null;
  evidence: Record<string, unknown>;
  phone: string;
  contact_name: string | null;
}

export async function attempt(db: Db, id: string): Promise<AttemptRow | null> {
  const r = await db
    .selectFrom('dialer_attempts as a')
    .innerJoin('dialer_contacts as k', 'k.id', 'a.contact_id')
    .selectAll('a')
    .select(['k.phone', 'k.name as contact_name'])
    .where('a.id', '=', id)
    .executeTakeFirst();
  if (!r) return null;
  return { ...r, evidence: json<Record<string, unknown>>(r.evidence, {}) };
}

/** Merges keys into the attempt's evidence (the record of what happened and why). */
export async function addEvidence(db: Db, id: string, data: Record<string, unknown>): Promise<void> {
  await db
    .updateTable('dialer_attempts')
    .set({ evidence: sql<string>`evidence || ${JSON.stringify(data)}::jsonb`, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

/** Calls the whole account started in the last two seconds of `now` (the calls-per-second limit is per account). */
export async function recentDialTimes(db: Db, now: Date): Promise<number[]> {
  const rows = await db
    .selectFrom('dialer_attempts')
    .select('placed_at')
    .where('placed_at', '>', new Date(now.getTime() - 2000))
    .where('placed_at', '<=', now)
    .execute();
  return rows.map((r) => r.placed_at.getTime());
}

export async function inFlight(db: Db, campaignId: string) {
  return db
    .selectFrom('dialer_attempts')
    .select(['id', 'status', 'placed_at', 'answered_at', 'evidence', 'updated_at'])
    .where('campaign_id', '=', campaignId)
    .where('outcome', 'is', null)
    .execute();
}

export async function recentEnded(db: Db, campaignId: string, limit = 200) {
  const rows = await db
    .selectFrom('dialer_attempts')
    .select(['placed_at', 'answered_at', 'connected_at', 'ended_at', 'outcome', 'amd_ms', 'queue_time_ms'])
    .where('campaign_id', '=', campaignId)
    .where('ended_at', 'is not', null)
    .orderBy('ended_at', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse();
}

export async function latestQueueTimeMs(db: Db, campaignId: string): Promise<number> {
  const r = await db
    .selectFrom('dialer_attempts')
    .select('queue_time_ms')
    .where('campaign_id', '=', campaignId)
    .where('queue_time_ms', 'is not', null)
    .orderBy('updated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r?.queue_time_ms ?? 0;
}

/** Connected / abandoned / machine counts since `from` (by the time of the answer, else the dial). */
export async function abandonmentCounts(db: Db, campaignId: string, from: Date, to: Date): Promise<AbandonmentCounts> {
  const r = await db
    .selectFrom('dialer_attempts')
    .select([
      sql<number>`count(*) filter (where outcome in ('connected', 'abandoned'))::int`.as('live'),
      sql<number>`count(*) filter (where outcome = 'abandoned')::int`.as('abandoned'),
      sql<number>`count(*) filter (where outcome = 'machine')::int`.as('machine'),
    ])
    .where('campaign_id', '=', campaignId)
    .where(sql<Date>`coalesce(answered_at, placed_at)`, '>=', from)
    .where(sql<Date>`coalesce(answered_at, placed_at)`, '<=', to)
    .executeTakeFirstOrThrow();
  return { live: r.live, abandoned: r.abandoned, machine: r.machine };
}

export async function outcomeTotals(db: Db, campaignId: string) {
  return db
    .selectFrom('dialer_attempts')
    .select([
      sql<number>`count(*)::int`.as('attempts'),
      sql<number>`count(*) filter (where outcome = 'connected')::int`.as('connected'),
      sql<number>`count(*) filter (where outcome = 'abandoned')::int`.as('abandoned'),
      sql<number>`count(*) filter (where outcome = 'machine')::int`.as('machines'),
      sql<number>`count(*) filter (where outcome in ('no-answer', 'busy'))::int`.as('noAnswer'),
      sql<number>`count(*) filter (where outcome is null)::int`.as('inFlight'),
      sql<Date | null>`min(placed_at)`.as('firstDial'),
    ])
    .where('campaign_id', '=', campaignId)
    .executeTakeFirstOrThrow();
}

// ---- standby legs ----------------------------------------------------------------------------

export async function legs(db: Db) {
  return db.selectFrom('dialer_agent_legs').selectAll().execute();
}

/**
 * Takes the agent for a call: only a leg waiting in its conference with no call bridged. The update
 * is the lock: two answers never take the same agent.
 */
export async function claimAgent(db: Db, agentId: string, attemptId: string): Promise<boolean> {
  const r = await db
    .updateTable('dialer_agent_legs')
    .set({ attempt_id: attemptId, reserved_for: null, updated_at: sql<Date>`now()` })
    .where('agent_id', '=', agentId)
    .where('status', '=', 'ready')
    .where('attempt_id', 'is', null)
    .where((eb) => eb.or([eb('reserved_for', 'is', null), eb('reserved_for', '=', attemptId)]))
    .returning('agent_id')
    .executeTakeFirst();
  return r !== undefined;
}

/** The call left the agent (ended, or the bridge failed): free for the next one. */
export async function releaseAgent(db: Db, attemptId: string): Promise<string[]> {
  const rows = await db
    .updateTable('dialer_agent_legs')
    .set({ attempt_id: null, updated_at: sql<Date>`now()` })
    .where('attempt_id', '=', attemptId)
    .returning('agent_id')
    .execute();
  await db.updateTable('dialer_agent_legs').set({ reserved_for: null }).where('reserved_for', '=', attemptId).execute();
  return rows.map((r) => r.agent_id);
}

export async function reserveAgent(db: Db, agentId: string, attemptId: string): Promise<boolean> {
  const r = await db
    .updateTable('dialer_agent_legs')
    .set({ reserved_for: attemptId, updated_at: sql<Date>`now()` })
    .where('agent_id', '=', agentId)
    .where('status', '=', 'ready')
    .where('attempt_id', 'is', null)
    .where('reserved_for', 'is', null)
    .returning('agent_id')
    .executeTakeFirst();
  return r !== undefined;
}

/** Inbound voice work waiting for an agent: the skills each task needs. */
export async function waitingInboundVoice(db: Db): Promise<SkillNeed[][]> {
  const rows = await db.selectFrom('routing_tasks').select('required_skills').where('status', '=', 'waiting').where('channel', '=', 'voice').execute();
  return rows.map((r) => json<SkillNeed[]>(r.required_skills, []));
}

export type SkillNeedList = SkillNeed[][];
