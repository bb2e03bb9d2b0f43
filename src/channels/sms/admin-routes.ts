import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { parse, requireRole, STAFF, userOf, uuidParam } from '../../api/validate.js';
import { audit } from '../../audit.js';
import type { Db } from '../../db/index.js';
import { normalizePhone } from '../../domain/identity.js';
import { AppError, forbidden, notFound } from '../../errors.js';
import { optState, optStateJson } from './store.js';

const e164 = z
  .string()
  .trim()
  .transform((v, ctx) => {
    // Business numbers are written in full international form; no default country is guessed.
    const n = v.startsWith('+') ? normalizePhone(v) : null;
    if (!n) {
      ctx.addIssue({ code: 'custom', message: 'must be a phone number in E.164 form, e.g. +15005550006' });
      return z.NEVER;
    }
    return n;
  });

export const newSmsNumberSchema = z.strictObject({ number: e164, queueId: z.uuid('must be a uuid') });

interface NumberDto {
  number: string;
  queueId: string;
  queue: string;
  createdAt: string;
}

/**
 * Admin API for the business's Twilio numbers and their queues, and the SMS
 * state of a conversation for the console (numbers, opt-out).
 */
export function smsAdminRoutes(deps: { db: Db }): Router {
  const r = Router();
  const { db } = deps;

  const list = async (number?: string): Promise<NumberDto[]> => {
    let q = db
      .selectFrom('sms_numbers')
      .innerJoin('queues', 'queues.id', 'sms_numbers.queue_id')
      .select(['sms_numbers.number', 'sms_numbers.queue_id', 'sms_numbers.created_at', 'queues.name']);
    if (number) q = q.where('sms_numbers.number', '=', number);
    const rows = await q.orderBy('sms_numbers.created_at').execute();
    return rows.map((row) => ({ number: row.number, queueId: row.queue_id, queue: row.name, createdAt: row.created_at.toISOString() }));
  };

  r.get('/api/sms/numbers', requireRole('admin'), async (_req: Request, res: Response) => {
    res.json({ numbers: await list() });
  });

  r.post('/api/sms/numbers', requireRole('admin'), async (req: Request, res: Response) => {
    const body = parse(newSmsNumberSchema, req.body);
    const queue = await db.selectFrom('queues').select(['id', 'channel']).where('id', '=', body.queueId).executeTakeFirst();
    if (!queue) throw new AppError(400, 'invalid_request', 'body.queueId: no such queue', [{ path: 'body.queueId', message: 'no such queue' }]);
    if (queue.channel !== 'sms') {
      throw new AppError(400, 'invalid_request', `body.queueId: the queue is for ${queue.channel}, not sms`, [{ path: 'body.queueId', message: `the queue is for ${queue.channel}, not sms` }]);
    }
    const inserted = await db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('sms_numbers')
        .values({ number: body.number, queue_id: body.queueId })
        .onConflict((oc) => oc.column('number').doNothing())
        .returning('number')
        .executeTakeFirst();
      if (row) await audit(tx, { actorUserId: userOf(req).id, action: 'sms_number.create', subjectType: 'sms_number', subjectId: body.number, data: { queueId: body.queueId } });
      return row;
    });
    if (!inserted) throw new AppError(409, 'number_taken', `${body.number} is already mapped to a queue; delete it first to move it`);
    res.status(201).json({ number: (await list(body.number))[0] });
  });

  r.delete('/api/sms/numbers/:number', requireRole('admin'), async (req: Request, res: Response) => {
    const { number } = parse(z.object({ number: e164 }), req.params, 'params');
    const removed = await db.transaction().execute(async (tx) => {
      const row = await tx.deleteFrom('sms_numbers').where('number', '=', number).returning(['number', 'queue_id']).executeTakeFirst();
      if (row) await audit(tx, { actorUserId: userOf(req).id, action: 'sms_number.delete', subjectType: 'sms_number', subjectId: number, data: { queueId: row.queue_id } });
      return row;
    });
    if (!removed) throw notFound('sms number');
    res.status(204).end();
  });

  // The console warns before an agent writes to a customer who opted out.
  r.get('/api/sms/conversations/:id', requireRole(...STAFF), async (req: Request, res: Response) => {
    const { id } = parse(uuidParam, req.params, 'params');
    const user = userOf(req);
    const conv = await db.selectFrom('conversations').select(['channel', 'channel_meta', 'assigned_agent_id']).where('id', '=', id).executeTakeFirst();
    if (!conv || conv.channel !== 'sms') throw notFound('sms conversation');
    if (user.role === 'agent' && conv.assigned_agent_id !== user.id) throw forbidden('this conversation is not assigned to you');
    const businessNumber = typeof conv.channel_meta.smsBusinessNumber === 'string' ? conv.channel_meta.smsBusinessNumber : null;
    const customerNumber = typeof conv.channel_meta.smsCustomerNumber === 'string' ? conv.channel_meta.smsCustomerNumber : null;
    const state = businessNumber && customerNumber ? await optState(db, customerNumber, businessNumber) : null;
    res.json({ businessNumber, customerNumber, optOut: optStateJson(state) });
  });

  return r;
}
