// /api/voice/…: flows (admin), queue voice settings, the agent's device and
// browser token, and call controls from the console (hold, transfer, hang up,
// supervisor monitoring).
import { Router, type Request, type Response } from 'express';
import { sql } from 'kysely';
import { z } from 'zod';
import { parse, requireRole, STAFF, userOf, uuidParam } from '../../api/validate.js';
import { audit } from '../../audit.js';
import type { SessionUser } from '../../auth/sessions.js';
import type { VoiceCallDto, VoiceLegCallDto, VoiceLiveCallDto, VoiceTransferTargetsDto } from '../../contracts/index.js';
import { CHANNEL_COST } from '../../domain/capacity.js';
import type { Config } from '../../config.js';
import { normalizePhone } from '../../domain/identity.js';
import { AppError, forbidden, notFound } from '../../errors.js';
import type { VoiceControl } from './control.js';
import type { VoiceDeps } from './deps.js';
import { businessState, calendarProblems, type Calendar } from './calendar.js';
import type { BusinessCalendarDto, BusinessCalendarsDto } from './contracts.js';
import { BUILT_IN_FLOW, calendarName, calendarSchema, flowSchema, validateFlow, type Flow } from './flow.js';
import { describePath } from './ivr.js';
import { agentDevice, getCall, getLeg, liveLegs, voiceQueueNames, type CallRow } from './store.js';
import { mintVoiceToken } from './token.js';

const e164 = (field: string) =>
  z
    .string()
    .trim()
    .transform((v, ctx) => {
      const n = v.startsWith('+') ? normalizePhone(v) : null;
      if (!n) {
        ctx.addIssue({ code: 'custom', message: `${field} must be a phone number in E.164 form, e.g. +15005550006` });
        return z.NEVER;
      }
      return n;
    });

const flowNumber = z.object({ number: z.union([z.literal('default'), e164('the number')]) });
export const queueSettingsBody = z.strictObject({
  recordCalls: z.boolean(),
  holdMusicUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048).nullable(),
  offerCallback: z.boolean(),
});
export const deviceBody = z
  .strictObject({ device: z.enum(['browser', 'phone']), phoneNumber: e164('phoneNumber').nullable().default(null) })
  .refine((b) => b.device === 'browser' || b.phoneNumber !== null, { message: 'a phone device needs phoneNumber', path: ['phoneNumber'] });
export const holdBody = z.strictObject({ hold: z.boolean() });
export const transferBody = z.union([
  z.strictObject({ mode: z.enum(['cold', 'warm']), agentId: z.uuid('must be a user id') }),
  z.strictObject({ mode: z.literal('cold'), queue: z.string().trim().min(1).max(80) }),
]);
export const monitorBody = z.strictObject({ mode: z.enum(['listen', 'whisper', 'barge']) });
/** PUT /api/voice/flows/:number/calendars/:name takes one calendar, exactly as it sits in the flow. */
export const calendarBody = calendarSchema;
const calendarParams = flowNumber.extend({ name: calendarName });

/** A calendar as the console lists it, with whether it is open at `now`. */
function calendarDto(number: string, flow: Flow, name: string, calendar: Calendar, updatedAt: Date, now: Date): BusinessCalendarDto {
  let state: BusinessCalendarDto['state'] = null;
  try {
    state = businessState(calendar, now);
  } catch {
    // An unknown time zone (a flow saved before the check, or ICU data that changed since): no state rather than a failed list.
  }
  return {
    number,
    flowName: flow.name ?? null,
    name,
    calendar,
    usedBy: Object.entries(flow.nodes)
      .filter(([, n]) => n.type === 'hours' && n.calendar === name)
      .map(([id]) => id),
    state,
    updatedAt: updatedAt.toISOString(),
  };
}

const seesEverything = (u: SessionUser) => u.role === 'supervisor' || u.role === 'admin';

export function voiceApi(deps: VoiceDeps & { config: Config }, control: VoiceControl): Router {
  const r = Router();
  const { db } = deps;

  // ---- flows -----------------------------------------------------------------------------------

  r.get('/api/voice/flows', requireRole('admin', 'supervisor'), async (_req: Request, res: Response) => {
    const rows = await db.selectFrom('voice_flows').select(['number', 'warnings', 'updated_at']).orderBy('number').execute();
    res.json({ flows: rows.map((f) => ({ number: f.number, warnings: f.warnings.length, updatedAt: f.updated_at.toISOString() })) });
  });

  r.post('/api/voice/flows/validate', requireRole('admin'), async (req: Request, res: Response) => {
    const result = validateFlow(req.body, { voiceQueues: await voiceQueueNames(db) });
    res.json({ ok: result.ok, errors: result.errors, warnings: result.warnings });
  });

  r.get('/api/voice/flows/:number', requireRole('admin', 'supervisor'), async (req: Request, res: Response) => {
    const { number } = parse(flowNumber, req.params, 'params');
    const row = await db.selectFrom('voice_flows').selectAll().where('number', '=', number).executeTakeFirst();
    if (!row) {
      if (number === 'default') {
        res.json({ number, flow: BUILT_IN_FLOW, warnings: [], builtIn: true, updatedAt: null });
        return;
      }
      throw new AppError(404, 'not_found', `no flow for ${number}: its calls use the default flow`);
    }
    res.json({ number, flow: row.definition, warnings: row.warnings, builtIn: false, updatedAt: row.updated_at.toISOString() });
  });

  r.put('/api/voice/flows/:number', requireRole('admin'), async (req: Request, res: Response) => {
    const { number } = parse(flowNumber, req.params, 'params');
    const result = validateFlow(req.body, { voiceQueues: await voiceQueueNames(db) });
    if (!result.ok || !result.flow) {
      const first = result.errors[0]!;
      deps.log.info({ number, errors: result.errors.length }, 'voice flow refused');
      throw new AppError(400, 'invalid_flow', `${first.path}: ${first.message}`, { errors: result.errors, warnings: result.warnings });
    }
    const user = userOf(req);
    await db.transaction().execute(async (tx) => {
      const before = await tx.selectFrom('voice_flows').select('definition').where('number', '=', number).executeTakeFirst();
      await tx
        .insertInto('voice_flows')
        .values({ number, definition: JSON.stringify(result.flow), warnings: JSON.stringify(result.warnings), updated_by: user.id })
        .onConflict((oc) => oc.column('number').doUpdateSet({ definition: JSON.stringify(result.flow), warnings: JSON.stringify(result.warnings), updated_by: user.id, updated_at: sql<Date>`now()` }))
        .execute();
      await audit(tx, { actorUserId: user.id, action: 'voice_flow.update', subjectType: 'voice_flow', subjectId: number, data: { before: before?.definition ?? null, after: result.flow } });
    });
    for (const w of result.warnings) deps.log.warn({ number, path: w.path }, `voice flow saved with a warning: ${w.message}`);
    res.json({ number, flow: result.flow, warnings: result.warnings });
  });

  r.delete('/api/voice/flows/:number', requireRole('admin'), async (req: Request, res: Response) => {
    const { number } = parse(flowNumber, req.params, 'params');
    const removed = await db.transaction().execute(async (tx) => {
      const row = await tx.deleteFrom('voice_flows').where('number', '=', number).returning('definition').executeTakeFirst();
      if (row) await audit(tx, { actorUserId: userOf(req).id, action: 'voice_flow.delete', subjectType: 'voice_flow', subjectId: number, data: { before: row.definition } });
      return row;
    });
    if (!removed) throw notFound('voice flow');
    res.status(204).end();
  });

  // ---- business hours: the calendars inside the flows, one at a time ---------------------------

  r.get('/api/voice/calendars', requireRole('admin', 'supervisor'), async (_req: Request, res: Response) => {
    const rows = await db.selectFrom('voice_flows').select(['number', 'definition', 'updated_at']).orderBy('number').execute();
    const now = deps.now();
    const body: BusinessCalendarsDto = { calendars: [], unreadable: [], now: now.toISOString() };
    for (const row of rows) {
      const parsed = flowSchema.safeParse(row.definition);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        body.unreadable.push({ number: row.number, message: first ? `${first.path.join('.') || '(flow)'}: ${first.message}` : 'does not parse' });
        continue;
      }
      // jsonb keeps keys in its own order (shortest first), not the admin's: list them by name.
      const names = Object.keys(parsed.data.calendars).sort();
      for (const name of names) body.calendars.push(calendarDto(row.number, parsed.data, name, parsed.data.calendars[name]!, row.updated_at, now));
    }
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  });

  // Editing a calendar through PUT /api/voice/flows/:number would mean sending the whole flow back,
  // racing anyone editing its menus, and failing on problems elsewhere in it with paths the hours form
  // cannot show. This replaces one calendar under a row lock; its errors are paths below the calendar.
  r.put('/api/voice/flows/:number/calendars/:name', requireRole('admin'), async (req: Request, res: Response) => {
    const { number, name } = parse(calendarParams, req.params, 'params');
    const calendar = parse(calendarBody, req.body);
    const problems = calendarProblems(calendar);
    if (problems.length > 0) {
      const details = problems.map((p) => ({ path: `body.${p.path}`, message: p.message }));
      throw new AppError(400, 'invalid_request', `${details[0]!.path}: ${details[0]!.message}`, details);
    }
    const user = userOf(req);
    const voiceQueues = await voiceQueueNames(db);
    const saved = await db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('voice_flows').select('definition').where('number', '=', number).forUpdate().executeTakeFirst();
      if (!row) throw new AppError(404, 'not_found', `no flow for ${number}`);
      const current = flowSchema.safeParse(row.definition);
      if (!current.success) throw new AppError(409, 'invalid_flow', `the flow of ${number} no longer parses: fix it with PUT /api/voice/flows/${number}`);
      const before = current.data.calendars[name];
      if (!before) throw new AppError(404, 'not_found', `the flow of ${number} has no calendar "${name}"`);
      const result = validateFlow({ ...current.data, calendars: { ...current.data.calendars, [name]: calendar } }, { voiceQueues });
      if (!result.ok || !result.flow) {
        // The calendar itself passed above, so whatever is wrong is elsewhere in the flow (a voice queue removed since, say).
        const first = result.errors[0]!;
        throw new AppError(409, 'invalid_flow', `the rest of the flow of ${number} no longer validates (${first.path}: ${first.message}); fix the flow first`, { errors: result.errors });
      }
      const updated = await tx
        .updateTable('voice_flows')
        .set({ definition: JSON.stringify(result.flow), warnings: JSON.stringify(result.warnings), updated_by: user.id, updated_at: sql<Date>`now()` })
        .where('number', '=', number)
        .returning('updated_at')
        .executeTakeFirstOrThrow();
      await audit(tx, { actorUserId: user.id, action: 'voice_calendar.update', subjectType: 'voice_flow', subjectId: number, data: { calendar: name, before, after: calendar } });
      return { flow: result.flow, updatedAt: updated.updated_at };
    });
    deps.log.info({ number, calendar: name }, 'business hours saved');
    res.json({ calendar: calendarDto(number, saved.flow, name, saved.flow.calendars[name]!, saved.updatedAt, deps.now()) });
  });

  // ---- queue settings ----------------------------------------------------------------------------

  const queueSettingsDto = async (queueId: string) => {
    const q = await db
      .selectFrom('queues')
      .leftJoin('voice_queue_settings', 'voice_queue_settings.queue_id', 'queues.id')
      .select(['queues.id', 'queues.name', 'queues.channel', 'voice_queue_settings.record_calls', 'voice_queue_settings.hold_music_url', 'voice_queue_settings.offer_callback'])
      .where('queues.id', '=', queueId)
      .executeTakeFirst();
    if (!q) throw notFound('queue');
    if (q.channel !== 'voice') throw new AppError(400, 'invalid_request', `params.id: the queue is for ${q.channel}, not voice`);
    return { queueId: q.id, queue: q.name, recordCalls: q.record_calls ?? false, holdMusicUrl: q.hold_music_url ?? null, offerCallback: q.offer_callback ?? true };
  };

  r.get('/api/voice/queues/:id/settings', requireRole('admin', 'supervisor'), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    res.json({ settings: await queueSettingsDto(id) });
  });

  r.put('/api/voice/queues/:id/settings', requireRole('admin'), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const body = parse(queueSettingsBody, req.body);
    const before = await queueSettingsDto(id);
    const values = { record_calls: body.recordCalls, hold_music_url: body.holdMusicUrl, offer_callback: body.offerCallback };
    await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('voice_queue_settings')
        .values({ queue_id: id, ...values })
        .onConflict((oc) => oc.column('queue_id').doUpdateSet({ ...values, updated_at: sql<Date>`now()` }))
        .execute();
      await audit(tx, { actorUserId: userOf(req).id, action: 'voice_queue.update', subjectType: 'queue', subjectId: id, data: { before, after: body } });
    });
    res.json({ settings: await queueSettingsDto(id) });
  });

  // ---- the agent's phone -------------------------------------------------------------------------

  r.get('/api/voice/token', requireRole(...STAFF), (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(mintVoiceToken(deps.config.twilio, userOf(req).id));
  });

  r.get('/api/voice/me', requireRole(...STAFF), async (req: Request, res: Response) => {
    res.json(await agentDevice(db, userOf(req).id));
  });

  r.put('/api/voice/me', requireRole(...STAFF), async (req: Request, res: Response) => {
    const body = parse(deviceBody, req.body);
    const values = { device: body.device, phone_number: body.phoneNumber };
    await db
      .insertInto('voice_agent_settings')
      .values({ user_id: userOf(req).id, ...values })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ ...values, updated_at: sql<Date>`now()` }))
      .execute();
    res.json(await agentDevice(db, userOf(req).id));
  });

  // ---- call controls ---------------------------------------------------------------------------

  /** The conversation's call, for its assigned agent or a supervisor. */
  const withCall = async <T>(req: Request, work: (call: CallRow, user: SessionUser) => Promise<T>): Promise<T> => {
    const { id } = parse(uuidParam, req.params, 'params');
    const user = userOf(req);
    const conv = await db.selectFrom('conversations').select(['channel', 'assigned_agent_id']).where('id', '=', id).executeTakeFirst();
    if (!conv || conv.channel !== 'voice') throw notFound('voice conversation');
    if (!seesEverything(user) && conv.assigned_agent_id !== user.id) throw forbidden('this call is not assigned to you');
    return control.withConversationCall(id, (call) => work(call, user));
  };

  const callDto = async (call: CallRow): Promise<VoiceCallDto> => {
    const legs = await liveLegs(db, call.call_sid);
    return {
      callSid: call.call_sid,
      conversationId: call.conversation_id,
      state: call.state,
      from: call.caller_number,
      to: call.to_number,
      language: call.language,
      queue: call.queue_name,
      onHold: call.on_hold,
      agentId: call.agent_id,
      callbackRequested: call.callback_requested_at !== null,
      transfer: call.transfer,
      ivrPath: call.path,
      legs: legs.map((l) => ({ callSid: l.call_sid, role: l.role, userId: l.user_id, mode: l.mode, status: l.twilio_status, answeredAt: l.answered_at?.toISOString() ?? null })),
      createdAt: call.created_at.toISOString(),
      connectedAt: call.connected_at?.toISOString() ?? null,
      endedAt: call.ended_at?.toISOString() ?? null,
    };
  };

  // Recent calls with their IVR path, including those that never reached a queue (left in the IVR).
  r.get('/api/voice/calls', requireRole('admin', 'supervisor'), async (req: Request, res: Response) => {
    const { limit, state } = parse(
      z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), state: z.enum(['ivr', 'queued', 'callback', 'bridging', 'connected', 'voicemail', 'ended']).optional() }),
      req.query,
      'query',
    );
    let q = db.selectFrom('voice_calls').selectAll().orderBy('created_at', 'desc').limit(limit);
    if (state) q = q.where('state', '=', state);
    const rows = await q.execute();
    res.json({
      calls: rows.map((c) => ({
        callSid: c.call_sid,
        from: c.caller_number,
        to: c.to_number,
        state: c.state,
        language: c.language,
        conversationId: c.conversation_id,
        ivr: describePath(c.path),
        ivrPath: c.path,
        twilioStatus: c.twilio_status,
        createdAt: c.created_at.toISOString(),
        endedAt: c.ended_at?.toISOString() ?? null,
      })),
    });
  });

  r.get('/api/voice/calls/:id', requireRole(...STAFF), async (req: Request, res: Response) => {
    res.json({ call: await withCall(req, (call) => callDto(call)) });
  });

  // The console's phone rang: which call is this leg of, and what is the leg for (agent, consult, monitoring)?
  r.get('/api/voice/legs/:sid', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { sid } = parse(z.object({ sid: z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'must be a Twilio call SID') }), req.params, 'params');
    const user = userOf(req);
    const leg = await getLeg(db, sid);
    // Not yet recorded (the ring can reach the browser before Twilio's answer reaches the hub): 404, the console asks again.
    if (!leg) throw notFound('call leg');
    if (!seesEverything(user) && leg.user_id !== user.id) throw forbidden('this call leg is not yours');
    const call = await getCall(db, leg.parent_call_sid);
    if (!call) throw notFound('call leg');
    const body: VoiceLegCallDto = { call: await callDto(call), leg: { callSid: leg.call_sid, role: leg.role, mode: leg.mode } };
    res.json(body);
  });

  // A user on a phone (not the browser) has no ring in the console: their newest live leg tells the call bar what they are on.
  r.get('/api/voice/me/leg', requireRole(...STAFF), async (req: Request, res: Response) => {
    const leg = await db
      .selectFrom('voice_legs')
      .selectAll()
      .where('user_id', '=', userOf(req).id)
      .where('ended_at', 'is', null)
      .where('released', '=', false)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    const call = leg ? await getCall(db, leg.parent_call_sid) : undefined;
    res.setHeader('Cache-Control', 'no-store');
    if (!leg || !call || call.state === 'ended') {
      res.status(204).end();
      return;
    }
    const body: VoiceLegCallDto = { call: await callDto(call), leg: { callSid: leg.call_sid, role: leg.role, mode: leg.mode } };
    res.json(body);
  });

  r.get('/api/voice/transfer-targets', requireRole(...STAFF), async (req: Request, res: Response) => {
    const me = userOf(req).id;
    const agents = await db
      .selectFrom('users')
      .innerJoin('agent_state', 'agent_state.user_id', 'users.id')
      .select(['users.id', 'users.name', 'agent_state.status', 'agent_state.used', 'agent_state.capacity'])
      .where('users.disabled', '=', false)
      .where('users.id', '!=', me)
      .orderBy('users.name')
      .execute();
    const queues = await db.selectFrom('queues').select(['id', 'name']).where('channel', '=', 'voice').orderBy('name').execute();
    const body: VoiceTransferTargetsDto = {
      agents: agents.map((a) => ({ id: a.id, name: a.name, status: a.status, canTakeCall: a.status === 'available' && a.used + CHANNEL_COST.voice <= a.capacity })),
      queues,
    };
    res.json(body);
  });

  // Calls an agent is on now (supervisor dashboard: listen / whisper / barge buttons).
  r.get('/api/voice/live', requireRole('supervisor', 'admin'), async (req: Request, res: Response) => {
    const user = userOf(req);
    const rows = await db
      .selectFrom('voice_calls')
      .select(['call_sid', 'conversation_id', 'agent_id', 'state', 'caller_number', 'on_hold', 'connected_at'])
      .where('state', 'in', ['bridging', 'connected'])
      .where('agent_id', 'is not', null)
      .where('conversation_id', 'is not', null)
      .orderBy('created_at')
      .execute();
    const mine = rows.length
      ? await db
          .selectFrom('voice_legs')
          .select(['parent_call_sid', 'mode'])
          .where('role', '=', 'supervisor')
          .where('user_id', '=', user.id)
          .where('ended_at', 'is', null)
          .where('released', '=', false)
          .where('parent_call_sid', 'in', rows.map((r) => r.call_sid))
          .execute()
      : [];
    const calls: VoiceLiveCallDto[] = rows.map((c) => ({
      conversationId: c.conversation_id!,
      callSid: c.call_sid,
      agentId: c.agent_id!,
      state: c.state === 'connected' ? 'connected' : 'bridging',
      from: c.caller_number,
      onHold: c.on_hold,
      connectedAt: c.connected_at?.toISOString() ?? null,
      monitoring: mine.find((l) => l.parent_call_sid === c.call_sid)?.mode ?? null,
    }));
    res.setHeader('Cache-Control', 'no-store');
    res.json({ calls });
  });

  r.post('/api/voice/calls/:id/hold', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { hold } = parse(holdBody, req.body);
    const call = await withCall(req, (c, user) => control.hold(c, hold, user.id));
    res.json({ call: await callDto(call) });
  });

  r.post('/api/voice/calls/:id/hangup', requireRole(...STAFF), async (req: Request, res: Response) => {
    const call = await withCall(req, async (c, user) => {
      await control.hangup(c, user.id);
      return (await getCall(db, c.call_sid))!;
    });
    res.json({ call: await callDto(call) });
  });

  r.post('/api/voice/calls/:id/transfer', requireRole(...STAFF), async (req: Request, res: Response) => {
    const body = parse(transferBody, req.body);
    const result = await withCall(req, async (call, user) => {
      if ('queue' in body) {
        const queue = await db.selectFrom('queues').select(['id', 'name']).where('name', '=', body.queue).where('channel', '=', 'voice').executeTakeFirst();
        if (!queue) throw new AppError(400, 'invalid_request', `body.queue: no voice queue named ${body.queue}`);
        if (call.state !== 'connected') throw new AppError(409, 'not_connected', `the call is not connected to an agent (it is ${call.state})`);
        await control.transferToQueue(call, queue, user.id);
        await audit(db, { actorUserId: user.id, action: 'voice.transfer', subjectType: 'conversation', subjectId: call.conversation_id, data: { mode: 'cold', queue: queue.name } });
        return { transfer: { mode: 'cold', queue: queue.name } };
      }
      const target = await db
        .selectFrom('users')
        .innerJoin('agent_state', 'agent_state.user_id', 'users.id')
        .select(['users.id', 'users.disabled', 'agent_state.status', 'agent_state.used', 'agent_state.capacity'])
        .where('users.id', '=', body.agentId)
        .executeTakeFirst();
      if (!target || target.disabled) throw new AppError(400, 'invalid_request', 'body.agentId: no such agent');
      if (call.state !== 'connected') throw new AppError(409, 'not_connected', `the call is not connected to an agent (it is ${call.state})`);
      if (body.mode === 'warm') {
        if (target.status !== 'available' || target.used + 100 > target.capacity) throw new AppError(409, 'agent_busy', 'that agent is not available for a call now');
        await control.startWarmTransfer(call, body.agentId, user.id);
      } else {
        if (!deps.routing.reassign) throw new AppError(501, 'not_available', 'transfers to an agent need the routing runtime to offer reassign');
        const moved = await deps.routing.reassign(call.conversation_id!, body.agentId);
        if (!moved.ok) throw new AppError(moved.code === 'not_found' ? 404 : 409, moved.code, moved.message);
      }
      await audit(db, { actorUserId: user.id, action: 'voice.transfer', subjectType: 'conversation', subjectId: call.conversation_id, data: { mode: body.mode, agentId: body.agentId } });
      return { transfer: { mode: body.mode, agentId: body.agentId } };
    });
    res.json(result);
  });

  r.post('/api/voice/calls/:id/transfer/complete', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const transfer = await withCall(req, async (call) => {
      if (!call.transfer) throw new AppError(409, 'no_transfer', 'no warm transfer is under way');
      const legs = await liveLegs(db, call.call_sid);
      if (!legs.some((l) => l.call_sid === call.transfer!.legSid && l.answered_at)) throw new AppError(409, 'not_answered', 'the other agent has not answered yet');
      return call.transfer;
    });
    if (!deps.routing.reassign) throw new AppError(501, 'not_available', 'transfers to an agent need the routing runtime to offer reassign');
    // Routing moves the task (and capacity); its task.assigned hands the call over.
    const moved = await deps.routing.reassign(id, transfer.toAgentId);
    if (!moved.ok) throw new AppError(moved.code === 'not_found' ? 404 : 409, moved.code, moved.message);
    await audit(db, { actorUserId: userOf(req).id, action: 'voice.transfer.complete', subjectType: 'conversation', subjectId: id, data: { agentId: transfer.toAgentId } });
    res.json({ ok: true });
  });

  r.post('/api/voice/calls/:id/transfer/cancel', requireRole(...STAFF), async (req: Request, res: Response) => {
    await withCall(req, (call, user) => control.cancelWarmTransfer(call, user.id));
    res.json({ ok: true });
  });

  r.post('/api/voice/calls/:id/monitor', requireRole('supervisor', 'admin'), async (req: Request, res: Response) => {
    const { mode } = parse(monitorBody, req.body);
    const result = await withCall(req, async (call, user) => {
      const out = await control.monitor(call, user.id, mode);
      await audit(db, { actorUserId: user.id, action: `voice.monitor.${mode}`, subjectType: 'conversation', subjectId: call.conversation_id, data: { callSid: call.call_sid, legSid: out.legSid, agentId: call.agent_id } });
      return out;
    });
    res.status(result.created ? 201 : 200).json({ mode, legSid: result.legSid });
  });

  r.delete('/api/voice/calls/:id/monitor', requireRole('supervisor', 'admin'), async (req: Request, res: Response) => {
    const stopped = await withCall(req, async (call, user) => {
      const done = await control.stopMonitor(call, user.id);
      if (done) await audit(db, { actorUserId: user.id, action: 'voice.monitor.stop', subjectType: 'conversation', subjectId: call.conversation_id, data: { callSid: call.call_sid } });
      return done;
    });
    if (!stopped) throw notFound('monitoring leg');
    res.status(204).end();
  });

  // ---- problems --------------------------------------------------------------------------------

  r.get('/api/voice/errors', requireRole('admin', 'supervisor'), async (req: Request, res: Response) => {
    const { limit } = parse(z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }), req.query, 'query');
    const rows = await db.selectFrom('voice_errors').selectAll().orderBy('id', 'desc').limit(limit).execute();
    res.json({ errors: rows.map((e) => ({ id: Number(e.id), callSid: e.call_sid, context: e.context, message: e.message, at: e.at.toISOString() })) });
  });

  return r;
}
