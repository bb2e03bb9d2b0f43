import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { SessionUser } from '../auth/sessions.js';
import { conversationDto, conversationMessages, customerSummary, messageDto } from '../conversations/dto.js';
import { storeReply } from '../conversations/reply.js';
import type { ConversationDto } from '../contracts/index.js';
import type { Db } from '../db/index.js';
import { AppError, forbidden, notFound } from '../errors.js';
import type { HubEvents } from '../events.js';
import type { Outbox } from '../jobs/outbox.js';
import type { RoutingRuntime } from '../routing/runtime/runtime.js';
import { audit } from '../audit.js';
import { timelinePage, timelinePageQuery, wantsTimelinePage } from '../customers/timeline.js';
import { LIVE_CALL_STATES, refuseCloseForLiveCall } from '../channels/voice/store.js';
import { closeWrapUpSchema, DISPOSITION_REQUIRED_KEY, recordWrapUp, requireDispositionToClose, resolveWrapUp, type DispositionFacts } from '../desk/wrapup.js';
import { normaliseTag } from '../desk/tags.js';
import { parse, requireRole, STAFF, userOf, uuidParam } from './validate.js';

const replyBody = z.object({ body: z.string().trim().min(1, 'reply is empty').max(10_000, 'reply is longer than 10000 characters') });

const assignBody = z.strictObject({ agentId: z.uuid('must be a user id') });

const seesEverything = (u: SessionUser) => u.role === 'supervisor' || u.role === 'admin';

/** Agents see the conversations assigned to them; supervisors and admins see all. */
async function visibleConversation(db: Db, user: SessionUser, id: string): Promise<ConversationDto> {
  const conversation = await conversationDto(db, id);
  if (!conversation) throw notFound('conversation');
  if (!seesEverything(user) && conversation.assignedAgentId !== user.id) throw forbidden('this conversation is not assigned to you');
  return conversation;
}

/**
 * Everything the close route checks before closing, in one statement: who holds the conversation
 * (visibility), the disposition requirement (the center's switch read fresh, so a PUT
 * /api/desk/settings on any process applies to the next close) and whether a call is live.
 */
async function closeChecks(db: Db, id: string): Promise<(DispositionFacts & { assignedAgentId: string | null; liveCallState: string | null }) | undefined> {
  const row = await db
    .selectFrom('conversations as c')
    .select((eb) => [
      'c.status',
      'c.assigned_agent_id',
      eb
        .exists(eb.selectFrom('settings').select('key').where('key', '=', DISPOSITION_REQUIRED_KEY).where('value', '=', 'true'))
        .as('disposition_required'),
      eb
        .exists(eb.selectFrom('conversation_wrap_ups as w').select('w.conversation_id').whereRef('w.conversation_id', '=', 'c.id').where('w.disposition_id', 'is not', null))
        .as('has_disposition'),
      eb.exists(eb.selectFrom('dispositions').select('id').where('active', '=', true)).as('any_active_disposition'),
      eb
        .selectFrom('voice_calls as v')
        .select('v.state')
        .whereRef('v.conversation_id', '=', 'c.id')
        .where('v.state', 'in', LIVE_CALL_STATES)
        .where('v.ended_at', 'is', null)
        .limit(1)
        .as('live_call_state'),
    ])
    .where('c.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    status: row.status,
    assignedAgentId: row.assigned_agent_id,
    dispositionRequired: Boolean(row.disposition_required),
    hasDisposition: Boolean(row.has_disposition),
    anyActiveDisposition: Boolean(row.any_active_disposition),
    liveCallState: row.live_call_state,
  };
}

export function conversationsRoutes(deps: {
  db: Db;
  routing: RoutingRuntime;
  outbox: Outbox;
  events: HubEvents;
}): Router {
  const r = Router();
  const { db } = deps;

  r.get('/api/conversations', requireRole(...STAFF), async (req: Request, res: Response) => {
    const user = userOf(req);
    let q = db.selectFrom('conversations').select('id').where('status', '=', 'open');
    if (!seesEverything(user) || req.query.mine === '1') q = q.where('assigned_agent_id', '=', user.id);
    if (typeof req.query.tag === 'string' && req.query.tag) q = q.where('id', 'in', db.selectFrom('conversation_tags').select('conversation_id').where('tag', '=', normaliseTag(req.query.tag)));
    const ids = await q.orderBy('updated_at', 'desc').limit(200).execute();
    const conversations = [];
    for (const { id } of ids) {
      const c = await conversationDto(db, id);
      if (c) conversations.push(c);
    }
    res.json({ conversations });
  });

  r.get('/api/conversations/:id', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const conversation = await visibleConversation(db, userOf(req), id);
    res.json({ conversation, messages: await conversationMessages(db, id) });
  });

  r.post('/api/conversations/:id/messages', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const { body } = parse(replyBody, req.body);
    const user = userOf(req);
    await visibleConversation(db, user, id);
    const stored = await storeReply(db, id, user.id, body);
    deps.events.emit('message.created', { messageId: stored.message.id, conversationId: id, customerId: stored.customerId, direction: 'out' });
    await deps.outbox.enqueue(stored.outboxId);
    res.status(201).json({ message: await messageDto(db, stored.message.id) });
  });

  r.post('/api/conversations/:id/close', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const user = userOf(req);
    const checks = await closeChecks(db, id);
    if (!checks) throw notFound('conversation');
    if (!seesEverything(user) && checks.assignedAgentId !== user.id) throw forbidden('this conversation is not assigned to you');
    // Optional {dispositionCode, wrapUpNote}: checked before anything changes (unknown/inactive code → 400).
    const wrapUp = await resolveWrapUp(db, parse(closeWrapUpSchema, req.body ?? {}));
    requireDispositionToClose(checks, wrapUp); // when the center requires one (src/desk/wrapup.ts)
    refuseCloseForLiveCall(checks.liveCallState, id); // a live call is ended with its hang-up, which closes the conversation
    // The wrap-up first: a console that hears of the close and rereads the conversation finds it there.
    if (wrapUp) await recordWrapUp(db, id, user.id, wrapUp);
    // The runtime announces the close (consoles, the chat widget) itself, as for every close path.
    await deps.routing.closeConversation(id, { actorUserId: user.id }); // audited only if it closed
    res.json({ conversation: await conversationDto(db, id) });
  });

  r.post('/api/conversations/:id/assign', requireRole('supervisor', 'admin'), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const { agentId } = parse(assignBody, req.body);
    const result = await deps.routing.reassign(id, agentId);
    if (!result.ok) {
      const status = result.code === 'not_found' ? 404 : result.code === 'not_an_agent' ? 400 : 409;
      throw new AppError(status, result.code, result.message);
    }
    await audit(db, { actorUserId: userOf(req).id, action: 'conversation.assign', subjectType: 'conversation', subjectId: id, data: { agentId } });
    res.json({ conversation: result.value });
  });

  r.get('/api/customers/:id/timeline', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const user = userOf(req);
    const exists = await db.selectFrom('customers').select('id').where('id', '=', id).executeTakeFirst();
    if (!exists) throw notFound('customer');
    if (!seesEverything(user)) {
      const mine = await db.selectFrom('conversations').select('id').where('customer_id', '=', id).where('assigned_agent_id', '=', user.id).executeTakeFirst();
      if (!mine) throw forbidden('you have no conversation with this customer');
    }
    // ?limit= / ?before=: one page of messages across every channel, newest first (src/customers/timeline.ts).
    if (wantsTimelinePage(req.query)) {
      res.json(await timelinePage(db, id, parse(timelinePageQuery, req.query, 'query')));
      return;
    }
    const rows = await db.selectFrom('conversations').select('id').where('customer_id', '=', id).orderBy('created_at').execute();
    const conversations = [];
    for (const { id: cid } of rows) {
      const c = await conversationDto(db, cid);
      if (c) conversations.push({ ...c, messages: await conversationMessages(db, cid) });
    }
    res.json({ customer: await customerSummary(db, id), conversations });
  });

  return r;
}
