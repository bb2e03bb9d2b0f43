import { sql, type Selectable } from 'kysely';
import type { Db } from '../../db/index.js';
import { CHANNEL_COST } from '../../domain/capacity.js';
import { AppError } from '../../errors.js';
import { BUILT_IN_FLOW, validateFlow, type Flow } from './flow.js';
import type { WaitFigures } from './prompts.js';
import type { CallState, LegRole, PathEntry, VoiceCallsTable, VoiceLegsTable } from './schema.js';

export type CallRow = Selectable<VoiceCallsTable>;
export type LegRow = Selectable<VoiceLegsTable>;

/** Twilio call statuses in the order a call goes through them; callbacks only move a call forward. */
const STATUS_RANK: Record<string, number> = {
  queued: 0,
  initiated: 1,
  ringing: 2,
  'in-progress': 3,
  answered: 3,
  completed: 4,
  busy: 4,
  'no-answer': 4,
  failed: 4,
  canceled: 4,
};
export const statusRank = (status: string): number | undefined => STATUS_RANK[status];
export const isFinal = (status: string) => STATUS_RANK[status] === 4;

export interface LoadedFlow {
  flow: Flow;
  /** The number whose flow it is, 'default', or 'built-in'. */
  source: string;
  /** Set when a stored flow could not be used (it no longer validates): the built-in flow answered instead. */
  problem?: string;
}

/** The flow for a business number: its own, else 'default', else the built-in one. */
export async function loadFlow(db: Db, number: string): Promise<LoadedFlow> {
  const rows = await db.selectFrom('voice_flows').select(['number', 'definition']).where('number', 'in', [number, 'default']).execute();
  const row = rows.find((r) => r.number === number) ?? rows.find((r) => r.number === 'default');
  if (!row) return { flow: BUILT_IN_FLOW, source: 'built-in' };
  const checked = validateFlow(row.definition);
  if (!checked.ok || !checked.flow) {
    const first = checked.errors[0];
    return { flow: BUILT_IN_FLOW, source: 'built-in', problem: `stored flow for ${row.number} is invalid (${first ? `${first.path}: ${first.message}` : 'unknown problem'})` };
  }
  return { flow: checked.flow, source: row.number };
}

export async function getCall(db: Db, callSid: string): Promise<CallRow | undefined> {
  return db.selectFrom('voice_calls').selectAll().where('call_sid', '=', callSid).executeTakeFirst();
}

export interface NewCall {
  callSid: string;
  from: string;
  to: string;
  callerNumber: string | null;
  flowNumber: string;
  language: string;
}

/** Inserts the call once; a repeated webhook finds the stored row. */
export async function createCall(db: Db, c: NewCall): Promise<{ row: CallRow; created: boolean }> {
  const inserted = await db
    .insertInto('voice_calls')
    .values({
      call_sid: c.callSid,
      from_number: c.from,
      to_number: c.to,
      caller_number: c.callerNumber,
      flow_number: c.flowNumber,
      language: c.language,
      path: '[]',
      vars: '{}',
    })
    .onConflict((oc) => oc.column('call_sid').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { row: inserted, created: true };
  return { row: (await getCall(db, c.callSid))!, created: false };
}

export interface CallPatch {
  state?: CallState;
  node?: string | null;
  language?: string;
  vars?: Record<string, string>;
  conversationId?: string | null;
  queueName?: string | null;
  callbackRequestedAt?: Date | null;
}

function patchValues(p: CallPatch) {
  return {
    ...(p.state !== undefined ? { state: p.state } : {}),
    ...(p.node !== undefined ? { node: p.node } : {}),
    ...(p.language !== undefined ? { language: p.language } : {}),
    ...(p.vars !== undefined ? { vars: JSON.stringify(p.vars) } : {}),
    ...(p.conversationId !== undefined ? { conversation_id: p.conversationId } : {}),
    ...(p.queueName !== undefined ? { queue_name: p.queueName } : {}),
    ...(p.callbackRequestedAt !== undefined ? { callback_requested_at: p.callbackRequestedAt } : {}),
    updated_at: sql<Date>`now()`,
  };
}

/**
 * Records the answer to IVR step `step` (path entries appended, state moved)
 * if nobody answered it yet. False when the step was already taken: the
 * caller of this then answers with the stored TwiML instead.
 */
export async function commitStep(db: Db, callSid: string, step: number, patch: CallPatch, path: PathEntry[], twiml: string): Promise<boolean> {
  const row = await db
    .updateTable('voice_calls')
    .set({
      ...patchValues(patch),
      step: step + 1,
      last_twiml: twiml,
      path: sql<string>`path || ${JSON.stringify(path)}::jsonb`,
    })
    .where('call_sid', '=', callSid)
    .where('step', '=', step)
    .returning('call_sid')
    .executeTakeFirst();
  return row !== undefined;
}

export async function updateCall(db: Db, callSid: string, patch: CallPatch): Promise<void> {
  await db.updateTable('voice_calls').set(patchValues(patch)).where('call_sid', '=', callSid).execute();
}

/** The call a voice conversation is about now: the newest one. */
export async function callForConversation(db: Db, conversationId: string): Promise<CallRow | undefined> {
  return db.selectFrom('voice_calls').selectAll().where('conversation_id', '=', conversationId).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
}

/** Call states in which a caller is still on the line (queued, ringing an agent, or talking). */
export const LIVE_CALL_STATES = ['queued', 'bridging', 'connected'] as const;

/**
 * Closing a conversation whose phone call is still live is refused: the caller
 * would be left in the queue or the conference with no task behind them. The
 * agent hangs up instead (POST /api/voice/calls/:id/hangup, the call bar's
 * button), which ends the call and closes the conversation in one go. The
 * close route reads the live call's state (LIVE_CALL_STATES, not ended) in the
 * same statement as the conversation and passes it here (null: none live).
 */
export function refuseCloseForLiveCall(state: string | null, conversationId: string): void {
  if (state === null) return;
  const where = state === 'queued' ? 'the caller is still waiting in the queue' : state === 'bridging' ? "the agent's phone is ringing for this call" : 'the phone call is still connected';
  throw new AppError(409, 'call_in_progress', `${where}: hang the call up first (POST /api/voice/calls/${conversationId}/hangup); the conversation closes when the call ends`);
}

export async function getLeg(db: Db, callSid: string): Promise<LegRow | undefined> {
  return db.selectFrom('voice_legs').selectAll().where('call_sid', '=', callSid).executeTakeFirst();
}

export async function insertLeg(db: Db, leg: { callSid: string; parent: string; role: LegRole; userId: string | null; conference: string; mode?: 'listen' | 'whisper' | 'barge' | null }): Promise<void> {
  await db
    .insertInto('voice_legs')
    .values({ call_sid: leg.callSid, parent_call_sid: leg.parent, role: leg.role, user_id: leg.userId, conference_name: leg.conference, mode: leg.mode ?? null, answered_at: null, ended_at: null })
    .onConflict((oc) => oc.column('call_sid').doNothing())
    .execute();
}

/** Legs of a call that have not ended. */
export async function liveLegs(db: Db, parent: string): Promise<LegRow[]> {
  return db.selectFrom('voice_legs').selectAll().where('parent_call_sid', '=', parent).where('ended_at', 'is', null).orderBy('created_at').execute();
}

/**
 * Moves a call's or leg's Twilio status forward. Returns the status it had
 * before, or null when this status is not news (repeated or out of order).
 */
export async function advanceStatus(db: Db, table: 'voice_calls' | 'voice_legs', callSid: string, status: string): Promise<{ before: string | null } | null> {
  const rank = statusRank(status);
  if (rank === undefined) return null;
  const current = await db.selectFrom(table).select(['twilio_status', 'status_rank']).where('call_sid', '=', callSid).executeTakeFirst();
  if (!current) return null;
  const final = rank === 4;
  const q = db
    .updateTable(table)
    .set({
      twilio_status: status,
      status_rank: rank,
      ...(rank === 3 && table === 'voice_legs' ? { answered_at: sql<Date>`coalesce(answered_at, now())` } : {}),
      ...(final ? { ended_at: sql<Date>`coalesce(ended_at, now())` } : {}),
    })
    .where('call_sid', '=', callSid)
    .where('status_rank', '<', rank);
  const updated = await q.returning('call_sid').executeTakeFirst();
  return updated ? { before: current.twilio_status } : null;
}

export async function recordError(db: Db, callSid: string | null, context: string, message: string): Promise<void> {
  await db.insertInto('voice_errors').values({ call_sid: callSid, context, message: message.slice(0, 2000) }).execute();
}

export interface QueueVoiceSettings {
  queueId: string;
  queueName: string;
  recordCalls: boolean;
  holdMusicUrl: string | null;
  offerCallback: boolean;
}

export async function queueSettingsByName(db: Db, name: string | null): Promise<QueueVoiceSettings | null> {
  let q = db
    .selectFrom('queues')
    .leftJoin('voice_queue_settings', 'voice_queue_settings.queue_id', 'queues.id')
    .select(['queues.id', 'queues.name', 'voice_queue_settings.record_calls', 'voice_queue_settings.hold_music_url', 'voice_queue_settings.offer_callback'])
    .where('queues.channel', '=', 'voice');
  q = name ? q.where('queues.name', '=', name) : q.where('queues.is_default', '=', true);
  const row = await q.executeTakeFirst();
  if (!row) return name ? queueSettingsByName(db, null) : null;
  return { queueId: row.id, queueName: row.name, recordCalls: row.record_calls ?? false, holdMusicUrl: row.hold_music_url ?? null, offerCallback: row.offer_callback ?? true };
}

export async function queueSettingsById(db: Db, queueId: string): Promise<QueueVoiceSettings | null> {
  const row = await db
    .selectFrom('queues')
    .leftJoin('voice_queue_settings', 'voice_queue_settings.queue_id', 'queues.id')
    .select(['queues.id', 'queues.name', 'voice_queue_settings.record_calls', 'voice_queue_settings.hold_music_url', 'voice_queue_settings.offer_callback'])
    .where('queues.id', '=', queueId)
    .executeTakeFirst();
  if (!row) return null;
  return { queueId: row.id, queueName: row.name, recordCalls: row.record_calls ?? false, holdMusicUrl: row.hold_music_url ?? null, offerCallback: row.offer_callback ?? true };
}

export async function voiceQueueNames(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('queues').select('name').where('channel', '=', 'voice').execute();
  return new Set(rows.map((r) => r.name));
}

export interface AgentDevice {
  device: 'browser' | 'phone';
  phoneNumber: string | null;
}

export async function agentDevice(db: Db, userId: string): Promise<AgentDevice> {
  const row = await db.selectFrom('voice_agent_settings').select(['device', 'phone_number']).where('user_id', '=', userId).executeTakeFirst();
  return row ? { device: row.device, phoneNumber: row.phone_number } : { device: 'browser', phoneNumber: null };
}

/** The Twilio Client identity of an agent's browser (letters, digits and _ only). */
export const clientIdentity = (userId: string) => `agent_${userId.replace(/-/g, '')}`;

/** Where to ring a user: their phone when they chose it, else their browser. */
export async function dialTarget(db: Db, userId: string): Promise<string> {
  const d = await agentDevice(db, userId);
  return d.device === 'phone' && d.phoneNumber ? d.phoneNumber : `client:${clientIdentity(userId)}`;
}

/** The conversation's live routing task, if any. */
export async function liveTask(db: Db, conversationId: string) {
  return db
    .selectFrom('routing_tasks')
    .select(['id', 'status', 'queue_id', 'priority', 'enqueued_at', 'assigned_agent_id'])
    .where('conversation_id', '=', conversationId)
    .where('status', 'in', ['waiting', 'offered', 'assigned'])
    .executeTakeFirst();
}

/**
 * Position (1 = next) of a waiting task among its queue's waiting and offered
 * tasks, and what the estimate needs: agents available for a call now, and
 * the mean talk time of the queue's recent calls.
 */
export async function waitFigures(db: Db, task: { id: string; queue_id: string; priority: number; enqueued_at: Date }): Promise<WaitFigures> {
  const ahead = await db
    .selectFrom('routing_tasks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('queue_id', '=', task.queue_id)
    .where('status', 'in', ['waiting', 'offered'])
    .where('id', '!=', task.id)
    .where((eb) => eb.or([eb('priority', '>', task.priority), eb.and([eb('priority', '=', task.priority), eb('enqueued_at', '<', task.enqueued_at)])]))
    .executeTakeFirstOrThrow();
  const agents = await db
    .selectFrom('agent_state')
    .innerJoin('users', 'users.id', 'agent_state.user_id')
    .select([
      sql<number>`count(*)::int`.as('staffed'),
      sql<number>`count(*) filter (where agent_state.used + ${CHANNEL_COST.voice} <= agent_state.capacity and (agent_state.wrap_up_until is null or agent_state.wrap_up_until < now()))::int`.as('idle'),
    ])
    .where('agent_state.status', '=', 'available')
    .where('users.disabled', '=', false)
    .executeTakeFirstOrThrow();
  const handle = await db
    .selectFrom('routing_tasks')
    .select(sql<number | null>`avg(extract(epoch from completed_at - assigned_at))::float8`.as('aht'))
    .where('queue_id', '=', task.queue_id)
    .where('channel', '=', 'voice')
    .where('status', '=', 'completed')
    .where('assigned_at', 'is not', null)
    .where('completed_at', '>', sql<Date>`now() - interval '7 days'`)
    .executeTakeFirstOrThrow();
  return { position: Number(ahead.n) + 1, staffedAgents: agents.staffed, idleAgents: agents.idle, handleSeconds: handle.aht === null ? null : Math.max(30, handle.aht) };
}

/** A customer whose profile carries this account number (customers.profile.accountNumber), with the identity to reach them by. */
export async function customerByAccount(db: Db, account: string): Promise<{ customerId: string; identity: { kind: 'phone' | 'email' | 'visitor'; value: string } } | null> {
  const row = await db
    .selectFrom('customers')
    .innerJoin('customer_identities', 'customer_identities.customer_id', 'customers.id')
    .select(['customers.id', 'customer_identities.kind', 'customer_identities.value'])
    .where(sql<string>`customers.profile->>'accountNumber'`, '=', account)
    .orderBy(sql`case customer_identities.kind when 'phone' then 0 when 'email' then 1 else 2 end`)
    .orderBy('customer_identities.created_at')
    .limit(1)
    .executeTakeFirst();
  return row ? { customerId: row.id, identity: { kind: row.kind, value: row.value } } : null;
}
